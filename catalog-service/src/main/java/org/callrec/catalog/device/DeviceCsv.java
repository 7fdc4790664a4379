package org.callrec.catalog.device;

import java.util.ArrayList;
import java.util.List;

import org.callrec.core.registry.DeviceEntry;

/**
 * The CSV form of a device list (RFC 4180): a header {@code mac,label,enabled} (columns in any
 * order, {@code label} and {@code enabled} optional), one device per line, fields quoted with
 * {@code "} when they hold a comma, quote or line break. Plain logic, unit-tested.
 */
public final class DeviceCsv {

    /** The header written by {@link #write}. */
    public static final String HEADER = "mac,label,enabled";
    /** The media type. */
    public static final String MEDIA_TYPE = "text/csv";

    private DeviceCsv() {
    }

    /** A CSV syntax error at a line (1-based, header included). */
    public static final class SyntaxException extends IllegalArgumentException {
        private final int line;

        SyntaxException(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    /**
     * Splits CSV text into records of fields; blank lines are skipped.
     *
     * @throws SyntaxException for an unterminated quote or text after a closing quote
     */
    public static List<List<String>> records(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int i = 0;
        int n = text.length();
        boolean quoted = false;
        boolean afterQuote = false;
        boolean any = false;
        if (n > 0 && text.charAt(0) == '\uFEFF') {
            i = 1; // a byte-order mark from spreadsheet exports
        }
        for (; i < n; i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    field.append(ch);
                }
            } else if (ch == '"' && field.isEmpty() && !afterQuote) {
                quoted = true;
                any = true;
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
                afterQuote = false;
                any = true;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || !field.isEmpty()) {
                    fields.add(field.toString());
                    out.add(fields);
                }
                fields = new ArrayList<>();
                field.setLength(0);
                afterQuote = false;
                any = false;
                line++;
            } else if (afterQuote) {
                throw new SyntaxException(line, "text after a closing quote");
            } else {
                field.append(ch);
                any = true;
            }
        }
        if (quoted) {
            throw new SyntaxException(line, "unterminated quote");
        }
        if (any || !field.isEmpty()) {
            fields.add(field.toString());
            out.add(fields);
        }
        return out;
    }

    /** The devices as CSV with header {@value #HEADER}, lines ending CRLF (RFC 4180). */
    public static String write(List<DeviceEntry> devices) {
        StringBuilder sb = new StringBuilder(devices.size() * 40 + 20);
        sb.append(HEADER).append("\r\n");
        for (DeviceEntry d : devices) {
            sb.append(d.mac()).append(',').append(quote(d.label() == null ? "" : d.label())).append(',')
                    .append(d.enabled()).append("\r\n");
        }
        return sb.toString();
    }

    static String quote(String field) {
        boolean needs = field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                || field.indexOf('\r') >= 0;
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
