package org.callrec.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations written on command lines: {@code 10s}, {@code 50ms}, {@code 2m}, {@code 1.5s}, {@code PT10S}. */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    /**
     * Parses a number with an optional unit ({@code ms}, {@code s}, {@code m}, {@code h}; a bare
     * number is seconds) or an ISO-8601 duration.
     *
     * @throws IllegalArgumentException when the text is neither
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            double value = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double nanosPerUnit = switch (unit) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            return Duration.ofNanos(Math.round(value * nanosPerUnit));
        }
        try {
            return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 10s, 50ms, 2m)");
        }
    }

    /** Formats a duration compactly for reports: {@code 850ms}, {@code 10.3s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + "ms" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
