package org.callrec.core.protocol;

import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Says whether the bytes of an unterminated command already form a complete one — it
 * {@linkplain CommandCodec#parse parses}, is a {@code RecordStartRequest} with {@code id},
 * {@code device} and {@code codec} or a {@code RecordStopRequest} with {@code id} (and so does
 * not end inside a {@code %} escape) — looking at each byte once, as it arrives: {@link #accept}
 * costs constant time per byte and {@link #complete} constant time per call, however the bytes
 * were split into reads. (Parsing the whole pending text after every read cost time quadratic in
 * its length: 4 KB sent one byte per read took ~60–120 ms of CPU.)
 *
 * <p>It follows {@link CommandCodec#parse} step by step: the text is UTF-8 (malformed bytes read
 * as U+FFFD), stripped of leading and trailing white space, cut at {@code &} into pairs, each cut
 * at its first {@code =} into a key and a value, each percent-decoded ({@code +} as a space,
 * consecutive escapes decoded together as UTF-8) and the key stripped. Only what decides the
 * answer is kept: whether some pair already failed (a bad escape, a key that is blank), the
 * first {@code cmd}'s name, which of {@code id}, {@code device} and {@code codec} were seen,
 * and for the open pair its escape state and the first few characters of its stripped key (and
 * of the name, for the first {@code cmd}): a longer key or name matches none of those sought.
 * {@code CommandFramerFuzzTest} checks that it answers as the parser does on every prefix of
 * hostile input.
 *
 * <p>Not thread-safe; one per {@link CommandFramer}.
 */
final class CompletenessScanner {

    private static final int REPLACEMENT = 0xFFFD;
    /** Longer than any key sought ({@code device}): a longer stripped key is another key. */
    private static final int KEY_CHARS = 8;
    /** Longer than either name sought ({@code RecordStartRequest}). */
    private static final int NAME_CHARS = 20;

    private enum Key { CMD, ID, DEVICE, CODEC, OTHER }

    private enum Name { NONE, START, STOP }

    private final Utf8 raw = new Utf8();
    private final Utf8 escaped = new Utf8();
    private final IntConsumer rawOut = this::rawChar;
    private final IntConsumer escapedOut = this::decodedChar;

    // What the closed pairs decided.
    /** No bytes appended can make the text complete any more (a pair failed, another cmd). */
    private boolean dead;
    private boolean firstPair = true;
    private Name name = Name.NONE;
    private boolean hasId;
    private boolean hasDevice;
    private boolean hasCodec;

    // The open pair.
    private boolean nonEmpty;
    private boolean allRawWhitespace = true;
    private boolean inValue;
    /** 0: not in an escape; 1: after '%'; 2: after its first hex digit. */
    private int escape;
    private int escapeHigh;
    private boolean inEscapeRun;
    private Key key = Key.OTHER;
    private boolean collectingName;
    private final Segment keyText = new Segment(KEY_CHARS);
    private final Segment nameText = new Segment(NAME_CHARS);

    private CompletenessScanner scratch;

    /** Takes the next byte of the command (never a terminator: the framer cuts at those). */
    void accept(byte b) {
        if (!dead) {
            raw.accept(b & 0xFF, rawOut);
        }
    }

    /** True when the bytes so far, as a whole, are a complete command. Changes nothing. */
    boolean complete() {
        if (dead) {
            return false;
        }
        if (scratch == null) {
            scratch = new CompletenessScanner();
        }
        scratch.copyFrom(this);
        scratch.endOfText();
        return scratch.completeAtEnd();
    }

    /** Forgets everything: the next byte starts a new command. */
    void reset() {
        raw.reset();
        escaped.reset();
        dead = false;
        firstPair = true;
        name = Name.NONE;
        hasId = false;
        hasDevice = false;
        hasCodec = false;
        resetPair();
    }

    private void resetPair() {
        nonEmpty = false;
        allRawWhitespace = true;
        inValue = false;
        escape = 0;
        escapeHigh = 0;
        inEscapeRun = false;
        key = Key.OTHER;
        collectingName = false;
        keyText.clear();
        nameText.clear();
    }

    private void endOfText() {
        raw.flush(rawOut);
        closePair(true);
    }

    private boolean completeAtEnd() {
        return !dead && (name == Name.START && hasId && hasDevice && hasCodec || name == Name.STOP && hasId);
    }

    /** One character of the raw text (U+FFFD for malformed bytes). */
    private void rawChar(int cp) {
        if (dead) {
            return;
        }
        if (cp == '&') {
            closePair(false);
            return;
        }
        nonEmpty = true;
        if (!Character.isWhitespace(cp)) {
            allRawWhitespace = false;
        }
        if (escape != 0) {
            // The parser checks the two chars after '%' with Character.digit (non-ASCII digits too).
            int digit = cp <= 0xFFFF ? Character.digit((char) cp, 16) : -1;
            if (digit < 0) {
                dead = true;
            } else if (escape == 1) {
                escapeHigh = digit;
                escape = 2;
            } else {
                escape = 0;
                inEscapeRun = true;
                escaped.accept(escapeHigh << 4 | digit, escapedOut);
            }
            return;
        }
        if (cp == '%') {
            escape = 1;
            return;
        }
        endEscapeRun();
        if (cp == '=' && !inValue) {
            endKey();
            return;
        }
        // '+' is a space (a number field's literal '+' only changes values, never a cmd's).
        decodedChar(cp == '+' ? ' ' : cp);
    }

    /** One character of the decoded key or value. */
    private void decodedChar(int cp) {
        if (!inValue) {
            keyText.add(cp);
        } else if (collectingName) {
            nameText.add(cp);
        }
    }

    /** Consecutive escapes are decoded together as UTF-8: a run cut short is a U+FFFD. */
    private void endEscapeRun() {
        if (inEscapeRun) {
            escaped.flush(escapedOut);
            inEscapeRun = false;
        }
    }

    private void endKey() {
        inValue = true;
        String k = keyText.text();
        if (k != null && k.isEmpty()) {
            dead = true; // a pair without a key
            return;
        }
        key = k == null ? Key.OTHER : keyOf(k);
        collectingName = key == Key.CMD && name == Name.NONE;
    }

    private static Key keyOf(String k) {
        if (k.equalsIgnoreCase("cmd")) {
            return Key.CMD;
        }
        return switch (k.toLowerCase(Locale.ROOT)) {
            case "id" -> Key.ID;
            case "device" -> Key.DEVICE;
            case "codec" -> Key.CODEC;
            default -> Key.OTHER;
        };
    }

    private void closePair(boolean last) {
        if (dead) {
            return;
        }
        if (escape != 0) {
            dead = true; // '%' without two hex digits before the pair ends
            return;
        }
        endEscapeRun();
        // Empty pairs are skipped; blank ones at either end fall to the parser's strip().
        boolean counts = nonEmpty && !(allRawWhitespace && (firstPair || last));
        if (counts) {
            if (!inValue) {
                endKey(); // a key without '=': its value is empty
                if (dead) {
                    return;
                }
            }
            switch (key) {
                case CMD -> {
                    if (collectingName) {
                        takeName();
                    }
                }
                case ID -> hasId = true;
                case DEVICE -> hasDevice = true;
                case CODEC -> hasCodec = true;
                default -> {
                }
            }
        }
        firstPair = false;
        resetPair();
    }

    /** The first cmd decides: anything but a start or a stop can never be complete. */
    private void takeName() {
        String n = nameText.text();
        if (n != null && n.equalsIgnoreCase(Command.START_REQUEST)) {
            name = Name.START;
        } else if (n != null && n.equalsIgnoreCase(Command.STOP_REQUEST)) {
            name = Name.STOP;
        } else {
            dead = true;
        }
    }

    private void copyFrom(CompletenessScanner o) {
        raw.copyFrom(o.raw);
        escaped.copyFrom(o.escaped);
        dead = o.dead;
        firstPair = o.firstPair;
        name = o.name;
        hasId = o.hasId;
        hasDevice = o.hasDevice;
        hasCodec = o.hasCodec;
        nonEmpty = o.nonEmpty;
        allRawWhitespace = o.allRawWhitespace;
        inValue = o.inValue;
        escape = o.escape;
        escapeHigh = o.escapeHigh;
        inEscapeRun = o.inEscapeRun;
        key = o.key;
        collectingName = o.collectingName;
        keyText.copyFrom(o.keyText);
        nameText.copyFrom(o.nameText);
    }

    /**
     * Text with leading and trailing white space stripped as {@link String#strip} does, kept
     * only while it is at most {@code max} chars long.
     */
    private static final class Segment {
        private final int max;
        private final StringBuilder body;
        private final StringBuilder spaces;
        private boolean spacesTooLong;
        private boolean tooLong;

        Segment(int max) {
            this.max = max;
            this.body = new StringBuilder(max);
            this.spaces = new StringBuilder(max);
        }

        void add(int cp) {
            if (tooLong) {
                return;
            }
            if (Character.isWhitespace(cp)) {
                if (body.isEmpty()) {
                    return; // leading
                }
                if (body.length() + spaces.length() + 2 <= max) {
                    spaces.appendCodePoint(cp);
                } else {
                    spacesTooLong = true;
                }
                return;
            }
            if (spacesTooLong || body.length() + spaces.length() + Character.charCount(cp) > max) {
                tooLong = true;
                return;
            }
            body.append(spaces).appendCodePoint(cp);
            spaces.setLength(0);
        }

        /** The stripped text, or null when longer than {@code max}. */
        String text() {
            return tooLong ? null : body.toString();
        }

        void clear() {
            body.setLength(0);
            spaces.setLength(0);
            spacesTooLong = false;
            tooLong = false;
        }

        void copyFrom(Segment o) {
            body.setLength(0);
            body.append(o.body);
            spaces.setLength(0);
            spaces.append(o.spaces);
            spacesTooLong = o.spacesTooLong;
            tooLong = o.tooLong;
        }
    }

    /**
     * An incremental UTF-8 decoder: well-formed sequences give their code point; an ill-formed
     * one gives U+FFFD and the byte that broke it starts afresh (the JDK's decoder may give a
     * different number of U+FFFD, which changes no answer here: one already makes a key or name
     * match nothing, and no escape digit).
     */
    private static final class Utf8 {
        private int cp;
        private int need;
        private int lower = 0x80;
        private int upper = 0xBF;

        void accept(int b, IntConsumer out) {
            if (need == 0) {
                if (b < 0x80) {
                    out.accept(b);
                } else if (b >= 0xC2 && b <= 0xDF) {
                    start(b & 0x1F, 1, 0x80, 0xBF);
                } else if (b >= 0xE0 && b <= 0xEF) {
                    start(b & 0x0F, 2, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF);
                } else if (b >= 0xF0 && b <= 0xF4) {
                    start(b & 0x07, 3, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF);
                } else {
                    out.accept(REPLACEMENT);
                }
                return;
            }
            if (b < lower || b > upper) {
                reset();
                out.accept(REPLACEMENT);
                accept(b, out); // b itself may start a character (or be ASCII)
                return;
            }
            lower = 0x80;
            upper = 0xBF;
            cp = cp << 6 | b & 0x3F;
            if (--need == 0) {
                out.accept(cp);
            }
        }

        /** The input ends: a sequence cut short is a U+FFFD. */
        void flush(IntConsumer out) {
            if (need > 0) {
                reset();
                out.accept(REPLACEMENT);
            }
        }

        private void start(int bits, int more, int lo, int hi) {
            cp = bits;
            need = more;
            lower = lo;
            upper = hi;
        }

        void reset() {
            cp = 0;
            need = 0;
            lower = 0x80;
            upper = 0xBF;
        }

        void copyFrom(Utf8 o) {
            cp = o.cp;
            need = o.need;
            lower = o.lower;
            upper = o.upper;
        }
    }
}
