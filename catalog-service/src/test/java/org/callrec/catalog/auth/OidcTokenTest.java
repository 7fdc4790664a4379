package org.callrec.catalog.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.callrec.catalog.CatalogInfraResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * OIDC bearer tokens beside API keys: quarkus-oidc verifies an RS256 token against the
 * provider's key (here a key pair of the test, given as {@code quarkus.oidc.public-key}); its
 * claims name the tenant and the scopes, and the same rules as for keys apply.
 */
@QuarkusTest
@TestProfile(OidcTokenTest.WithOidc.class)
@QuarkusTestResource(CatalogInfraResource.class)
class OidcTokenTest {

    static final KeyPair PROVIDER = keyPair();
    static final KeyPair STRANGER = keyPair();
    static final String ISSUER = "https://idp.example.test/realms/callrec";

    /** OIDC on, verifying with the provider's public key (no provider to call). */
    public static class WithOidc implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.oidc.tenant-enabled", "true",
                    "quarkus.oidc.public-key", Base64.getEncoder().encodeToString(PROVIDER.getPublic().getEncoded()),
                    "quarkus.oidc.token.issuer", ISSUER);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An RS256 JWT with these claims (plus iss, sub, iat, exp), signed by {@code key}. */
    static String token(PrivateKey key, Map<String, Object> claims, long expiresInSeconds) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        Map<String, Object> body = new java.util.LinkedHashMap<>(claims);
        body.putIfAbsent("iss", ISSUER);
        body.putIfAbsent("sub", "alice");
        body.put("iat", now);
        body.put("exp", now + expiresInSeconds);
        String signingInput = b64.encodeToString(json.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT")))
                + "." + b64.encodeToString(json.writeValueAsBytes(body));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(s.sign());
    }

    @Test
    void aTokensClaimsNameTheTenantAndTheScopes() throws Exception {
        String t = uniqueTenant("oidc");
        createTenant(t);
        String reader = token(PROVIDER.getPrivate(), Map.of("callrec_tenant", t, "scope", "openid recordings:read"), 300);
        assertThat(withKey(reader).get("/api/v1/recordings").statusCode()).isEqualTo(200);
        // the scope it lacks, and another tenant's resources
        assertThat(withKey(reader).get("/api/v1/tenants/" + t + "/keys").statusCode()).isEqualTo(403);
        String other = uniqueTenant("oidc");
        createTenant(other);
        assertThat(withKey(reader).get("/api/v1/tenants/" + other).statusCode()).isEqualTo(404);
        assertThat(withKey(reader).get("/api/v1/recordings?tenant=" + other).statusCode()).isEqualTo(404);

        String admin = token(PROVIDER.getPrivate(), Map.of("callrec_tenant", t, "scope",
                java.util.List.of("tenant:admin"), "sub", "bob"), 300);
        assertThat(withKey(admin).get("/api/v1/tenants/" + t + "/keys").statusCode()).isEqualTo(200);
        withKey(admin).body(Map.of("scopes", java.util.List.of("recordings:read")))
                .post("/api/v1/tenants/" + t + "/keys").then().statusCode(201);
        assertThat(withKey(admin).get("/api/v1/audit?action=key.create").jsonPath().getList("items.actor"))
                .containsExactly("oidc:bob");
    }

    @Test
    void theOperatorScopeMakesTheOperator() throws Exception {
        String op = token(PROVIDER.getPrivate(), Map.of("scope", "callrec:operator"), 300);
        assertThat(withKey(op).get("/api/v1/tenants").statusCode()).isEqualTo(200);
    }

    @Test
    void aForgedExpiredForeignOrTenantlessTokenIsRefusedAndKeysStillWork() throws Exception {
        String t = uniqueTenant("oidc");
        createTenant(t);
        Map<String, Object> claims = Map.of("callrec_tenant", t, "scope", "recordings:read");
        assertThat(withKey(token(STRANGER.getPrivate(), claims, 300)).get("/api/v1/recordings").statusCode())
                .isEqualTo(401);
        assertThat(withKey(token(PROVIDER.getPrivate(), claims, -600)).get("/api/v1/recordings").statusCode())
                .isEqualTo(401);
        assertThat(withKey(token(PROVIDER.getPrivate(), Map.of("callrec_tenant", t, "scope", "recordings:read",
                "iss", "https://evil.example"), 300)).get("/api/v1/recordings").statusCode()).isEqualTo(401);
        assertThat(withKey(token(PROVIDER.getPrivate(), Map.of("scope", "recordings:read"), 300))
                .get("/api/v1/recordings").statusCode()).isEqualTo(401);
        assertThat(withKey("a.b.c").get("/api/v1/recordings").statusCode()).isEqualTo(401);
        assertThat(withKey(createKey(t, "recordings:read")).get("/api/v1/recordings").statusCode()).isEqualTo(200);
    }
}
