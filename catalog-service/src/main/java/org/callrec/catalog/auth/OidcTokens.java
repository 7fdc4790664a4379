package org.callrec.catalog.auth;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.config.CatalogConfig;
import org.callrec.core.registry.TenantIds;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * OIDC bearer tokens, when {@code quarkus.oidc.tenant-enabled=true}: quarkus-oidc verifies the
 * token (signature, issuer, expiry, audience as configured); this maps its claims to a
 * {@link Caller}: the tenant from {@code catalog.oidc.tenant-claim}, the scopes from
 * {@code catalog.oidc.scopes-claim} (space-separated text or an array; names that are not scopes
 * are ignored), the operator when the scopes hold {@code catalog.oidc.operator-scope}. A token
 * with neither a tenant nor the operator scope is refused.
 */
@ApplicationScoped
public class OidcTokens {

    @Inject
    CurrentIdentityAssociation identities;
    @Inject
    CatalogConfig config;

    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
    boolean enabled;

    /** Whether OIDC tokens are accepted at all. */
    public boolean enabled() {
        return enabled;
    }

    /** The caller the current request's verified token stands for; empty for no valid token. */
    Optional<Caller> authenticate() {
        SecurityIdentity identity;
        try {
            identity = identities.getDeferredIdentity().await().atMost(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Optional.empty();
        }
        CatalogConfig.Oidc c = config.oidc();
        List<String> granted = strings(jwt.getClaim(c.scopesClaim()));
        String subject = Caller.OIDC_PREFIX + (jwt.getSubject() == null ? "?" : jwt.getSubject());
        if (granted.contains(c.operatorScope())) {
            return Optional.of(new Caller(null, Set.of(), subject));
        }
        Object t = jwt.getClaim(c.tenantClaim());
        String tenant = t == null ? null : t.toString().replace("\"", "");
        if (tenant == null || !TenantIds.isValid(tenant)) {
            return Optional.empty();
        }
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        granted.forEach(g -> Scope.of(g).ifPresent(scopes::add));
        return Optional.of(new Caller(tenant, Set.copyOf(scopes), subject));
    }

    private static List<String> strings(Object claim) {
        if (claim == null) {
            return List.of();
        }
        if (claim instanceof Collection<?> many) {
            return many.stream().map(o -> o.toString().replace("\"", "")).toList();
        }
        if (claim instanceof jakarta.json.JsonArray array) {
            return array.stream().map(v -> v.toString().replace("\"", "")).toList();
        }
        return List.of(claim.toString().replace("\"", "").strip().split("\\s+"));
    }
}
