package org.callrec.benchmark;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.CommandCodec;
import org.callrec.core.protocol.CommandSyntaxException;

/**
 * Malformed control commands over many TCP connections, and what answered them. Each connection
 * carries a batch of terminated hostile commands (random bytes, bad percent escapes, unknown
 * {@code cmd}s, starts with bad fields, stops of unknown recordings, CR/LF/NUL/bidi junk, some
 * written one byte per write) and ends with an unterminated partial command; some connections
 * carry one over-long line instead (the server answers {@code command-too-long} and closes).
 * None of the starts can be valid: each lacks a required field or carries a bad one.
 *
 * <p>With a {@code window} (the default), a connection has at most that many commands in flight:
 * after each window it sends a stop of an unknown id of its own and waits for that answer before
 * it writes on, as a phone that reads its answers does. Control queues only
 * {@code control.admission.max-queued-commands} (32) commands per connection and closes one that
 * sends more without reading ({@code too-many-commands}), so without a window most of the flood
 * would never reach the parser. {@code window} 0 writes each batch at once (the flood that tests
 * that cut).
 */
final class HostileCommands {

    /** The kinds of command sent, counted in the report. */
    enum Kind { RANDOM_BYTES, BAD_ESCAPE, UNKNOWN_CMD, BAD_START, UNKNOWN_STOP, JUNK, BYTE_AT_A_TIME, OVER_LONG }

    private static final String[] TERMINATORS = {"\n", "\r\n", "\0", "\r"};
    private static final String[] JUNK = {"\u202E", "\u202D", "\u2066", "\u200B", "\uFEFF", "\r", "\0", "\u0085", "\u2028",
        "%0D%0A", "%00", "\t", " ", "\u00A0", "\uFFFD"};

    private final InetSocketAddress control;
    private final int parallel;
    private final int batch;
    private final int window;
    private final long seed;
    final Map<Kind, LongAdder> sent = new ConcurrentHashMap<>();
    /** Answers by reason token (or {@code cmd/result} when there is none). */
    final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    final LongAdder connections = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder closedByServer = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    /** Connections whose answers stopped coming for 120 s. */
    final LongAdder stalls = new LongAdder();

    HostileCommands(InetSocketAddress control, int parallel, int batch, int window, long seed) {
        this.control = control;
        this.parallel = parallel;
        this.batch = batch;
        this.window = window;
        this.seed = seed;
    }

    long total() {
        return sent.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long answered() {
        return answers.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Sends {@code count} commands; returns when every connection is done. */
    void run(long count) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "hostile-tcp");
            t.setDaemon(true);
            return t;
        });
        AtomicLong left = new AtomicLong(count);
        SplittableRandom root = new SplittableRandom(seed);
        List<java.util.concurrent.Future<?>> jobs = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            SplittableRandom rnd = root.split();
            jobs.add(pool.submit(() -> {
                while (true) {
                    // one over-long line in fifty connections; otherwise a batch
                    boolean overLong = rnd.nextInt(50) == 0;
                    long want = overLong ? 1 : batch;
                    long got = take(left, want);
                    if (got == 0) {
                        return;
                    }
                    connection(rnd, overLong, (int) got);
                }
            }));
        }
        pool.shutdown();
        for (java.util.concurrent.Future<?> job : jobs) {
            try {
                job.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        pool.awaitTermination(1, TimeUnit.MINUTES);
    }

    private static long take(AtomicLong left, long want) {
        while (true) {
            long l = left.get();
            long n = Math.min(l, want);
            if (n == 0 || left.compareAndSet(l, l - n)) {
                return n;
            }
        }
    }

    private void connection(SplittableRandom rnd, boolean overLong, int commands) {
        try (Socket socket = new Socket()) {
            socket.connect(control, 5_000);
            socket.setTcpNoDelay(true);
            connections.increment();
            // commands are answered in order: the answer to this last, clean stop means all are in
            String sentinel = overLong ? null : "hostile-sentinel-" + Long.toHexString(rnd.nextLong());
            BlockingQueue<String> windowsAnswered = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> readAnswers(socket, sentinel, windowsAnswered), "hostile-tcp-answers");
            reader.setDaemon(true);
            reader.start();
            OutputStream raw = socket.getOutputStream();
            OutputStream out = new BufferedOutputStream(raw, 64 * 1024);
            try {
                if (overLong) {
                    byte[] line = overLong(rnd);
                    out.write(line);
                    count(Kind.OVER_LONG, line.length);
                } else {
                    for (int i = 0; i < commands - 1; i++) {
                        if (window > 0 && i > 0 && i % window == 0) {
                            // the window's mark is one of the batch's commands (a stop of an unknown id)
                            if (!windowAnswered(out, sentinel + "-w" + i, windowsAnswered, reader)) {
                                break; // the server closed the connection
                            }
                            continue;
                        }
                        Kind kind = pick(rnd);
                        byte[] c = command(kind, rnd);
                        if (kind == Kind.BYTE_AT_A_TIME) {
                            out.flush();
                            for (byte b : c) {
                                raw.write(b);
                            }
                        } else {
                            out.write(c);
                        }
                        count(kind, c.length);
                    }
                    byte[] last = ("cmd=RecordStopRequest&id=" + sentinel + "\n").getBytes(StandardCharsets.US_ASCII);
                    out.write(last);
                    count(Kind.UNKNOWN_STOP, last.length);
                    // a partial command left at the close: dropped by the server, never answered
                    out.write("cmd=RecordStartRequest&id=partial&dev".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                closedByServer.increment(); // the server closed first (over-long line, or overload)
            }
            reader.join();
        } catch (IOException e) {
            connectFailures.increment();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends a window with a stop of the unknown id {@code mark} and waits for its answer; false when
     * the reader ended first (the server closed) or 120 s passed.
     */
    private boolean windowAnswered(OutputStream out, String mark, BlockingQueue<String> answered, Thread reader)
            throws IOException, InterruptedException {
        byte[] stop = ("cmd=RecordStopRequest&id=" + mark + "\n").getBytes(StandardCharsets.US_ASCII);
        out.write(stop);
        out.flush();
        count(Kind.UNKNOWN_STOP, stop.length);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String got = answered.poll(100, TimeUnit.MILLISECONDS);
            if (mark.equals(got)) {
                return true;
            }
            if (got == null && !reader.isAlive()) {
                return false;
            }
        }
        stalls.increment();
        return false;
    }

    private void count(Kind kind, int bytes) {
        sent.computeIfAbsent(kind, k -> new LongAdder()).increment();
        bytesSent.add(bytes);
    }

    /**
     * Reads answers until the one to {@code sentinel} (or, without one, until the server closes),
     * handing the ids of the answered window marks ({@code <sentinel>-w<n>}) to {@code windows};
     * gives up after 120 s without a byte (counted as a stall).
     */
    private void readAnswers(Socket socket, String sentinel, BlockingQueue<String> windows) {
        try {
            socket.setSoTimeout(120_000);
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[16 * 1024];
            StringBuilder line = new StringBuilder();
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    stalls.increment();
                    break;
                }
                if (n < 0) {
                    closedByServer.increment();
                    break;
                }
                for (int i = 0; i < n; i++) {
                    char ch = (char) (buf[i] & 0xFF);
                    if (ch == '\n' || ch == '\r' || ch == 0) {
                        if (answer(line, sentinel, windows)) {
                            return;
                        }
                    } else {
                        line.append(ch);
                    }
                }
            }
            answer(line, sentinel, windows); // an unterminated last answer (command-too-long)
        } catch (IOException e) {
            // reset by the server: counted by the writer
        }
    }

    /** Counts one answer; true when it answers the sentinel; a window mark's id goes to {@code windows}. */
    private boolean answer(StringBuilder line, String sentinel, BlockingQueue<String> windows) {
        if (line.length() == 0) {
            return false;
        }
        String token;
        boolean last = false;
        try {
            Command c = CommandCodec.parse(line.toString());
            String id = c.get("id").orElse(null);
            last = sentinel != null && sentinel.equals(id);
            if (sentinel != null && id != null && id.startsWith(sentinel + "-w")) {
                windows.add(id);
            }
            token = c.get("reason").orElse(c.name() + "/" + c.getOr("result", "?"));
        } catch (CommandSyntaxException e) {
            token = "unparsable answer";
        }
        answers.computeIfAbsent(token, k -> new LongAdder()).increment();
        line.setLength(0);
        return last;
    }

    private static Kind pick(SplittableRandom rnd) {
        int r = rnd.nextInt(100);
        if (r < 18) {
            return Kind.RANDOM_BYTES;
        }
        if (r < 34) {
            return Kind.BAD_ESCAPE;
        }
        if (r < 50) {
            return Kind.UNKNOWN_CMD;
        }
        if (r < 72) {
            return Kind.BAD_START;
        }
        if (r < 84) {
            return Kind.UNKNOWN_STOP;
        }
        return r < 99 ? Kind.JUNK : Kind.BYTE_AT_A_TIME;
    }

    /** One hostile command of {@code kind}, with its terminator. */
    static byte[] command(Kind kind, SplittableRandom rnd) {
        String t = TERMINATORS[rnd.nextInt(TERMINATORS.length)];
        return switch (kind) {
            case RANDOM_BYTES -> {
                byte[] b = new byte[1 + rnd.nextInt(200)];
                rnd.nextBytes(b);
                b[b.length - 1] = '\n';
                yield b;
            }
            case BAD_ESCAPE -> text(List.of("cmd=RecordStartRequest&id=%ZZ&device=00:11:22:33:44:55&codec=PCMA",
                    "cmd=RecordStopRequest&id=%4", "cmd=%", "cmd=Record%C3%28Request&id=1", "cmd=RecordStopRequest&%=1",
                    "cmd=RecordStartRequest&id=a&device=%E2%82&codec=PCMA", "cmd=%GGRecordStopRequest&id=1")
                    .get(rnd.nextInt(7)) + t);
            case UNKNOWN_CMD -> text("cmd=" + word(rnd, 1 + rnd.nextInt(30)) + "&id=" + word(rnd, 8) + t);
            case BAD_START -> text(badStart(rnd) + t);
            case UNKNOWN_STOP -> text("cmd=RecordStopRequest&id=hostile-" + Long.toHexString(rnd.nextLong())
                    + (rnd.nextBoolean() ? "&reason=" + word(rnd, 10) : "") + t);
            case JUNK -> {
                StringBuilder sb = new StringBuilder();
                int n = 1 + rnd.nextInt(6);
                for (int i = 0; i < n; i++) {
                    sb.append(JUNK[rnd.nextInt(JUNK.length)]);
                }
                yield text(sb + (rnd.nextBoolean() ? "cmd=Record" + JUNK[rnd.nextInt(JUNK.length)] + "StopRequest&id=x" : "")
                        + JUNK[rnd.nextInt(JUNK.length)] + t);
            }
            case BYTE_AT_A_TIME -> text(badStart(rnd) + t);
            case OVER_LONG -> overLong(rnd);
        };
    }

    /** A start that cannot be valid: one required field missing or bad, the others junk-laden. */
    private static String badStart(SplittableRandom rnd) {
        String id = "id=hostile-" + Long.toHexString(rnd.nextLong());
        String device = "device=02:00:00:" + hex2(rnd) + ":" + hex2(rnd) + ":" + hex2(rnd);
        String codec = "codec=PCMA";
        String names = "&remote_name=" + JUNK[rnd.nextInt(JUNK.length)] + word(rnd, 5) + "&remote_number=+33" + rnd.nextInt(1000);
        return switch (rnd.nextInt(7)) {
            case 0 -> "cmd=RecordStartRequest&" + device + "&" + codec + names;                  // no id
            case 1 -> "cmd=RecordStartRequest&" + id + "&" + codec + names;                      // no device
            case 2 -> "cmd=RecordStartRequest&" + id + "&" + device + names;                     // no codec
            case 3 -> "cmd=RecordStartRequest&" + id + "&" + device + "&codec=" + List.of("OPUS", "G729", "", "PCMX", "%00")
                    .get(rnd.nextInt(5)) + names;
            case 4 -> "cmd=RecordStartRequest&" + id + "&device=" + List.of("zz:zz:zz:zz:zz:zz", "", "00:11", "\u202E00:11:22:33:44:55")
                    .get(rnd.nextInt(4)) + "&" + codec + names;
            case 5 -> "cmd=RecordStartRequest&id=&" + device + "&" + codec + names;              // empty id
            default -> "cmd=RecordStartRequest&id=" + "x".repeat(300 + rnd.nextInt(600)) + "&" + device + "&codec=PCMA&dir=sideways";
        };
    }

    /** An unterminated line over the 4,096-byte limit. */
    private static byte[] overLong(SplittableRandom rnd) {
        return ("cmd=RecordStartRequest&id=" + "A".repeat(4_100 + rnd.nextInt(4_000))).getBytes(StandardCharsets.US_ASCII);
    }

    private static String hex2(SplittableRandom rnd) {
        return String.format("%02x", rnd.nextInt(256));
    }

    private static String word(SplittableRandom rnd, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
