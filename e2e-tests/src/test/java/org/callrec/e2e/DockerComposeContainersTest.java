package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import org.callrec.core.audio.AudioCodec;
import org.callrec.simulator.CallResult;
import org.callrec.simulator.PhoneConfig;
import org.callrec.simulator.SimulatedPhone;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import com.fasterxml.jackson.databind.JsonNode;

import io.minio.MinioClient;

/**
 * The deployment itself: {@code docker-compose.yml} brought up by Testcontainers' compose support
 * (the services' images built from their Dockerfiles and fast-jars, Kafka, MinIO with its bucket,
 * PostgreSQL, the one-shot key steps), a simulated phone records a call through control's
 * published port and ingest's published UDP range, and the recording is read back from MinIO.
 *
 * <p>Needs a Docker engine with {@code docker compose} (v2) on the PATH and the fast-jars packaged
 * (the reactor builds them before this module's tests); skipped without Docker. The compose file
 * publishes MinIO on 127.0.0.1:9000 and 9001 and the management ports 9081-9084 as it is: those
 * must be free. Control's port and the UDP range are picked here.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerComposeContainersTest {

    private static final String S3_ACCESS_KEY = "callrec";
    private static final String S3_SECRET_KEY = randomHex();
    private static final int CONTROL_PORT = RecordingStack.freePort();
    /** Ten UDP ports for ingest, published and handed out alike (the compose file keeps both equal). */
    private static final int UDP_MIN = 40000 + ThreadLocalRandom.current().nextInt(2000) * 10;

    @Container
    static final ComposeContainer COMPOSE = new ComposeContainer(ComposeFile.path().toFile())
            .withEnv(environment())
            .withBuild(true)
            .withRemoveVolumes(true)
            .withExposedService("minio", 9000, Wait.forHttp("/minio/health/ready").forStatusCode(200))
            .waitingFor("ingest", Wait.forHealthcheck())
            .waitingFor("storage", Wait.forHealthcheck())
            .waitingFor("catalog", Wait.forHealthcheck())
            .waitingFor("control", Wait.forHealthcheck())
            .withStartupTimeout(Duration.ofMinutes(5));

    /** What the compose file asks for in {@code .env}, random per run; the phones are on this host. */
    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        // phones send RTP to this address: the published UDP range on the host
        env.put("CALLREC_ADVERTISED_ADDRESS", "127.0.0.1");
        env.put("CALLREC_S3_ACCESS_KEY", S3_ACCESS_KEY);
        env.put("CALLREC_S3_SECRET_KEY", S3_SECRET_KEY);
        env.put("CALLREC_POSTGRES_PASSWORD", randomHex());
        env.put("CALLREC_OPERATOR_KEY", randomHex());
        env.put("CALLREC_CONTROL_PORT", Integer.toString(CONTROL_PORT));
        env.put("CALLREC_UDP_PORT_MIN", Integer.toString(UDP_MIN));
        env.put("CALLREC_UDP_PORT_MAX", Integer.toString(UDP_MIN + 9));
        return env;
    }

    private static String randomHex() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Test
    void aCallRecordedThroughTheComposeDeploymentIsAPlayableWavInMinio() throws Exception {
        // A phone on this host records through control's published port (directly, not through an
        // ambassador: control and ingest must see the same source address for the control
        // connection and the RTP). Until control has read the registry it may refuse: try again.
        AtomicReference<CallResult> call = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            CallResult result = SimulatedPhone.call(PhoneConfig.builder().control("127.0.0.1", CONTROL_PORT)
                    .codec(AudioCodec.PCMA).toneHz(440).duration(Duration.ofSeconds(3)).build());
            call.set(result);
            return result.started();
        });
        CallResult done = call.get();

        // The recording lands in the bucket minio-init made, as the phone sent it, in the default
        // tenant (CALLREC_UNKNOWN_DEVICES=default: the catalog holds no tenant for this phone).
        String endpoint = "http://" + COMPOSE.getServiceHost("minio", 9000) + ":" + COMPOSE.getServicePort("minio", 9000);
        try (MinioClient s3 = MinioClient.builder().endpoint(endpoint).credentials(S3_ACCESS_KEY, S3_SECRET_KEY).build()) {
            Archive archive = new Archive(s3, "recordings");
            AtomicReference<Archive.Stored> stored = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                Optional<Archive.Stored> s = archive.find(done.config().sessionId(), done.config().device());
                s.ifPresent(stored::set);
                return s.isPresent();
            });
            assertThat(stored.get().wav().sampleRate()).isEqualTo(8000);
            assertThat(stored.get().wav().samples()).isEqualTo(done.expectedPcm());
            JsonNode metadata = stored.get().metadata();
            assertThat(metadata.path("tenant").asText()).isEqualTo("default");
            assertThat(metadata.path("quality").path("packetsPlaced").asLong()).isEqualTo(done.packetsSent());
        }
    }
}
