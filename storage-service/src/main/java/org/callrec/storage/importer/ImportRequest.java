package org.callrec.storage.importer;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.callrec.core.protocol.MacAddress;
import org.callrec.storage.placement.ObjectKeys;

/**
 * The metadata of an import, from the query parameters of {@code POST /api/v1/imports}; every
 * value is optional. Unknown parameters are kept (under {@code fields} in the metadata), like
 * unknown keys of the phone's start command.
 *
 * @param tenant       tenant: the credential's ({@link #parse(Map, String)})
 * @param device       the phone's MAC address, normalised ({@code aa:bb:cc:dd:ee:ff}), or empty
 * @param callId       the phone's call/session id, or empty
 * @param direction    {@code in}, {@code out} or empty
 * @param localNumber  local number
 * @param localName    local name
 * @param remoteNumber remote number
 * @param remoteName   remote name
 * @param fileName     the file's name on the phone's stick ({@code Record_…}), or empty
 * @param recordedAt   when the recording started: {@code recordedAt}, else read from
 *                     {@code fileName}, else empty (the import's own time is used)
 * @param fields       unknown parameters
 * @param params       every parameter as sent (first value of each)
 */
public record ImportRequest(String tenant, String device, String callId, String direction, String localNumber,
                            String localName, String remoteNumber, String remoteName, String fileName,
                            Optional<Instant> recordedAt, Map<String, String> fields, Map<String, String> params) {

    static final Set<String> KNOWN = Set.of("tenant", "device", "callId", "direction", "localNumber", "localName",
            "remoteNumber", "remoteName", "fileName", "recordedAt", "timeZone");

    /** Digits of the phone's system time in a file name: yyyyMMddHHmmss (separators allowed), or epoch s/ms. */
    private static final Pattern LOCAL_TIME = Pattern.compile("(\\d{8})[_\\-T]?(\\d{6})(?!\\d)");
    private static final Pattern EPOCH = Pattern.compile("(?<!\\d)(\\d{10}|\\d{13})(?!\\d)");
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    /** A parameter that cannot be used: answered 400 with this message. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * Reads and checks the parameters (first value of each) of an import into {@code tenant}, the
     * tenant of the request's credential: a {@code tenant} parameter naming another is refused.
     */
    public static ImportRequest parse(Map<String, String> params, String tenant) throws Invalid {
        String asked = params.getOrDefault("tenant", "").strip();
        if (!asked.isEmpty() && !asked.equals(tenant)) {
            throw new Invalid("tenant '" + asked + "' is not this credential's: an import goes to the tenant of its"
                    + " credential ('" + tenant + "'); leave the tenant parameter out");
        }
        ImportRequest r = parse(params);
        return new ImportRequest(tenant, r.device, r.callId, r.direction, r.localNumber, r.localName, r.remoteNumber,
                r.remoteName, r.fileName, r.recordedAt, r.fields, r.params);
    }

    /** Reads and checks the parameters (first value of each), the tenant among them. */
    static ImportRequest parse(Map<String, String> params) throws Invalid {
        Map<String, String> p = new TreeMap<>(params);
        String device = "";
        String rawDevice = p.getOrDefault("device", "").strip();
        if (!rawDevice.isEmpty()) {
            device = MacAddress.normalize(rawDevice)
                    .orElseThrow(() -> new Invalid("device '" + rawDevice + "' is not a MAC address"));
        }
        String direction = p.getOrDefault("direction", "").strip().toLowerCase(Locale.ROOT);
        if (!direction.isEmpty() && !direction.equals("in") && !direction.equals("out")) {
            throw new Invalid("direction must be in or out, not '" + p.get("direction") + "'");
        }
        ZoneId zone = ZoneId.of("UTC");
        if (p.containsKey("timeZone")) {
            try {
                zone = ZoneId.of(p.get("timeZone").strip());
            } catch (DateTimeException e) {
                throw new Invalid("timeZone '" + p.get("timeZone") + "' is not a time zone (e.g. Europe/Paris, +01:00)");
            }
        }
        String fileName = p.getOrDefault("fileName", "").strip();
        Optional<Instant> recordedAt;
        if (p.containsKey("recordedAt")) {
            try {
                recordedAt = Optional.of(Instant.parse(p.get("recordedAt").strip()));
            } catch (DateTimeException e) {
                throw new Invalid("recordedAt '" + p.get("recordedAt") + "' is not an ISO-8601 instant"
                        + " (e.g. 2025-03-04T05:06:07Z)");
            }
        } else {
            recordedAt = fromFileName(fileName, zone);
        }
        String tenant = p.getOrDefault("tenant", "").strip();
        Map<String, String> fields = new TreeMap<>();
        p.forEach((k, v) -> {
            if (!KNOWN.contains(k)) {
                fields.put(k, v);
            }
        });
        return new ImportRequest(tenant.isEmpty() ? ObjectKeys.DEFAULT_TENANT : tenant, device,
                p.getOrDefault("callId", ""), direction, p.getOrDefault("localNumber", ""), p.getOrDefault("localName", ""),
                p.getOrDefault("remoteNumber", ""), p.getOrDefault("remoteName", ""), fileName, recordedAt,
                Map.copyOf(fields), Map.copyOf(p));
    }

    /**
     * The phone's system time in a {@code Record_[SystemTime]} name: 14 digits
     * {@code yyyyMMddHHmmss} (an optional {@code _}, {@code -} or {@code T} after the date) in
     * {@code zone}, or 10/13 digits of epoch seconds/milliseconds; empty when none is found.
     */
    static Optional<Instant> fromFileName(String name, ZoneId zone) {
        Matcher m = LOCAL_TIME.matcher(name);
        if (m.find()) {
            try {
                return Optional.of(LocalDateTime.parse(m.group(1) + m.group(2), COMPACT).atZone(zone).toInstant());
            } catch (DateTimeException e) {
                return Optional.empty();
            }
        }
        Matcher e = EPOCH.matcher(name);
        if (e.find()) {
            long v = Long.parseLong(e.group(1));
            return Optional.of(e.group(1).length() == 10 ? Instant.ofEpochSecond(v) : Instant.ofEpochMilli(v));
        }
        return Optional.empty();
    }
}
