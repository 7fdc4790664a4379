package org.callrec.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.CommandCodec;
import org.callrec.core.protocol.CommandSyntaxException;

/**
 * Malformed and hostile datagrams: random bytes, oversize datagrams, truncated headers and
 * wrong RTP versions, valid RTP to unallocated ports; and, to the ports of real recordings it
 * opens itself with valid starts (stopped at the end), valid RTP from the recording's own
 * source interleaved with timestamp jumps, sequence jumps, RTP from a foreign port of the same
 * address (NAT-style), from a foreign address (127.0.0.2) and junk. Timestamp jumps stop after
 * a given number, or once the spill directory passes a limit (the guard is reported; storage
 * writes behind the load, so the spill goes on growing after it trips): this machine's disk is
 * not the experiment.
 */
final class HostileMedia {

    private static final int PCMA = 8;
    private static final int SAMPLES = 160;

    /** A recording this run opened: its control connection, media target and RTP state. */
    private static final class Real {
        final String phoneId;
        final Socket control;
        final InetSocketAddress target;
        final DatagramChannel source;
        int seq;
        long ts;
        final long ssrc;

        Real(String phoneId, Socket control, InetSocketAddress target, DatagramChannel source, long ssrc) {
            this.phoneId = phoneId;
            this.control = control;
            this.target = target;
            this.source = source;
            this.ssrc = ssrc;
        }
    }

    private final InetSocketAddress control;
    private final InetAddress mediaHost;
    private final int portMin;
    private final int portMax;
    private final int rate;
    private final long spillLimit;
    private final LongSupplier spillBytes;
    private final SplittableRandom rnd;
    private long timestampJumps;
    private final List<Real> reals = new ArrayList<>();
    final Map<String, Long> sent = new TreeMap<>();
    final Map<String, Long> startAnswers = new TreeMap<>();
    final Map<String, Long> stopAnswers = new TreeMap<>();
    long bytesSent;
    long sendFailures;
    /** Datagrams sent when the spill guard stopped the timestamp jumps, or -1. */
    long spillGuardAt = -1;

    HostileMedia(InetSocketAddress control, InetAddress mediaHost, int portMin, int portMax, int rate, long spillLimit,
                 LongSupplier spillBytes, long timestampJumps, long seed) {
        this.timestampJumps = timestampJumps;
        this.control = control;
        this.mediaHost = mediaHost;
        this.portMin = portMin;
        this.portMax = portMax;
        this.rate = rate;
        this.spillLimit = spillLimit;
        this.spillBytes = spillBytes;
        this.rnd = new SplittableRandom(seed);
    }

    int recordingsOpen() {
        return reals.size();
    }

    /** Opens up to {@code n} real recordings with valid starts; refusals are counted. */
    void open(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            String phoneId = "hostile-real-" + i + "-" + Long.toHexString(rnd.nextLong() & 0xFFFFFF);
            Socket s = new Socket();
            s.connect(control, 5_000);
            s.setSoTimeout(15_000);
            write(s, "cmd=RecordStartRequest&id=" + phoneId + String.format("&device=02:00:5e:10:%02x:%02x", i >> 8 & 0xFF, i & 0xFF)
                    + "&codec=PCMA&dir=out&remote_number=%2B3312345678&remote_name=Hostile\n");
            Command answer = readAnswer(s);
            String result = answer == null ? "no answer" : answer.get("reason").orElse(answer.getOr("result", "?"));
            startAnswers.merge(result, 1L, Long::sum);
            if (answer == null || !"success".equals(answer.getOr("result", ""))) {
                s.close();
                continue;
            }
            DatagramChannel source = DatagramChannel.open().bind(new InetSocketAddress(mediaHost, 0));
            InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(answer.getOr("server", mediaHost.getHostAddress())),
                    Integer.parseInt(answer.getOr("port", "0")));
            reals.add(new Real(phoneId, s, target, source, rnd.nextLong() & 0xFFFFFFFFL));
        }
    }

    /** Sends {@code count} datagrams at about {@code rate} per second. */
    void run(long count) throws IOException, InterruptedException {
        Set<Integer> allocated = reals.stream().map(r -> r.target.getPort()).collect(Collectors.toSet());
        try (DatagramChannel spray = DatagramChannel.open().bind(new InetSocketAddress(mediaHost, 0));
             DatagramChannel foreignPort = DatagramChannel.open().bind(new InetSocketAddress(mediaHost, 0));
             DatagramChannel foreignAddress = foreignAddressChannel()) {
            // each recording's first packets come from its own source, so that it latches there
            for (Real r : reals) {
                for (int i = 0; i < 50 && count > 0; i++, count--) {
                    send("valid RTP, recording's source", r.source, rtp(r, 1, SAMPLES), r.target);
                }
            }
            long t0 = System.nanoTime();
            for (long i = 0; i < count; i++) {
                if (i % 1_000 == 0) {
                    pace(t0, i);
                    if (i % 5_000 == 0 && spillGuardAt < 0 && spillBytes.getAsLong() > spillLimit) {
                        spillGuardAt = i;
                    }
                }
                int k = rnd.nextInt(100);
                if (reals.isEmpty() || k < 35) {
                    InetSocketAddress to = new InetSocketAddress(mediaHost, unallocatedPort(allocated));
                    if (k < 10) {
                        send("random bytes, unallocated port", spray, random(1 + rnd.nextInt(1_400)), to);
                    } else if (k < 15) {
                        send("truncated header, unallocated port", spray, random(1 + rnd.nextInt(11)), to);
                    } else if (k < 20) {
                        send("bad version or CSRC count, unallocated port", spray, badHeader(), to);
                    } else if (k < 34) {
                        send("valid RTP, unallocated port", spray, rtp(null, 1, SAMPLES), to);
                    } else {
                        send("oversize, unallocated port", spray, random(2_000 + rnd.nextInt(63_000)), to);
                    }
                    continue;
                }
                Real r = reals.get(rnd.nextInt(reals.size()));
                if (k < 50) {
                    send("valid RTP, recording's source", r.source, rtp(r, 1, SAMPLES), r.target);
                } else if (k < 60 && spillGuardAt < 0 && timestampJumps > 0) {
                    timestampJumps--;
                    long jump = rnd.nextInt(4) == 0 ? rnd.nextLong(1L << 31) : rnd.nextInt(8_000 * 120);
                    send("timestamp jump, recording's source", r.source, rtp(r, 1, jump), r.target);
                } else if (k < 70) {
                    send("sequence jump, recording's source", r.source, rtp(r, 100 + rnd.nextInt(30_000), SAMPLES), r.target);
                } else if (k < 82) {
                    send("valid RTP, foreign port", foreignPort, rtp(r, 1, SAMPLES), r.target);
                } else if (k < 87 && foreignAddress != null) {
                    send("valid RTP, foreign address", foreignAddress, rtp(r, 1, SAMPLES), r.target);
                } else if (k < 93) {
                    send("random bytes, recording's source", r.source, random(1 + rnd.nextInt(1_400)), r.target);
                } else if (k < 97) {
                    send("truncated header, recording's source", r.source, random(1 + rnd.nextInt(11)), r.target);
                } else if (k < 99) {
                    send("bad version or CSRC count, recording's source", r.source, badHeader(), r.target);
                } else {
                    send("oversize, recording's source", r.source, random(2_000 + rnd.nextInt(63_000)), r.target);
                }
            }
        }
    }

    /** Stops the recordings this run opened (valid stops), counting the answers. */
    void stopAll() {
        for (Real r : reals) {
            try (Socket s = r.control; DatagramChannel ignored = r.source) {
                write(s, "cmd=RecordStopRequest&id=" + r.phoneId + "&reason=hostile-load-done\n");
                Command answer = readAnswer(s);
                stopAnswers.merge(answer == null ? "no answer" : answer.getOr("result", "?"), 1L, Long::sum);
            } catch (IOException e) {
                stopAnswers.merge("failed: " + e.getClass().getSimpleName(), 1L, Long::sum);
            }
        }
        reals.clear();
    }

    long total() {
        return sent.values().stream().mapToLong(Long::longValue).sum();
    }

    private DatagramChannel foreignAddressChannel() {
        try {
            return DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
        } catch (IOException e) {
            return null; // no second loopback address here: that kind is not sent
        }
    }

    private void pace(long t0, long sentSoFar) throws InterruptedException {
        long due = t0 + sentSoFar * 1_000_000_000L / Math.max(1, rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private int unallocatedPort(Set<Integer> allocated) {
        int p = portMin;
        for (int i = 0; i < 64; i++) { // a range that is all allocated (a test's) gets any port
            p = portMin + rnd.nextInt(portMax - portMin + 1);
            if (!allocated.contains(p)) {
                break;
            }
        }
        return p;
    }

    private void send(String kind, DatagramChannel from, byte[] datagram, InetSocketAddress to) {
        sent.merge(kind, 1L, Long::sum);
        try {
            from.send(ByteBuffer.wrap(datagram), to);
            bytesSent += datagram.length;
        } catch (IOException e) {
            sendFailures++;
        }
    }

    /** A PCMA RTP packet of {@code r}'s stream (advanced by the given steps), or of a stranger's. */
    private byte[] rtp(Real r, int seqStep, long tsStep) {
        int seq;
        long ts;
        long ssrc;
        if (r == null) {
            seq = rnd.nextInt(65_536);
            ts = rnd.nextLong(1L << 32);
            ssrc = rnd.nextLong(1L << 32);
        } else {
            r.seq = (r.seq + seqStep) & 0xFFFF;
            r.ts = (r.ts + tsStep) & 0xFFFFFFFFL;
            seq = r.seq;
            ts = r.ts;
            ssrc = r.ssrc;
        }
        ByteBuffer b = ByteBuffer.allocate(12 + SAMPLES);
        b.put((byte) 0x80).put((byte) PCMA).putShort((short) seq).putInt((int) ts).putInt((int) ssrc);
        while (b.hasRemaining()) {
            b.put((byte) 0xD5);
        }
        return b.array();
    }

    private byte[] badHeader() {
        byte[] b = random(12 + rnd.nextInt(200));
        // version 0, 1 or 3; or version 2 with more CSRCs, padding or extension than the bytes hold
        b[0] = (byte) (rnd.nextBoolean() ? new int[] {0x00, 0x40, 0xC0}[rnd.nextInt(3)] : 0x80 | 0x0F | (rnd.nextBoolean() ? 0x20 : 0x10));
        return b;
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    /** One LF/CRLF-terminated answer line, or null. */
    private static Command readAnswer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        int c;
        try {
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
        try {
            return sb.length() == 0 ? null : CommandCodec.parse(sb.toString());
        } catch (CommandSyntaxException e) {
            return null;
        }
    }
}
