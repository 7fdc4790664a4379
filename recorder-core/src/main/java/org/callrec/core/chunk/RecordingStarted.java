package org.callrec.core.chunk;

import java.util.LinkedHashMap;
import java.util.Map;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.registry.StoragePlacement;

/**
 * The start record: everything known about a recording when the phone was answered
 * {@code result=success}. Strings the phone did not send are empty, never null.
 *
 * @param recordingId     server-side unique, time-ordered id (also the Kafka key)
 * @param tenant          tenant the recording belongs to (first segment of its object keys)
 * @param phoneSessionId  the phone's own {@code id}
 * @param device          the phone's MAC address, normalised to lower-case hex with colons
 * @param codec           the RTP codec the phone announced
 * @param direction       {@code in}, {@code out} or empty
 * @param phoneAddress    IP address the control connection came from (only source of RTP accepted)
 * @param ingestNode      id of the media-ingest node holding the UDP port
 * @param mediaPort       the UDP port the phone was given
 * @param startedAtMillis when the start was accepted, epoch milliseconds
 * @param fields          the command's other values (numbers, names, unknown keys), UTF-8
 * @param placement       where storage puts it, fixed at the start whatever the tenant's placement
 *                        says later ({@link StoragePlacement#DEFAULT}: the deployment's bucket, the
 *                        tenant as prefix)
 * @param maxDurationMillis the tenant's longest recording; 0 for the ingest node's own limit only
 */
public record RecordingStarted(String recordingId, String tenant, String phoneSessionId, String device,
                               AudioCodec codec, String direction, String phoneAddress, String ingestNode,
                               int mediaPort, long startedAtMillis, Map<String, String> fields,
                               StoragePlacement placement, long maxDurationMillis) {

    public RecordingStarted {
        fields = Map.copyOf(fields);
        placement = StoragePlacement.orDefault(placement);
    }

    /** A start record with the deployment's placement and no tenant duration limit. */
    public RecordingStarted(String recordingId, String tenant, String phoneSessionId, String device,
                            AudioCodec codec, String direction, String phoneAddress, String ingestNode,
                            int mediaPort, long startedAtMillis, Map<String, String> fields) {
        this(recordingId, tenant, phoneSessionId, device, codec, direction, phoneAddress, ingestNode, mediaPort,
                startedAtMillis, fields, StoragePlacement.DEFAULT, 0);
    }

    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("recordingId", recordingId);
        m.put("tenant", tenant);
        m.put("phoneSessionId", phoneSessionId);
        m.put("device", device);
        m.put("codec", codec.name());
        m.put("direction", direction);
        m.put("phoneAddress", phoneAddress);
        m.put("ingestNode", ingestNode);
        m.put("mediaPort", Integer.toString(mediaPort));
        m.put("startedAt", Long.toString(startedAtMillis));
        putIfSet(m, "p.bucket", placement.bucket());
        putIfSet(m, "p.prefix", placement.prefix());
        putIfSet(m, "p.kmsKeyId", placement.kmsKeyId());
        if (maxDurationMillis > 0) {
            m.put("maxDurationMillis", Long.toString(maxDurationMillis));
        }
        fields.forEach((k, v) -> m.put("f." + k, v));
        return m;
    }

    static RecordingStarted fromMap(Map<String, String> m) {
        Map<String, String> fields = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith("f.")) {
                fields.put(k.substring(2), v);
            }
        });
        return new RecordingStarted(m.get("recordingId"), m.get("tenant"), m.get("phoneSessionId"), m.get("device"),
                AudioCodec.valueOf(m.get("codec")), m.get("direction"), m.get("phoneAddress"), m.get("ingestNode"),
                Integer.parseInt(m.get("mediaPort")), Long.parseLong(m.get("startedAt")), fields,
                new StoragePlacement(m.get("p.bucket"), m.get("p.prefix"), m.get("p.kmsKeyId")),
                m.containsKey("maxDurationMillis") ? Long.parseLong(m.get("maxDurationMillis")) : 0);
    }

    private static void putIfSet(Map<String, String> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }
}
