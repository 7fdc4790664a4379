package org.callrec.benchmark;

import static org.callrec.benchmark.BenchmarkReport.ms;
import static org.callrec.benchmark.BenchmarkReport.num;

import java.util.Locale;
import java.util.Map;

/**
 * One run of the fleet benchmark as a row of the capacity curve's markdown table
 * ({@code bench/capacity-curve.sh} collects the rows, {@code --curve-header} prints the header).
 * Every figure is the {@link BenchmarkReport}'s, as defined there.
 */
final class CurveRow {

    /** Header of the capacity curve's markdown table, whose rows are {@link #of}. */
    static final String HEADER = "| calls | accepted | files exact | loss | start answer p50 / p99 | stop answer p50 / p99 "
            + "| stop → visible p50 / p99 | pipeline µs/packet | pipeline CPU-s/call-hour "
            + "| µs/packet ingest / storage / infra / control / catalog | simulator µs/packet | machine busy | other CPU-s | load avg max "
            + "| steady window: pipeline µs/packet without JIT |\n"
            + "|---:|---:|---:|---:|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|";

    private CurveRow() {
    }

    /** The run as one row of the table. */
    static String of(BenchmarkReport r) {
        Double pipeline = r.pipelineCpuSeconds();
        Map<String, Double> cpu = r.cpuSeconds();
        MachineLoad.Figures machine = r.machine();
        return String.format(Locale.ROOT, "| %,d | %,d | %,d | %s | %s / %s | %s / %s | %s / %s | %s | %s | %s / %s / %s / %s / %s | %s | %s | %s | %s | %s |",
                r.phones(), r.callsStarted(), r.filesExact(),
                Double.isNaN(r.lossPercent()) ? "n/a" : String.format(Locale.ROOT, "%.3f %%", r.lossPercent()),
                ms(r.startP50Millis()), ms(r.startP99Millis()), ms(r.stopAnswerP50Millis()), ms(r.stopAnswerP99Millis()),
                secs(r.visibleP50Millis()), secs(r.visibleP99Millis()),
                num1(r.microsPerPacket(pipeline)), num(r.secondsPerCallHour(pipeline)),
                num1(r.microsPerPacket(cpu.get("ingest"))), num1(r.microsPerPacket(cpu.get("storage"))),
                num1(r.microsPerPacket(cpu.get("infra"))), num1(r.microsPerPacket(cpu.get("control"))),
                num1(r.microsPerPacket(cpu.get("catalog"))), num1(r.microsPerPacket(cpu.get(BenchmarkReport.SIMULATOR))),
                Double.isNaN(machine.busyFraction()) ? "n/a" : String.format(Locale.ROOT, "%.0f %%", 100 * machine.busyFraction()),
                num1(r.otherCpuSeconds()), num(machine.loadMax()), num1(r.steadyPipelineMicrosWithoutJit()));
    }

    private static String num1(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String secs(double millis) {
        return Double.isNaN(millis) ? "n/a" : String.format(Locale.ROOT, "%.2f s", millis / 1000);
    }
}
