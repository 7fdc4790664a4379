package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.callrec.control.tenant.RegistryReplica;
import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.registry.DeviceEntry;
import org.callrec.core.registry.StoragePlacement;
import org.callrec.core.registry.TenantEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;

/**
 * Whose recording a start is, through a real TCP connection: the registry comes in on the
 * {@code registry} channel (in-memory connector, records shaped as the catalog's), and every
 * refusal token, the limit of one replica and each change take effect on the next start. The
 * deployment's default tenant is {@value FakeIngestNodes#TENANT} (it accepts unknown devices, from
 * anywhere): the zero-configuration set-up.
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
@TestProfile(TenantResolutionTest.WithRegistry.class)
class TenantResolutionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The registry on; channels in memory (the %test profile). */
    public static final class WithRegistry implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("control.tenants.registry", "true");
        }
    }

    /** A tenant's site, 127.0.0.64/28: registered phones only, two recordings at once, its own bucket. */
    static final TenantEntry BETA = new TenantEntry("beta", "Beta", TenantEntry.ACTIVE, List.of("127.0.0.64/28"), 2,
            600, 30, new StoragePlacement("beta-bucket", "b", "kms-1"), TenantEntry.REFUSE);
    static final String BETA_PHONE = "00:00:5e:00:00:01";
    static final String BETA_DISABLED = "00:00:5e:00:00:02";

    @Inject
    ControlServer server;
    @Inject
    RegistryReplica replica;
    @Inject
    MeterRegistry meters;
    @Inject
    @Connector("smallrye-in-memory")
    InMemoryConnector connector;

    FakeIngestNodes nodes;
    RegistryFeed feed;

    private final List<String> badInput = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            badInput.add(r.getLevel() + " " + (r.getParameters() == null ? r.getMessage()
                    : String.format(r.getMessage(), r.getParameters())));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void registry() {
        java.util.logging.Logger.getLogger("org.callrec.control.badinput").addHandler(capture);
        nodes.reset();
        feed = new RegistryFeed(connector);
        // what the catalog seeds: the default tenant, any device, any source
        publish(new TenantEntry(FakeIngestNodes.TENANT, "Default", TenantEntry.ACTIVE, List.of(), null, null, null,
                null, TenantEntry.ACCEPT));
        publish(BETA);
        publish(new DeviceEntry(BETA_PHONE, "beta", "reception", true));
        publish(new DeviceEntry(BETA_DISABLED, "beta", "old phone", false));
    }

    @AfterEach
    void stopCapture() {
        java.util.logging.Logger.getLogger("org.callrec.control.badinput").removeHandler(capture);
    }

    @Test
    @DisplayName("zero configuration: a phone nobody registered records into the default tenant")
    void newcomerRecordsIntoDefaultTenant() {
        try (PhoneConnection phone = new PhoneConnection("127.0.0.30", server.port())) {
            assertThat(phone.send(start("newcomer-1", "00:15:65:aa:bb:cc"))).containsEntry("result", "success");
        }
        AllocateRequest request = nodes.allocateCalls("newcomer-1").get(0);
        assertThat(request.tenant()).isEqualTo(FakeIngestNodes.TENANT);
        assertThat(request.maxDurationSeconds()).isNull();
    }

    @Test
    @DisplayName("a registered phone records into its tenant, with the tenant's placement and duration limit")
    void registeredPhoneCarriesItsTenant() {
        try (PhoneConnection phone = new PhoneConnection("127.0.0.65", server.port())) {
            assertThat(phone.send(start("beta-1", BETA_PHONE))).containsEntry("result", "success");
            assertThat(phone.send(PhoneConnection.stopCommand("beta-1"))).containsEntry("result", "success");
        }
        AllocateRequest request = nodes.allocateCalls("beta-1").get(0);
        assertThat(request.tenant()).isEqualTo("beta");
        assertThat(request.placement()).isEqualTo(new StoragePlacement("beta-bucket", "b", "kms-1"));
        assertThat(request.maxDurationSeconds()).isEqualTo(600);
    }

    @Test
    @DisplayName("unknown-device: an unregistered phone at a site whose tenant refuses unknown devices; accepted once registered, without restart")
    void unknownDeviceThenRegistered() {
        String mac = "00:00:5e:00:00:10";
        double before = starts("unknown-device");
        try (PhoneConnection phone = new PhoneConnection("127.0.0.66", server.port())) {
            assertThat(phone.send(start("unknown-1", mac))).isEqualTo(Map.of("cmd", "RecordStartResponse",
                    "id", "unknown-1", "result", "failed", "reason", "unknown-device"));
            assertThat(nodes.allocateCalls("unknown-1")).isEmpty();
            assertThat(starts("unknown-device") - before).isEqualTo(1);

            // the carrier adds the device: the next start is accepted
            publish(new DeviceEntry(mac, "beta", "new phone", true));
            assertThat(phone.send(start("unknown-2", mac))).containsEntry("result", "success");
        }
        assertThat(nodes.allocateCalls("unknown-2").get(0).tenant()).isEqualTo("beta");
        assertThat(badInput).anyMatch(l -> l.contains("start unknown-1 of device " + mac + " refused (unknown-device)"));
    }

    @Test
    @DisplayName("device-disabled: a registered but disabled phone")
    void disabledDevice() {
        double before = starts("device-disabled");
        try (PhoneConnection phone = new PhoneConnection("127.0.0.67", server.port())) {
            assertThat(phone.send(start("disabled-1", BETA_DISABLED))).containsEntry("reason", "device-disabled");
        }
        assertThat(starts("device-disabled") - before).isEqualTo(1);
        assertThat(nodes.allocateCalls("disabled-1")).isEmpty();
    }

    @Test
    @DisplayName("tenant-suspended: a tenant suspended between two calls refuses the next start, without restart")
    void suspendedTenant() {
        TenantEntry gamma = new TenantEntry("gamma", "Gamma", TenantEntry.ACTIVE, List.of(), null, null, null, null,
                TenantEntry.REFUSE);
        String mac = "00:00:5e:00:00:20";
        publish(gamma);
        publish(new DeviceEntry(mac, "gamma", "desk", true));
        double before = starts("tenant-suspended");
        try (PhoneConnection phone = new PhoneConnection("127.0.0.31", server.port())) {
            assertThat(phone.send(start("gamma-1", mac))).containsEntry("result", "success");
            assertThat(phone.send(PhoneConnection.stopCommand("gamma-1"))).containsEntry("result", "success");

            publish(new TenantEntry("gamma", "Gamma", TenantEntry.SUSPENDED, List.of(), null, null, null, null,
                    TenantEntry.REFUSE));
            assertThat(phone.send(start("gamma-2", mac))).containsEntry("reason", "tenant-suspended");
        }
        assertThat(starts("tenant-suspended") - before).isEqualTo(1);
    }

    @Test
    @DisplayName("forbidden-source: a registered MAC seen outside its tenant's networks is refused and logged as possible cloning")
    void possibleClone() {
        double before = starts("forbidden-source");
        try (PhoneConnection phone = new PhoneConnection("127.0.0.90", server.port())) {
            assertThat(phone.send(start("clone-1", BETA_PHONE))).isEqualTo(Map.of("cmd", "RecordStartResponse",
                    "id", "clone-1", "result", "failed", "reason", "forbidden-source"));
        }
        assertThat(starts("forbidden-source") - before).isEqualTo(1);
        assertThat(nodes.allocateCalls("clone-1")).isEmpty();
        assertThat(badInput).anyMatch(l -> l.startsWith("WARN") && l.contains("possible cloning")
                && l.contains(BETA_PHONE) && l.contains("tenant beta") && l.contains("127.0.0.90"));
    }

    @Test
    @DisplayName("quota-exceeded: with one replica the tenant's limit is exact, and a recording that ends gives its place back")
    void quotaExactWithOneReplica() {
        String[] macs = {"00:00:5e:00:00:31", "00:00:5e:00:00:32", "00:00:5e:00:00:33"};
        for (String mac : macs) {
            publish(new DeviceEntry(mac, "beta", "agent", true));
        }
        double before = starts("quota-exceeded");
        try (PhoneConnection a = new PhoneConnection("127.0.0.68", server.port());
             PhoneConnection b = new PhoneConnection("127.0.0.69", server.port());
             PhoneConnection c = new PhoneConnection("127.0.0.70", server.port())) {
            assertThat(a.send(start("quota-1", macs[0]))).containsEntry("result", "success");
            assertThat(b.send(start("quota-2", macs[1]))).containsEntry("result", "success");
            // beta holds its two: the third is refused, and no node is asked
            assertThat(c.send(start("quota-3", macs[2]))).isEqualTo(Map.of("cmd", "RecordStartResponse",
                    "id", "quota-3", "result", "failed", "reason", "quota-exceeded"));
            assertThat(nodes.allocateCalls("quota-3")).isEmpty();
            assertThat(starts("quota-exceeded") - before).isEqualTo(1);

            // a stop gives a place back
            assertThat(a.send(PhoneConnection.stopCommand("quota-1"))).containsEntry("result", "success");
            assertThat(c.send(start("quota-4", macs[2]))).containsEntry("result", "success");
            assertThat(a.send(start("quota-5", macs[0]))).containsEntry("reason", "quota-exceeded");
        }
        // so does a closed connection: both phones left, two new starts fit
        await().atMost(WAIT).until(() -> replica.registry().tenant("beta").isPresent()
                && quotaLocal("beta") == 0);
        try (PhoneConnection a = new PhoneConnection("127.0.0.68", server.port())) {
            assertThat(a.send(start("quota-6", macs[0]))).containsEntry("result", "success");
            assertThat(a.send(start("quota-7", macs[1]))).containsEntry("result", "success");
        }
    }

    @Test
    @DisplayName("a start whose allocation fails gives the tenant's place back")
    void failedAllocationGivesThePlaceBack() {
        String mac = "00:00:5e:00:00:41";
        publish(new DeviceEntry(mac, "beta", "agent", true));
        nodes.first().onAllocate(FakeIngestNode.Behaviour.ERROR);
        nodes.second().onAllocate(FakeIngestNode.Behaviour.ERROR);
        try (PhoneConnection phone = new PhoneConnection("127.0.0.71", server.port())) {
            // beta may hold two: a third failure refused for the quota would mean a place kept
            for (String id : List.of("fail-1", "fail-2", "fail-3")) {
                assertThat(phone.send(start(id, mac))).containsEntry("result", "failed")
                        .doesNotContainEntry("reason", "quota-exceeded");
            }
        }
        await().atMost(WAIT).until(() -> quotaLocal("beta") == 0);
    }

    @Test
    @DisplayName("registry records that do not decode are counted and dropped; the channel goes on")
    void malformedRecordsDropped() {
        double malformed = Meters.count(meters, "callrec.control.registry.records.dropped", "reason", "malformed");
        double unknownKey = Meters.count(meters, "callrec.control.registry.records.dropped", "reason", "unknown-key");
        feed.raw("tenant:broken", "{not json");
        feed.raw("tenant:other", RegistryFeed.json(new TenantEntry("not-other", "x", null, null, null, null, null,
                null, null)));
        feed.raw("device:00:00:5e:00:00:50", "{\"mac\":\"00:00:5e:00:00:51\",\"tenant\":\"beta\",\"enabled\":true}");
        feed.raw("phone:1", "{}");
        // a good record after them is applied
        publish(new DeviceEntry("00:00:5e:00:00:52", "beta", "after", true));
        assertThat(Meters.count(meters, "callrec.control.registry.records.dropped", "reason", "malformed") - malformed)
                .isEqualTo(3);
        assertThat(Meters.count(meters, "callrec.control.registry.records.dropped", "reason", "unknown-key") - unknownKey)
                .isEqualTo(1);
        assertThat(replica.registry().tenant("broken")).isEmpty();
        assertThat(replica.registry().device("00:00:5e:00:00:50")).isEmpty();

        // a tombstone removes
        feed.raw("device:00:00:5e:00:00:52", null);
        await().atMost(WAIT).until(() -> replica.registry().device("00:00:5e:00:00:52").isEmpty());
    }

    private int quotaLocal(String tenant) {
        return io.quarkus.arc.Arc.container().instance(org.callrec.control.tenant.TenantGate.class).get().quota()
                .local(tenant);
    }

    private void publish(TenantEntry tenant) {
        feed.tenant(tenant);
        await().atMost(WAIT).until(() -> replica.registry().tenant(tenant.id()).equals(java.util.Optional.of(tenant)));
    }

    private void publish(DeviceEntry device) {
        feed.device(device);
        await().atMost(WAIT).until(() -> replica.registry().device(device.mac()).equals(java.util.Optional.of(device)));
    }

    private double starts(String result) {
        return Meters.count(meters, "callrec.control.commands", "command", "RecordStartRequest", "result", result);
    }

    private static String start(String id, String mac) {
        return PhoneConnection.startCommand(id).replace("00:15:65:12:34:56", mac);
    }
}
