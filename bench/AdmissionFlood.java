import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attacks on control's phone port that bench/admission-flood.sh measures (a single-file
 * program: {@code java bench/AdmissionFlood.java …}). Not a test: it prints what happened.
 *
 * <pre>
 * idle  PORT N SOURCES HOLD_S   N connections, round robin from 127.0.0.10 … (10+SOURCES-1), held HOLD_S s
 * flood PORT FLOODERS SECONDS [big]  FLOODERS connections from 127.0.0.200 sending without reading:
 *                               2,000 "cmd=X\n" per write, or with "big" one 4 KB command per write
 *                               (whose answers, as long, back up: reading is paused, not overflowed)
 * </pre>
 */
public final class AdmissionFlood {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "idle" -> idle(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "flood" -> flood(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 && args[4].equals("big"));
            default -> throw new IllegalArgumentException("idle|flood");
        }
    }

    static Socket connect(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    static void idle(int port, int n, int sources, int holdSeconds) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < n; i++) {
            try {
                sockets.add(connect("127.0.0." + (10 + i % sources), port));
            } catch (IOException e) {
                failed++;
            }
        }
        Thread.sleep(1000); // let control accept and answer them all
        int held = 0;
        int refused = 0;
        int closed = 0;
        for (Socket s : sockets) {
            s.setSoTimeout(1);
            try {
                int b = s.getInputStream().read(new byte[256]);
                if (b > 0) {
                    refused++;
                } else {
                    closed++;
                }
            } catch (SocketTimeoutException e) {
                held++;
            }
        }
        System.out.printf("idle: %d connections tried from %d sources: %d held, %d refused with an answer, %d closed, %d failed to connect%n",
                n, sources, held, refused, closed, failed);
        System.out.println("HOLDING");
        System.out.flush();
        Thread.sleep(holdSeconds * 1000L);
        for (Socket s : sockets) {
            s.close();
        }
    }

    static void flood(int port, int flooders, int seconds, boolean big) throws Exception {
        byte[] chunk = (big ? "cmd=FloodRequest&id=" + "x".repeat(4000) + "\n" : "cmd=X\n".repeat(2000))
                .getBytes(StandardCharsets.US_ASCII);
        AtomicLong written = new AtomicLong();
        AtomicLong cut = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < flooders; i++) {
            Socket s = new Socket();
            if (big) {
                s.setReceiveBufferSize(4096); // never read: the answers back up at once
            }
            s.bind(new InetSocketAddress("127.0.0.200", 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            sockets.add(s);
            OutputStream out = s.getOutputStream();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    cut.incrementAndGet();
                }
            });
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            System.out.printf("flood: %d flooders wrote %,d bytes so far, %d cut by control%n", flooders, written.get(), cut.get());
        }
        // one fresh connection from the flooders' address is still answered?
        try (Socket probe = connect("127.0.0.201", port)) {
            probe.setSoTimeout(5000);
            probe.getOutputStream().write("cmd=PingRequest&id=1\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = probe.getInputStream();
            byte[] answer = new byte[200];
            int len = in.read(answer);
            System.out.println("flood: a phone on 127.0.0.201 got: " + new String(answer, 0, Math.max(0, len), StandardCharsets.US_ASCII).trim());
        }
        for (Socket s : sockets) {
            s.close();
        }
    }
}
