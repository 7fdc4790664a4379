package org.callrec.catalog;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Requests of the tests: as the operator, as a tenant key, or with no key. */
public final class Api {

    /** The operator key in src/test/resources/operator-key. */
    public static final String OPERATOR_KEY = "test-operator-key-0123456789abcdef";

    private Api() {
    }

    public static RequestSpecification operator() {
        return given().header("Authorization", "Bearer " + OPERATOR_KEY).contentType(ContentType.JSON);
    }

    public static RequestSpecification withKey(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    /** A tenant id no other test uses. */
    public static String uniqueTenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a tenant as the operator (201). */
    public static void createTenant(String id) {
        operator().body(Map.of("id", id, "name", "Tenant " + id)).post("/api/v1/tenants").then().statusCode(201);
    }

    /** Creates a key of {@code tenant} with these scopes and returns the secret. */
    public static String createKey(String tenant, String... scopes) {
        return operator().body(Map.of("scopes", List.of(scopes)))
                .post("/api/v1/tenants/" + tenant + "/keys").then().statusCode(201)
                .extract().path("key");
    }
}
