package org.callrec.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongFunction;

import org.callrec.simulator.CallResult;
import org.callrec.simulator.Durations;
import org.callrec.simulator.Fleet;
import org.callrec.simulator.PhoneConfig;
import org.callrec.simulator.RtpPacer;
import org.callrec.simulator.RtpTransport;

/**
 * Fleet benchmark of a running callrec stack (not a test: a main program).
 *
 * <ol>
 *   <li>subscribes to the completion topic ({@code callrec.recording.completed}) with a fresh
 *       consumer group, from the end, and waits for its partitions;</li>
 *   <li>reads the CPU time of each service from {@code <pid-dir>/<service>.pid};</li>
 *   <li>runs N simulated phones (staggered starts, real-time RTP, stop at the end); the RTP goes
 *       out in batches from a few shared sockets ({@link BatchedRtpTransport}) or from one
 *       socket per phone ({@code --rtp sockets});</li>
 *   <li>waits for one completion event per accepted call (matched by phone session id + MAC),
 *       reads the CPU time again;</li>
 *   <li>once every call has ended, reads each audio object from S3 and checks it sample-exact
 *       against what its phone sent, and sums {@code quality.packetsPlaced} of the metadata;</li>
 *   <li>prints the report on stdout, then the same figures as one JSON line (progress goes to
 *       stderr). See {@link BenchmarkReport} for the definition of every figure.</li>
 * </ol>
 *
 * <pre>java -jar benchmark/target/benchmark.jar --phones 200 --duration 20s</pre>
 */
public final class FleetBenchmark {

    private final BenchmarkOptions options;
    private final PrintStream out;
    private final PrintStream err;

    private FleetBenchmark(BenchmarkOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the benchmark; returns the exit code (0 pass, 1 fail, 2 usage, 3 cannot run). */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println();
            err.print(BenchmarkOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(BenchmarkOptions.USAGE);
            return 0;
        }
        if (options.curveHeader()) {
            out.println(CurveRow.HEADER);
            return 0;
        }
        try {
            return new FleetBenchmark(options, out, err).execute();
        } catch (BenchmarkException e) {
            err.println("benchmark cannot run: " + e.getMessage());
            return 3;
        }
    }

    private int execute() throws BenchmarkException, InterruptedException {
        long t0 = System.nanoTime();
        BenchmarkOptions o = options;
        checkReachable("Kafka", firstBootstrapServer(o.kafka()));
        checkReachable("S3", s3Address(o.s3Endpoint()));
        ProcessCpu cpu = ProcessCpu.system();
        Map<String, Path> pidFiles = pidFiles();

        List<CallResult> results;
        AtomicReference<SteadyWindow.Figures> steady = new AtomicReference<>();
        Map<String, ReceivedCompletion> events;
        Map<String, OptionalDouble> cpuBefore;
        Map<String, OptionalDouble> cpuAfter;
        Duration fleetWall;
        MachineLoad.Figures machine;
        String transportDescription;
        long transportErrors;
        try (CompletionWatcher watcher = new CompletionWatcher(o.kafka(), o.topic());
             RtpTransport transport = transport()) {
            transportDescription = transport.description();
            progress("subscribing to %s on %s …", o.topic(), o.kafka());
            watcher.start(o.kafkaTimeout());

            MachineLoad load = MachineLoad.start(2, cpu.ticksPerSecond());
            cpuBefore = readCpu(pidFiles, cpu::seconds);
            PhoneConfig template = PhoneConfig.builder().control(o.controlHost(), o.controlPort())
                    .duration(o.duration()).codec(o.codec()).terminator(o.terminator()).keepPayload(false).build();
            List<PhoneConfig> phones = Fleet.phones(template, o.phones());
            progress("calling: %d phones × %s, stagger %s, control %s:%d, RTP %s, tick %s", o.phones(),
                    Durations.format(o.duration()), Durations.format(o.stagger()), o.controlHost(), o.controlPort(),
                    transportDescription, Durations.format(o.effectiveRtpTick()));
            long fleetStart = System.nanoTime();
            results = runFleet(phones, transport, pacer -> steadyReading(pacer, cpu, pidFiles), steady);
            transportErrors = transport instanceof BatchedRtpTransport b ? b.sendErrors() : 0;
            fleetWall = Duration.ofNanos(System.nanoTime() - fleetStart);

            List<String> expected = results.stream().filter(CallResult::started)
                    .map(r -> BenchmarkReport.key(r.config())).toList();
            progress("calls done in %.1f s: %d accepted, %d succeeded; waiting up to %s for %d completion events …",
                    fleetWall.toMillis() / 1000.0, expected.size(), results.stream().filter(CallResult::success).count(),
                    Durations.format(o.completionTimeout()), expected.size());
            boolean all = watcher.awaitAll(expected, o.completionTimeout());
            cpuAfter = readCpu(pidFiles, cpu::seconds);
            machine = load.stop();
            events = new LinkedHashMap<>(watcher.events());
            events.keySet().retainAll(expected);
            if (!all) {
                progress("timed out: %d of %d completion events missing", expected.size() - events.size(), expected.size());
            }
        }

        progress("checking %d recordings sample by sample on %s (%d threads) …", events.size(), o.s3Endpoint(),
                o.verifyThreads());
        Map<String, CallResult> callsByKey = new LinkedHashMap<>();
        results.forEach(r -> callsByKey.put(BenchmarkReport.key(r.config()), r));
        Map<String, ObjectVerifier.Verdict> verdicts;
        long verifyStart = System.nanoTime();
        try (ObjectVerifier verifier = new ObjectVerifier(o.s3Endpoint(), o.s3Region(), o.accessKey(), o.secretKey(),
                o.bucket())) {
            verdicts = verifier.verifyAll(events.values(), callsByKey::get, o.verifyThreads());
            progress("checked in %.1f s", (System.nanoTime() - verifyStart) / 1e9);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new BenchmarkException("S3 check failed: " + e, e);
        }

        BenchmarkReport report = BenchmarkReport.of(o, results, events, verdicts,
                BenchmarkReport.cpuDelta(cpuBefore, cpuAfter), steady.get(), transportDescription, transportErrors, machine,
                fleetWall,
                Duration.ofNanos(System.nanoTime() - t0));
        out.print(report.text());
        out.println(report.json());
        out.flush();
        return report.allGood() ? 0 : 1;
    }

    /** The RTP transport of {@code --rtp}; batched falls back to per-phone sockets where epoll is unavailable. */
    private RtpTransport transport() {
        if (options.rtp() == BenchmarkOptions.Rtp.SOCKETS) {
            return RtpTransport.perPhoneSockets();
        }
        String unavailable = BatchedRtpTransport.unavailableReason();
        if (unavailable != null) {
            progress("warning: --rtp batched needs Netty's native epoll transport, unavailable here (%s): "
                    + "falling back to one UDP socket per phone (--rtp sockets)", unavailable);
            return RtpTransport.perPhoneSockets();
        }
        return BatchedRtpTransport.create(options.rtpSockets());
    }

    /**
     * Runs the fleet; when the calls overlap long enough ({@link SteadyWindow#plan}), takes
     * {@code reading} at both ends of their steady window and leaves its figures in {@code steady}.
     */
    private List<CallResult> runFleet(List<PhoneConfig> phones, RtpTransport transport,
                                      Function<RtpPacer, SteadyWindow.Reading> reading,
                                      AtomicReference<SteadyWindow.Figures> steady) throws InterruptedException {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> progress("  %3.0f s: %d/%d calls ended (%d failed)",
                (System.nanoTime() - start) / 1e9, done.get(), phones.size(), failed.get()), 5, 5, TimeUnit.SECONDS);
        try (RtpPacer pacer = new RtpPacer(options.pacerThreads(), transport, options.effectiveRtpTick())) {
            int concurrency = options.concurrency() > 0 ? options.concurrency() : phones.size();
            SteadyWindow.plan(phones.size(), options.concurrency(), options.stagger(), options.duration()).ifPresent(plan -> {
                AtomicReference<SteadyWindow.Reading> first = new AtomicReference<>();
                ticker.schedule(() -> first.set(reading.apply(pacer)),
                        plan.from().toNanos() - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
                ticker.schedule(() -> {
                    if (first.get() != null) {
                        steady.set(SteadyWindow.Figures.between(first.get(), reading.apply(pacer)));
                    }
                }, plan.to().toNanos() - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
            });
            return Fleet.run(phones, concurrency, options.stagger(), r -> {
                done.incrementAndGet();
                if (!r.success() && failed.incrementAndGet() <= 5) {
                    progress("  call %s failed: %s", r.config().sessionId(), r.failureReason());
                }
            }, pacer);
        } finally {
            ticker.shutdownNow();
        }
    }

    /** The pid file of each service; a missing one is reported and its CPU shown as n/a. */
    private Map<String, Path> pidFiles() {
        Map<String, Path> files = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String service : BenchmarkOptions.SERVICES) {
            Path file = options.pidDir().resolve(service + ".pid");
            files.put(service, file);
            if (!Files.isReadable(file) || ProcessCpu.readPid(file).isEmpty()) {
                missing.add(file.toString());
            }
        }
        if (!missing.isEmpty()) {
            progress("warning: no usable pid file %s: CPU time of those services is reported as n/a", missing);
        }
        return files;
    }

    /** Each service's figure (its instances summed) and the benchmark's own, by {@code perProcess}. */
    private static Map<String, OptionalDouble> readCpu(Map<String, Path> pidFiles, LongFunction<OptionalDouble> perProcess) {
        Map<String, OptionalDouble> seconds = new LinkedHashMap<>();
        pidFiles.forEach((service, file) -> seconds.put(service, serviceSeconds(file, service, perProcess)));
        seconds.put(BenchmarkReport.SIMULATOR, perProcess.apply(ProcessHandle.current().pid()));
        return seconds;
    }

    private static SteadyWindow.Reading steadyReading(RtpPacer pacer, ProcessCpu cpu, Map<String, Path> pidFiles) {
        return new SteadyWindow.Reading(System.nanoTime(), pacer.packetsSent(), readCpu(pidFiles, cpu::seconds),
                readCpu(pidFiles, cpu::jitSeconds));
    }

    /**
     * {@code perProcess} of a service's process summed with its further instances beside it (run.sh's
     * {@code ingest-2.pid}, {@code storage-2.pid}, … when it runs several); empty when one is
     * unreadable or gone.
     */
    private static OptionalDouble serviceSeconds(Path file, String service, LongFunction<OptionalDouble> perProcess) {
        OptionalDouble first = ProcessCpu.ofPidFile(file, perProcess);
        if (first.isEmpty()) {
            return first;
        }
        double sum = first.getAsDouble();
        for (int k = 2; Files.exists(file.resolveSibling(service + "-" + k + ".pid")); k++) {
            OptionalDouble more = ProcessCpu.ofPidFile(file.resolveSibling(service + "-" + k + ".pid"), perProcess);
            if (more.isEmpty()) {
                return more;
            }
            sum += more.getAsDouble();
        }
        return OptionalDouble.of(sum);
    }

    private static void checkReachable(String what, InetSocketAddress address) throws BenchmarkException {
        if (address.isUnresolved()) {
            throw new BenchmarkException("cannot resolve " + what + " host '" + address.getHostString() + "'");
        }
        try (Socket s = new Socket()) {
            s.connect(address, 3000);
        } catch (IOException e) {
            throw new BenchmarkException("cannot reach " + what + " at " + address.getHostString() + ":"
                    + address.getPort() + " (" + e.getMessage() + "). Is the stack running? "
                    + "bench/run-benchmark.sh starts it with ./run.sh.");
        }
    }

    static InetSocketAddress firstBootstrapServer(String bootstrap) throws BenchmarkException {
        String first = bootstrap.split(",")[0].strip();
        int colon = first.lastIndexOf(':');
        try {
            return new InetSocketAddress(first.substring(0, colon).replaceAll("^\\[|]$", ""),
                    Integer.parseInt(first.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new BenchmarkException("--kafka wants HOST:PORT[,HOST:PORT…], got '" + bootstrap + "'");
        }
    }

    static InetSocketAddress s3Address(String endpoint) throws BenchmarkException {
        try {
            URI uri = URI.create(endpoint);
            int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return new InetSocketAddress(uri.getHost().replaceAll("^\\[|]$", ""), port);
        } catch (IllegalArgumentException e) {
            throw new BenchmarkException("--s3 wants a URL such as http://127.0.0.1:9000, got '" + endpoint + "'");
        }
    }

    private void progress(String format, Object... args) {
        synchronized (err) {
            err.printf(format + "%n", args);
        }
    }
}
