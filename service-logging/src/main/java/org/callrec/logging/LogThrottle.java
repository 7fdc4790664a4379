package org.callrec.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bounds how often one kind of log line about bad input is written: at most one line per
 * interval, the others are only counted, and the next line written says how many were left
 * out. What a remote party can make us log must not fill the disk or drown the other lines.
 * Lock-free; safe on event loops.
 *
 * <pre>{@code
 * long skipped = throttle.admit();
 * if (skipped >= 0) LOG.warnf("... (%d similar lines left out)", skipped);
 * }</pre>
 */
public final class LogThrottle {

    private final long intervalNanos;
    private final LongSupplier clock;
    /** nanoTime before which no line is written. */
    private final AtomicLong quietUntil;
    private final AtomicLong leftOut = new AtomicLong();

    /** At most one line per {@code interval}. */
    public LogThrottle(Duration interval) {
        this(interval, System::nanoTime);
    }

    /** With a clock of its own (nanoseconds), for tests. */
    LogThrottle(Duration interval, LongSupplier clock) {
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
        this.quietUntil = new AtomicLong(clock.getAsLong());
    }

    /**
     * Whether a line may be written now.
     *
     * @return {@code -1} when it must be left out (it is counted), else the lines left out since
     *         the last one written
     */
    public long admit() {
        long now = clock.getAsLong();
        long until = quietUntil.get();
        if (now - until >= 0 && quietUntil.compareAndSet(until, now + intervalNanos)) {
            return leftOut.getAndSet(0);
        }
        leftOut.incrementAndGet();
        return -1;
    }

    /**
     * {@code text} fit for a plain-text log line: control characters (CR, LF, NUL …), bidi and
     * other format characters, and anything outside the Basic Multilingual Plane's printable
     * characters written as {@code \\uXXXX}; cut to {@code maxChars} with {@code …}. {@code null}
     * stays {@code "null"}.
     */
    public static String printable(String text, int maxChars) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= maxChars) {
                return out.append('…').toString();
            }
            char c = text.charAt(i);
            int type = Character.getType(c);
            boolean plain = c >= 0x20 && c < 0x7f && c != '\\';
            boolean printable = plain || (c >= 0xa0 && type != Character.CONTROL && type != Character.FORMAT
                    && type != Character.SURROGATE && type != Character.PRIVATE_USE && type != Character.UNASSIGNED
                    && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR);
            if (printable) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
