package org.callrec.benchmark;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Drives a running local stack ({@code ./run.sh}) with hostile input and prints what it sent,
 * how it was answered or counted, whether any service crashed, and heap, RSS and spill size
 * before and after. Run by {@code bench/hostile-load.sh}; {@code --help} lists the options.
 * Exit status 0 when no service died or stopped being ready, 1 otherwise, 2 on bad options.
 */
public final class HostileLoad {

    static final String USAGE = """
            Usage: java -cp benchmark.jar org.callrec.benchmark.HostileLoad [options]
              --control HOST:PORT      control TCP endpoint (127.0.0.1:10000)
              --media-host ADDR        address the media is sent from and to (127.0.0.1)
              --udp-range MIN-MAX      ingest's UDP port range (40000-49999)
              --management LIST        name=URL,… of the management ports
                                       (control=http://127.0.0.1:9081,ingest=http://127.0.0.1:9082,storage=http://127.0.0.1:9083)
              --management-auth-file F file whose content is sent as the Authorization header (none)
              --pid-dir DIR            where run.sh keeps <service>.pid (.local/run)
              --spill-dir DIR          storage's spill directory (.local/data/storage)
              --log-dir DIR            the services' logs (.local/logs)
              --commands N             malformed commands to send (1000000)
              --datagrams N            hostile datagrams to send (1000000)
              --parallel N             TCP connections at a time (32)
              --batch N                commands per connection (2000)
              --window N               commands in flight per connection before waiting for
                                       an answer (8; 0: the whole batch at once, which control
                                       cuts at its 32-command queue)
              --recordings N           real recordings opened for hostile media (8)
              --rate N                 datagrams per second (50000)
              --spill-limit BYTES      stop timestamp jumps once the spill directory passes this (8589934592)
              --timestamp-jumps N      at most N timestamp jumps (no limit: ~10 % of the datagrams)
              --settle SECONDS         wait after the stops before the last look (20)
              --gc true|false          full GC in each service (jcmd GC.run) before the first and last look (true)
              --seed N                 random seed (1)
            """;

    private static final Set<String> KNOWN = Set.of("help", "control", "media-host", "udp-range", "management",
            "management-auth-file", "pid-dir", "spill-dir", "log-dir", "commands", "datagrams", "parallel", "batch", "window",
            "recordings", "rate", "spill-limit", "timestamp-jumps", "settle", "gc", "seed");

    private HostileLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o;
        try {
            o = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (o.containsKey("help")) {
            System.out.print(USAGE);
            return;
        }
        System.exit(run(o, System.out) ? 0 : 1);
    }

    /** Runs the whole load; true when no service crashed or stopped being ready. */
    static boolean run(Map<String, String> o, PrintStream out) throws Exception {
        String[] hp = o.getOrDefault("control", "127.0.0.1:10000").split(":");
        InetSocketAddress control = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        InetAddress mediaHost = InetAddress.getByName(o.getOrDefault("media-host", "127.0.0.1"));
        String[] range = o.getOrDefault("udp-range", "40000-49999").split("-");
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        Map<String, StackProbe.Service> services = new LinkedHashMap<>();
        for (String s : o.getOrDefault("management",
                "control=http://127.0.0.1:9081,ingest=http://127.0.0.1:9082,storage=http://127.0.0.1:9083").split(",")) {
            if (!s.isBlank()) {
                String[] kv = s.split("=", 2);
                services.put(kv[0], new StackProbe.Service(kv[0], URI.create(kv[1])));
            }
        }
        Optional<String> auth = Optional.ofNullable(o.get("management-auth-file"))
                .map(f -> read(Path.of(f)));
        StackProbe probe = new StackProbe(services, path(o, "pid-dir", ".local/run"), path(o, "spill-dir", ".local/data/storage"),
                path(o, "log-dir", ".local/logs"), auth);

        if (Boolean.parseBoolean(o.getOrDefault("gc", "true"))) {
            probe.collectGarbage();
        }
        StackProbe.Snapshot before = probe.snapshot();
        out.println("Hostile load against " + control + ", media " + mediaHost.getHostAddress() + " ports " + range[0] + "-"
                + range[1] + ", seed " + seed);

        long t0 = System.nanoTime();
        HostileCommands commands = new HostileCommands(control, Integer.parseInt(o.getOrDefault("parallel", "32")),
                Integer.parseInt(o.getOrDefault("batch", "2000")), Integer.parseInt(o.getOrDefault("window", "8")), seed);
        commands.run(Long.parseLong(o.getOrDefault("commands", "1000000")));
        Duration commandTime = Duration.ofNanos(System.nanoTime() - t0);

        long t1 = System.nanoTime();
        HostileMedia media = new HostileMedia(control, mediaHost, Integer.parseInt(range[0]), Integer.parseInt(range[1]),
                Integer.parseInt(o.getOrDefault("rate", "50000")), Long.parseLong(o.getOrDefault("spill-limit", "8589934592")),
                () -> probe.spillBytes().orElse(0),
                Long.parseLong(o.getOrDefault("timestamp-jumps", Long.toString(Long.MAX_VALUE))), seed + 1);
        media.open(Integer.parseInt(o.getOrDefault("recordings", "8")));
        int opened = media.recordingsOpen();
        StackProbe.Snapshot during = probe.snapshot();
        media.run(Long.parseLong(o.getOrDefault("datagrams", "1000000")));
        OptionalLong spillAtEnd = probe.spillBytes();
        media.stopAll();
        Duration mediaTime = Duration.ofNanos(System.nanoTime() - t1);
        Thread.sleep(Long.parseLong(o.getOrDefault("settle", "20")) * 1000);

        if (Boolean.parseBoolean(o.getOrDefault("gc", "true"))) {
            probe.collectGarbage(); // so that "heap after" is live data, not garbage not yet collected
        }
        StackProbe.Snapshot after = probe.snapshot();
        return report(out, commands, commandTime, media, opened, mediaTime, before, during, spillAtEnd, after);
    }

    private static boolean report(PrintStream out, HostileCommands c, Duration commandTime, HostileMedia m, int opened,
                                  Duration mediaTime, StackProbe.Snapshot before, StackProbe.Snapshot during,
                                  OptionalLong spillAtEnd, StackProbe.Snapshot after) {
        out.printf("%n== Commands: %,d sent in %.1f s over %,d connections (%,d bytes; %,d connect failures, %,d closed by the server)%n",
                c.total(), commandTime.toMillis() / 1000.0, c.connections.sum(), c.bytesSent.sum(), c.connectFailures.sum(),
                c.closedByServer.sum());
        new TreeMap<>(c.sent).forEach((k, v) -> out.printf("  sent %-16s %,12d%n", k, v.sum()));
        out.printf("  answers read: %,d (connections whose answers stalled 120 s: %,d)%n", c.answered(), c.stalls.sum());
        new TreeMap<>(c.answers).forEach((k, v) -> out.printf("  answered %-40s %,12d%n", k, v.sum()));

        out.printf("%n== Datagrams: %,d sent in %.1f s (%,d bytes, %,d send failures) to %d real recordings (starts: %s; stops: %s)%n",
                m.total(), mediaTime.toMillis() / 1000.0, m.bytesSent, m.sendFailures, opened, m.startAnswers, m.stopAnswers);
        m.sent.forEach((k, v) -> out.printf("  sent %-48s %,12d%n", k, v));
        out.println(m.spillGuardAt < 0 ? "  spill guard: not tripped"
                : String.format("  spill guard: tripped after %,d datagrams (timestamp jumps stopped)", m.spillGuardAt));

        out.printf("%n== Counted by the services (/q/metrics series that moved, after − before)%n");
        for (String name : after.services().keySet()) {
            StackProbe.ServiceState a = after.services().get(name);
            StackProbe.ServiceState b = before.services().get(name);
            TreeSet<String> keys = new TreeSet<>(a.series().keySet());
            if (b != null) {
                keys.addAll(b.series().keySet());
            }
            for (String k : keys) {
                double d = a.series().getOrDefault(k, 0.0) - (b == null ? 0.0 : b.series().getOrDefault(k, 0.0));
                if (d != 0) {
                    out.printf("  %-8s %-90s %+,14.0f%n", name, k, d);
                }
            }
        }

        out.printf("%n== Health, heap, RSS (before → during → after; heap after a full GC when --gc)%n");
        int crashes = 0;
        for (String name : after.services().keySet()) {
            StackProbe.ServiceState b = before.services().get(name);
            StackProbe.ServiceState d = during.services().get(name);
            StackProbe.ServiceState a = after.services().get(name);
            boolean crashed = b.alive() && !a.alive() || b.ready() && !a.ready();
            crashes += crashed ? 1 : 0;
            out.printf("  %-8s alive %s→%s ready %s→%s  heap %s → %s → %s  RSS %s → %s → %s%s%n", name, b.alive(), a.alive(),
                    b.ready(), a.ready(), mib(b.heapBytes()), mib(d.heapBytes()), mib(a.heapBytes()), mib(b.rssBytes()),
                    mib(d.rssBytes()), mib(a.rssBytes()), a.problem() == null ? "" : "  (" + a.problem() + ")");
        }
        out.printf("  spill directory %s → %s at the end of the datagrams → %s after the stops; logs %s → %s%n",
                mib(before.spillBytes()), mib(spillAtEnd), mib(after.spillBytes()), mib(before.logBytes()), mib(after.logBytes()));
        out.printf("%nCrashes: %d%n", crashes);
        return crashes == 0;
    }

    private static String mib(OptionalLong bytes) {
        return bytes.isPresent() ? String.format("%,.1f MiB", bytes.getAsLong() / 1048576.0) : "n/a";
    }

    private static Path path(Map<String, String> o, String key, String fallback) {
        String v = o.getOrDefault(key, fallback);
        return v.isEmpty() ? null : Path.of(v);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage());
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + args[i]);
            }
            String key = args[i].substring(2);
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException("unknown option: " + args[i]);
            }
            if (key.equals("help")) {
                o.put(key, "");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
            o.put(key, args[++i]);
        }
        return o;
    }
}
