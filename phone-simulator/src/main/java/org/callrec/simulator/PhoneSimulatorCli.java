package org.callrec.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.protocol.Terminator;

/**
 * Command line: simulated BX/Fanvil phones calling a recording server.
 *
 * <pre>java -jar phone-simulator/target/phone-simulator.jar --phones 5 --duration 10s</pre>
 *
 * Prints one line per call as it ends and a summary; exits 0 when every call succeeded, 1 when
 * one failed, 2 on a usage error.
 */
public final class PhoneSimulatorCli {

    static final String USAGE = """
            Usage: java -jar phone-simulator.jar [options]
            Simulated BX/Fanvil desk phones recording calls on a recording server.

              --control HOST:PORT    control (TCP) address of the server        [127.0.0.1:10000]
              --phones N             number of phones (calls)                    [1]
              --concurrency N        most calls running at once                  [all]
              --duration D           media per call: 10s, 500ms, 2m              [10s]
              --stagger D            delay between two phone starts              [50ms]
              --codec PCMA|PCMU|G722 RTP codec (G722: 16 kHz audio)              [PCMA]
              --ptime MS             milliseconds of audio per RTP packet        [20]
              --terminator T         none|lf|crlf|nul after each command         [none]
              --end stop|drop        stop command, or reset the TCP connection   [stop]
              --stop-reason TEXT     reason= of the stop command                 [hangup]
              --dir in|out           call direction                              [out]
              --local-number N       local_number (counts up with --phones > 1)  [1001]
              --local-name NAME      local_name                                  [Alice Martin]
              --remote-number N      remote_number                               [+33123456789]
              --remote-name NAME     remote_name                                 [Zoë Müller]
              --device MAC           device (with --phones > 1: its first 3 bytes) [random 0c:38:3e:…]
              --id ID                session id (the same for every phone)       [random]
              --tone HZ              audio tone (varies a little per phone)      [440]
              --bind IP              local address of the phones                 [OS choice]
              --extra KEY=VALUE      extra key of the start command (repeatable)
              --timeout D            connect / answer timeout                    [5s]
              --quiet                print the summary only
              -h, --help             this help
            Exit code: 0 when every call succeeded, 1 when one failed, 2 on a usage error.
            """;

    private PhoneSimulatorCli() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Options o;
        PhoneConfig template;
        try {
            o = Options.parse(args);
            template = o.template.build();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println();
            err.print(USAGE);
            return 2;
        }
        if (o.help) {
            out.print(USAGE);
            return 0;
        }
        List<PhoneConfig> phones = o.phones == 1 ? List.of(template) : Fleet.phones(template, o.phones);
        if (o.sessionId != null) {
            phones = phones.stream().map(p -> p.toBuilder().sessionId(o.sessionId).build()).toList();
        }
        out.printf(Locale.ROOT, "%d phone(s) -> %s:%d, %s, %s each, stagger %s, terminator %s, end %s%n",
                phones.size(), template.controlHost(), template.controlPort(), template.codec(),
                Durations.format(template.duration()), Durations.format(o.stagger),
                template.terminator().name().toLowerCase(Locale.ROOT), template.endMode().name().toLowerCase(Locale.ROOT));

        long t0 = System.nanoTime();
        List<CallResult> results = Fleet.run(phones, o.concurrency > 0 ? o.concurrency : phones.size(), o.stagger,
                r -> {
                    if (!o.quiet) {
                        out.println(line(r));
                    }
                });
        Duration wall = Duration.ofNanos(System.nanoTime() - t0);
        out.println(summary(results, wall));
        return results.stream().allMatch(CallResult::success) ? 0 : 1;
    }

    static String line(CallResult r) {
        PhoneConfig c = r.config();
        if (r.success()) {
            return String.format(Locale.ROOT, "OK   id=%s device=%s server=%s:%d packets=%d start=%.1fms%s",
                    c.sessionId(), c.device(), r.server(), r.port(), r.packetsSent(), r.startLatencyMillis(),
                    c.endMode() == EndMode.STOP ? String.format(Locale.ROOT, " stop=%.1fms", r.stopLatencyMillis()) : " dropped");
        }
        return String.format(Locale.ROOT, "FAIL id=%s device=%s%s packets=%d reason=%s",
                c.sessionId(), c.device(), r.server() == null ? "" : " server=" + r.server() + ":" + r.port(),
                r.packetsSent(), r.failureReason());
    }

    static String summary(List<CallResult> results, Duration wall) {
        long ok = results.stream().filter(CallResult::success).count();
        long packets = results.stream().mapToLong(CallResult::packetsSent).sum();
        double[] start = results.stream().filter(r -> r.startLatencyNanos() >= 0)
                .mapToDouble(CallResult::startLatencyMillis).toArray();
        double maxLag = results.stream().mapToLong(CallResult::maxSendLagNanos).max().orElse(0) / 1e6;
        return String.format(Locale.ROOT,
                "summary: calls=%d succeeded=%d failed=%d packets=%d start-latency p50=%s p99=%s "
                        + "max-send-lag=%.1fms wall=%s",
                results.size(), ok, results.size() - ok, packets, millis(Percentiles.of(start, 50)),
                millis(Percentiles.of(start, 99)), maxLag, Durations.format(wall));
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "n/a" : String.format(Locale.ROOT, "%.1fms", ms);
    }

    /** Parsed command line. */
    static final class Options {
        final PhoneConfig.Builder template = PhoneConfig.builder().stopReason("hangup").keepPayload(false);
        int phones = 1;
        int concurrency;
        Duration stagger = Duration.ofMillis(50);
        String sessionId;
        boolean quiet;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                String name = arg;
                String inline = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    name = arg.substring(0, eq);
                    inline = arg.substring(eq + 1);
                }
                switch (name) {
                    case "-h", "--help" -> o.help = true;
                    case "--quiet" -> o.quiet = true;
                    default -> {
                        String v = inline != null ? inline : value(rest, name);
                        o.option(name, v);
                    }
                }
            }
            return o;
        }

        private void option(String name, String v) {
            switch (name) {
                case "--control" -> {
                    int colon = v.lastIndexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("--control wants HOST:PORT, got '" + v + "'");
                    }
                    template.control(v.substring(0, colon).replaceAll("^\\[|]$", ""), integer(name, v.substring(colon + 1)));
                }
                case "--phones" -> phones = positive(name, v);
                case "--concurrency" -> concurrency = positive(name, v);
                case "--duration" -> template.duration(Durations.parse(v));
                case "--stagger" -> stagger = Durations.parse(v);
                case "--codec" -> template.codec(AudioCodec.parse(v)
                        .orElseThrow(() -> new IllegalArgumentException("--codec wants PCMA, PCMU or G722, got '" + v + "'")));
                case "--ptime" -> template.packetMillis(positive(name, v));
                case "--terminator" -> template.terminator(enumValue(Terminator.class, name, v));
                case "--end" -> template.endMode(enumValue(EndMode.class, name, v));
                case "--stop-reason" -> template.stopReason(v);
                case "--dir" -> template.direction(enumValue(Direction.class, name, v));
                case "--local-number" -> template.localNumber(v);
                case "--local-name" -> template.localName(v);
                case "--remote-number" -> template.remoteNumber(v);
                case "--remote-name" -> template.remoteName(v);
                case "--device" -> template.device(v);
                case "--id" -> sessionId = v;
                case "--tone" -> template.toneHz(number(name, v));
                case "--bind" -> template.localAddress(v);
                case "--extra" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--extra wants KEY=VALUE, got '" + v + "'");
                    }
                    template.extra(v.substring(0, eq), v.substring(eq + 1));
                }
                case "--timeout" -> template.answerTimeout(Durations.parse(v));
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }

        private static String value(List<String> rest, String name) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return rest.remove(0);
        }

        private static int integer(String name, String v) {
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " wants a number, got '" + v + "'");
            }
        }

        private static double number(String name, String v) {
            try {
                return Double.parseDouble(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " wants a number, got '" + v + "'");
            }
        }

        private static int positive(String name, String v) {
            int n = integer(name, v);
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, got " + n);
            }
            return n;
        }

        private static <E extends Enum<E>> E enumValue(Class<E> type, String name, String v) {
            try {
                return Enum.valueOf(type, v.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": unknown value '" + v + "'");
            }
        }
    }
}
