package org.callrec.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.CommandCodec;

/**
 * One BX/Fanvil desk phone recording one call, as the vendor's guide describes it
 * (PROTOCOL.md):
 * <ol>
 *   <li>open TCP to the control address and send {@code RecordStartRequest} (values
 *       percent-encoded, then the configured terminator, in one write);</li>
 *   <li>read {@code RecordStartResponse}; on {@code result=success} send RTP to its
 *       {@code server:port} from the TCP connection's local address (the server only accepts
 *       media from the phone's address), through the pacer's {@link RtpTransport} (by default
 *       a UDP socket of its own, as a real phone), one packet every ptime in real
 *       time, while watching the control connection (a server that closes it ends the media,
 *       as "on a socket error, both sides end the session");</li>
 *   <li>end per {@link EndMode}: {@code RecordStopRequest} and its answer, or an abrupt reset.</li>
 * </ol>
 * {@link #call} blocks for the length of the call and is safe to run from many threads at once;
 * the packets are paced by a shared {@link RtpPacer}, not by the calling thread.
 */
public final class SimulatedPhone {

    /**
     * Longest single wait on the control connection while media flows. The phone's thread blocks
     * in one read until the media is due to end (a close or reset by the server wakes it at once),
     * so a fleet of thousands does not wake thousands of threads several times a second.
     */
    private static final int WATCH_MAX_MILLIS = 60_000;

    private SimulatedPhone() {
    }

    /** Runs one call with the {@linkplain RtpPacer#shared() shared pacer}; never throws. */
    public static CallResult call(PhoneConfig config) {
        return call(config, RtpPacer.shared());
    }

    /** Runs one call with the given pacer; never throws (failures are in the result). */
    public static CallResult call(PhoneConfig config, RtpPacer pacer) {
        Call call = new Call(config);
        try {
            call.run(pacer);
        } catch (Failure f) {
            call.failureReason = f.getMessage();
        } catch (IOException | RuntimeException e) {
            call.failureReason = "unexpected error: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.failureReason = "interrupted";
        }
        return call.result();
    }

    /** The start command this configuration sends, standard keys first, then the extra keys. */
    public static Command startRequest(PhoneConfig c) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("id", c.sessionId());
        p.put("device", c.device());
        p.put("remote_number", c.remoteNumber());
        p.put("remote_name", c.remoteName());
        p.put("local_number", c.localNumber());
        p.put("local_name", c.localName());
        p.put("dir", c.direction().wire());
        p.put("codec", c.codec().name());
        c.extra().forEach(p::putIfAbsent);
        return new Command(Command.START_REQUEST, p);
    }

    /** The stop command this configuration sends. */
    public static Command stopRequest(PhoneConfig c) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("id", c.sessionId());
        p.put("remote_number", c.remoteNumber());
        p.put("remote_name", c.remoteName());
        p.put("local_number", c.localNumber());
        p.put("local_name", c.localName());
        p.put("reason", c.stopReason());
        return new Command(Command.STOP_REQUEST, p);
    }

    /** A step of the call failed; the message becomes {@link CallResult#failureReason()}. */
    private static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** The state of one call while it runs. */
    private static final class Call {
        private final PhoneConfig config;
        private final long answerTimeoutNanos;
        private final long ssrc;
        private final int initialSeq;
        private final long initialTimestamp;

        private String failureReason;
        private Command startResponse;
        private long startLatencyNanos = -1;
        private long startedAtMillis;
        private String server;
        private int port;
        private String localAddress;
        private int localRtpPort;
        private MediaStream media;
        private Command stopResponse;
        private long stopSentAtMillis;
        private long stopLatencyNanos = -1;

        Call(PhoneConfig config) {
            this.config = config;
            this.answerTimeoutNanos = config.answerTimeout().toNanos();
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            this.ssrc = config.ssrc() != null ? config.ssrc() : rnd.nextLong(1L << 32);
            this.initialSeq = config.initialSeq() != null ? config.initialSeq() : rnd.nextInt(1 << 16);
            this.initialTimestamp = config.initialTimestamp() != null ? config.initialTimestamp() : rnd.nextLong(1L << 32);
        }

        void run(RtpPacer pacer) throws Failure, IOException, InterruptedException {
            String control = config.controlHost() + ":" + config.controlPort();
            try (Socket socket = new Socket()) {
                connect(socket, control);
                localAddress = socket.getLocalAddress().getHostAddress();
                ResponseReader reader = new ResponseReader(socket);
                OutputStream out = socket.getOutputStream();

                // 1. Start, and its answer.
                long sentAt = System.nanoTime();
                write(out, startRequest(config), "RecordStartRequest");
                startResponse = await(reader, Command.START_RESPONSE, sentAt);
                startLatencyNanos = System.nanoTime() - sentAt;
                startedAtMillis = System.currentTimeMillis();
                String result = startResponse.getOr("result", "");
                if (!result.equalsIgnoreCase("success")) {
                    throw new Failure("start refused: result=" + result + " reason=" + startResponse.getOr("reason", ""));
                }
                checkId(startResponse);
                server = startResponse.get("server").filter(s -> !s.isBlank()).orElse(config.controlHost()).strip();
                port = parsePort(startResponse.getOr("port", ""));

                // 2. Media in real time, while watching the control connection.
                InetSocketAddress target = resolve(server, port);
                try (RtpTransport.Channel udp = pacer.transport().open(socket.getLocalAddress(), target)) {
                    localRtpPort = udp.localPort();
                    media = new MediaStream(udp, config, ssrc, initialSeq, initialTimestamp);
                    pacer.submit(media);
                    watchWhileMediaFlows(reader);
                }

                // 3. The end.
                if (config.endMode() == EndMode.DROP) {
                    socket.setSoLinger(true, 0); // close() now sends an RST, as a phone losing power or network
                    stopSentAtMillis = System.currentTimeMillis();
                    return;
                }
                long stopAt = System.nanoTime();
                stopSentAtMillis = System.currentTimeMillis();
                write(out, stopRequest(config), "RecordStopRequest");
                stopResponse = await(reader, Command.STOP_RESPONSE, stopAt);
                stopLatencyNanos = System.nanoTime() - stopAt;
                String stopResult = stopResponse.getOr("result", "");
                if (!stopResult.equalsIgnoreCase("success")) {
                    throw new Failure("stop answered result=" + stopResult + " reason=" + stopResponse.getOr("reason", ""));
                }
                checkId(stopResponse);
                socket.shutdownOutput(); // FIN after the answer, then close
            }
        }

        private void connect(Socket socket, String control) throws Failure {
            try {
                socket.setTcpNoDelay(true);
                if (config.localAddress() != null) {
                    socket.bind(new InetSocketAddress(InetAddress.getByName(config.localAddress()), 0));
                }
                socket.connect(new InetSocketAddress(config.controlHost(), config.controlPort()),
                        (int) Math.min(Integer.MAX_VALUE, config.answerTimeout().toMillis()));
            } catch (IOException e) {
                throw new Failure("connect to " + control + " failed: " + e.getMessage());
            }
        }

        private void write(OutputStream out, Command command, String what) throws Failure {
            byte[] bytes = (CommandCodec.format(command) + config.terminator().text()).getBytes(StandardCharsets.UTF_8);
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new Failure("sending " + what + " failed: " + e.getMessage());
            }
        }

        private Command await(ResponseReader reader, String expected, long sentAtNanos) throws Failure {
            try {
                return reader.await(expected, sentAtNanos + answerTimeoutNanos);
            } catch (SocketTimeoutException e) {
                throw new Failure(e.getMessage() + " within " + config.answerTimeout().toMillis() + " ms");
            } catch (IOException e) {
                throw new Failure(e instanceof ResponseReader.ClosedException
                        ? e.getMessage() : "reading " + expected + " failed: " + e.getMessage());
            }
        }

        private void checkId(Command answer) throws Failure {
            String id = answer.getOr("id", "");
            if (!id.equals(config.sessionId())) {
                throw new Failure(answer.name() + " carries id '" + id + "', expected '" + config.sessionId() + "'");
            }
        }

        private static int parsePort(String text) throws Failure {
            try {
                int p = Integer.parseInt(text.strip());
                if (p >= 1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new Failure("start answer has no valid port: '" + text + "'");
        }

        private static InetSocketAddress resolve(String host, int port) throws Failure {
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (IOException e) {
                throw new Failure("cannot resolve media server '" + host + "': " + e.getMessage());
            }
        }

        /** Blocks until the media is over; a closed or broken control connection ends it early. */
        private void watchWhileMediaFlows(ResponseReader reader) throws Failure, InterruptedException {
            String broken = null;
            // watched until the audio is over; the last packet leaving is then awaited below, bounded
            while (!media.done().isDone() && System.nanoTime() < media.endDeadline()) {
                long untilEnd = TimeUnit.NANOSECONDS.toMillis(media.endDeadline() - System.nanoTime()) + 1;
                try {
                    if (reader.readOnce((int) Math.max(1, Math.min(WATCH_MAX_MILLIS, untilEnd))) < 0) {
                        broken = "control connection closed by the server during media";
                    }
                } catch (IOException e) {
                    broken = "control connection failed during media: " + e.getMessage();
                }
                if (broken != null) {
                    media.cancel();
                    break;
                }
            }
            try {
                media.done().get(answerTimeoutNanos, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new Failure("media stopped: " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                throw new Failure("media did not end in time");
            }
            if (broken != null) {
                throw new Failure(broken);
            }
        }

        CallResult result() {
            return new CallResult(config, failureReason == null, failureReason, startResponse, startLatencyNanos,
                    startedAtMillis, server, port, localAddress, localRtpPort, ssrc, initialSeq, initialTimestamp,
                    media == null ? 0 : media.packetsSent(), media == null ? new byte[0] : media.payloadSent(),
                    media == null ? 0 : media.sendErrors(), media == null ? 0 : media.maxLateNanos(),
                    stopResponse, stopSentAtMillis, stopLatencyNanos);
        }
    }
}
