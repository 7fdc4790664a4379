package org.callrec.catalog.device;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.callrec.catalog.problem.Problem.FieldError;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.core.protocol.MacAddress;
import org.callrec.core.registry.DeviceEntry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a valid device is, and the reading of bulk imports (a JSON array of
 * {@code {"mac","label","enabled"}} or CSV with header {@code mac,label,enabled}): every row is
 * checked before anything is stored, and every bad row is reported with its number (1-based,
 * the CSV header not counted). Plain logic, unit-tested without the service.
 */
public final class DeviceRules {

    /** Longest label. */
    public static final int MAX_LABEL = 200;

    private DeviceRules() {
    }

    /** Validated rows, or the errors found (at most {@code maxErrors}). */
    public record Result(List<DeviceEntry> devices, List<FieldError> errors) {
    }

    /** The MAC normalised ({@code aa:bb:cc:dd:ee:ff}), or 400 naming the field. */
    public static String mac(String raw) {
        return MacAddress.normalize(raw).orElseThrow(() -> ProblemException.invalid("mac",
                "not a MAC address (12 hex digits, optionally grouped by : or -)"));
    }

    /** A label's problem, if any. */
    static Optional<String> labelProblem(String label) {
        if (label != null && (label.length() > MAX_LABEL || label.chars().anyMatch(Character::isISOControl))) {
            return Optional.of("at most " + MAX_LABEL + " characters without control characters");
        }
        return Optional.empty();
    }

    /** A JSON array body. */
    public static Result fromJson(JsonNode array, String tenant, int maxRows, int maxErrors) {
        if (!array.isArray()) {
            throw ProblemException.malformed("a JSON import is an array of devices");
        }
        checkRows(array.size(), maxRows);
        Rows rows = new Rows(tenant, maxErrors);
        for (int i = 0; i < array.size(); i++) {
            int row = i + 1;
            JsonNode node = array.get(i);
            if (!node.isObject()) {
                rows.error(row, null, "not a JSON object");
                continue;
            }
            boolean ok = true;
            var names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!name.equals("mac") && !name.equals("label") && !name.equals("enabled")) {
                    rows.error(row, name, "unknown field");
                    ok = false;
                }
            }
            JsonNode mac = node.get("mac");
            JsonNode label = node.get("label");
            JsonNode enabled = node.get("enabled");
            if (mac == null || !mac.isTextual()) {
                rows.error(row, "mac", "required, a string");
                ok = false;
            }
            if (label != null && !label.isNull() && !label.isTextual()) {
                rows.error(row, "label", "must be a string or null");
                ok = false;
            }
            if (enabled != null && !enabled.isNull() && !enabled.isBoolean()) {
                rows.error(row, "enabled", "must be true or false");
                ok = false;
            }
            if (ok) {
                rows.add(row, mac.asText(), label == null || label.isNull() ? null : label.asText(),
                        enabled == null || enabled.isNull() || enabled.asBoolean());
            }
        }
        return rows.result();
    }

    /** A CSV body. */
    public static Result fromCsv(String text, String tenant, int maxRows, int maxErrors) {
        List<List<String>> records;
        try {
            records = DeviceCsv.records(text);
        } catch (DeviceCsv.SyntaxException e) {
            throw ProblemException.malformed("CSV line " + e.line() + ": " + e.getMessage());
        }
        if (records.isEmpty()) {
            throw ProblemException.malformed("a CSV import needs the header " + DeviceCsv.HEADER);
        }
        List<String> header = records.get(0).stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        int macCol = header.indexOf("mac");
        int labelCol = header.indexOf("label");
        int enabledCol = header.indexOf("enabled");
        List<FieldError> headerErrors = new ArrayList<>();
        if (macCol < 0) {
            headerErrors.add(FieldError.of("mac", "the header has no mac column"));
        }
        for (String h : header) {
            if (!h.equals("mac") && !h.equals("label") && !h.equals("enabled")) {
                headerErrors.add(FieldError.of(h, "unknown column (the header is " + DeviceCsv.HEADER + ")"));
            }
        }
        if (header.stream().distinct().count() != header.size()) {
            headerErrors.add(FieldError.of("header", "a column is named twice"));
        }
        if (!headerErrors.isEmpty()) {
            throw ProblemException.validation("the CSV header is not valid", headerErrors);
        }
        checkRows(records.size() - 1, maxRows);
        Rows rows = new Rows(tenant, maxErrors);
        for (int i = 1; i < records.size(); i++) {
            List<String> r = records.get(i);
            if (r.size() != header.size()) {
                rows.error(i, null, "has " + r.size() + " fields, the header " + header.size());
                continue;
            }
            String label = labelCol < 0 || r.get(labelCol).isEmpty() ? null : r.get(labelCol);
            String enabledText = enabledCol < 0 ? "" : r.get(enabledCol).strip().toLowerCase(Locale.ROOT);
            if (!enabledText.isEmpty() && !enabledText.equals("true") && !enabledText.equals("false")) {
                rows.error(i, "enabled", "must be true or false (empty: true)");
                continue;
            }
            rows.add(i, r.get(macCol), label, !enabledText.equals("false"));
        }
        return rows.result();
    }

    private static void checkRows(int rows, int maxRows) {
        if (rows > maxRows) {
            throw ProblemException.tooManyRows("an import may hold at most " + maxRows + " devices, this one has "
                    + rows + "; split it");
        }
    }

    /** Collects rows and errors; a MAC given twice is an error of the later row. */
    private static final class Rows {
        private final String tenant;
        private final int maxErrors;
        private final List<DeviceEntry> devices = new ArrayList<>();
        private final List<FieldError> errors = new ArrayList<>();
        private final Map<String, Integer> seen = new HashMap<>();

        Rows(String tenant, int maxErrors) {
            this.tenant = tenant;
            this.maxErrors = maxErrors;
        }

        void error(int row, String field, String message) {
            if (errors.size() < maxErrors) {
                errors.add(new FieldError(row, field, message));
            }
        }

        void add(int row, String rawMac, String label, boolean enabled) {
            Optional<String> mac = MacAddress.normalize(rawMac);
            if (mac.isEmpty()) {
                error(row, "mac", "not a MAC address (12 hex digits, optionally grouped by : or -)");
                return;
            }
            Optional<String> labelProblem = labelProblem(label);
            if (labelProblem.isPresent()) {
                error(row, "label", labelProblem.get());
                return;
            }
            Integer first = seen.putIfAbsent(mac.get(), row);
            if (first != null) {
                error(row, "mac", "the same device as row " + first);
                return;
            }
            devices.add(new DeviceEntry(mac.get(), tenant, label, enabled));
        }

        Result result() {
            return new Result(List.copyOf(devices), List.copyOf(errors));
        }
    }
}
