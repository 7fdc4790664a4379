package org.callrec.ingest;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.callrec.infra.EmbeddedKafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka broker in this JVM ({@link EmbeddedKafka}) and a small UDP port range that is
 * free on this machine, handed to media-ingest-service as config.
 */
public final class IngestTestResources implements QuarkusTestResourceLifecycleManager {

    /** Ports in the node's pool during these tests. */
    public static final int POOL_SIZE = 4;
    /** {@code ingest.advertised-address} in these tests: not the address the test sends to. */
    public static final String ADVERTISED_ADDRESS = "198.51.100.7";
    /** {@code ingest.node-id} in these tests. */
    public static final String NODE_ID = "ingest-test";
    /** {@code ingest.chunk.max-bytes}: small, so a few dozen packets make several chunks. */
    public static final int CHUNK_MAX_BYTES = 2048;

    /** {@code ingest.ports.quarantine}: short, as every test starts with all ports free. */
    public static final String QUARANTINE = "300ms";

    /** Kafka logs ~80 lines at INFO while it starts, before Quarkus has read its log config. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("kafka"), Logger.getLogger("org.apache.kafka"));

    private EmbeddedKafka kafka;

    @Override
    public Map<String, String> start() {
        QUIET.forEach(logger -> logger.setLevel(Level.WARNING));
        kafka = EmbeddedKafka.start();
        int min = freeUdpRange(POOL_SIZE);
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "ingest.ports.min", Integer.toString(min),
                "ingest.ports.max", Integer.toString(min + POOL_SIZE - 1),
                "ingest.advertised-address", ADVERTISED_ADDRESS,
                "ingest.node-id", NODE_ID,
                "ingest.ports.quarantine", QUARANTINE,
                "ingest.chunk.max-bytes", Integer.toString(CHUNK_MAX_BYTES),
                "ingest.chunk.duration", "50ms",
                "quarkus.log.category.\"kafka\".level", "WARN",
                "quarkus.log.category.\"state.change.logger\".level", "WARN");
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /**
     * The first port of {@code size} consecutive UDP ports that can be bound now, below the
     * Linux ephemeral range (32768+) so that client sockets of the tests cannot take them.
     */
    static int freeUdpRange(int size) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int min = ThreadLocalRandom.current().nextInt(20_000, 32_000 - size);
            if (allFree(min, size)) {
                return min;
            }
        }
        throw new IllegalStateException("no " + size + " consecutive free UDP ports found");
    }

    private static boolean allFree(int min, int size) {
        List<DatagramSocket> bound = new ArrayList<>();
        try {
            for (int port = min; port < min + size; port++) {
                bound.add(new DatagramSocket(new InetSocketAddress("0.0.0.0", port)));
            }
            return true;
        } catch (SocketException e) {
            return false;
        } finally {
            bound.forEach(DatagramSocket::close);
        }
    }
}
