package org.callrec.e2e;

import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.callrec.core.audio.WavFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;

/** Reads the bucket the way a downstream consumer does: metadata documents, then their WAV. */
final class Archive {

    /** A stored recording: its metadata document and its audio object. */
    record Stored(String metadataKey, JsonNode metadata, byte[] wavBytes) {
        WavFile wav() {
            return WavFile.parse(wavBytes);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MinioClient s3;
    private final String bucket;
    private final Map<String, JsonNode> seen = new ConcurrentHashMap<>();

    Archive(MinioClient s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** The recording whose phone session id and device match, if its metadata is in the bucket yet. */
    Optional<Stored> find(String phoneSessionId, String device) throws Exception {
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            String key = r.get().objectName();
            if (!key.endsWith(".json") || seen.containsKey(key)) {
                continue;
            }
            seen.put(key, JSON.readTree(get(key)));
        }
        for (Map.Entry<String, JsonNode> e : seen.entrySet()) {
            JsonNode m = e.getValue();
            if (m.path("phone").path("sessionId").asText().equals(phoneSessionId)
                    && m.path("phone").path("device").asText().equalsIgnoreCase(device)) {
                return Optional.of(new Stored(e.getKey(), m, get(m.path("audio").path("key").asText())));
            }
        }
        return Optional.empty();
    }

    byte[] get(String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }
}
