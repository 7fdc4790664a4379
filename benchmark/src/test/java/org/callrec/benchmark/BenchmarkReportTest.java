package org.callrec.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import org.callrec.core.completion.CompletionEvent;
import org.callrec.core.protocol.Command;
import org.callrec.simulator.CallResult;
import org.callrec.simulator.PhoneConfig;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class BenchmarkReportTest {

    private static final Command OK = new Command(Command.START_RESPONSE, Map.of("result", "success", "port", "20000"));

    private static CallResult call(String id, String device, boolean success, Command start, int packets,
                                   long startLatencyMillis, long stopSentAt) {
        PhoneConfig c = PhoneConfig.builder().sessionId(id).device(device).build();
        return new CallResult(c, success, success ? null : "stop answered result=failed reason=x", start,
                startLatencyMillis * 1_000_000, 1, "127.0.0.1", 20000, "127.0.0.1", 40000, 1, 2, 3, packets,
                new byte[0], 0, 500_000, null, stopSentAt, 1_000_000);
    }

    private static ReceivedCompletion event(String id, String device, long receivedAt) {
        return new ReceivedCompletion(new CompletionEvent(CompletionEvent.TYPE, "r-" + id, "default", "recordings",
                "a/" + id, "m/" + id, id, device, "PCMA", 1.0, "hangup", "", "", "", "network"), receivedAt - 20,
                receivedAt);
    }

    @Test
    void figuresFollowTheirDefinitions() throws Exception {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {"--phones", "3", "--duration", "1s"});
        // Phone a: recorded, 50 sent / 48 stored. Phone b: accepted, no completion event. Phone c: refused.
        List<CallResult> calls = List.of(
                call("a", "0C-38-3E-00-00-01", true, OK, 50, 2, 10_000),
                call("b", "0c:38:3e:00:00:02", false, OK, 50, 4, 10_000),
                call("c", "0c:38:3e:00:00:03", false,
                        new Command(Command.START_RESPONSE, Map.of("result", "failed")), 0, 6, 0));
        // The event spells the MAC differently: matching normalises it.
        Map<String, ReceivedCompletion> events = Map.of(BenchmarkReport.key(calls.get(0).config()),
                event("a", "0c:38:3e:00:00:01", 10_750));
        Map<String, ObjectVerifier.Verdict> verdicts = Map.of(BenchmarkReport.key(calls.get(0).config()),
                new ObjectVerifier.Verdict("r-a", true, 8044, 48,
                        new StoredAudioCheck(false, 8000, 7680, -1, 0, 0, null), null));
        Map<String, OptionalDouble> before = new LinkedHashMap<>();
        before.put("control", OptionalDouble.of(1.0));
        before.put("ingest", OptionalDouble.empty());
        Map<String, OptionalDouble> after = Map.of("control", OptionalDouble.of(3.5), "ingest", OptionalDouble.of(2));

        BenchmarkReport r = BenchmarkReport.of(o, calls, events, verdicts, BenchmarkReport.cpuDelta(before, after),
                null, "test", 0, MachineLoad.Figures.NONE, Duration.ofSeconds(2), Duration.ofSeconds(5));

        assertThat(BenchmarkReport.key(calls.get(0).config())).isEqualTo(event("a", "0c:38:3e:00:00:01", 0).phoneKey());
        assertThat(r.callsStarted()).isEqualTo(2);
        assertThat(r.callsSucceeded()).isEqualTo(1);
        assertThat(r.packetsSent()).isEqualTo(100);
        assertThat(r.packetsStored()).isEqualTo(48);
        assertThat(r.lossPercent()).isCloseTo(52.0, within(1e-9));
        assertThat(r.completionsExpected()).isEqualTo(2);
        assertThat(r.completionsReceived()).isEqualTo(1);
        assertThat(r.missingCompletions()).containsExactly("b/0c:38:3e:00:00:02");
        assertThat(r.visibleP50Millis()).isEqualTo(750);
        assertThat(r.deliveryP50Millis()).isEqualTo(20);
        assertThat(r.startP50Millis()).isEqualTo(4);
        assertThat(r.startP99Millis()).isEqualTo(6);
        assertThat(r.cpuSeconds()).containsEntry("control", 2.5).containsEntry("ingest", null);
        assertThat(r.allGood()).isFalse();
        // a's file was compared and is short by two packets; 100 packets of 20 ms = 2 s of calls.
        assertThat(r.filesCompared()).isEqualTo(1);
        assertThat(r.filesExact()).isZero();
        assertThat(r.notExact()).singleElement().asString().contains("length 7680 vs 8000 sent (-320)");
        assertThat(r.callHours()).isCloseTo(2.0 / 3600, within(1e-12));
        assertThat(r.microsPerPacket(2.5)).isCloseTo(25_000, within(1e-6));
        assertThat(r.secondsPerCallHour(2.5)).isCloseTo(4500, within(1e-6));
        assertThat(r.pipelineCpuSeconds()).isNull(); // storage, catalog, infra unknown

        assertThat(r.text()).contains("calls succeeded    1 / 3").containsPattern("missing +b/0c:38:3e:00:00:02")
                .contains("stop→visible       p50 750.0 ms").containsPattern("control +2.50 +25000.00 +4500.00").containsPattern("ingest +n/a").contains("FAIL");
        JsonNode json = new ObjectMapper().readTree(r.json());
        assertThat(r.json()).doesNotContain("\n");
        assertThat(json.path("packetsStored").asLong()).isEqualTo(48);
        assertThat(json.path("lossPercent").asDouble()).isEqualTo(52.0);
        assertThat(json.path("stopToVisibleP99Millis").asDouble()).isEqualTo(750.0);
        assertThat(json.path("cpuSeconds").path("ingest").isNull()).isTrue();
        assertThat(json.path("failures").size()).isEqualTo(1);
        assertThat(json.path("pass").asBoolean()).isFalse();
        assertThat(r.text()).contains("steady window      none");
        assertThat(json.path("steadyWindow").isNull()).isTrue();
    }

    @Test
    void theSteadyWindowCountsItsOwnPacketsAndSetsTheJitApart() throws Exception {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {"--phones", "1"});
        CallResult a = call("a", "0c:38:3e:00:00:01", true, OK, 50, 2, 10_000);
        Map<String, OptionalDouble> cpu0 = new LinkedHashMap<>();
        Map<String, OptionalDouble> jit0 = new LinkedHashMap<>();
        Map<String, OptionalDouble> cpu1 = new LinkedHashMap<>();
        Map<String, OptionalDouble> jit1 = new LinkedHashMap<>();
        for (String p : BenchmarkReport.PIPELINE) {
            cpu0.put(p, OptionalDouble.of(10));
            jit0.put(p, OptionalDouble.of(1));
            cpu1.put(p, OptionalDouble.of(12)); // 2 CPU-s in the window each,
            jit1.put(p, OptionalDouble.of(1.5)); // of which 0.5 compiling
        }
        // 10 s apart, 100,000 packets sent in between
        SteadyWindow.Figures w = SteadyWindow.Figures.between(
                new SteadyWindow.Reading(0, 1_000, cpu0, jit0),
                new SteadyWindow.Reading(10_000_000_000L, 101_000, cpu1, jit1));

        BenchmarkReport r = BenchmarkReport.of(o, List.of(a), Map.of(), Map.of(), Map.of(), w, "test", 0,
                MachineLoad.Figures.NONE, Duration.ofSeconds(1), Duration.ofSeconds(2));

        int n = BenchmarkReport.PIPELINE.size();
        assertThat(w.seconds()).isEqualTo(10.0);
        assertThat(w.packets()).isEqualTo(100_000);
        assertThat(w.microsPerPacket(2.0)).isCloseTo(20.0, within(1e-9));
        assertThat(r.steadyPipelineMicrosWithoutJit()).isCloseTo(n * 1.5 * 1e6 / 100_000, within(1e-9));
        assertThat(r.text()).containsPattern("steady window +10.0 s with every call in progress, 100000 packets")
                .containsPattern("ingest +2.00 +0.50 +20.00 +15.00");
        JsonNode json = new ObjectMapper().readTree(r.json());
        assertThat(json.path("steadyWindow").path("packets").asLong()).isEqualTo(100_000);
        assertThat(json.path("steadyWindow").path("jitCpuSeconds").path("storage").asDouble()).isEqualTo(0.5);
        assertThat(json.path("steadyWindow").path("cpuMicrosPerPacketWithoutJit").path("pipeline").asDouble())
                .isCloseTo(n * 15.0, within(1e-3));
        assertThat(CurveRow.of(r)).endsWith("| " + String.format(java.util.Locale.ROOT, "%.1f", n * 15.0) + " |");
    }

    @Test
    void completeRunPasses() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {"--phones", "1"});
        CallResult a = call("a", "0c:38:3e:00:00:01", true, OK, 50, 2, 10_000);
        String key = BenchmarkReport.key(a.config());

        BenchmarkReport r = BenchmarkReport.of(o, List.of(a), Map.of(key, event("a", "0c:38:3e:00:00:01", 10_300)),
                Map.of(key, new ObjectVerifier.Verdict("r-a", true, 8044, 50,
                        new StoredAudioCheck(true, 8000, 8000, -1, 0, 0, null), null)), Map.of(), null, "test", 0,
                MachineLoad.Figures.NONE, Duration.ofSeconds(1), Duration.ofSeconds(2));

        assertThat(r.lossPercent()).isZero();
        assertThat(r.allGood()).isTrue();
        assertThat(r.text()).contains("PASS");
    }
}
