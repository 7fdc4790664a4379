package org.callrec.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.CommandCodec;
import org.callrec.core.protocol.CommandFramer;
import org.callrec.core.protocol.CommandSyntaxException;
import org.callrec.core.protocol.Frame;
import org.callrec.core.protocol.Terminator;

/**
 * A minimal recording server for the simulator's tests: a TCP control socket and one UDP media
 * socket, both on port 0. It answers a start with {@code success} and its UDP port (or what
 * {@link #answerStartWith} says), answers a stop, mirrors the request's terminator, and records
 * everything it sees.
 */
final class FakeRecordingServer implements AutoCloseable {

    /** One datagram as received. */
    record Datagram(byte[] data, InetSocketAddress source, long arrivalNanos) {
    }

    /** One command as received, with the connection it came on. */
    record Received(int connection, Frame frame, Command command, long arrivalNanos) {
    }

    /** How a control connection ended. */
    record Closed(int connection, String how, long atNanos) {
    }

    private final ServerSocket control;
    private final DatagramSocket media;
    final List<Received> commands = new CopyOnWriteArrayList<>();
    final List<Datagram> datagrams = new CopyOnWriteArrayList<>();
    final List<Closed> closes = new CopyOnWriteArrayList<>();
    final Map<Integer, InetSocketAddress> peers = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private int connections;

    /** Given the request and the UDP port, the answer text (without terminator); null = no answer. */
    volatile BiFunction<Command, Integer, String> answerStartWith = (req, port) ->
            "cmd=RecordStartResponse&id=" + enc(req.getOr("id", "")) + "&result=success&reason=&server=127.0.0.1&port=" + port;
    /** When set, the start answer is written in two writes 100 ms apart, cut after this text. */
    volatile String splitAnswerAfter;
    /** Closes the control connection this long after a successful start answer; 0 = never. */
    volatile long closeAfterStartMillis;

    FakeRecordingServer() throws IOException {
        control = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        media = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        media.setReceiveBufferSize(8 << 20);
        daemon(this::acceptLoop, "fake-control");
        daemon(this::mediaLoop, "fake-media");
    }

    int controlPort() {
        return control.getLocalPort();
    }

    int mediaPort() {
        return media.getLocalPort();
    }

    List<Command> commandsNamed(String name) {
        return commands.stream().map(Received::command).filter(c -> c != null && c.is(name)).toList();
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket s = control.accept();
                int n;
                synchronized (this) {
                    n = ++connections;
                }
                peers.put(n, (InetSocketAddress) s.getRemoteSocketAddress());
                daemon(() -> serve(n, s), "fake-conn-" + n);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(int n, Socket s) {
        CommandFramer framer = new CommandFramer(8192);
        byte[] buf = new byte[4096];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            while (true) {
                int r = in.read(buf);
                if (r < 0) {
                    closes.add(new Closed(n, "eof", System.nanoTime()));
                    return;
                }
                List<Frame> frames = new ArrayList<>(framer.feed(Arrays.copyOf(buf, r)));
                if (framer.pendingLooksComplete()) {
                    // Like the known open-source server: an unterminated, complete read is one command.
                    framer.flushPending().ifPresent(frames::add);
                }
                for (Frame f : frames) {
                    Command c = parse(f.text());
                    commands.add(new Received(n, f, c, System.nanoTime()));
                    if (c == null) {
                        continue;
                    }
                    if (c.is(Command.START_REQUEST)) {
                        String answer = answerStartWith.apply(c, mediaPort());
                        if (answer != null) {
                            byte[] bytes = (answer + f.terminator().text()).getBytes(StandardCharsets.UTF_8);
                            String splitAt = splitAnswerAfter;
                            int firstPart = splitAt != null && answer.contains(splitAt)
                                    ? (answer.substring(0, answer.indexOf(splitAt)) + splitAt).getBytes(StandardCharsets.UTF_8).length
                                    : bytes.length;
                            out.write(bytes, 0, firstPart);
                            out.flush();
                            if (firstPart < bytes.length) {
                                Thread.sleep(100);
                                out.write(bytes, firstPart, bytes.length - firstPart);
                                out.flush();
                            }
                            if (closeAfterStartMillis > 0) {
                                Thread.sleep(closeAfterStartMillis);
                                closes.add(new Closed(n, "closed-by-server", System.nanoTime()));
                                return;
                            }
                        }
                    } else if (c.is(Command.STOP_REQUEST)) {
                        String answer = "cmd=RecordStopResponse&id=" + enc(c.getOr("id", "")) + "&result=success";
                        out.write((answer + f.terminator().text()).getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            }
        } catch (SocketException e) {
            closes.add(new Closed(n, "reset", System.nanoTime()));
        } catch (IOException e) {
            closes.add(new Closed(n, "error " + e, System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void mediaLoop() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (running) {
            try {
                media.receive(p);
                datagrams.add(new Datagram(Arrays.copyOf(buf, p.getLength()),
                        (InetSocketAddress) p.getSocketAddress(), System.nanoTime()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static Command parse(String text) {
        try {
            return CommandCodec.parse(text);
        } catch (CommandSyntaxException e) {
            return null;
        }
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        running = false;
        control.close();
        media.close();
    }
}
