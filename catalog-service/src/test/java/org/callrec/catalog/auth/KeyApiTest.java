package org.callrec.catalog.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import org.callrec.catalog.CatalogInfraResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class KeyApiTest {

    @Test
    void aKeyIsShownOnceWorksAndStopsWorkingWhenRevoked() {
        String t = uniqueTenant("keys");
        createTenant(t);
        Response created = operator().body(Map.of("scopes", List.of("tenant:admin", "recordings:read")))
                .post("/api/v1/tenants/" + t + "/keys");
        created.then().statusCode(201)
                .header("Cache-Control", "no-store")
                .body("id", startsWith("key_"))
                .body("key", startsWith("crk_"))
                .body("scopes", equalTo(List.of("recordings:read", "tenant:admin")))
                .body("createdAt", notNullValue());
        String id = created.path("id");
        String key = created.path("key");

        // the key works for its tenant; a tenant admin may manage its own keys and devices
        withKey(key).get("/api/v1/tenants/" + t).then().statusCode(200);
        withKey(key).body(Map.of("label", "own")).put("/api/v1/tenants/" + t + "/devices/0c383ebb0001").then().statusCode(201);
        String second = withKey(key).body(Map.of("scopes", List.of("audio:listen")))
                .post("/api/v1/tenants/" + t + "/keys").then().statusCode(201).extract().path("id");

        // the list has no secret
        Response list = withKey(key).get("/api/v1/tenants/" + t + "/keys");
        list.then().statusCode(200).body("id", hasItem(id)).body("id", hasItem(second));
        assertThat(list.asString()).doesNotContain(key).doesNotContain("\"key\"");

        // revoked: 401 from then on; a second revoke: 404
        operator().delete("/api/v1/tenants/" + t + "/keys/" + id).then().statusCode(204);
        withKey(key).get("/api/v1/tenants/" + t).then().statusCode(401);
        operator().delete("/api/v1/tenants/" + t + "/keys/" + id).then().statusCode(404);
        operator().get("/api/v1/tenants/" + t + "/keys").then().body("id", not(hasItem(id)));
    }

    @Test
    void scopesAreValidated() {
        String t = uniqueTenant("scopes");
        createTenant(t);
        operator().body(Map.of("scopes", List.of("tenant:admin", "everything"))).post("/api/v1/tenants/" + t + "/keys")
                .then().statusCode(400).body("errors[0].field", equalTo("scopes[1]"));
        operator().body(Map.of("scopes", List.of())).post("/api/v1/tenants/" + t + "/keys").then().statusCode(400);
        operator().body(Map.of("scopes", List.of("tenant:admin"), "expires", "never"))
                .post("/api/v1/tenants/" + t + "/keys").then().statusCode(400);
        operator().get("/api/v1/tenants/" + t + "/keys").then().body("size()", equalTo(0));
        operator().body(Map.of("scopes", List.of("tenant:admin"))).post("/api/v1/tenants/nope-" + t + "/keys")
                .then().statusCode(404);
    }
}
