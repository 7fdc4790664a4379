package org.callrec.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.Topics;
import org.callrec.core.protocol.Terminator;
import org.callrec.simulator.Durations;

/**
 * The benchmark's command line.
 *
 * @param controlHost       control service host
 * @param controlPort       control service port
 * @param phones            simulated phones, one call each
 * @param duration          media per call
 * @param stagger           delay between two phone starts
 * @param concurrency       most calls at once (0 = all)
 * @param codec             RTP codec of the phones
 * @param terminator        command terminator of the phones
 * @param kafka             Kafka bootstrap servers
 * @param topic             completion topic
 * @param s3Endpoint        S3 endpoint URL
 * @param s3Region          S3 region (set so the client does not ask the server for it)
 * @param bucket            bucket used when an event names none
 * @param accessKey         S3 access key
 * @param secretKey         S3 secret key
 * @param pidDir            directory holding {@code <service>.pid} files
 * @param completionTimeout how long to wait for the completion events after the last call
 * @param kafkaTimeout      how long to wait for the consumer's partition assignment
 * @param rtp               how the RTP is sent: {@code batched} (few shared sockets, sendmmsg) or
 *                          {@code sockets} (one UDP socket per phone)
 * @param rtpSockets        shared sockets of the batched transport
 * @param rtpTick           shortest time between two pacing ticks; null = 1 ms batched, 0 sockets
 * @param pacerThreads      threads pacing the RTP
 * @param verifyThreads     parallel S3 reads when checking the files
 * @param curveHeader       print the capacity curve's table header and exit
 * @param help              print usage and exit
 */
record BenchmarkOptions(String controlHost, int controlPort, int phones, Duration duration, Duration stagger,
                        int concurrency, AudioCodec codec, Terminator terminator, String kafka, String topic,
                        String s3Endpoint, String s3Region, String bucket, String accessKey, String secretKey,
                        Path pidDir, Duration completionTimeout, Duration kafkaTimeout, Rtp rtp, int rtpSockets,
                        Duration rtpTick, int pacerThreads, int verifyThreads, boolean curveHeader, boolean help) {

    /** How the phones' RTP is sent. */
    enum Rtp {
        /** The whole fleet from a few shared sockets, one sendmmsg per socket and tick ({@link BatchedRtpTransport}). */
        BATCHED,
        /** One UDP socket per phone, each packet its own send, as real phones. */
        SOCKETS
    }

    /** The pacing tick in force: the option, else 1 ms batched and none with per-phone sockets. */
    Duration effectiveRtpTick() {
        return rtpTick != null ? rtpTick : rtp == Rtp.BATCHED ? Duration.ofMillis(1) : Duration.ZERO;
    }

    /** Services whose CPU time is measured, by pid file name. */
    static final List<String> SERVICES = List.of("control", "ingest", "storage", "catalog", "infra");

    static final String USAGE = """
            Usage: java -jar benchmark/target/benchmark.jar [options]
            Runs N simulated phones against a running callrec stack, waits for every
            "recording completed" event on Kafka, checks the objects on S3 and prints a report
            (text, then the same as one JSON line).

              --control HOST:PORT        control service                        [127.0.0.1:10000]
              --phones N                 phones, one call each                  [200]
              --duration D               media per call (10s, 500ms, 2m)        [20s]
              --stagger D                delay between two phone starts         [25ms]
              --concurrency N            most calls at once                     [all]
              --codec PCMA|PCMU|G722     phones' codec                          [PCMA]
              --terminator T             none|lf|crlf|nul                       [none]
              --kafka HOST:PORT          Kafka bootstrap servers                [127.0.0.1:9092]
              --topic NAME               completion topic                       [%s]
              --s3 URL                   S3 endpoint                            [http://127.0.0.1:9000]
              --s3-region NAME           S3 region                              [us-east-1]
              --bucket NAME              bucket when an event names none        [recordings]
              --access-key KEY           S3 access key                          [callrec]
              --secret-key KEY           S3 secret key                          [callrec-secret]
              --secret-key-file FILE     read the S3 secret key from FILE (keeps it off the command line)
              --pid-dir DIR              <service>.pid files (%s)  [.local/run]
              --completion-timeout D     wait for completion events             [120s]
              --kafka-timeout D          wait for the Kafka partition assignment [30s]
              --rtp batched|sockets      RTP from a few shared sockets with one sendmmsg per
                                         tick (native epoll; falls back to sockets, with a
                                         warning, where it is unavailable), or one UDP
                                         socket per phone                       [batched]
              --rtp-sockets N            shared sockets of --rtp batched        [2]
              --rtp-tick D               shortest pacing tick (packets leave up to one tick
                                         late, in larger batches)     [1ms batched, 0 sockets]
              --pacer-threads N          threads pacing the RTP                 [2]
              --verify-threads N         parallel S3 reads checking the files   [2]
              --curve-header             print the capacity curve's table header and exit
              -h, --help                 this help
            Exit code: 0 all calls recorded and verified; 1 some not; 2 usage error; 3 cannot run.
            """.formatted(Topics.COMPLETED, String.join(",", SERVICES));

    static BenchmarkOptions parse(String[] args) {
        String control = "127.0.0.1:10000";
        int phones = 200;
        Duration duration = Duration.ofSeconds(20);
        Duration stagger = Duration.ofMillis(25);
        int concurrency = 0;
        AudioCodec codec = AudioCodec.PCMA;
        Terminator terminator = Terminator.NONE;
        String kafka = "127.0.0.1:9092";
        String topic = Topics.COMPLETED;
        String s3 = "http://127.0.0.1:9000";
        String region = "us-east-1";
        String bucket = "recordings";
        String accessKey = "callrec";
        String secretKey = "callrec-secret";
        Path pidDir = Path.of(".local/run");
        Duration completionTimeout = Duration.ofSeconds(120);
        Duration kafkaTimeout = Duration.ofSeconds(30);
        Rtp rtp = Rtp.BATCHED;
        int rtpSockets = 2;
        Duration rtpTick = null;
        int pacerThreads = 2;
        int verifyThreads = 2;
        boolean curveHeader = false;
        boolean help = false;

        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (arg.equals("--curve-header")) {
                curveHeader = true;
                continue;
            }
            String name = arg;
            String v;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                v = arg.substring(eq + 1);
            } else {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                v = rest.remove(0);
            }
            switch (name) {
                case "--control" -> control = v;
                case "--phones" -> phones = positive(name, v);
                case "--duration" -> duration = Durations.parse(v);
                case "--stagger" -> stagger = Durations.parse(v);
                case "--concurrency" -> concurrency = positive(name, v);
                case "--codec" -> codec = AudioCodec.parse(v)
                        .orElseThrow(() -> new IllegalArgumentException("--codec wants PCMA, PCMU or G722, got '" + v + "'"));
                case "--terminator" -> terminator = terminator(v);
                case "--kafka" -> kafka = v;
                case "--topic" -> topic = v;
                case "--s3" -> s3 = v;
                case "--s3-region" -> region = v;
                case "--bucket" -> bucket = v;
                case "--access-key" -> accessKey = v;
                case "--secret-key" -> secretKey = v;
                case "--secret-key-file" -> secretKey = readSecret(v);
                case "--pid-dir" -> pidDir = Path.of(v);
                case "--completion-timeout" -> completionTimeout = Durations.parse(v);
                case "--kafka-timeout" -> kafkaTimeout = Durations.parse(v);
                case "--rtp" -> rtp = switch (v.strip().toLowerCase(Locale.ROOT)) {
                    case "batched" -> Rtp.BATCHED;
                    case "sockets" -> Rtp.SOCKETS;
                    default -> throw new IllegalArgumentException("--rtp wants batched or sockets, got '" + v + "'");
                };
                case "--rtp-sockets" -> rtpSockets = positive(name, v);
                case "--rtp-tick" -> rtpTick = Durations.parse(v);
                case "--pacer-threads" -> pacerThreads = positive(name, v);
                case "--verify-threads" -> verifyThreads = positive(name, v);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        int colon = control.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--control wants HOST:PORT, got '" + control + "'");
        }
        int port = positive("--control port", control.substring(colon + 1));
        return new BenchmarkOptions(control.substring(0, colon), port, phones, duration, stagger, concurrency, codec,
                terminator, kafka, topic, s3, region, bucket, accessKey, secretKey, pidDir, completionTimeout,
                kafkaTimeout, rtp, rtpSockets, rtpTick, pacerThreads, verifyThreads, curveHeader, help);
    }

    private static Terminator terminator(String v) {
        try {
            return Terminator.valueOf(v.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--terminator wants none|lf|crlf|nul, got '" + v + "'");
        }
    }

    private static String readSecret(String file) {
        try {
            String secret = java.nio.file.Files.readString(Path.of(file)).strip();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("--secret-key-file " + file + " is empty");
            }
            return secret;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--secret-key-file: cannot read " + file + ": " + e.getMessage());
        }
    }

    private static int positive(String name, String v) {
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " wants a number, got '" + v + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + n);
        }
        return n;
    }

    /** The secret key is not printed. */
    @Override
    public String toString() {
        return "BenchmarkOptions[control=" + controlHost + ":" + controlPort + ", phones=" + phones
                + ", duration=" + duration + ", kafka=" + kafka + ", s3=" + s3Endpoint + ", bucket=" + bucket + "]";
    }
}
