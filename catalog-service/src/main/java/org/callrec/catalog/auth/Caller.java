package org.callrec.catalog.auth;

import java.util.Set;

/**
 * Who made a request: the operator (every right, every tenant) or a tenant API key (its scopes,
 * its own tenant only).
 *
 * @param tenant the key's tenant; {@code null} for the operator
 * @param scopes the key's scopes (empty for the operator, who needs none)
 * @param keyId  the tenant key's id, for logs; {@code null} for the operator key;
 *               {@code oidc:<subject>} for an OIDC token
 */
public record Caller(String tenant, Set<Scope> scopes, String keyId) {

    /** The operator. */
    public static final Caller OPERATOR = new Caller(null, Set.of(), null);

    public boolean operator() {
        return tenant == null;
    }

    /** Whether this caller may see {@code tenantId} at all: the operator, or a key of that tenant. */
    public boolean sees(String tenantId) {
        return operator() || tenant.equals(tenantId);
    }

    /** How the {@code keyId} of a caller authenticated by an OIDC token begins (then its subject). */
    public static final String OIDC_PREFIX = "oidc:";

    /** Who this is in the audit trail: {@code operator}, {@code key:<id>} or {@code oidc:<subject>}. */
    public String actor() {
        if (keyId != null && keyId.startsWith(OIDC_PREFIX)) {
            return keyId;
        }
        return operator() ? "operator" : "key:" + keyId;
    }

    public boolean has(Scope scope) {
        return operator() || scopes.contains(scope);
    }
}
