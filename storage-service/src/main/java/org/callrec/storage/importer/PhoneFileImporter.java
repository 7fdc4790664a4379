package org.callrec.storage.importer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.audio.WavHeader;
import org.callrec.core.id.RecordingIds;
import org.callrec.core.phonefile.PhoneFileConverter;
import org.callrec.core.phonefile.PhoneFileLayout;
import org.callrec.core.phonefile.PhoneFileStats;
import org.callrec.core.registry.Registry;
import org.callrec.core.registry.StoragePlacement;
import org.callrec.core.registry.TenantEntry;
import org.callrec.storage.assemble.WavFormat;
import org.callrec.storage.placement.Placement;
import org.callrec.storage.placement.PlacementResolver;
import org.callrec.storage.upload.CompletionPublisher;
import org.callrec.storage.upload.MetadataMapper;
import org.callrec.storage.placement.ObjectKeys;
import org.callrec.storage.upload.RecordingMetadata;
import org.callrec.storage.upload.S3Store;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Stores one phone file like a network recording (blocking: runs on a worker thread). Steps:
 * convert the file to a WAV file in the work directory (its SHA-256 computed on the way), derive the
 * recording id, place it by its tenant's placement in the registry replica ({@link #placementOf}),
 * write the WAV and the metadata document under {@link ObjectKeys}, publish the
 * completion event, delete the local files. A failed S3 or Kafka step is not retried here: the
 * request fails (503) and the client sends it again — the id is derived from tenant, file and
 * start time, so a repeated import writes the same objects under the same keys.
 */
@ApplicationScoped
public class PhoneFileImporter {

    @Inject
    S3Store s3;

    @Inject
    CompletionPublisher publisher;

    @Inject
    ObjectMapper json;

    @Inject
    PlacementResolver placements;

    @Inject
    Registry registry;

    Clock clock = Clock.systemUTC();

    /**
     * What an import stored: the answer of the endpoint.
     *
     * @param recordingId     the new recording's id
     * @param source          always {@code phone-file}
     * @param tenant          tenant
     * @param bucket          bucket
     * @param audioKey        key of the WAV
     * @param metadataKey     key of the metadata document
     * @param codec           the file's codec
     * @param durationSeconds length of the stored audio
     * @param byteOrder       detected byte order
     * @param rtpHeader       detected framing ({@code none}, {@code counted-in-rtpLen}, {@code added-to-rtpLen})
     * @param warnings        anything odd found in the file
     */
    public record Result(String recordingId, String source, String tenant, String bucket, String audioKey,
                         String metadataKey, String codec, double durationSeconds, String byteOrder, String rtpHeader,
                         List<String> warnings) {
    }

    /** A failure of the object store or the broker (answered 503). */
    public static class StoreFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StoreFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A different object is under one of the import's keys: it is kept, and this import is not stored. */
    public static final class Conflict extends StoreFailed {
        private static final long serialVersionUID = 1L;

        Conflict(String key) {
            super("a different recording is stored under " + key + " already; it is kept", null);
        }
    }

    /**
     * Its tenant's placement asks for what this deployment cannot do (SSE-KMS over plain HTTP, a
     * malformed key id): nothing is stored, never unencrypted.
     */
    public static final class Refused extends StoreFailed {
        private static final long serialVersionUID = 1L;

        Refused(String tenant, Placement p) {
            super("tenant " + tenant + " asks for SSE-KMS in bucket " + p.bucket() + ", which this deployment cannot"
                    + " provide (" + p.unusable().token() + ": SSE-KMS needs an https storage.s3.endpoint and a valid"
                    + " key id); nothing was stored", null);
        }
    }

    /**
     * Where an import of {@code tenant} goes: its placement in the registry replica, taken now (the
     * import has no START record); the deployment's defaults for a tenant the replica does not know
     * (no catalog, or not replicated yet: the credential, not the registry, says who may import).
     */
    Placement placementOf(String tenant, String recordingId) {
        StoragePlacement p = registry.tenant(tenant).map(TenantEntry::placement).orElse(StoragePlacement.DEFAULT);
        return placements.resolve(tenant, p, recordingId);
    }

    /**
     * Imports the phone file held in {@code file}, using {@code workDir} for the WAV file it makes.
     *
     * @throws org.callrec.core.phonefile.PhoneFileException the file is not a usable phone recording
     * @throws StoreFailed S3 or Kafka failed ({@link Conflict}: a different object is under a key already)
     */
    public Result importFile(Path file, ImportRequest request, Path workDir) throws IOException, StoreFailed {
        Path wav = Files.createTempFile(workDir, "import-", ".pcm"); // the name startup cleans up
        try {
            MessageDigest sha = sha256();
            PhoneFileConverter.Conversion c;
            try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 65_536), sha);
                 OutputStream out = new BufferedOutputStream(Files.newOutputStream(wav), 65_536)) {
                out.write(new byte[WavHeader.LENGTH]); // the header's room, filled in below
                c = PhoneFileConverter.toPcm(in, out);
            }
            try (FileChannel ch = FileChannel.open(wav, StandardOpenOption.WRITE)) {
                ByteBuffer header = ByteBuffer.wrap(WavHeader.pcm16Mono(c.sampleRate(), c.pcmBytes()));
                while (header.hasRemaining()) {
                    ch.write(header, header.position());
                }
            }
            String fileSha = HexFormat.of().formatHex(sha.digest());
            Instant startedAt = request.recordedAt().orElseGet(clock::instant);
            String id = RecordingIds.derived(startedAt.toEpochMilli(),
                    sha256().digest((request.tenant() + "\0" + fileSha).getBytes(StandardCharsets.UTF_8)));
            Placement placement = placementOf(request.tenant(), id);
            if (!placement.usable()) {
                throw new Refused(request.tenant(), placement);
            }
            ObjectKeys keys = ObjectKeys.under(placement.prefix(), id, startedAt.toEpochMilli());
            RecordingMetadata metadata = metadata(id, request, c, placement, keys, startedAt, fileSha);
            String step = "the WAV file " + keys.audio();
            try {
                if (s3.putFile(placement, keys.audio(), wav, WavHeader.LENGTH + c.pcmBytes(), "audio/wav") == S3Store.Write.CONFLICT) {
                    throw new Conflict(keys.audio());
                }
                step = "the metadata " + keys.metadata();
                if (s3.putBytes(placement, keys.metadata(), json.writeValueAsBytes(metadata), "application/json")
                        == S3Store.Write.CONFLICT) {
                    throw new Conflict(keys.metadata());
                }
                step = "the completion event";
                publisher.publish(MetadataMapper.completion(metadata, clock.instant()));
            } catch (Conflict e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreFailed("interrupted while storing " + step, e);
            } catch (Exception e) {
                throw new StoreFailed("storing " + step + " failed: " + e, e);
            }
            return new Result(id, RecordingMetadata.SOURCE_PHONE_FILE, request.tenant(), placement.bucket(), keys.audio(),
                    keys.metadata(), c.header().codec().name(), metadata.durationSeconds(), c.layout().byteOrderName(),
                    rtpHeader(c.layout().framing()), c.warnings());
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    /** The metadata document, in the shape of a network recording's, {@code source = phone-file}. */
    static RecordingMetadata metadata(String id, ImportRequest r, PhoneFileConverter.Conversion c, Placement placement,
                                      ObjectKeys keys, Instant startedAt, String fileSha) {
        int clockRate = c.header().codec().rtpClockRate();
        double seconds = (double) (c.pcmBytes() / 2) / c.sampleRate();
        PhoneFileStats s = c.stats();
        List<RecordingMetadata.Gap> gaps = new ArrayList<>();
        for (PhoneFileStats.Gap g : s.gaps()) {
            // the phone's player skips a pause, and so does the conversion: nothing of it is kept
            gaps.add(new RecordingMetadata.Gap((double) g.atUnits() / clockRate, (double) g.lengthUnits() / clockRate, 0.0,
                    "skipped"));
        }
        long wavBytes = WavHeader.LENGTH + c.pcmBytes();
        boolean intact = s.missingSequence() == 0 && gaps.isEmpty();
        return new RecordingMetadata(
                id,
                r.tenant(),
                new RecordingMetadata.Phone(r.callId(), r.device(), ""),
                r.direction(),
                c.header().codec().name(),
                r.localNumber(),
                r.localName(),
                r.remoteNumber(),
                r.remoteName(),
                null,
                new TreeMap<>(r.fields()),
                new TreeMap<>(r.params()),
                Map.of(),
                startedAt.toString(),
                startedAt.plusNanos(Math.round(seconds * 1e9)).toString(),
                seconds,
                "",
                "",
                placement.bucket(),
                new RecordingMetadata.Audio(keys.audio(), WavFormat.pcm16(c.sampleRate()).name(), c.sampleRate(), 1,
                        wavBytes, List.of(new RecordingMetadata.Segment(1, keys.audio(), 0.0, seconds, wavBytes))),
                keys.metadata(),
                placement.kmsKeyId(),
                new RecordingMetadata.Quality(intact, importProblems(s.missingSequence(), gaps), null,
                        Math.round(seconds * 1000), Math.round(seconds * 1000), c.units(),
                        c.units() + s.missingSequence(), c.units(),
                        s.missingSequence(), 0, 0, Map.of(), c.units(), Map.of(), Map.of(), Map.of(), s.ssrcChanges(), 0, 0,
                        0.0, gaps, 0),
                RecordingMetadata.SOURCE_PHONE_FILE,
                new RecordingMetadata.PhoneFile(r.fileName(), c.header().codecName(), c.layout().byteOrderName(),
                        rtpHeader(c.layout().framing()), c.header().rtpLen(), c.header().increment(), c.header().dataSize(),
                        c.units(), fileSha));
    }

    /** Why an imported file is not intact: units missing by the sequence numbers, pauses the file skips. */
    private static List<String> importProblems(long missing, List<RecordingMetadata.Gap> gaps) {
        List<String> problems = new ArrayList<>();
        if (missing > 0) {
            problems.add(org.callrec.storage.upload.QualityProblem.PACKET_LOSS.token());
        }
        if (!gaps.isEmpty()) {
            problems.add(org.callrec.storage.upload.QualityProblem.GAPS_ALTERED.token());
        }
        return problems;
    }

    static String rtpHeader(PhoneFileLayout.Framing f) {
        return switch (f) {
            case PAYLOAD -> "none";
            case RTP_COUNTED -> "counted-in-rtpLen";
            case RTP_UNCOUNTED -> "added-to-rtpLen";
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
