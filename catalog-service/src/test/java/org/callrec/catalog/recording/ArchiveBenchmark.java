package org.callrec.catalog.recording;

import static org.awaitility.Awaitility.await;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.withKey;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.callrec.catalog.CatalogInfraResource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Figures of BENCHMARKS.md ("Recordings archive"), printed, never asserted: search latency over
 * the HTTP API with {@code callrec.bench.rows} recordings in the index (seeded by SQL in the
 * shape the indexer writes, across 20 tenants), index throughput from the completion topic, and
 * reindex rate from the bucket. Runs only when asked:
 * <pre>
 *   ./mvnw -pl catalog-service test -Dtest=ArchiveBenchmark -Dcallrec.bench=true [-Dcallrec.bench.rows=1000000]
 * </pre>
 */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class ArchiveBenchmark {

    CatalogInfraResource infra;

    @Test
    void figures() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("callrec.bench"), "a benchmark: -Dcallrec.bench=true");
        int rows = Integer.getInteger("callrec.bench.rows", 1_000_000);
        int docs = Integer.getInteger("callrec.bench.docs", 2000);
        String tenant = "bench-a";
        createTenant(tenant);
        for (int t = 1; t < 20; t++) {
            createTenant("bench-" + (char) ('a' + t));
        }
        String key = createKey(tenant, "recordings:read");

        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), CatalogInfraResource.USER,
                CatalogInfraResource.PASSWORD); PreparedStatement s = c.prepareStatement(
                "INSERT INTO recordings (id, tenant, bucket, metadata_key, audio_keys, segment_bytes, device, direction, "
                + "local_number, remote_number, codec, started_at, ended_at, duration_seconds, stop_reason, intact, "
                + "audio_bytes, metadata) SELECT 'seed-' || g, 'bench-' || chr(97 + g % 20), 'recordings', "
                + "'k/' || g || '.json', ARRAY['k/' || g || '.wav'], ARRAY[480044::bigint], "
                + "'0c:38:3e:00:' || lpad(to_hex((g / 256) % 256), 2, '0') || ':' || lpad(to_hex(g % 256), 2, '0'), "
                + "CASE WHEN g % 2 = 0 THEN 'in' ELSE 'out' END, (200 + g % 500)::text, '+4930' || (g % 100000), "
                + "'PCMA', timestamptz '2026-01-01' + g * interval '30 seconds', "
                + "timestamptz '2026-01-01' + g * interval '30 seconds' + interval '60 seconds', 60 + g % 600, "
                + "'stop-request', g % 50 <> 0, 480044, '{}'::jsonb FROM generate_series(1, ?) g")) {
            s.setInt(1, rows);
            s.executeUpdate();
            try (var a = c.createStatement()) {
                a.execute("ANALYZE recordings");
            }
        }
        System.out.printf("ARCHIVE-BENCH seeded=%d seconds=%.1f%n", rows, (System.nanoTime() - t0) / 1e9);

        String[] queries = {
            "/api/v1/recordings?limit=100",
            "/api/v1/recordings?limit=100&number=%2B4930777",
            "/api/v1/recordings?limit=100&number=250",
            "/api/v1/recordings?limit=100&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z",
            "/api/v1/recordings?limit=100&device=0c:38:3e:00:12:34",
            "/api/v1/recordings?limit=100&minDuration=600&direction=in",
            "/api/v1/recordings?limit=100&intact=false",
        };
        for (String q : queries) {
            for (int i = 0; i < 20; i++) {
                withKey(key).get(q).then().statusCode(200);
            }
            long[] ns = new long[200];
            for (int i = 0; i < ns.length; i++) {
                long a = System.nanoTime();
                withKey(key).get(q).then().statusCode(200);
                ns[i] = System.nanoTime() - a;
            }
            Arrays.sort(ns);
            System.out.printf("ARCHIVE-BENCH search %s p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f%n", q,
                    ns[ns.length / 2] / 1e6, ns[ns.length * 95 / 100] / 1e6, ns[ns.length * 99 / 100] / 1e6);
        }
        // deep pages: follow the cursor 50 pages in
        String cursor = null;
        long deep = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            cursor = withKey(key).get("/api/v1/recordings?limit=100" + (cursor == null ? "" : "&cursor=" + cursor))
                    .jsonPath().getString("next");
        }
        System.out.printf("ARCHIVE-BENCH cursor 50 pages mean_ms=%.1f%n", (System.nanoTime() - deep) / 1e6 / 50);

        // index throughput: documents in the bucket, then their events at once
        String it = "bench-idx";
        createTenant(it);
        String ikey = createKey(it, "recordings:read");
        List<Archive.Stored> stored = new ArrayList<>();
        try (Archive archive = new Archive(infra)) {
            for (int i = 0; i < docs; i++) {
                stored.add(archive.put(Archive.Call.of(it, Instant.parse("2026-11-01T00:00:00Z").plusSeconds(i), "1", "2")
                        .segments(0.01)));
            }
            long a = System.nanoTime();
            for (Archive.Stored s : stored) {
                archive.publish(s);
            }
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() -> count(it) == docs);
            double sec = (System.nanoTime() - a) / 1e9;
            System.out.printf("ARCHIVE-BENCH index events=%d seconds=%.1f per_second=%.0f%n", docs, sec, docs / sec);
        }
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), CatalogInfraResource.USER,
                CatalogInfraResource.PASSWORD); var s = c.createStatement()) {
            s.executeUpdate("DELETE FROM recordings WHERE tenant = '" + it + "'");
        }
        long r0 = System.nanoTime();
        operator().post("/api/v1/reindex").then().statusCode(202);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() -> !"running".equals(
                operator().get("/api/v1/reindex").jsonPath().getString("state")));
        double rs = (System.nanoTime() - r0) / 1e9;
        long scanned = operator().get("/api/v1/reindex").jsonPath().getLong("scanned");
        System.out.printf("ARCHIVE-BENCH reindex documents=%d seconds=%.1f per_second=%.0f indexed_back=%d%n", scanned,
                rs, scanned / rs, count(it));
        withKey(ikey).get("/api/v1/recordings").then().statusCode(200);
    }

    private long count(String tenant) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), CatalogInfraResource.USER,
                CatalogInfraResource.PASSWORD); var s = c.prepareStatement("SELECT count(*) FROM recordings WHERE tenant = ?")) {
            s.setString(1, tenant);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
