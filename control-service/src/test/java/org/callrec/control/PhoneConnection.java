package org.callrec.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A phone's control connection, written from PROTOCOL.md with a plain {@link Socket}: bytes go
 * out exactly as the test writes them and come back exactly as the server sent them.
 */
public final class PhoneConnection implements AutoCloseable {

    /** A start command with every field the guide lists; {@code id} is the phone's session id. */
    public static String startCommand(String id) {
        return "cmd=RecordStartRequest&id=" + id + "&device=00:15:65:12:34:56&remote_number=100&remote_name=Bob"
                + "&local_number=200&local_name=Alice&dir=in&codec=PCMA";
    }

    /** A stop command for the phone's session {@code id}. */
    public static String stopCommand(String id) {
        return "cmd=RecordStopRequest&id=" + id + "&remote_number=100&remote_name=Bob&local_number=200"
                + "&local_name=Alice&reason=hangup";
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Connects to the control port on 127.0.0.1. */
    public PhoneConnection(int port) {
        this("127.0.0.1", port);
    }

    /** Connects from {@code localAddress} (a loopback address such as 127.0.0.2). */
    public PhoneConnection(String localAddress, int port) {
        try {
            socket = new Socket();
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setTcpNoDelay(true);
            // a missing answer fails the test instead of hanging it
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code command} ended by CRLF and returns the answer's decoded pairs, {@code cmd} first. */
    public Map<String, String> send(String command) {
        write(command + "\r\n");
        String line = readThrough('\n');
        return parse(line.substring(0, line.length() - 2));
    }

    /** Writes {@code raw} in one write, exactly as given (UTF-8). */
    public void write(String raw) {
        write(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code raw} in one write. */
    public void write(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads up to and including {@code last}; the text as sent. */
    public String readThrough(char last) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            int b;
            do {
                b = in.read();
                if (b < 0) {
                    throw new IllegalStateException("connection closed after '" + answer + "'");
                }
                answer.write(b);
            } while (b != last);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    /** Reads exactly {@code length} bytes. */
    public String readExactly(int length) {
        try {
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until the server closes the connection. */
    public String readToEnd() {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads an answer sent without terminator (to a command sent without one): such an answer
     * has no end mark, so this reads exactly as many bytes as {@code expected} takes on the wire
     * and returns its decoded pairs.
     */
    public Map<String, String> readUnterminated(Map<String, String> expected) {
        return parse(readExactly(encodedLength(expected)));
    }

    /** The pairs of an answer, {@code cmd} first. */
    public static Map<String, String> answer(String cmd, String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cmd", cmd);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** Length on the wire of an answer made of these pairs, in any order. */
    public static int encodedLength(Map<String, String> pairs) {
        int length = -1; // no '&' before the first pair
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            length += 1 + encode(e.getKey()).length() + 1 + encode(e.getValue()).length();
        }
        return length;
    }

    /** Percent-encoding as the answers use it: UTF-8, a space as %20. */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Splits an answer into its pairs, percent-decoding keys and values as UTF-8. */
    public static Map<String, String> parse(String answer) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : answer.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return pairs;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
