package org.callrec.catalog.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.callrec.catalog.CatalogInfraResource;
import org.callrec.catalog.db.Db;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** {@code /api/v1/tenants/{tenant}/webhooks}: who may do what, the secret shown once, the rules, the audit trail. */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class WebhookApiTest {

    private static final String URL = "https://hooks.example.com/callrec";

    @Inject
    Db db;

    private static String base(String t) {
        return "/api/v1/tenants/" + t + "/webhooks";
    }

    @Test
    void createReadChangeDeleteWithTheSecretShownOnce() {
        String t = uniqueTenant("wh");
        createTenant(t);
        String admin = createKey(t, "tenant:admin");
        Response created = withKey(admin).body(Map.of("url", URL, "events", List.of("recording.deleted", "recording.completed")))
                .post(base(t));
        created.then().statusCode(201)
                .header("Cache-Control", "no-store")
                .header("ETag", notNullValue())
                .body("id", matchesPattern("wh_[0-9a-f]{16}"))
                .body("secret", matchesPattern("whsec_[A-Za-z0-9_-]{43}"))
                .body("tenant", equalTo(t))
                .body("url", equalTo(URL))
                .body("events", equalTo(List.of("recording.completed", "recording.deleted")))
                .body("enabled", equalTo(true))
                .body("createdAt", notNullValue());
        String id = created.path("id");
        String secret = created.path("secret");
        assertThat(created.header("Location")).endsWith(base(t) + "/" + id);

        // never again: not in the list, not in a read, not in the audit trail
        Response list = withKey(admin).get(base(t));
        list.then().statusCode(200).body("items.id", equalTo(List.of(id))).body("next", nullValue());
        assertThat(list.asString()).doesNotContain(secret).doesNotContain("\"secret\"");
        Response read = operator().get(base(t) + "/" + id);
        read.then().statusCode(200).body("url", equalTo(URL)).body("secret", nullValue()).body("version", nullValue());
        String etag = read.header("ETag");

        // merge patch: only what it names changes
        Response patched = withKey(admin).contentType("application/merge-patch+json")
                .body(Map.of("enabled", false, "events", List.of("recording.deleted"))).patch(base(t) + "/" + id);
        patched.then().statusCode(200).body("enabled", equalTo(false)).body("url", equalTo(URL))
                .body("events", equalTo(List.of("recording.deleted"))).body("secret", nullValue());
        assertThat(patched.header("ETag")).isNotEqualTo(etag);
        // the old version no longer matches
        withKey(admin).header("If-Match", etag).body(Map.of("enabled", true)).patch(base(t) + "/" + id)
                .then().statusCode(412);
        withKey(admin).body(Map.of("url", "https://other.example.com/in")).patch(base(t) + "/" + id)
                .then().statusCode(200).body("url", equalTo("https://other.example.com/in")).body("enabled", equalTo(false));
        Map<String, Object> nullEnabled = new HashMap<>();
        nullEnabled.put("enabled", null);
        withKey(admin).body(nullEnabled).patch(base(t) + "/" + id).then().statusCode(200).body("enabled", equalTo(true));

        withKey(admin).delete(base(t) + "/" + id).then().statusCode(204);
        withKey(admin).get(base(t) + "/" + id).then().statusCode(404);
        withKey(admin).delete(base(t) + "/" + id).then().statusCode(404);
        withKey(admin).get(base(t)).then().statusCode(200).body("items.id", not(hasItem(id)));

        // each change in the audit trail, by who made it, without the secret
        List<String> audit = audit(t);
        assertThat(audit).containsExactly(
                "webhook.create key " + id, "webhook.update key " + id, "webhook.update key " + id,
                "webhook.update key " + id, "webhook.delete key " + id);
        assertThat(String.join("\n", auditDetails(t))).doesNotContain(secret).contains("\"changed\": [\"url\"]");
    }

    @Test
    void anotherTenantsWebhookIsNotFoundAndAKeyWithoutTenantAdminIsForbidden() {
        String a = uniqueTenant("wha");
        String b = uniqueTenant("whb");
        createTenant(a);
        createTenant(b);
        String id = operator().body(Map.of("url", URL, "events", List.of("recording.completed")))
                .post(base(a)).then().statusCode(201).extract().path("id");
        String adminB = createKey(b, "tenant:admin");

        // b's admin: a's tenant and a's webhook under b's path are both 404
        withKey(adminB).get(base(a)).then().statusCode(404);
        withKey(adminB).get(base(a) + "/" + id).then().statusCode(404);
        withKey(adminB).get(base(b) + "/" + id).then().statusCode(404);
        withKey(adminB).body(Map.of("enabled", false)).patch(base(b) + "/" + id).then().statusCode(404);
        withKey(adminB).delete(base(b) + "/" + id).then().statusCode(404);
        withKey(adminB).get(base(b) + "/" + id + "/deliveries").then().statusCode(404);
        operator().get(base(b) + "/" + id).then().statusCode(404);

        // a key of a without tenant:admin: 403 for everything
        String reader = createKey(a, "recordings:read", "holds:manage");
        withKey(reader).get(base(a)).then().statusCode(403);
        withKey(reader).get(base(a) + "/" + id).then().statusCode(403);
        withKey(reader).body(Map.of("url", URL, "events", List.of("recording.completed"))).post(base(a)).then().statusCode(403);
        withKey(reader).body(Map.of("enabled", false)).patch(base(a) + "/" + id).then().statusCode(403);
        withKey(reader).delete(base(a) + "/" + id).then().statusCode(403);
        withKey(reader).get(base(a) + "/" + id + "/deliveries").then().statusCode(403);
        io.restassured.RestAssured.given().get(base(a)).then().statusCode(401);

        operator().get(base(a) + "/" + id).then().statusCode(200).body("enabled", equalTo(true));
        // a tenant that does not exist
        operator().body(Map.of("url", URL, "events", List.of("recording.completed")))
                .post(base("nope-" + a)).then().statusCode(404);
        operator().get(base("nope-" + a)).then().statusCode(404);
    }

    @Test
    void bodiesAreValidated() {
        String t = uniqueTenant("whv");
        createTenant(t);
        List<String> ev = List.of("recording.completed");
        operator().body(Map.of("url", "ftp://example.com/", "events", ev)).post(base(t))
                .then().statusCode(400).body("errors[0].field", equalTo("url"));
        operator().body(Map.of("url", "https://u:p@example.com/", "events", ev)).post(base(t))
                .then().statusCode(400).body("errors[0].field", equalTo("url"));
        operator().body(Map.of("url", "https://example.com/" + "a".repeat(2040), "events", ev)).post(base(t))
                .then().statusCode(400).body("errors[0].field", equalTo("url"));
        operator().body(Map.of("events", ev)).post(base(t)).then().statusCode(400).body("errors[0].field", equalTo("url"));
        operator().body(Map.of("url", URL, "events", List.of())).post(base(t))
                .then().statusCode(400).body("errors[0].field", equalTo("events"));
        operator().body(Map.of("url", URL)).post(base(t)).then().statusCode(400).body("errors[0].field", equalTo("events"));
        operator().body(Map.of("url", URL, "events", List.of("recording.completed", "recording.played"))).post(base(t))
                .then().statusCode(400).body("errors[0].field", equalTo("events[1]"));
        operator().body(Map.of("url", URL, "events", ev, "secret", "mine")).post(base(t))
                .then().statusCode(400).body("errors[0].field", equalTo("secret"));
        operator().get(base(t)).then().body("items.size()", equalTo(0));

        String id = operator().body(Map.of("url", URL, "events", ev, "enabled", false)).post(base(t))
                .then().statusCode(201).body("enabled", equalTo(false)).extract().path("id");
        operator().body(Map.of("events", List.of())).patch(base(t) + "/" + id).then().statusCode(400);
        operator().body(Map.of("url", "not a url")).patch(base(t) + "/" + id).then().statusCode(400);
        operator().body(Map.of("enabled", "yes")).patch(base(t) + "/" + id).then().statusCode(400);
        operator().body(Map.of("secret", "x")).patch(base(t) + "/" + id).then().statusCode(400);
        Map<String, Object> nullUrl = new HashMap<>();
        nullUrl.put("url", null);
        operator().body(nullUrl).patch(base(t) + "/" + id).then().statusCode(400);
        operator().get(base(t) + "/" + id + "/deliveries?limit=0").then().statusCode(400);
        operator().get(base(t) + "/" + id + "/deliveries?cursor=!!").then().statusCode(400);
        operator().get(base(t) + "/" + id + "/deliveries?cursor=" + org.callrec.catalog.api.Page.cursor("abc"))
                .then().statusCode(400);
        // nothing of that changed it
        operator().get(base(t) + "/" + id).then().body("url", equalTo(URL)).body("events", equalTo(ev));
        assertThat(audit(t)).containsExactly("webhook.create operator " + id);
    }

    @Test
    void aTenantHasAtMostMaxPerTenantWebhooks() {
        String t = uniqueTenant("whm");
        createTenant(t);
        for (int i = 0; i < 20; i++) { // catalog.webhooks.max-per-tenant
            operator().body(Map.of("url", URL + "/" + i, "events", List.of("recording.completed"))).post(base(t))
                    .then().statusCode(201);
        }
        operator().body(Map.of("url", URL, "events", List.of("recording.completed"))).post(base(t))
                .then().statusCode(409).body("type", equalTo("urn:callrec:problem:too-many-webhooks"));
        operator().get(base(t)).then().body("items.size()", equalTo(20));
    }

    private List<String> audit(String tenant) {
        return query("SELECT action || ' ' || split_part(actor, ':', 1) || ' ' || target FROM audit_log "
                + "WHERE tenant = ? AND action LIKE 'webhook.%' ORDER BY seq", tenant);
    }

    private List<String> auditDetails(String tenant) {
        return query("SELECT detail::text FROM audit_log WHERE tenant = ? AND action LIKE 'webhook.%' ORDER BY seq", tenant);
    }

    private List<String> query(String sql, String tenant) {
        return db.inTransaction(tx -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = tx.connection().prepareStatement(sql)) {
                s.setString(1, tenant);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
            }
            return out;
        });
    }
}
