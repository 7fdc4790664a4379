package org.callrec.core.phonefile;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.phonefile.PhoneFileLayout.Framing;
import org.callrec.core.rtp.RtpHeader;
import org.callrec.core.rtp.RtpMath;

/**
 * Reads the phone's own recording file (the {@code Record_*} files of a USB stick), streaming:
 * memory is one probe of at most {@value #PROBE_UNITS} units plus one unit, whatever the size
 * of the file.
 *
 * <pre>
 *  offset  size  field
 *       0    64  char codec[64]      codec name, NUL padded ("PCMA", "PCMU", "G722", ...)
 *      64     4  int32_t  rtpLen     length of a data unit (see Framing)
 *      68     4  int32_t  increment  RTP timestamp increment per unit
 *      72     4  uint32_t dataSize   bytes of data after the header
 *      76     …  data units, dataSize bytes in all
 * </pre>
 *
 * <h2>What is detected, and how</h2>
 * The vendor's guide gives neither the byte order of the integers nor whether a unit carries
 * the RTP header, so both are decided from the file itself:
 * <ol>
 *   <li><b>Byte order.</b> {@code rtpLen}, {@code increment} and {@code dataSize} are read both
 *       little- and big-endian. An order is plausible when {@code 1 <= rtpLen <= 65535} and
 *       {@code 1 <= increment <= 65535}. A value in that range reads as at least 65536 in the
 *       other order, so at most one order is plausible; none → the file is rejected.</li>
 *   <li><b>Framing.</b> Three candidates ({@link Framing}): bare payload of {@code rtpLen}
 *       bytes; an RTP packet of {@code rtpLen} bytes (header counted); a 12-byte RTP header plus
 *       {@code rtpLen} payload bytes (header not counted). A candidate must divide
 *       {@code dataSize} into whole units. An RTP candidate must also look like RTP on the first
 *       units (up to {@value #PROBE_UNITS}): every header is {@code 0x80} in its first byte
 *       (version 2, no padding, extension or CSRC — the header is exactly 12 bytes), all share
 *       one SSRC and one payload type, each unit's sequence number and timestamp move forward
 *       from the previous one, and at least half of the steps are exactly
 *       {@code +1} / {@code +increment}; a file of one unit needs the codec's static payload
 *       type instead. The RTP candidates are tried first (bare audio passes these checks only
 *       by an extraordinary coincidence); if both pass, the one whose payload length equals
 *       {@code increment} wins (one payload byte per timestamp unit for PCMA, PCMU and G.722);
 *       if none passes, bare payload is taken when it divides {@code dataSize}; otherwise the
 *       file is rejected.</li>
 * </ol>
 * <h2>Duration and audio</h2>
 * The duration is computed like the phone's player does: {@code units × increment / clock}
 * (clock 8000 for all three codecs), with {@code units = dataSize / unitLength}. The audio is
 * the units' payloads in file order; timestamp jumps (a pause) are reported in
 * {@link #stats()}, not filled with silence, again like the phone's player.
 * <h2>Errors</h2>
 * Everything wrong with a file is a {@link PhoneFileException} with a plain message: a header
 * shorter than 76 bytes, a RIFF file, a codec name that is not text or not known, integers that
 * fit neither byte order, a {@code dataSize} that fits no framing, a file that ends before
 * {@code dataSize} bytes (truncated) or goes on after them (trailing bytes).
 */
public final class PhoneFileReader implements Closeable {

    /** Largest {@code rtpLen} and {@code increment} taken as plausible. */
    public static final int MAX_FIELD = 65_535;
    /** Units examined to detect the framing. */
    public static final int PROBE_UNITS = 16;
    /** Gaps listed in {@link PhoneFileStats#gaps()} at most (all are counted). */
    public static final int MAX_LISTED_GAPS = 100;

    private final InputStream in;
    private final PhoneFileHeader header;
    private final PhoneFileLayout layout;
    private final int unitLength;
    private final int payloadLength;
    private final long units;
    private final byte[] unit;
    private long unitsRead;
    private boolean endChecked;

    // statistics of the RTP headers read so far
    private boolean first = true;
    private int lastSeq;
    private long lastTs;
    private long lastSsrc;
    private long missingSequence;
    private int ssrcChanges;
    private long malformed;
    private long timestampJumps;
    private final List<PhoneFileStats.Gap> gaps = new ArrayList<>();

    private PhoneFileReader(InputStream in, PhoneFileHeader header, PhoneFileLayout layout) {
        this.in = in;
        this.header = header;
        this.layout = layout;
        this.unitLength = layout.framing().unitLength(header.rtpLen());
        this.payloadLength = layout.framing().payloadLength(header.rtpLen());
        this.units = header.dataSize() / unitLength;
        this.unit = new byte[unitLength];
    }

    /**
     * Reads the header and the first units of {@code in} and decides the layout. The stream is
     * closed with the reader.
     *
     * @throws PhoneFileException when the file is not a phone recording this reader understands
     */
    public static PhoneFileReader open(InputStream in) throws IOException {
        byte[] head = in.readNBytes(PhoneFileHeader.LENGTH);
        if (head.length >= 4 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F') {
            throw new PhoneFileException("a RIFF/WAVE file, not a phone recording (it plays as it is)");
        }
        if (head.length < PhoneFileHeader.LENGTH) {
            throw new PhoneFileException("truncated header: " + head.length + " of " + PhoneFileHeader.LENGTH
                    + " bytes");
        }
        String codecName = codecName(head);
        AudioCodec codec = AudioCodec.parse(codecName)
                .orElseThrow(() -> new PhoneFileException("unknown codec '" + codecName
                        + "' (PCMA, PCMU and G722 are understood)"));
        ByteOrder order = byteOrder(head);
        ByteBuffer b = ByteBuffer.wrap(head).order(order);
        int rtpLen = b.getInt(64);
        int increment = b.getInt(68);
        long dataSize = b.getInt(72) & 0xFFFF_FFFFL;
        PhoneFileHeader header = new PhoneFileHeader(codecName, codec, rtpLen, increment, dataSize);

        int probeLength = (int) Math.min(dataSize, (long) PROBE_UNITS * Framing.RTP_UNCOUNTED.unitLength(rtpLen));
        byte[] probe = in.readNBytes(probeLength);
        if (probe.length < probeLength) {
            throw new PhoneFileException("truncated: the header announces " + dataSize + " bytes of data, the file holds "
                    + probe.length);
        }
        Framing framing = framing(header, probe);
        return new PhoneFileReader(new SequenceInputStream(new ByteArrayInputStream(probe), in), header,
                new PhoneFileLayout(order, framing));
    }

    /** The header, read in the detected byte order. */
    public PhoneFileHeader header() {
        return header;
    }

    /** The detected byte order and framing. */
    public PhoneFileLayout layout() {
        return layout;
    }

    /** Codec payload bytes per unit. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Bytes per unit in the file. */
    public int unitLength() {
        return unitLength;
    }

    /** Units in the file: {@code dataSize / unitLength}. */
    public long units() {
        return units;
    }

    /** Playing time as the phone computes it: {@code units × increment / clock}. */
    public Duration duration() {
        long ticks = units * header.increment();
        int clock = header.codec().rtpClockRate();
        return Duration.ofSeconds(ticks / clock, (ticks % clock) * 1_000_000_000L / clock);
    }

    /**
     * Reads the next unit's payload into {@code dst} at {@code off} ({@link #payloadLength()}
     * bytes).
     *
     * @return the bytes written, or -1 after the last unit
     * @throws PhoneFileException when the file ends early or goes on after {@code dataSize}
     */
    public int readPayload(byte[] dst, int off) throws IOException {
        if (unitsRead == units) {
            checkEnd();
            return -1;
        }
        int n = in.readNBytes(unit, 0, unitLength);
        if (n < unitLength) {
            long have = unitsRead * unitLength + n;
            throw new PhoneFileException("truncated: the header announces " + header.dataSize()
                    + " bytes of data (" + units + " units of " + unitLength + "), the file ends after " + have);
        }
        unitsRead++;
        int payloadOffset = 0;
        if (layout.framing().rtpHeader()) {
            account(unit);
            payloadOffset = PhoneFileLayout.RTP_HEADER_LENGTH;
        }
        System.arraycopy(unit, payloadOffset, dst, off, payloadLength);
        return payloadLength;
    }

    /** What the units' RTP headers said, for the units read so far. */
    public PhoneFileStats stats() {
        return new PhoneFileStats(unitsRead, missingSequence, ssrcChanges, malformed, timestampJumps, gaps);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void checkEnd() throws IOException {
        if (endChecked) {
            return;
        }
        endChecked = true;
        long trailing = in.transferTo(OutputStream.nullOutputStream());
        if (trailing > 0) {
            throw new PhoneFileException("the file goes on for " + trailing + " bytes after the " + header.dataSize()
                    + " bytes of data its header announces");
        }
    }

    private void account(byte[] u) {
        if (!plainRtp(u, 0)) {
            malformed++;
            return;
        }
        int seq = RtpHeader.sequenceNumber(u, 0);
        long ts = RtpHeader.timestamp(u, 0);
        long ssrc = RtpHeader.ssrc(u, 0);
        if (!first) {
            if (ssrc != lastSsrc) {
                ssrcChanges++;
            } else {
                int ds = RtpMath.seqDelta(seq, lastSeq);
                if (ds > 1) {
                    missingSequence += ds - 1;
                }
                long dt = RtpMath.tsDelta(ts, lastTs);
                if (dt != header.increment()) {
                    timestampJumps++;
                    if (dt > header.increment() && gaps.size() < MAX_LISTED_GAPS) {
                        gaps.add(new PhoneFileStats.Gap((unitsRead - 1) * (long) header.increment(),
                                dt - header.increment()));
                    }
                }
            }
        }
        first = false;
        lastSeq = seq;
        lastTs = ts;
        lastSsrc = ssrc;
    }

    private static String codecName(byte[] head) throws PhoneFileException {
        int end = 0;
        while (end < PhoneFileHeader.CODEC_FIELD_LENGTH && head[end] != 0) {
            int c = head[end] & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                throw new PhoneFileException("not a phone recording: the codec field holds byte 0x"
                        + Integer.toHexString(c) + " at offset " + end + ", not text");
            }
            end++;
        }
        if (end == 0) {
            throw new PhoneFileException("not a phone recording: the codec field is empty");
        }
        return new String(head, 0, end, StandardCharsets.US_ASCII);
    }

    private static ByteOrder byteOrder(byte[] head) throws PhoneFileException {
        boolean little = plausible(ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN));
        boolean big = plausible(ByteBuffer.wrap(head).order(ByteOrder.BIG_ENDIAN));
        if (little == big) { // both cannot happen (see the class comment): neither
            ByteBuffer le = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            throw new PhoneFileException("not a phone recording: rtpLen/increment read " + le.getInt(64) + "/"
                    + le.getInt(68) + " little-endian and " + Integer.reverseBytes(le.getInt(64)) + "/"
                    + Integer.reverseBytes(le.getInt(68)) + " big-endian; neither is 1.." + MAX_FIELD);
        }
        return little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    private static boolean plausible(ByteBuffer b) {
        int rtpLen = b.getInt(64);
        int increment = b.getInt(68);
        return rtpLen >= 1 && rtpLen <= MAX_FIELD && increment >= 1 && increment <= MAX_FIELD;
    }

    private static Framing framing(PhoneFileHeader h, byte[] probe) throws PhoneFileException {
        List<Framing> rtp = new ArrayList<>();
        for (Framing f : List.of(Framing.RTP_COUNTED, Framing.RTP_UNCOUNTED)) {
            if (f.payloadLength(h.rtpLen()) > 0 && fits(h, f) && looksLikeRtp(h, f, probe)) {
                rtp.add(f);
            }
        }
        if (rtp.size() == 1) {
            return rtp.get(0);
        }
        if (rtp.size() == 2) {
            Optional<Framing> exact = rtp.stream().filter(f -> f.payloadLength(h.rtpLen()) == h.increment()).findFirst();
            if (exact.isPresent()) {
                return exact.get();
            }
            throw new PhoneFileException("ambiguous layout: RTP headers fit with rtpLen counting the header and without");
        }
        if (fits(h, Framing.PAYLOAD)) {
            return Framing.PAYLOAD;
        }
        throw new PhoneFileException("not a phone recording: dataSize " + h.dataSize() + " is not a whole number of units"
                + " of " + h.rtpLen() + " bytes (nor of " + (h.rtpLen() + PhoneFileLayout.RTP_HEADER_LENGTH)
                + " with RTP headers), and no RTP headers were found");
    }

    private static boolean fits(PhoneFileHeader h, Framing f) {
        return h.dataSize() % f.unitLength(h.rtpLen()) == 0;
    }

    /** The probe checks of the class comment, on the whole units the probe holds. */
    static boolean looksLikeRtp(PhoneFileHeader h, Framing f, byte[] probe) {
        int len = f.unitLength(h.rtpLen());
        int count = probe.length / len;
        if (count == 0) {
            return false;
        }
        if (!plainRtp(probe, 0)) {
            return false;
        }
        int pt = RtpHeader.payloadType(probe, 0);
        long ssrc = RtpHeader.ssrc(probe, 0);
        if (count == 1) {
            return pt == h.codec().payloadType();
        }
        int exact = 0;
        for (int i = 1; i < count; i++) {
            int at = i * len;
            int prev = at - len;
            if (!plainRtp(probe, at) || RtpHeader.payloadType(probe, at) != pt || RtpHeader.ssrc(probe, at) != ssrc) {
                return false;
            }
            int ds = RtpMath.seqDelta(RtpHeader.sequenceNumber(probe, at), RtpHeader.sequenceNumber(probe, prev));
            long dt = RtpMath.tsDelta(RtpHeader.timestamp(probe, at), RtpHeader.timestamp(probe, prev));
            if (ds < 1 || dt <= 0) {
                return false;
            }
            if (ds == 1 && dt == h.increment()) {
                exact++;
            }
        }
        return 2 * exact >= count - 1;
    }

    /** Version 2, no padding, no extension, no CSRC: a header of exactly 12 bytes. */
    private static boolean plainRtp(byte[] b, int off) {
        return (b[off] & 0xFF) == 0x80;
    }
}
