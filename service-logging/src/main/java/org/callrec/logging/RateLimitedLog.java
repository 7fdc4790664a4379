package org.callrec.logging;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;
import org.jboss.logging.Logger.Level;

/**
 * Log lines about bad input (refused connections, unparsable commands, refusals), limited per
 * category so that a hostile peer cannot flood the logs: at most {@code maxLines} lines of one
 * category per {@code interval}; the lines beyond that are counted, and one summary line
 * ({@code "<category>: suppressed K similar lines in the last <interval>"}) is written when the
 * interval is over — with the category's next line, or by {@link #flush()}, which the owner
 * calls on a timer so that a flood that stops is still summed up.
 *
 * <p>Categories are fixed names chosen by the caller (constants), never values from the wire:
 * one small window per category is kept. The values put in a line must already be escaped
 * ({@code org.callrec.core.text.LogText}); this class only decides whether a line is written.
 * Thread-safe; a suppressed line costs no formatting.
 */
public final class RateLimitedLog {

    /** Where the lines go: a jboss-logging {@link Logger} in the services, a list in tests. */
    @FunctionalInterface
    public interface Sink {
        /** Writes one formatted line. */
        void write(Level level, String line);
    }

    private final Sink sink;
    private final int maxLines;
    private final long intervalNanos;
    private final Duration interval;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** Lines to {@code logger}, at most {@code maxLines} per category per {@code interval}. */
    public RateLimitedLog(Logger logger, int maxLines, Duration interval) {
        this((level, line) -> logger.log(level, line), maxLines, interval, System::nanoTime);
    }

    /** The same with a sink and clock of the caller's (tests). */
    public RateLimitedLog(Sink sink, int maxLines, Duration interval, LongSupplier nanoClock) {
        if (maxLines < 0 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("need maxLines >= 0 and a positive interval");
        }
        this.sink = sink;
        this.maxLines = maxLines;
        this.interval = interval;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** An INFO line of {@code category}, {@link String#format} style. */
    public void infof(String category, String format, Object... params) {
        log(Level.INFO, category, format, params);
    }

    /** A WARN line of {@code category}, {@link String#format} style. */
    public void warnf(String category, String format, Object... params) {
        log(Level.WARN, category, format, params);
    }

    /** A line of {@code category} at {@code level}, written unless the category is over its limit. */
    public void log(Level level, String category, String format, Object... params) {
        Window w = windows.computeIfAbsent(category, Window::new);
        Summary summary;
        boolean write;
        synchronized (w) {
            long now = nanoClock.getAsLong();
            summary = w.rollIfOver(now);
            write = w.lines < maxLines;
            if (write) {
                w.lines++;
            } else {
                w.suppressed++;
                if (level.ordinal() < w.suppressedLevel.ordinal()) {
                    w.suppressedLevel = level; // jboss Level: FATAL first, TRACE last
                }
            }
        }
        if (summary != null) {
            sink.write(summary.level(), summary.line());
        }
        if (write) {
            sink.write(level, params.length == 0 ? format : String.format(format, params));
        }
    }

    /** Writes the summary of every category whose interval is over with lines suppressed. */
    public void flush() {
        long now = nanoClock.getAsLong();
        for (Window w : windows.values()) {
            Summary summary;
            synchronized (w) {
                summary = w.rollIfOver(now);
            }
            if (summary != null) {
                sink.write(summary.level(), summary.line());
            }
        }
    }

    /** Lines of {@code category} suppressed in its current interval (not yet summed up). */
    public long suppressed(String category) {
        Window w = windows.get(category);
        if (w == null) {
            return 0;
        }
        synchronized (w) {
            return w.suppressed;
        }
    }

    /** A summary line and the level of the most severe line it stands for. */
    private record Summary(Level level, String line) {
    }

    /** {@code 10s}, {@code 1m30s}, {@code 500ms}. */
    private static String shown(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT).replace(".", ",");
    }

    /** One category's current interval. Guarded by itself. */
    private final class Window {
        final String category;
        long start;
        int lines;
        long suppressed;
        Level suppressedLevel = Level.TRACE;

        Window(String category) {
            this.category = category;
            this.start = nanoClock.getAsLong();
        }

        /** Starts a new interval when this one is over; returns its summary if lines were suppressed. */
        Summary rollIfOver(long now) {
            if (now - start < intervalNanos) {
                return null;
            }
            Summary summary = suppressed == 0 ? null : new Summary(suppressedLevel,
                    category + ": suppressed " + suppressed + " similar lines in the last " + shown(interval));
            start = now;
            lines = 0;
            suppressed = 0;
            suppressedLevel = Level.TRACE;
            return summary;
        }
    }
}
