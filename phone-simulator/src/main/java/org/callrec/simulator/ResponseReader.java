package org.callrec.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.CommandCodec;
import org.callrec.core.protocol.CommandSyntaxException;

/**
 * Reads the server's answers on the control connection, whatever their framing: a command
 * ended by CRLF, LF or NUL is taken at once; unterminated bytes are accumulated until they
 * parse as the expected answer with a whole {@code result} (and, for a successful start, its
 * {@code port}) and nothing more is waiting on the socket. Commands other than the one
 * awaited are kept in {@link #unexpected()}. Used by one phone thread only.
 */
final class ResponseReader {

    /** The connection ended (EOF) before the awaited answer. */
    static final class ClosedException extends IOException {
        ClosedException(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final byte[] chunk = new byte[2048];
    private byte[] buf = new byte[512];
    private int len;
    private final List<Command> unexpected = new ArrayList<>();

    ResponseReader(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /**
     * Waits for the command named {@code expected} until {@code deadlineNanos}.
     *
     * @throws SocketTimeoutException when the deadline passes
     * @throws ClosedException        when the server closes the connection first
     */
    Command await(String expected, long deadlineNanos) throws IOException {
        while (true) {
            Command c = extract(expected);
            if (c != null) {
                return c;
            }
            long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                throw new SocketTimeoutException("no " + expected + received());
            }
            int n = readOnce((int) Math.min(Integer.MAX_VALUE, remainingMillis));
            if (n < 0) {
                throw new ClosedException("connection closed by the server before " + expected + received());
            }
        }
    }

    /**
     * One read of at most {@code timeoutMillis}: returns the bytes read, 0 on timeout, -1 at EOF.
     * What is read is kept for the next {@link #await}.
     */
    int readOnce(int timeoutMillis) throws IOException {
        socket.setSoTimeout(Math.max(1, timeoutMillis));
        int n;
        try {
            n = in.read(chunk);
        } catch (SocketTimeoutException e) {
            return 0;
        }
        if (n > 0) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
            System.arraycopy(chunk, 0, buf, len, n);
            len += n;
        }
        return n;
    }

    /** Commands received that were not the awaited ones (or text that did not parse). */
    List<Command> unexpected() {
        return unexpected;
    }

    private Command extract(String expected) throws IOException {
        while (true) {
            int end = indexOfTerminator();
            if (end < 0) {
                break;
            }
            int consumed = end + 1;
            if (buf[end] == '\r' && consumed < len && buf[consumed] == '\n') {
                consumed++;
            }
            String text = new String(buf, 0, end, StandardCharsets.UTF_8);
            shift(consumed);
            if (text.isBlank()) {
                continue;
            }
            Command c = tryParse(text);
            if (c != null && c.is(expected)) {
                return c;
            }
            unexpected.add(c != null ? c : garbage(text));
        }
        if (len > 0 && in.available() == 0) {
            // No terminator: one write is one command, as long as it is complete.
            Command c = tryParse(new String(buf, 0, len, StandardCharsets.UTF_8));
            if (c != null && c.is(expected) && isComplete(c)) {
                shift(len);
                return c;
            }
        }
        return null;
    }

    /**
     * An unterminated answer is taken once its {@code result} is a whole word ({@code success} or
     * {@code failed}, so {@code result=su} waits for the rest) and a successful start has its port.
     */
    private static boolean isComplete(Command c) {
        String result = c.getOr("result", "");
        boolean success = result.equalsIgnoreCase("success");
        if (!success && !result.equalsIgnoreCase("failed")) {
            return false;
        }
        return !(success && c.is(Command.START_RESPONSE)) || !c.getOr("port", "").isBlank();
    }

    private static Command tryParse(String text) {
        try {
            return CommandCodec.parse(text);
        } catch (CommandSyntaxException e) {
            return null;
        }
    }

    private static Command garbage(String text) {
        return new Command("?", java.util.Map.of("text", text));
    }

    private int indexOfTerminator() {
        for (int i = 0; i < len; i++) {
            byte b = buf[i];
            if (b == '\n' || b == '\r' || b == 0) {
                return i;
            }
        }
        return -1;
    }

    private void shift(int n) {
        System.arraycopy(buf, n, buf, 0, len - n);
        len -= n;
    }

    private String received() {
        StringBuilder sb = new StringBuilder();
        if (len > 0) {
            sb.append(" (pending bytes: '").append(new String(buf, 0, Math.min(len, 200), StandardCharsets.UTF_8)).append("')");
        }
        if (!unexpected.isEmpty()) {
            sb.append(" (other commands received: ").append(unexpected).append(')');
        }
        return sb.toString();
    }
}
