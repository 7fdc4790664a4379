package org.callrec.catalog.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.callrec.catalog.CatalogInfraResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The recordings API over a real PostgreSQL, Kafka and S3: recordings enter the index from their
 * completion events, are found, played, downloaded, held and deleted, and another tenant's key
 * gets 404 for every one of them.
 */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class RecordingsApiTest {

    static final String[] ALL = {"recordings:read", "audio:listen", "audio:download", "recordings:delete",
        "holds:manage", "tenant:admin"};

    CatalogInfraResource infra;
    Archive archive;
    String tenant;
    String key;

    @BeforeEach
    void setUp() {
        archive = new Archive(infra);
        tenant = uniqueTenant("rec");
        createTenant(tenant);
        key = createKey(tenant, ALL);
    }

    @AfterEach
    void tearDown() {
        archive.close();
    }

    private void awaitIndexed(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> withKey(key).get("/api/v1/recordings/" + id).statusCode() == 200);
    }

    private Archive.Stored recorded(Archive.Call call) throws Exception {
        Archive.Stored s = archive.record(call);
        awaitIndexed(s.id());
        return s;
    }

    @Test
    void aCompletionEventPutsTheRecordingInTheIndexOnceAndItsMetadataIsServed() throws Exception {
        Archive.Stored s = recorded(Archive.Call.of(tenant, Instant.parse("2026-05-01T10:00:00Z"), "201", "+4930123"));
        archive.publish(s);
        archive.publishRaw("junk", "not json");
        Archive.Stored marker = recorded(Archive.Call.of(tenant, Instant.parse("2026-05-01T10:00:01Z"), "202", "9"));

        Response list = withKey(key).get("/api/v1/recordings?from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.jsonPath().getList("items.id")).containsExactly(marker.id(), s.id());
        Response doc = withKey(key).get("/api/v1/recordings/" + s.id());
        assertThat(doc.jsonPath().getString("recordingId")).isEqualTo(s.id());
        assertThat(doc.jsonPath().getString("remoteName")).isEqualTo("Bob");
        assertThat(doc.header("Callrec-Held")).isEqualTo("false");
        Map<String, Object> item = list.jsonPath().getMap("items[1]");
        assertThat(item).containsEntry("tenant", tenant).containsEntry("localNumber", "201")
                .containsEntry("remoteNumber", "+4930123").containsEntry("device", "0c:38:3e:00:00:01")
                .containsEntry("segments", 1).containsEntry("held", false).containsEntry("intact", true);
    }

    @Test
    void searchFiltersByNumberDeviceAndTimeAndPagesWithACursor() throws Exception {
        Instant t0 = Instant.parse("2026-06-01T08:00:00Z");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(recorded(Archive.Call.of(tenant, t0.plusSeconds(60L * i), "10" + i, "555").device(
                    i == 4 ? "0c:38:3e:00:00:99" : "0c:38:3e:00:00:01")).id());
        }
        assertThat(withKey(key).get("/api/v1/recordings?number=102").jsonPath().getList("items.id"))
                .containsExactly(ids.get(2));
        assertThat(withKey(key).get("/api/v1/recordings?number=555").jsonPath().getList("items.id")).hasSize(5);
        assertThat(withKey(key).get("/api/v1/recordings?device=0C-38-3E-00-00-99").jsonPath().getList("items.id"))
                .containsExactly(ids.get(4));
        assertThat(withKey(key).get("/api/v1/recordings?from=" + t0.plusSeconds(60) + "&to=" + t0.plusSeconds(180))
                .jsonPath().getList("items.id")).containsExactly(ids.get(2), ids.get(1));

        List<Object> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Response page = withKey(key).get("/api/v1/recordings?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            paged.addAll(page.jsonPath().getList("items.id"));
            cursor = page.jsonPath().getString("next");
            pages++;
        } while (cursor != null);
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(paged).containsExactlyElementsOf(newestFirst);
        assertThat(pages).isEqualTo(3);

        assertThat(withKey(key).get("/api/v1/recordings?from=yesterday").statusCode()).isEqualTo(400);
        assertThat(withKey(key).get("/api/v1/recordings?cursor=!!").statusCode()).isEqualTo(400);
        // the operator names the tenant, or sees every tenant's
        assertThat(operator().get("/api/v1/recordings?tenant=" + tenant).jsonPath().getList("items.id")).hasSize(5);
    }

    @Test
    void anotherTenantsKeyGetsNotFoundOnEveryEndpointAndAKeyWithoutTheScopeGetsForbidden() throws Exception {
        Archive.Stored s = recorded(Archive.Call.of(tenant, Instant.parse("2026-07-01T10:00:00Z"), "1", "2"));
        String other = uniqueTenant("oth");
        createTenant(other);
        String stranger = createKey(other, ALL);
        String base = "/api/v1/recordings/" + s.id();
        assertThat(withKey(stranger).get(base).statusCode()).isEqualTo(404);
        assertThat(withKey(stranger).get(base + "/audio").statusCode()).isEqualTo(404);
        assertThat(withKey(stranger).get(base + "/peaks").statusCode()).isEqualTo(404);
        assertThat(withKey(stranger).post(base + "/download-url").statusCode()).isEqualTo(404);
        assertThat(withKey(stranger).get(base + "/hold").statusCode()).isEqualTo(404);
        assertThat(withKey(stranger).put(base + "/hold").statusCode()).isEqualTo(404);
        assertThat(withKey(stranger).delete(base + "/hold").statusCode()).isEqualTo(404);
        assertThat(withKey(stranger).delete(base).statusCode()).isEqualTo(404);
        assertThat(withKey(stranger).get("/api/v1/recordings").jsonPath().getList("items")).isEmpty();
        assertThat(withKey(stranger).get("/api/v1/recordings?tenant=" + tenant).statusCode()).isEqualTo(404);
        // the same answer as an id that does not exist
        assertThat(withKey(key).get("/api/v1/recordings/no-such-id").statusCode()).isEqualTo(404);

        String reader = createKey(tenant, "recordings:read");
        assertThat(withKey(reader).get(base).statusCode()).isEqualTo(200);
        assertThat(withKey(reader).get(base + "/audio").statusCode()).isEqualTo(403);
        assertThat(withKey(reader).post(base + "/download-url").statusCode()).isEqualTo(403);
        assertThat(withKey(reader).delete(base).statusCode()).isEqualTo(403);
        assertThat(withKey(reader).put(base + "/hold").statusCode()).isEqualTo(403);
        assertThat(withKey(key).get(base).statusCode()).isEqualTo(200);
    }

    @Test
    void audioIsTheStoredFileAndServesByteRanges() throws Exception {
        Archive.Stored s = recorded(Archive.Call.of(tenant, Instant.parse("2026-08-01T10:00:00Z"), "1", "2"));
        String url = "/api/v1/recordings/" + s.id() + "/audio";
        Response whole = withKey(key).get(url);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(whole.asByteArray()).isEqualTo(s.files().get(0));

        Response part = withKey(key).header("Range", "bytes=100-199").get(url);
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.header("Content-Range")).isEqualTo("bytes 100-199/" + s.files().get(0).length);
        assertThat(part.asByteArray()).isEqualTo(Arrays.copyOfRange(s.files().get(0), 100, 200));

        Response tail = withKey(key).header("Range", "bytes=-10").get(url);
        assertThat(tail.asByteArray()).isEqualTo(Arrays.copyOfRange(s.files().get(0), s.files().get(0).length - 10,
                s.files().get(0).length));
        Response beyond = withKey(key).header("Range", "bytes=999999-").get(url);
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.header("Content-Range")).isEqualTo("bytes */" + s.files().get(0).length);
    }

    @Test
    void aMultiSegmentRecordingPlaysAsOneWavFile() throws Exception {
        Archive.Stored s = recorded(Archive.Call.of(tenant, Instant.parse("2026-08-02T10:00:00Z"), "1", "2")
                .segments(1.0, 0.5, 0.25));
        byte[] wav = withKey(key).get("/api/v1/recordings/" + s.id() + "/audio").asByteArray();
        byte[] samples = s.samples();
        assertThat(samples).hasSize(8000 + 4000 + 2000);
        ByteBuffer h = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(wav, 0, 4)).isEqualTo("RIFF");
        assertThat(h.getInt(4)).isEqualTo(36 + samples.length);
        assertThat(h.getShort(20)).isEqualTo((short) 6);
        assertThat(h.getInt(40)).isEqualTo(samples.length);
        assertThat(Arrays.copyOfRange(wav, 44, wav.length)).isEqualTo(samples);
        // a range across the joint of the first and the second segment
        Response joint = withKey(key).header("Range", "bytes=8040-8051").get("/api/v1/recordings/" + s.id() + "/audio");
        assertThat(joint.statusCode()).isEqualTo(206);
        assertThat(joint.asByteArray()).isEqualTo(Arrays.copyOfRange(wav, 8040, 8052));

        Map<String, Object> peaks = withKey(key).get("/api/v1/recordings/" + s.id() + "/peaks").jsonPath().getMap("");
        assertThat(peaks).containsEntry("points", 1000);
        List<Float> p = withKey(key).get("/api/v1/recordings/" + s.id() + "/peaks").jsonPath().getList("peaks", Float.class);
        // the segments' levels (8000, 12000, 16000 of 32768) show in their parts of the waveform
        assertThat(p.get(300)).isBetween(0.2f, 0.28f);
        assertThat(p.get(650)).isBetween(0.33f, 0.4f);
        assertThat(p.get(950)).isBetween(0.45f, 0.52f);
    }

    @Test
    void aDownloadUrlIsAPresignedUrlOfTheStoredObject() throws Exception {
        Archive.Stored s = recorded(Archive.Call.of(tenant, Instant.parse("2026-08-03T10:00:00Z"), "1", "2"));
        Response r = withKey(key).post("/api/v1/recordings/" + s.id() + "/download-url");
        assertThat(r.statusCode()).isEqualTo(200);
        String url = r.jsonPath().getString("url");
        assertThat(Instant.parse(r.jsonPath().getString("expiresAt"))).isBetween(Instant.now().plusSeconds(200),
                Instant.now().plusSeconds(301));
        HttpResponse<byte[]> got = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(s.files().get(0));
        // tampering with the signature is refused by the store
        HttpResponse<byte[]> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url.replace(s.id(), s.id().replace('-', '0')))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(forged.statusCode()).isEqualTo(403);
    }

    @Test
    void aHeldRecordingCannotBeDeletedAndAReleasedOneIsDeletedWithAReceipt() throws Exception {
        Archive.Stored s = recorded(Archive.Call.of(tenant, Instant.parse("2026-09-01T10:00:00Z"), "1", "2")
                .segments(0.5, 0.5));
        String base = "/api/v1/recordings/" + s.id();
        Response hold = withKey(key).body(Map.of("reason", "case 42")).put(base + "/hold");
        assertThat(hold.statusCode()).isEqualTo(200);
        assertThat(hold.jsonPath().getBoolean("held")).isTrue();
        assertThat(hold.jsonPath().getString("reason")).isEqualTo("case 42");
        assertThat(archive.get(Recording.holdMarkerOf(s.metadataKey()))).isPresent();
        assertThat(withKey(key).get(base).header("Callrec-Held")).isEqualTo("true");

        Response refused = withKey(key).delete(base);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.jsonPath().getString("type")).endsWith("legal-hold");
        assertThat(archive.get(s.audioKeys().get(1))).isPresent();
        assertThat(archive.get(s.metadataKey())).isPresent();

        Response released = withKey(key).delete(base + "/hold");
        assertThat(released.jsonPath().getBoolean("held")).isFalse();
        assertThat(archive.get(Recording.holdMarkerOf(s.metadataKey()))).isEmpty();
        Response receipt = withKey(key).delete(base);
        assertThat(receipt.statusCode()).isEqualTo(200);
        assertThat(receipt.jsonPath().getString("recordingId")).isEqualTo(s.id());
        assertThat(receipt.jsonPath().getList("objects")).containsExactlyInAnyOrder(s.metadataKey(),
                s.audioKeys().get(0), s.audioKeys().get(1));
        for (String k : List.of(s.metadataKey(), s.audioKeys().get(0), s.audioKeys().get(1))) {
            assertThat(archive.get(k)).as(k).isEmpty();
        }
        assertThat(withKey(key).get(base).statusCode()).isEqualTo(404);

        // the event delivered again does not bring it back
        archive.publish(s);
        Archive.Stored after = recorded(Archive.Call.of(tenant, Instant.parse("2026-09-01T11:00:00Z"), "1", "2"));
        assertThat(withKey(key).get(base).statusCode()).isEqualTo(404);
        assertThat(after.id()).isNotEqualTo(s.id());
    }

    @Test
    void everyListenDownloadHoldReleaseAndDeleteIsAudited() throws Exception {
        Archive.Stored s = recorded(Archive.Call.of(tenant, Instant.parse("2026-09-02T10:00:00Z"), "1", "2"));
        String base = "/api/v1/recordings/" + s.id();
        withKey(key).get(base + "/audio").then().statusCode(200);
        // a seek is not another listen
        withKey(key).header("Range", "bytes=1000-").get(base + "/audio").then().statusCode(206);
        withKey(key).post(base + "/download-url").then().statusCode(200);
        withKey(key).put(base + "/hold").then().statusCode(200);
        withKey(key).delete(base + "/hold").then().statusCode(200);
        withKey(key).delete(base).then().statusCode(200);

        Response audit = withKey(key).get("/api/v1/audit?limit=100");
        assertThat(audit.statusCode()).isEqualTo(200);
        List<String> actions = audit.jsonPath().getList("items.findAll { it.target == '" + s.id() + "' }.action");
        assertThat(actions).containsExactly("recording.delete", "recording.release", "recording.hold",
                "recording.download", "recording.listen");
        assertThat(audit.jsonPath().getList("items.action")).contains("key.create", "tenant.create");
        String keyId = withKey(key).get("/api/v1/tenants/" + tenant + "/keys").jsonPath().getString("[0].id");
        assertThat(audit.jsonPath().getList("items.findAll { it.action == 'recording.listen' }.actor"))
                .containsOnly("key:" + keyId);

        assertThat(withKey(key).get("/api/v1/audit?action=recording.hold").jsonPath().getList("items.action"))
                .containsOnly("recording.hold");
        String csv = withKey(key).get("/api/v1/audit/export?format=csv").asString();
        assertThat(csv).startsWith("seq,at,tenant,actor,action,target,detail").contains("recording.delete");
        String ndjson = withKey(key).get("/api/v1/audit/export?format=ndjson").asString();
        assertThat(ndjson.lines().filter(l -> l.contains("\"recording.listen\"")).count()).isEqualTo(1);

        // another tenant sees none of it
        String other = uniqueTenant("aud");
        createTenant(other);
        assertThat(withKey(createKey(other, "tenant:admin")).get("/api/v1/audit").jsonPath().getList("items.target"))
                .doesNotContain(s.id());
        assertThat(withKey(createKey(tenant, "recordings:read")).get("/api/v1/audit").statusCode()).isEqualTo(403);
    }

    @Test
    void theAuditTrailIsAppendOnly() throws SQLException {
        try (var c = DriverManager.getConnection(infra.jdbcUrl(), CatalogInfraResource.USER,
                CatalogInfraResource.PASSWORD); var s = c.createStatement()) {
            s.executeUpdate("INSERT INTO audit_log (tenant, actor, action, target) VALUES ('t', 'a', 'x', 'y')");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.executeUpdate("UPDATE audit_log SET actor = 'b'"))
                    .hasMessageContaining("append-only");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.executeUpdate("DELETE FROM audit_log"))
                    .hasMessageContaining("append-only");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.executeUpdate("TRUNCATE audit_log"))
                    .hasMessageContaining("append-only");
        }
    }
}
