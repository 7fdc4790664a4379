package org.callrec.catalog.tenant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.callrec.catalog.CatalogInfraResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class TenantApiTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void createsATenantWithDefaultsAndReadsItBack() {
        String id = uniqueTenant("acme");
        // Create: 201, Location, ETag, the defaults filled in
        Response created = operator().body(Map.of("id", id, "name", "Acme", "allowedNetworks", List.of("10.1.0.0/16"),
                        "limits", Map.of("concurrentRecordings", 30), "retentionDays", 90))
                .post("/api/v1/tenants");
        created.then().statusCode(201)
                .header("Location", containsString("/api/v1/tenants/" + id))
                .header("ETag", notNullValue())
                .body("id", equalTo(id))
                .body("status", equalTo("active"))
                .body("allowedNetworks", contains("10.1.0.0/16"))
                .body("limits.concurrentRecordings", equalTo(30))
                .body("limits.maxRecordingSeconds", nullValue())
                .body("retentionDays", equalTo(90))
                .body("placement.bucket", nullValue())
                .body("unknownDevices", equalTo("refuse"))
                .body("createdAt", notNullValue());

        // Read: same representation and ETag
        operator().get("/api/v1/tenants/" + id).then().statusCode(200)
                .header("ETag", equalTo(created.header("ETag")))
                .body("name", equalTo("Acme"));

        // A second create of the same id: 409
        operator().body(Map.of("id", id, "name", "again")).post("/api/v1/tenants").then().statusCode(409)
                .contentType(PROBLEM).body("type", equalTo("urn:callrec:problem:tenant-exists"));
    }

    @Test
    void theDefaultTenantIsSeededAcceptingAnyDevice() {
        operator().get("/api/v1/tenants/default").then().statusCode(200)
                .body("name", equalTo("Default"))
                .body("unknownDevices", equalTo("accept"))
                .body("allowedNetworks.size()", equalTo(0));
    }

    @Test
    void badInputIsAProblemAndNothingIsStored() {
        // a slug that would need sanitising
        operator().body(Map.of("id", "Acme_Corp", "name", "x")).post("/api/v1/tenants").then().statusCode(400)
                .contentType(PROBLEM)
                .body("type", equalTo("urn:callrec:problem:validation"))
                .body("status", equalTo(400))
                .body("errors.field", hasItem("id"));
        operator().get("/api/v1/tenants/Acme_Corp").then().statusCode(404);

        // a bad CIDR, a bad bucket, an unsafe prefix, a limit of 0: all listed at once
        String id = uniqueTenant("bad");
        operator().body(Map.of("id", id, "allowedNetworks", List.of("10.0.0.0/33"), "limits",
                        Map.of("concurrentRecordings", 0), "placement", Map.of("bucket", "Not_A_Bucket", "prefix", "a/../b")))
                .post("/api/v1/tenants").then().statusCode(400)
                .body("errors.field", contains("allowedNetworks[0]", "limits.concurrentRecordings",
                        "placement.bucket", "placement.prefix"));
        // an unknown field
        operator().body(Map.of("id", id, "colour", "blue")).post("/api/v1/tenants").then().statusCode(400)
                .body("errors[0].field", equalTo("colour"))
                .body("errors[0].message", equalTo("unknown field"));
        // not JSON
        operator().body("{\"id\":").post("/api/v1/tenants").then().statusCode(400)
                .contentType(PROBLEM).body("type", equalTo("urn:callrec:problem:malformed-body"));
        operator().get("/api/v1/tenants/" + id).then().statusCode(404)
                .body("type", equalTo("urn:callrec:problem:not-found"));
    }

    @Test
    void mergePatchHonoursIfMatch() {
        String id = uniqueTenant("patch");
        createTenant(id);
        String etag = operator().get("/api/v1/tenants/" + id).header("ETag");

        // application/merge-patch+json with the current ETag: applied, new ETag
        Response patched = operator().contentType("application/merge-patch+json").header("If-Match", etag)
                .body("{\"status\":\"suspended\",\"limits\":{\"maxRecordingSeconds\":3600},\"placement\":{\"prefix\":\"acme/rec\"}}")
                .patch("/api/v1/tenants/" + id);
        patched.then().statusCode(200)
                .body("status", equalTo("suspended"))
                .body("limits.maxRecordingSeconds", equalTo(3600))
                .body("limits.concurrentRecordings", nullValue())
                .body("placement.prefix", equalTo("acme/rec"));
        assertThat(patched.header("ETag")).isNotEqualTo(etag);

        // the old ETag no longer matches: 412, nothing changed
        operator().header("If-Match", etag).body("{\"name\":\"Stale\"}").patch("/api/v1/tenants/" + id)
                .then().statusCode(412).body("type", equalTo("urn:callrec:problem:precondition-failed"));
        // null removes (back to the default); plain application/json is accepted too
        operator().body("{\"placement\":null,\"name\":\"Renamed\"}").patch("/api/v1/tenants/" + id)
                .then().statusCode(200).body("placement.prefix", nullValue()).body("name", equalTo("Renamed"));
        // unknown member and read-only id
        operator().body("{\"nickname\":\"x\"}").patch("/api/v1/tenants/" + id).then().statusCode(400);
        operator().body("{\"id\":\"other\"}").patch("/api/v1/tenants/" + id).then().statusCode(400);
        operator().body("{\"allowedNetworks\":[\"not-a-network\"]}").patch("/api/v1/tenants/" + id)
                .then().statusCode(400).body("errors[0].field", equalTo("allowedNetworks[0]"));
        operator().get("/api/v1/tenants/" + id).then().body("allowedNetworks.size()", equalTo(0));
    }

    @Test
    void listsTenantsWithACursor() {
        List<String> mine = new ArrayList<>();
        String prefix = uniqueTenant("page");
        for (int i = 0; i < 5; i++) {
            mine.add(prefix + "-" + i);
            createTenant(prefix + "-" + i);
        }
        // walk every page of 2 and collect what we created
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var spec = operator().queryParam("limit", 2);
            if (cursor != null) {
                spec = spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/api/v1/tenants");
            page.then().statusCode(200);
            List<String> ids = page.path("items.id");
            assertThat(ids).hasSizeLessThanOrEqualTo(2);
            seen.addAll(ids);
            cursor = page.path("next");
            pages++;
        } while (cursor != null && pages < 10_000);
        assertThat(seen).containsSubsequence(mine).doesNotHaveDuplicates().isSorted();

        operator().queryParam("limit", 0).get("/api/v1/tenants").then().statusCode(400);
        operator().queryParam("limit", "abc").get("/api/v1/tenants").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        operator().queryParam("cursor", "%%%").get("/api/v1/tenants").then().statusCode(400);
    }

    @Test
    void deleteRemovesDevicesAndKeys() {
        String id = uniqueTenant("gone");
        createTenant(id);
        operator().body(Map.of("label", "desk")).put("/api/v1/tenants/" + id + "/devices/0c383e000001").then().statusCode(201);
        String key = createKey(id, "tenant:admin");

        operator().delete("/api/v1/tenants/" + id).then().statusCode(204);
        operator().get("/api/v1/tenants/" + id).then().statusCode(404);
        // the device is free for another tenant, the key is gone
        String other = uniqueTenant("heir");
        createTenant(other);
        operator().body(Map.of("label", "desk")).put("/api/v1/tenants/" + other + "/devices/0c383e000001").then().statusCode(201);
        withKey(key).get("/api/v1/tenants/" + id).then().statusCode(401);
        operator().delete("/api/v1/tenants/" + id).then().statusCode(404);
    }

    @Test
    void authentication() {
        // no key, a bad key, a non-bearer header: 401 problem with a challenge
        given().get("/api/v1/tenants").then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("type", equalTo("urn:callrec:problem:unauthorized"));
        given().header("Authorization", "Bearer not-the-key-0123456789").get("/api/v1/tenants").then().statusCode(401);
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/api/v1/tenants").then().statusCode(401);
    }

    @Test
    void aTenantKeySeesOnlyItsOwnTenantAndOnlyItsMembers() {
        String a = uniqueTenant("keya");
        String b = uniqueTenant("keyb");
        createTenant(a);
        createTenant(b);
        String adminA = createKey(a, "tenant:admin");
        String readerA = createKey(a, "recordings:read");

        // its own tenant: readable; another tenant's: 404 like one that does not exist
        withKey(adminA).get("/api/v1/tenants/" + a).then().statusCode(200);
        withKey(adminA).get("/api/v1/tenants/" + b).then().statusCode(404);
        withKey(adminA).get("/api/v1/tenants/" + b + "/devices").then().statusCode(404);
        withKey(adminA).get("/api/v1/tenants/" + b + "/keys").then().statusCode(404);
        // operator-only endpoints
        withKey(adminA).get("/api/v1/tenants").then().statusCode(403);
        withKey(adminA).body(Map.of("id", uniqueTenant("new"))).post("/api/v1/tenants").then().statusCode(403);
        withKey(adminA).delete("/api/v1/tenants/" + a).then().statusCode(403);
        // a key without tenant:admin
        withKey(readerA).get("/api/v1/tenants/" + a).then().statusCode(403);

        // its own members: name, networks, unknown-device policy; not status, limits, placement, retention
        withKey(adminA).body("{\"name\":\"Mine\",\"allowedNetworks\":[\"192.0.2.0/24\"],\"unknownDevices\":\"accept\"}")
                .patch("/api/v1/tenants/" + a).then().statusCode(200).body("name", equalTo("Mine"));
        for (String body : List.of("{\"status\":\"suspended\"}", "{\"limits\":{\"concurrentRecordings\":999}}",
                "{\"placement\":{\"bucket\":\"other-bucket\"}}", "{\"retentionDays\":3650}")) {
            withKey(adminA).body(body).patch("/api/v1/tenants/" + a).then().statusCode(403)
                    .body("type", equalTo("urn:callrec:problem:forbidden"));
        }
        operator().get("/api/v1/tenants/" + a).then().body("status", equalTo("active"));
    }

    @Test
    void openApiIsServed() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/tenants/{tenant}/devices"));
    }
}
