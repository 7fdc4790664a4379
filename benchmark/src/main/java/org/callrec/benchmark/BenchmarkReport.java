package org.callrec.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.callrec.simulator.CallResult;
import org.callrec.simulator.PhoneConfig;
import org.callrec.simulator.Percentiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The benchmark's figures, computed from the calls, the completion events and the S3 checks.
 *
 * <p>Definitions:
 * <ul>
 *   <li><b>start-answer latency</b>: from the phone writing {@code RecordStartRequest} to it
 *       parsing {@code RecordStartResponse} (TCP connect excluded);</li>
 *   <li><b>stop-to-object-visible latency</b>: from the phone writing {@code RecordStopRequest}
 *       (its {@code stopSentAtMillis}, wall clock) to the benchmark's Kafka consumer receiving the
 *       recording's completion event, which the storage service publishes once the objects are
 *       written; both clocks are this machine's;</li>
 *   <li><b>event delivery</b>: from the completion record's Kafka timestamp (set by the storage
 *       service's producer) to its receipt, the part of stop→visible spent in Kafka and in this
 *       consumer;</li>
 *   <li><b>packets stored</b>: the sum of {@code quality.packetsPlaced} in the metadata JSON of
 *       every recording found; <b>loss</b> = (sent − stored) / sent over the calls the server
 *       accepted, so a missing recording counts as lost packets;</li>
 *   <li><b>CPU seconds</b>: utime + stime growth of each service's process between just before
 *       the first call and the arrival of the last completion event (or the timeout);
 *       <b>pipeline</b> is the sum over {@link #PIPELINE} (services + infrastructure, not the
 *       benchmark); <b>µs per packet</b> = CPU seconds × 10^6 / packets sent; <b>s per call-hour</b>
 *       = CPU seconds / hours of media sent by the accepted calls (packets × ptime);</li>
 *   <li><b>steady window</b> ({@link SteadyWindow}): the same CPU figures over the part of the run in
 *       which every call is in progress, per packet sent in it, with and without the JIT
 *       compiler threads' CPU; absent (null) when the calls do not overlap long enough;</li>
 *   <li><b>files exact</b>: recordings whose WAV holds every sample the phone sent, decoded by
 *       the benchmark's own {@link G711Reference}, and no more ({@link StoredAudioCheck});</li>
 *   <li><b>machine</b>: share of all cores busy (/proc/stat) over the same window, and the
 *       1-minute load average sampled during it ({@link MachineLoad}).</li>
 * </ul>
 */
record BenchmarkReport(
        int phones, Duration callDuration, String codec,
        int callsStarted, int callsSucceeded, Map<String, Long> failures,
        long packetsSent, long packetsStored, double lossPercent,
        int completionsExpected, int completionsReceived, List<String> missingCompletions,
        int audioObjectsPresent, Map<String, Long> objectProblems,
        int filesCompared, int filesExact, List<String> notExact,
        double startP50Millis, double startP99Millis, double stopAnswerP50Millis, double stopAnswerP99Millis,
        double visibleP50Millis, double visibleP99Millis, double deliveryP50Millis, double deliveryP99Millis,
        double maxSendLagMillis, String rtpTransport, long transportErrors,
        Map<String, Double> cpuSeconds, SteadyWindow.Figures steady, double callHours, MachineLoad.Figures machine,
        long simulatorPeakRssBytes, int simulatorPeakThreads,
        double fleetWallSeconds, double totalWallSeconds) {

    /** The processes whose CPU is the pipeline's: the services and the infrastructure, not the benchmark. */
    static final List<String> PIPELINE = BenchmarkOptions.SERVICES;

    /** The benchmark's own JVM in {@link #cpuSeconds()}. */
    static final String SIMULATOR = "simulator";

    /** Exit status: every call accepted and succeeded, every recording completed and verified. */
    boolean allGood() {
        return callsSucceeded == phones && missingCompletions.isEmpty() && audioObjectsPresent == completionsExpected
                && objectProblems.isEmpty() && filesExact == completionsExpected;
    }

    /** CPU seconds of the whole pipeline (the {@link #PIPELINE} processes); null when one is unknown. */
    Double pipelineCpuSeconds() {
        return sum(cpuSeconds, PIPELINE);
    }

    /** The sum of {@code seconds} over {@code processes}; null when one is unknown. */
    static Double sum(Map<String, Double> seconds, Iterable<String> processes) {
        double sum = 0;
        for (String p : processes) {
            Double v = seconds.get(p);
            if (v == null) {
                return null;
            }
            sum += v;
        }
        return sum;
    }

    /**
     * CPU seconds the machine was busy with anything but the pipeline and the benchmark (other
     * processes, the kernel's own threads): a run with a large share here was disturbed. NaN when unknown.
     */
    double otherCpuSeconds() {
        Double pipeline = pipelineCpuSeconds();
        Double simulator = cpuSeconds.get(SIMULATOR);
        return pipeline == null || simulator == null ? Double.NaN : machine.busySeconds() - pipeline - simulator;
    }

    /** CPU microseconds per RTP packet sent; NaN when unknown or nothing was sent. */
    double microsPerPacket(Double cpu) {
        return cpu == null || packetsSent == 0 ? Double.NaN : cpu * 1e6 / packetsSent;
    }

    /** CPU seconds per hour of recorded call (media sent by accepted calls); NaN when unknown. */
    double secondsPerCallHour(Double cpu) {
        return cpu == null || callHours <= 0 ? Double.NaN : cpu / callHours;
    }

    static BenchmarkReport of(BenchmarkOptions o, List<CallResult> calls, Map<String, ReceivedCompletion> events,
                              Map<String, ObjectVerifier.Verdict> verdicts, Map<String, Double> cpuSeconds,
                              SteadyWindow.Figures steady, String rtpTransport, long transportErrors, MachineLoad.Figures machine,
                              Duration fleetWall, Duration totalWall) {
        List<CallResult> started = calls.stream().filter(CallResult::started).toList();
        Map<String, Long> failures = calls.stream().filter(r -> !r.success())
                .collect(Collectors.groupingBy(r -> shorten(r.failureReason()).replaceAll("'[^']*'", "'…'"), TreeMap::new,
                        Collectors.counting()));

        long sent = started.stream().mapToLong(CallResult::packetsSent).sum();
        long stored = verdicts.values().stream().mapToLong(v -> Math.max(0, v.packetsPlaced())).sum();

        double callHours = started.stream()
                .mapToDouble(r -> (double) r.packetsSent() * r.config().packetMillis() / 3_600_000.0).sum();
        List<String> missing = new ArrayList<>();
        List<Double> visible = new ArrayList<>();
        List<String> notExact = new ArrayList<>();
        int compared = 0;
        int exact = 0;
        for (CallResult r : started) {
            String key = key(r.config());
            ObjectVerifier.Verdict v = verdicts.get(key);
            if (v != null && v.audio() != null) {
                compared++;
                if (v.audio().exact()) {
                    exact++;
                } else {
                    notExact.add(r.config().sessionId() + "/" + r.config().device() + ": " + v.audio().describe());
                }
            }
            ReceivedCompletion e = events.get(key);
            if (e == null) {
                missing.add(r.config().sessionId() + "/" + r.config().device());
            } else if (r.stopSentAtMillis() > 0) {
                visible.add((double) (e.receivedAtMillis() - r.stopSentAtMillis()));
            }
        }
        Map<String, Long> problems = verdicts.values().stream().filter(v -> v.problem() != null)
                .collect(Collectors.groupingBy(v -> shorten(v.problem().replaceAll("/\\S+", "/…")), TreeMap::new,
                        Collectors.counting()));

        double[] start = calls.stream().filter(r -> r.startLatencyNanos() >= 0)
                .mapToDouble(CallResult::startLatencyMillis).toArray();
        double[] stop = calls.stream().filter(r -> r.stopLatencyNanos() >= 0)
                .mapToDouble(CallResult::stopLatencyMillis).toArray();
        double[] vis = visible.stream().mapToDouble(Double::doubleValue).toArray();
        double[] delivery = started.stream().map(r -> events.get(key(r.config()))).filter(e -> e != null)
                .mapToDouble(e -> e.receivedAtMillis() - e.publishedAtMillis()).toArray();

        return new BenchmarkReport(calls.size(), o.duration(), o.codec().name(),
                started.size(), (int) calls.stream().filter(CallResult::success).count(), failures,
                sent, stored, sent == 0 ? Double.NaN : 100.0 * (sent - stored) / sent,
                started.size(), started.size() - missing.size(), missing,
                (int) verdicts.values().stream().filter(ObjectVerifier.Verdict::audioPresent).count(), problems,
                compared, exact, notExact,
                Percentiles.of(start, 50), Percentiles.of(start, 99), Percentiles.of(stop, 50), Percentiles.of(stop, 99),
                Percentiles.of(vis, 50), Percentiles.of(vis, 99), Percentiles.of(delivery, 50), Percentiles.of(delivery, 99),
                calls.stream().mapToLong(CallResult::maxSendLagNanos).max().orElse(0) / 1e6,
                rtpTransport, transportErrors + calls.stream().mapToLong(CallResult::sendErrors).sum(),
                cpuSeconds, steady, callHours, machine, peakRssBytes(),
                java.lang.management.ManagementFactory.getThreadMXBean().getPeakThreadCount(),
                seconds(fleetWall), seconds(totalWall));
    }

    /** This JVM's peak resident set ({@code VmHWM} of /proc/self/status), -1 when unknown. */
    static long peakRssBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no /proc
        }
        return -1;
    }

    /** The key of a phone's completion event. */
    static String key(PhoneConfig c) {
        return ReceivedCompletion.phoneKey(c.sessionId(), c.device());
    }

    /** CPU seconds used between two readings, per service; absent when either reading is. */
    static Map<String, Double> cpuDelta(Map<String, OptionalDouble> before, Map<String, OptionalDouble> after) {
        Map<String, Double> delta = new LinkedHashMap<>();
        before.forEach((name, b) -> {
            OptionalDouble a = after.getOrDefault(name, OptionalDouble.empty());
            delta.put(name, b.isPresent() && a.isPresent() ? a.getAsDouble() - b.getAsDouble() : null);
        });
        return delta;
    }

    /** The human-readable report. */
    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("==================== callrec fleet benchmark ====================\n");
        line(sb, "phones", "%d × %s of %s", phones, fmtDuration(callDuration), codec);
        line(sb, "calls succeeded", "%d / %d (start accepted: %d)", callsSucceeded, phones, callsStarted);
        failures.forEach((reason, n) -> line(sb, "  failed", "%d × %s", n, reason));
        line(sb, "packets sent", "%d", packetsSent);
        line(sb, "packets stored", "%d (sum of quality.packetsPlaced)", packetsStored);
        line(sb, "loss", "%s", Double.isNaN(lossPercent) ? "n/a" : String.format(Locale.ROOT, "%.3f %%", lossPercent));
        line(sb, "completions", "%d / %d events received", completionsReceived, completionsExpected);
        missingCompletions.stream().limit(20).forEach(m -> line(sb, "  missing", "%s", m));
        if (missingCompletions.size() > 20) {
            line(sb, "  missing", "… and %d more", missingCompletions.size() - 20);
        }
        line(sb, "audio objects", "%d present", audioObjectsPresent);
        objectProblems.forEach((p, n) -> line(sb, "  problem", "%d × %s", n, p));
        line(sb, "files exact", "%d / %d (sample-exact against what was sent; %d compared)", filesExact,
                completionsExpected, filesCompared);
        notExact.stream().limit(20).forEach(m -> line(sb, "  not exact", "%s", m));
        if (notExact.size() > 20) {
            line(sb, "  not exact", "… and %d more", notExact.size() - 20);
        }
        line(sb, "start answer", "p50 %s  p99 %s", ms(startP50Millis), ms(startP99Millis));
        line(sb, "stop answer", "p50 %s  p99 %s", ms(stopAnswerP50Millis), ms(stopAnswerP99Millis));
        line(sb, "stop→visible", "p50 %s  p99 %s", ms(visibleP50Millis), ms(visibleP99Millis));
        sb.append("                   (phone writes RecordStopRequest → completion event received on Kafka)\n");
        line(sb, "event delivery", "p50 %s  p99 %s  (record timestamp → received)", ms(deliveryP50Millis), ms(deliveryP99Millis));
        line(sb, "CPU", "%-10s %9s %9s %12s", "process", "seconds", "µs/packet", "s/call-hour");
        cpuSeconds.forEach((name, v) -> cpuLine(sb, name, v));
        cpuLine(sb, "pipeline", pipelineCpuSeconds());
        sb.append("                   (pipeline = ").append(String.join(" + ", PIPELINE))
                .append("; ").append(String.format(Locale.ROOT, "%.3f", callHours)).append(" call-hours)\n");
        steadyText(sb);
        line(sb, "machine", "%s of %d cores busy (%s CPU-s, of which %s outside the pipeline and the benchmark); "
                        + "load average (1 min) mean %s, max %s (%d samples)",
                Double.isNaN(machine.busyFraction()) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * machine.busyFraction()),
                machine.cores(), num(machine.busySeconds()), num(otherCpuSeconds()), num(machine.loadMean()),
                num(machine.loadMax()), machine.samples());
        line(sb, "wall time", "fleet %.1f s, total %.1f s", fleetWallSeconds, totalWallSeconds);
        line(sb, "RTP transport", "%s; %d send errors", rtpTransport, transportErrors);
        line(sb, "simulator lag", "max %s behind real time", ms(maxSendLagMillis));
        line(sb, "simulator memory", "peak RSS %s MiB, peak threads %d",
                simulatorPeakRssBytes < 0 ? "n/a" : Long.toString(simulatorPeakRssBytes >> 20), simulatorPeakThreads);
        line(sb, "verdict", "%s", allGood() ? "PASS" : "FAIL");
        line(sb, "curve row", "%s", CurveRow.of(this));
        sb.append("=================================================================\n");
        return sb.toString();
    }

    /** The same figures as one JSON object on one line. */
    String json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode n = mapper.createObjectNode();
        n.put("benchmark", "callrec-fleet");
        n.put("phones", phones);
        n.put("callDurationSeconds", callDuration.toMillis() / 1000.0);
        n.put("codec", codec);
        n.put("callsStarted", callsStarted);
        n.put("callsSucceeded", callsSucceeded);
        n.set("failures", mapper.valueToTree(failures));
        n.put("packetsSent", packetsSent);
        n.put("packetsStored", packetsStored);
        number(n, "lossPercent", lossPercent);
        n.put("completionsExpected", completionsExpected);
        n.put("completionsReceived", completionsReceived);
        n.set("missingCompletions", mapper.valueToTree(missingCompletions.stream().limit(50).toList()));
        n.put("audioObjectsPresent", audioObjectsPresent);
        n.set("objectProblems", mapper.valueToTree(objectProblems));
        n.put("filesCompared", filesCompared);
        n.put("filesExact", filesExact);
        n.set("notExact", mapper.valueToTree(notExact.stream().limit(50).toList()));
        number(n, "startLatencyP50Millis", startP50Millis);
        number(n, "startLatencyP99Millis", startP99Millis);
        number(n, "stopAnswerP50Millis", stopAnswerP50Millis);
        number(n, "stopAnswerP99Millis", stopAnswerP99Millis);
        number(n, "stopToVisibleP50Millis", visibleP50Millis);
        number(n, "stopToVisibleP99Millis", visibleP99Millis);
        number(n, "eventDeliveryP50Millis", deliveryP50Millis);
        number(n, "eventDeliveryP99Millis", deliveryP99Millis);
        number(n, "maxSendLagMillis", maxSendLagMillis);
        ObjectNode cpu = n.putObject("cpuSeconds");
        cpuSeconds.forEach((k, v) -> {
            if (v == null) {
                cpu.putNull(k);
            } else {
                cpu.put(k, round(v));
            }
        });
        Double pipeline = pipelineCpuSeconds();
        if (pipeline == null) {
            cpu.putNull("pipeline");
        } else {
            cpu.put("pipeline", round(pipeline));
        }
        ObjectNode perPacket = n.putObject("cpuMicrosPerPacket");
        ObjectNode perHour = n.putObject("cpuSecondsPerCallHour");
        cpuSeconds.forEach((k, v) -> {
            number(perPacket, k, microsPerPacket(v));
            number(perHour, k, secondsPerCallHour(v));
        });
        number(perPacket, "pipeline", microsPerPacket(pipeline));
        number(perHour, "pipeline", secondsPerCallHour(pipeline));
        steadyJson(n);
        number(n, "callHours", callHours);
        ObjectNode m = n.putObject("machine");
        m.put("cores", machine.cores());
        number(m, "busyFraction", machine.busyFraction());
        number(m, "busyCpuSeconds", machine.busySeconds());
        number(m, "otherCpuSeconds", otherCpuSeconds());
        number(m, "loadAverageMean", machine.loadMean());
        number(m, "loadAverageMax", machine.loadMax());
        n.put("rtpTransport", rtpTransport);
        n.put("simulatorPeakRssBytes", simulatorPeakRssBytes);
        n.put("simulatorPeakThreads", simulatorPeakThreads);
        n.put("transportErrors", transportErrors);
        number(n, "fleetWallSeconds", fleetWallSeconds);
        number(n, "totalWallSeconds", totalWallSeconds);
        n.put("pass", allGood());
        return n.toString();
    }

    /** The pipeline's CPU per packet in the steady window without the JIT compilers; NaN when there is none. */
    double steadyPipelineMicrosWithoutJit() {
        return steady == null ? Double.NaN
                : steady.microsPerPacket(sum(steady.withoutJit(), PIPELINE));
    }

    private void steadyText(StringBuilder sb) {
        if (steady == null) {
            line(sb, "steady window", "none (the calls do not all overlap for %d s: longer calls or a shorter stagger)",
                    SteadyWindow.SHORTEST.toSeconds());
            return;
        }
        line(sb, "steady window", "%.1f s with every call in progress, %d packets sent in it", steady.seconds(),
                steady.packets());
        line(sb, "  CPU", "%-10s %9s %9s %9s %14s", "process", "seconds", "of it JIT", "µs/packet", "µs/packet -JIT");
        Map<String, Double> withoutJit = steady.withoutJit();
        steady.cpu().forEach((name, v) -> steadyLine(sb, name, v, steady.jit().get(name), withoutJit.get(name)));
        steadyLine(sb, "pipeline", sum(steady.cpu(), PIPELINE),
                sum(steady.jit(), PIPELINE), sum(withoutJit, PIPELINE));
    }

    private void steadyLine(StringBuilder sb, String name, Double cpu, Double jit, Double withoutJit) {
        sb.append(String.format(Locale.ROOT, "%-18s %-10s %9s %9s %9s %14s%n", "", name, cpu == null ? "n/a" : num(cpu),
                jit == null ? "n/a" : num(jit), num(steady.microsPerPacket(cpu)), num(steady.microsPerPacket(withoutJit))));
    }

    private void steadyJson(ObjectNode n) {
        if (steady == null) {
            n.putNull("steadyWindow");
            return;
        }
        ObjectNode w = n.putObject("steadyWindow");
        number(w, "seconds", steady.seconds());
        w.put("packets", steady.packets());
        ObjectNode cpu = w.putObject("cpuSeconds");
        ObjectNode jit = w.putObject("jitCpuSeconds");
        ObjectNode perPacket = w.putObject("cpuMicrosPerPacketWithoutJit");
        Map<String, Double> withoutJit = steady.withoutJit();
        steady.cpu().forEach((k, v) -> {
            number(cpu, k, v == null ? Double.NaN : v);
            Double j = steady.jit().get(k);
            number(jit, k, j == null ? Double.NaN : j);
            number(perPacket, k, steady.microsPerPacket(withoutJit.get(k)));
        });
        number(perPacket, "pipeline", steadyPipelineMicrosWithoutJit());
    }

    private void cpuLine(StringBuilder sb, String name, Double v) {
        sb.append(String.format(Locale.ROOT, "%-18s %-10s %9s %9s %12s%n", "", name, v == null ? "n/a" : num(v),
                num(microsPerPacket(v)), num(secondsPerCallHour(v))));
    }

    static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void number(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) {
            n.putNull(field);
        } else {
            n.put(field, round(v));
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void line(StringBuilder sb, String label, String format, Object... args) {
        sb.append(String.format(Locale.ROOT, "%-18s ", label)).append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String fmtDuration(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static String shorten(String s) {
        String t = s == null ? "unknown" : s;
        return t.length() > 160 ? t.substring(0, 160) + "…" : t;
    }
}
