package org.callrec.catalog.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.callrec.catalog.CatalogInfraResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Rebuilding the index from the bucket, and retention racing legal holds. */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class ReindexAndRetentionTest {

    CatalogInfraResource infra;
    Archive archive;

    @Inject
    RetentionSweeper sweeper;

    @BeforeEach
    void setUp() {
        archive = new Archive(infra);
    }

    @AfterEach
    void tearDown() {
        archive.close();
    }

    private Connection db() throws Exception {
        return DriverManager.getConnection(infra.jdbcUrl(), CatalogInfraResource.USER, CatalogInfraResource.PASSWORD);
    }

    @Test
    void reindexRebuildsALostIndexFromTheBucketHoldsIncluded() throws Exception {
        String t = uniqueTenant("rix");
        createTenant(t);
        String key = createKey(t, "recordings:read", "holds:manage");
        // written to the bucket only: no event ever announced them
        List<Archive.Stored> stored = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stored.add(archive.put(Archive.Call.of(t, Instant.parse("2026-04-01T10:00:00Z").plusSeconds(i), "7" + i, "8")
                    .segments(0.2, 0.1)));
        }
        archive.putObject(t + "/2026/04/01/garbage.json", "{\"not\":\"a recording\"}".getBytes(), "application/json");
        runReindex();
        assertThat(withKey(key).get("/api/v1/recordings").jsonPath().getList("items.id"))
                .containsExactlyInAnyOrderElementsOf(stored.stream().map(Archive.Stored::id).toList());

        withKey(key).body(Map.of("reason", "court order")).put("/api/v1/recordings/" + stored.get(1).id() + "/hold")
                .then().statusCode(200);
        // the database loses the index
        try (Connection c = db(); var s = c.createStatement()) {
            s.executeUpdate("DELETE FROM recordings WHERE tenant = '" + t + "'");
        }
        assertThat(withKey(key).get("/api/v1/recordings").jsonPath().getList("items")).isEmpty();
        Response run = runReindex();
        assertThat(run.jsonPath().getLong("skipped")).isGreaterThanOrEqualTo(1);
        assertThat(withKey(key).get("/api/v1/recordings").jsonPath().getList("items.id")).hasSize(4);
        Response hold = withKey(key).get("/api/v1/recordings/" + stored.get(1).id() + "/hold");
        assertThat(hold.jsonPath().getBoolean("held")).isTrue();
        assertThat(hold.jsonPath().getString("reason")).isEqualTo("court order");
        assertThat(withKey(key).get("/api/v1/recordings/" + stored.get(0).id() + "/hold").jsonPath()
                .getBoolean("held")).isFalse();
        assertThat(withKey(key).post("/api/v1/reindex").statusCode()).isEqualTo(403);
    }

    private Response runReindex() {
        long id = operator().post("/api/v1/reindex").then().statusCode(202).extract().jsonPath().getLong("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> !"running".equals(
                operator().get("/api/v1/reindex").jsonPath().getString("state")));
        Response r = operator().get("/api/v1/reindex");
        assertThat(r.jsonPath().getLong("id")).isEqualTo(id);
        assertThat(r.jsonPath().getString("state")).isEqualTo("done");
        return r;
    }

    @Test
    void retentionDeletesExpiredRecordingsButNeverOneWhoseHoldCommitted() throws Exception {
        String t = uniqueTenant("ret");
        createTenant(t);
        operator().body(Map.of("retentionDays", 30)).patch("/api/v1/tenants/" + t).then().statusCode(200);
        String key = createKey(t, "recordings:read", "holds:manage", "tenant:admin");
        List<Archive.Stored> old = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            old.add(archive.record(Archive.Call.of(t, Instant.now().minus(Duration.ofDays(31)).plusSeconds(i), "1", "2")
                    .segments(0.05)));
        }
        Archive.Stored young = archive.record(Archive.Call.of(t, Instant.now().minus(Duration.ofDays(29)), "1", "2")
                .segments(0.05));
        await().atMost(Duration.ofSeconds(30)).until(() -> withKey(key).get("/api/v1/recordings?limit=1000")
                .jsonPath().getList("items").size() == 41);

        // holds on every other recording, racing one sweep
        Map<String, Integer> holdAnswers = new ConcurrentHashMap<>();
        // one hold committed before the sweep starts: whatever the race does, this one must survive
        holdAnswers.put(old.get(1).id(), withKey(key).put("/api/v1/recordings/" + old.get(1).id() + "/hold")
                .statusCode());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        Future<Integer> sweep = pool.submit(() -> {
            go.await();
            return sweeper.sweep();
        });
        Future<?> holds = pool.submit(() -> {
            go.await();
            for (int i = 0; i < old.size(); i += 2) {
                String id = old.get(i).id();
                holdAnswers.put(id, withKey(key).put("/api/v1/recordings/" + id + "/hold").statusCode());
            }
            return null;
        });
        go.countDown();
        int deleted = sweep.get();
        holds.get();
        pool.shutdown();
        sweeper.sweep();

        int held = 0;
        for (Archive.Stored s : old) {
            Integer answer = holdAnswers.get(s.id());
            boolean indexed = withKey(key).get("/api/v1/recordings/" + s.id()).statusCode() == 200;
            if (answer != null && answer == 200) {
                held++;
                assertThat(indexed).as("held " + s.id()).isTrue();
                assertThat(archive.get(s.metadataKey())).as("held " + s.id()).isPresent();
                assertThat(archive.get(s.audioKeys().get(0))).as("held " + s.id()).isPresent();
            } else {
                // not held (or the hold came after the deletion: 404): expired and gone
                assertThat(answer == null || answer == 404).as("hold answer " + answer).isTrue();
                assertThat(indexed).as("expired " + s.id()).isFalse();
                assertThat(archive.get(s.metadataKey())).as("expired " + s.id()).isEmpty();
                assertThat(archive.get(s.audioKeys().get(0))).as("expired " + s.id()).isEmpty();
            }
        }
        // the sweep deleted the unheld ones; the early hold at least kept its recording (how many of the
        // racing holds came in time depends on the interleaving: each outcome was checked above)
        assertThat(deleted).isGreaterThan(0);
        assertThat(held).isGreaterThanOrEqualTo(1);
        assertThat(holdAnswers.get(old.get(1).id())).isEqualTo(200);
        assertThat(withKey(key).get("/api/v1/recordings/" + young.id()).statusCode()).isEqualTo(200);
        List<String> expired = withKey(key).get("/api/v1/audit?action=recording.expire&limit=1000").jsonPath()
                .getList("items.actor");
        assertThat(expired).hasSize(old.size() - held).containsOnly("system:retention");
    }
}
