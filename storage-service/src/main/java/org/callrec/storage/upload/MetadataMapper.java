package org.callrec.storage.upload;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.callrec.storage.placement.ObjectKeys;
import org.callrec.core.chunk.DropReason;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.completion.CompletionEvent;
import org.callrec.core.timeline.TimelineStats;
import org.callrec.storage.assemble.AssembledRecording;
import org.callrec.storage.assemble.SegmentedOutput;
import org.callrec.storage.assemble.WavFormat;
import org.callrec.storage.placement.Placement;

/**
 * Builds the metadata document and the completion event of a stored recording. Pure: the same
 * recording always gives the same document.
 */
public final class MetadataMapper {

    static final String LOCAL_NUMBER = "local_number";
    static final String LOCAL_NAME = "local_name";
    static final String REMOTE_NUMBER = "remote_number";
    static final String REMOTE_NAME = "remote_name";
    /** Keys with a place of their own in the document (or protocol keys), never repeated under "fields". */
    private static final Set<String> NOT_FIELDS = Set.of(LOCAL_NUMBER, LOCAL_NAME, REMOTE_NUMBER, REMOTE_NAME,
            "cmd", "id", "device", "dir", "codec", "reason");

    private MetadataMapper() {
    }

    /** {@code storage.quality.length-tolerance}'s default. */
    public static final Duration DEFAULT_LENGTH_TOLERANCE = Duration.ofMillis(300);

    /** Packet length assumed for a call whose packets never came (the usual ptime). */
    private static final long DEFAULT_PACKET_MS = 20;

    /** As {@link #metadata(AssembledRecording, Placement, ObjectKeys, Duration)} with the default tolerance. */
    public static RecordingMetadata metadata(AssembledRecording recording, Placement placement, ObjectKeys keys) {
        return metadata(recording, placement, keys, DEFAULT_LENGTH_TOLERANCE);
    }

    /**
     * @param recording       the assembled recording
     * @param placement       its bucket and encryption
     * @param keys            where its objects go
     * @param lengthTolerance how far the call's and the audio's lengths may differ
     *                        ({@code storage.quality.length-tolerance})
     */
    public static RecordingMetadata metadata(AssembledRecording recording, Placement placement, ObjectKeys keys,
                                             Duration lengthTolerance) {
        RecordingStarted s = recording.start();
        RecordingEnded e = recording.end();
        TimelineStats t = recording.stats();
        Map<String, String> startFields = lowerCaseKeys(s.fields());
        Map<String, String> stopFields = lowerCaseKeys(e.fields());
        int clock = s.codec().rtpClockRate();

        Map<String, String> other = new TreeMap<>();
        s.fields().forEach((k, v) -> {
            if (!NOT_FIELDS.contains(k.toLowerCase(Locale.ROOT))) {
                other.put(k, nz(v));
            }
        });
        Map<String, Long> dropped = new TreeMap<>(e.droppedByReason());
        t.droppedByReason().forEach((k, v) -> dropped.merge(k, v, Long::sum));
        List<RecordingMetadata.Gap> gaps = new ArrayList<>();
        for (TimelineStats.Gap g : t.gaps()) {
            gaps.add(new RecordingMetadata.Gap(seconds(g.atUnits(), clock), seconds(g.lengthUnits(), clock),
                    seconds(g.keptUnits(), clock), g.action().name().toLowerCase(Locale.ROOT)));
        }
        Map<String, Long> otherTypes = new TreeMap<>();
        t.otherPayloadTypes().forEach((pt, n) -> otherTypes.put(Integer.toString(pt), n));

        // The call's length as ingest saw it (START to END) against the audio's: a tail the phone
        // sent but that never arrived shows here, not in the sequence numbers. Compared from the
        // first packet's arrival (a phone starts sending a moment after the answer; that is no
        // loss), from the START when no packet came.
        long callMs = Math.max(0, e.endedAtMillis() - s.startedAtMillis());
        long mediaFrom = recording.firstArrivalMillis() == Long.MIN_VALUE ? s.startedAtMillis()
                : Math.max(s.startedAtMillis(), recording.firstArrivalMillis());
        long spanMs = Math.max(0, e.endedAtMillis() - mediaFrom);
        long audioMs = t.durationUnits() * 1000 / clock;
        boolean endedByIngest = !StopReason.INGEST_LOST.is(e.reason()) && !StopReason.CAP_TRIPPED.is(e.reason());
        long toleranceMs = lengthTolerance.toMillis();
        boolean mismatch = endedByIngest && Math.abs(spanMs - audioMs) > toleranceMs;
        long expected = t.expected();
        if (mismatch && audioMs < spanMs) {
            long packetMs = t.unitsPerPacket() > 0 ? Math.max(1, t.unitsPerPacket() * 1000L / clock) : DEFAULT_PACKET_MS;
            expected = Math.max(expected, (spanMs - toleranceMs) / packetMs);
        }
        long lost = Math.max(t.lost(), expected - t.placed());

        List<String> problems = new ArrayList<>();
        problem(problems, t.placed() == 0, QualityProblem.NO_MEDIA);
        problem(problems, lost > 0, QualityProblem.PACKET_LOSS);
        problem(problems, t.late() > 0, QualityProblem.LATE_PACKETS);
        problem(problems, t.gapsAltered() > 0, QualityProblem.GAPS_ALTERED);
        problem(problems, dropped.keySet().stream().anyMatch(DropReason::countsAgainstIntact),
                QualityProblem.DROPPED_PACKETS);
        problem(problems, t.capTripped() != null, QualityProblem.CAP_TRIPPED);
        problem(problems, mismatch, QualityProblem.LENGTH_MISMATCH);
        problem(problems, !e.tailDrained(), QualityProblem.TAIL_NOT_DRAINED);
        boolean intact = problems.isEmpty();
        WavFormat format = recording.format();
        List<RecordingMetadata.Segment> segments = new ArrayList<>();
        long wavBytes = 0;
        int n = 0;
        for (SegmentedOutput.Segment seg : recording.segments()) {
            n++;
            long bytes = seg.fileBytes();
            wavBytes += bytes;
            segments.add(new RecordingMetadata.Segment(n, keys.audioSegment(n), format.seconds(seg.startBytes()),
                    format.seconds(seg.bytes()), bytes));
        }

        return new RecordingMetadata(
                nz(s.recordingId()),
                nz(s.tenant()),
                new RecordingMetadata.Phone(nz(s.phoneSessionId()), nz(s.device()), nz(s.phoneAddress())),
                nz(s.direction()),
                s.codec().name(),
                nz(startFields.get(LOCAL_NUMBER)),
                nz(startFields.get(LOCAL_NAME)),
                nz(startFields.get(REMOTE_NUMBER)),
                nz(startFields.get(REMOTE_NAME)),
                atStop(startFields, stopFields),
                other,
                new TreeMap<>(s.fields()),
                new TreeMap<>(e.fields()),
                instant(s.startedAtMillis()),
                instant(e.endedAtMillis()),
                format.seconds(recording.dataBytes()),
                nz(e.reason()),
                nz(s.ingestNode()),
                placement.bucket(),
                new RecordingMetadata.Audio(keys.audio(), format.name(), format.sampleRate(), 1, wavBytes, segments),
                keys.metadata(),
                placement.kmsKeyId(),
                new RecordingMetadata.Quality(intact, problems, t.capTripped() == null ? null : t.capTripped().token(),
                        callMs, audioMs, t.received(), expected, t.placed(), lost, t.duplicated(),
                        t.late(), dropped, e.packetsAccepted(), new TreeMap<>(e.droppedByReason()),
                        new TreeMap<>(t.droppedByReason()), otherTypes, t.ssrcChanges(),
                        t.restarts(), t.timestampResets(), Math.round(t.maxJitterMillis() * 1000.0) / 1000.0, gaps,
                        t.gapsOmitted()),
                RecordingMetadata.SOURCE_NETWORK, null);
    }

    /**
     * The completion event of a stored recording: the bucket and keys its document names, and
     * {@code audioBytes} = the bytes of all its WAV objects (what the catalog adds up per tenant).
     */
    public static CompletionEvent completion(RecordingMetadata m, Instant completedAt) {
        return new CompletionEvent(CompletionEvent.TYPE, m.recordingId(), m.tenant(), m.bucket(), m.audio().key(),
                m.metadataKey(), m.phone().sessionId(), m.phone().device(), m.codec(), m.durationSeconds(),
                m.stopReason(), m.startedAt(), m.endedAt(), completedAt.toString(), m.source(), m.audio().bytes());
    }

    /**
     * The stop command's numbers and names that are non-empty and differ from the start command's;
     * null when there are none.
     */
    private static RecordingMetadata.Parties atStop(Map<String, String> start, Map<String, String> stop) {
        String ln = changed(start, stop, LOCAL_NUMBER);
        String lname = changed(start, stop, LOCAL_NAME);
        String rn = changed(start, stop, REMOTE_NUMBER);
        String rname = changed(start, stop, REMOTE_NAME);
        if (ln == null && lname == null && rn == null && rname == null) {
            return null;
        }
        return new RecordingMetadata.Parties(ln, lname, rn, rname);
    }

    private static String changed(Map<String, String> start, Map<String, String> stop, String key) {
        String atStop = stop.get(key);
        if (atStop == null || atStop.isEmpty() || atStop.equals(nz(start.get(key)))) {
            return null;
        }
        return atStop;
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> in) {
        Map<String, String> out = new TreeMap<>();
        in.forEach((k, v) -> out.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        return out;
    }

    private static void problem(List<String> problems, boolean found, QualityProblem problem) {
        if (found) {
            problems.add(problem.token());
        }
    }

    private static double seconds(long units, int clockRate) {
        return (double) units / clockRate;
    }

    private static String instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
