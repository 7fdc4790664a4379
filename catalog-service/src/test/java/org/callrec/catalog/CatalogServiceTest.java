package org.callrec.catalog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import org.callrec.catalog.registry.OutboxPublisher;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The service as an operator sees it: health, metrics, OpenAPI and Swagger UI, body limits, one publisher. */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class CatalogServiceTest {

    CatalogInfraResource infra;

    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;

    @TestHTTPResource(value = "/metrics", management = true)
    URI metrics;

    @TestHTTPResource(value = "/health/live", management = true)
    URI live;

    @Test
    void readinessCoversTheDatabaseAndThePublisherAndTheKafkaChannelsOnlyLiveness() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get(ready).then().statusCode(200)
                        .body("checks.name", hasItems("registry-publisher"))
                        .body(containsString("Database connections health check")));
        // a Kafka outage must not take the catalog's API out of its Service: channels are liveness only
        String readiness = given().get(ready).then().extract().asString();
        String liveness = given().get(live).then().statusCode(200).extract().asString();
        for (String channel : new String[] {"registry-out", "completed-in", "activity-in", "recordings-in"}) {
            assertThat(readiness).doesNotContain(channel);
            assertThat(liveness).contains(channel);
        }
    }

    @Test
    void metricsAreOnTheManagementPort() {
        given().get("/api/v1/tenants").then().statusCode(401);
        given().get(metrics).then().statusCode(200)
                .body(containsString("callrec_catalog_auth_failures_total"))
                .body(containsString("callrec_catalog_registry_publisher_leader"))
                .body(containsString("callrec_catalog_registry_outbox_rows"));
    }

    @Test
    void openApiAndSwaggerUiAreServed() {
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/tenants/{tenant}/keys"))
                .body(containsString("/api/v1/tenants/{tenant}/usage"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void aBodyOverTheLimitIsRefused() {
        // the test profile allows 1 MiB
        String big = "mac\n" + "0c383e000001\n".repeat(90_000);
        given().header("Authorization", "Bearer " + Api.OPERATOR_KEY).contentType("text/csv").body(big)
                .post("/api/v1/tenants/default/devices").then().statusCode(413);
    }

    @Test
    void onlyOneReplicaHoldsThePublisherLock() throws Exception {
        // this service took the lock; a second "replica" (another session) cannot
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get(ready).then().body("checks.find { it.name == 'registry-publisher' }.data.leader", equalTo(true)));
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), CatalogInfraResource.USER,
                CatalogInfraResource.PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            s.setLong(1, OutboxPublisher.LOCK_ID);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getBoolean(1)).isFalse();
            }
        }
    }
}
