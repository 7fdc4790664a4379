package org.callrec.core.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.callrec.core.audio.AudioCodec;

/**
 * A {@code RecordStartRequest} that passed {@link StartRules}, in its normalised reading.
 *
 * @param phoneId   the phone's id for the recording, stripped (never empty)
 * @param device    the phone's MAC address, lower-case colon pairs
 * @param codec     the audio codec, one this server accepts
 * @param direction {@code in}, {@code out} or empty (the phone did not say)
 * @param fields    every pair as the phone sent it (protocol keys too, lower-cased keys), in order:
 *                  the archive keeps the request verbatim beside this reading
 */
public record StartRequest(String phoneId, String device, AudioCodec codec, String direction,
                           Map<String, String> fields) {

    public StartRequest {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
