package org.callrec.core.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts the control connection's byte stream into commands: CRLF, LF, NUL (or a lone CR) end a
 * command, unterminated bytes wait for more and are taken by the caller after a quiet period,
 * a command over the size limit raises {@link CommandTooLongException}. The rules, in full and
 * in one place: {@code docs/PROTOCOL.md}, "Framing — decisions".
 *
 * <p>Each byte is looked at a bounded number of times, however the stream is split into reads:
 * once as it is fed, once when its command is decoded; {@link #pendingLooksComplete()} answers in
 * constant time from a {@link CompletenessScanner} fed as the bytes arrive (it used to re-parse
 * the whole pending text, so a command sent one byte per read cost time quadratic in its length).
 * {@link #bytesExamined()} counts that work for the tests.
 *
 * <p>Not thread-safe: one instance per connection, used from that connection's event loop.
 */
public final class CommandFramer {

    private final int maxCommandBytes;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
    private final CompletenessScanner scanner = new CompletenessScanner();
    private long examined;
    private boolean pendingCr;
    /** Once a peer has terminated a command, it is taken to terminate them all. */
    private boolean peerTerminates;

    /** @param maxCommandBytes the longest command accepted, terminator excluded */
    public CommandFramer(int maxCommandBytes) {
        this.maxCommandBytes = maxCommandBytes;
    }

    /** Feeds one read's bytes; returns the commands they complete, in order. */
    public List<Frame> feed(byte[] data) {
        List<Frame> frames = new ArrayList<>(1);
        examined += data.length;
        for (byte b : data) {
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    emit(frames, Terminator.CRLF);
                    continue;
                }
                // A lone CR ends a command too (tolerated, answered with CRLF).
                emit(frames, Terminator.CRLF);
            }
            switch (b) {
                case '\r' -> pendingCr = true;
                case '\n' -> emit(frames, Terminator.LF);
                case 0 -> emit(frames, Terminator.NUL);
                default -> {
                    if (pending.size() >= maxCommandBytes) {
                        pending.reset();
                        scanner.reset();
                        throw new CommandTooLongException(maxCommandBytes);
                    }
                    pending.write(b);
                    scanner.accept(b);
                }
            }
        }
        return frames;
    }

    /**
     * True when the pending bytes already form a complete command and the peer has never
     * terminated one: a short quiet period is enough before acting on them. Constant time: the
     * pending bytes are not read again.
     */
    public boolean pendingLooksComplete() {
        return !peerTerminates && !pendingCr && pending.size() > 0 && scanner.complete();
    }

    /**
     * The framer's work so far, in bytes looked at: every byte fed, plus every pending byte
     * decoded into text. Stays within twice the bytes fed, however they were split.
     */
    public long bytesExamined() {
        return examined;
    }

    /** True when bytes of an unfinished command are waiting for more data. */
    public boolean hasPending() {
        return pending.size() > 0 || pendingCr;
    }

    /**
     * Takes whatever is pending as a command of its own (after a quiet period, or at close).
     * Blank text is no command, as between terminators: a lone trailing CR (a peer ending its
     * lines LF CR) or stray spaces are dropped, not answered as a bad request.
     */
    public Optional<Frame> flushPending() {
        Terminator terminator = pendingCr ? Terminator.CRLF : Terminator.NONE;
        pendingCr = false;
        String text = take();
        return text.isBlank() ? Optional.empty() : Optional.of(new Frame(text, terminator));
    }

    private void emit(List<Frame> frames, Terminator terminator) {
        peerTerminates = true;
        String text = take();
        if (!text.isBlank()) {
            frames.add(new Frame(text, terminator));
        }
    }

    private String take() {
        examined += pending.size();
        String text = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        scanner.reset();
        return text;
    }
}
