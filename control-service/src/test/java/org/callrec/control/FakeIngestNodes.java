package org.callrec.control;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.allocation.ReleaseRequest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts two {@link FakeIngestNode}s and points control-service at them
 * ({@code control.ingest.nodes}). Tests get this object in a field of type
 * {@link FakeIngestNodes}.
 *
 * <p>Also shortens {@code control.ingest.timeout}, so a hanging node costs little, and sets a
 * tenant of its own, so the tests see it is taken from config, and renews leases every
 * {@value #RENEW_INTERVAL}.
 */
public final class FakeIngestNodes implements QuarkusTestResourceLifecycleManager {

    /** Ingest call timeout in these tests. */
    public static final String TIMEOUT = "1s";
    /** Tenant in these tests. */
    public static final String TENANT = "acme";
    /** Lease renew interval in these tests: short, so renewals are seen at once. */
    public static final String RENEW_INTERVAL = "200ms";

    private FakeIngestNode first;
    private FakeIngestNode second;

    @Override
    public Map<String, String> start() {
        first = FakeIngestNode.start("ingest-a", "192.0.2.1", 41000);
        second = FakeIngestNode.start("ingest-b", "192.0.2.2", 42000);
        return Map.of(
                "control.ingest.nodes", first.url() + "," + second.url(),
                "control.ingest.timeout", TIMEOUT,
                "control.default-tenant", TENANT,
                "control.lease.renew-interval", RENEW_INTERVAL);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.MatchesType(FakeIngestNodes.class));
    }

    @Override
    public void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    /** The first node of {@code control.ingest.nodes}. */
    public FakeIngestNode first() {
        return first;
    }

    /** The second node of {@code control.ingest.nodes}. */
    public FakeIngestNode second() {
        return second;
    }

    /** Both nodes answer normally again and forget what they received. */
    public void reset() {
        first.reset();
        second.reset();
    }

    /** Allocate calls both nodes received for the phone's session {@code id}. */
    public List<AllocateRequest> allocateCalls(String phoneSessionId) {
        return Stream.concat(first.allocateCalls(phoneSessionId).stream(), second.allocateCalls(phoneSessionId).stream())
                .toList();
    }

    /** The allocation one of the nodes answered for the phone's session {@code id}. */
    public Optional<FakeIngestNode.Allocated> allocationFor(String phoneSessionId) {
        return first.allocationFor(phoneSessionId).or(() -> second.allocationFor(phoneSessionId));
    }

    /** Release calls both nodes received for {@code recordingId}. */
    public List<ReleaseRequest> releaseCalls(String recordingId) {
        return Stream.concat(first.releaseCalls(recordingId).stream(), second.releaseCalls(recordingId).stream())
                .toList();
    }
}
