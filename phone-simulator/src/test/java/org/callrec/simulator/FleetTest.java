package org.callrec.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.callrec.core.protocol.Command;
import org.callrec.core.rtp.RtpHeader;
import org.junit.jupiter.api.Test;

class FleetTest {

    @Test
    void phonesFromATemplateAreDistinct() {
        PhoneConfig template = PhoneConfig.builder().device("0c:38:3e:00:00:00").localNumber("0998").build();

        List<PhoneConfig> phones = Fleet.phones(template, 5);

        assertThat(phones).extracting(PhoneConfig::sessionId).doesNotHaveDuplicates();
        assertThat(phones).extracting(PhoneConfig::device).doesNotHaveDuplicates()
                .allSatisfy(d -> assertThat(d).matches("0c:38:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}"));
        assertThat(phones).extracting(PhoneConfig::localNumber).containsExactly("0998", "0999", "1000", "1001", "1002");
        assertThat(phones).extracting(PhoneConfig::remoteName).containsOnly(template.remoteName());
    }

    @Test
    void manyPhonesAtOnceAreEachPacedAndComplete() throws IOException, InterruptedException {
        try (FakeRecordingServer server = new FakeRecordingServer()) {
            PhoneConfig template = PhoneConfig.builder().control("127.0.0.1", server.controlPort())
                    .duration(Duration.ofSeconds(1)).build();
            List<PhoneConfig> phones = Fleet.phones(template, 40);
            List<CallResult> seen = new CopyOnWriteArrayList<>();

            List<CallResult> results = Fleet.run(phones, 40, Duration.ofMillis(5), seen::add);

            // Every call succeeded, results come back in the order of the phones.
            assertThat(results).hasSize(40).allSatisfy(r -> assertThat(r.success()).as(r.toString()).isTrue());
            assertThat(results).extracting(CallResult::config).containsExactlyElementsOf(phones);
            assertThat(seen).hasSize(40);
            assertThat(results).extracting(CallResult::packetsSent).containsOnly(50);
            assertThat(results).extracting(CallResult::ssrc).doesNotHaveDuplicates();
            // The pacer kept up: no packet went out much later than its deadline.
            assertThat(results).allSatisfy(r -> assertThat(r.maxSendLagNanos()).isLessThan(200_000_000L));
            // The server got each phone's 50 packets (UDP on loopback: allow a rare drop).
            await().atMost(Duration.ofSeconds(2)).until(() -> server.datagrams.size() >= 40 * 50 * 0.99);
            Map<Long, Long> perSsrc = server.datagrams.stream()
                    .collect(Collectors.groupingBy(d -> RtpHeader.ssrc(d.data(), 0), Collectors.counting()));
            assertThat(perSsrc).hasSize(40);
            Set<String> startIds = new HashSet<>();
            server.commandsNamed(Command.START_REQUEST).forEach(c -> startIds.add(c.getOr("id", "")));
            assertThat(startIds).containsExactlyInAnyOrderElementsOf(phones.stream().map(PhoneConfig::sessionId).toList());
        }
    }

    @Test
    void thePacerCountsEveryPacketItSent() throws IOException, InterruptedException {
        try (FakeRecordingServer server = new FakeRecordingServer();
             RtpPacer pacer = new RtpPacer(2)) {
            PhoneConfig template = PhoneConfig.builder().control("127.0.0.1", server.controlPort())
                    .duration(Duration.ofSeconds(1)).build();
            assertThat(pacer.packetsSent()).isZero();

            List<CallResult> results = Fleet.run(Fleet.phones(template, 6), 6, Duration.ofMillis(5), r -> { }, pacer);

            assertThat(results).allSatisfy(r -> assertThat(r.success()).as(r.toString()).isTrue());
            assertThat(pacer.packetsSent()).isEqualTo(results.stream().mapToLong(CallResult::packetsSent).sum())
                    .isEqualTo(6 * 50);
        }
    }

    @Test
    void concurrencyLimitQueuesTheRest() throws IOException, InterruptedException {
        try (FakeRecordingServer server = new FakeRecordingServer()) {
            PhoneConfig template = PhoneConfig.builder().control("127.0.0.1", server.controlPort())
                    .duration(Duration.ofMillis(300)).build();

            long t0 = System.nanoTime();
            List<CallResult> results = Fleet.run(Fleet.phones(template, 4), 2);
            long elapsed = System.nanoTime() - t0;

            assertThat(results).allSatisfy(r -> assertThat(r.success()).isTrue());
            // Two waves of 300 ms calls.
            assertThat(elapsed).isGreaterThanOrEqualTo(600_000_000L);
        }
    }
}
