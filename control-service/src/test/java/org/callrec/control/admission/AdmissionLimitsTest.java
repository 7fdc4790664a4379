package org.callrec.control.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.callrec.control.config.ControlConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The admission rules without sockets: buckets, source keys, the descriptor-bound cap. */
class AdmissionLimitsTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);

    @Test
    @DisplayName("a token bucket gives its burst at once, then one token per 1/rate seconds, never more than the burst")
    void tokenBucket() {
        TokenBucket bucket = new TokenBucket(2, 3, now.get());
        assertThat(bucket.tryTake(now.get())).isTrue();
        assertThat(bucket.tryTake(now.get())).isTrue();
        assertThat(bucket.tryTake(now.get())).isTrue();
        assertThat(bucket.tryTake(now.get())).isFalse();
        now.addAndGet(Duration.ofMillis(499).toNanos());
        assertThat(bucket.tryTake(now.get())).isFalse();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(bucket.tryTake(now.get())).isTrue();
        // an hour of silence refills to the burst, not to 7,200
        now.addAndGet(Duration.ofHours(1).toNanos());
        assertThat(bucket.isFull(now.get())).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(bucket.tryTake(now.get())).isTrue();
        }
        assertThat(bucket.tryTake(now.get())).isFalse();
    }

    @Test
    @DisplayName("the connection cap is the smaller of the configured value and three quarters of the descriptor limit")
    void descriptorBoundCap() {
        assertThat(DescriptorLimit.connectionCap(10_000, OptionalLong.of(20_000))).isEqualTo(10_000);
        assertThat(DescriptorLimit.connectionCap(10_000, OptionalLong.of(1_024))).isEqualTo(768);
        assertThat(DescriptorLimit.connectionCap(10_000, OptionalLong.empty())).isEqualTo(10_000);
        // this JVM on Linux can tell its limit
        assertThat(DescriptorLimit.maxFileDescriptors()).isPresent();
    }

    @Test
    @DisplayName("IPv4 sources are their address; IPv6 sources are their /64; IPv4-mapped ones their IPv4 address")
    void sourceKeys() throws Exception {
        assertThat(Admission.sourceKey(InetAddress.getByName("127.0.0.5"), "x")).isEqualTo("127.0.0.5");
        assertThat(Admission.sourceKey(InetAddress.getByName("2001:db8:1:2:aaaa::1"), "x"))
                .isEqualTo(Admission.sourceKey(InetAddress.getByName("2001:db8:1:2:bbbb::9"), "x"))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(Admission.sourceKey(InetAddress.getByName("::ffff:10.1.2.3"), "x")).isEqualTo("10.1.2.3");
    }

    @Test
    @DisplayName("refusals take nothing: a refused start keeps the source's tokens and recordings; closing does not reset the rate")
    void refusalsTakeNothing() {
        Admission admission = new Admission(config(List.of(), 2, 1, 1), 100, now::get);
        Admission.Admitted a = admission.connect("10.0.0.1");
        assertThat(a.ok()).isTrue();
        assertThat(admission.startRecording(a.source())).isNull();
        // the recording cap refuses before the bucket is asked
        assertThat(admission.startRecording(a.source())).isEqualTo(AdmissionLimit.SOURCE_RECORDINGS);
        admission.recordingEnded(a.source(), 1);
        // the only token was taken
        assertThat(admission.startRecording(a.source())).isEqualTo(AdmissionLimit.SOURCE_START_RATE);
        admission.disconnect(a.source());
        // the source is remembered until its bucket is full again: reconnecting does not refill it
        assertThat(admission.sources()).isEqualTo(1);
        Admission.Admitted b = admission.connect("10.0.0.1");
        assertThat(admission.startRecording(b.source())).isEqualTo(AdmissionLimit.SOURCE_START_RATE);
        admission.disconnect(b.source());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        admission.sweep();
        assertThat(admission.sources()).isZero();
        assertThat(admission.connections()).isZero();
    }

    @Test
    @DisplayName("allowed networks, the instance cap and the per-source cap are checked in that order at connect")
    void connectChecks() {
        Admission admission = new Admission(config(List.of("10.0.0.0/8", "2001:db8::/32"), 1, 5, 5), 2, now::get);
        assertThat(admission.connect("192.168.1.1").refused()).isEqualTo(AdmissionLimit.ALLOWED_NETWORKS);
        assertThat(admission.connect("not-an-address").refused()).isEqualTo(AdmissionLimit.ALLOWED_NETWORKS);
        assertThat(admission.connect("10.0.0.1").ok()).isTrue();
        assertThat(admission.connect("10.0.0.1").refused()).isEqualTo(AdmissionLimit.SOURCE_CONNECTIONS);
        assertThat(admission.connect("2001:db8::1").ok()).isTrue();
        assertThat(admission.connect("10.0.0.2").refused()).isEqualTo(AdmissionLimit.CONNECTIONS);
        assertThat(admission.connections()).isEqualTo(2);
        assertThatThrownBy(() -> new Admission(config(List.of("example.com"), 1, 1, 1), 2, now::get))
                .hasMessageContaining("control.admission.allowed-networks");
    }

    private static ControlConfig.Admission config(List<String> allowed, int perSource, int recordings, int burst) {
        return new ControlConfig.Admission() {
            @Override
            public Optional<List<String>> allowedNetworks() {
                return Optional.of(allowed);
            }

            @Override
            public int maxConnections() {
                return 100;
            }

            @Override
            public int maxConnectionsPerSource() {
                return perSource;
            }

            @Override
            public int maxOpenRecordingsPerSource() {
                return recordings;
            }

            @Override
            public double startRate() {
                return 1;
            }

            @Override
            public int startBurst() {
                return burst;
            }

            @Override
            public Duration idleTimeout() {
                return Duration.ofMinutes(5);
            }

            @Override
            public int maxQueuedCommands() {
                return 32;
            }
        };
    }
}
