package org.callrec.simulator;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.protocol.Terminator;

/**
 * Everything one simulated phone call needs. Build it with {@link #builder()} (every field has
 * a default) or derive one from another with {@link #toBuilder()}.
 *
 * @param controlHost      recording server's control host (the phone's {@code serverAddr}). Defaults to {@code 127.0.0.1}.
 * @param controlPort      recording server's control TCP port ({@code serverPort}). Defaults to {@code 10000}.
 * @param localAddress     local IP address to bind the control connection to (RTP then leaves from the same
 *                         address), or {@code null} to let the OS choose. Lets one host simulate phones on
 *                         several addresses (127.0.0.2, 127.0.0.3…). Defaults to {@code null}.
 * @param sessionId        the phone's random session {@code id}, fixed for the recording. Defaults to 16 random hex digits.
 * @param device           the phone's MAC address ({@code device}). Defaults to a random address with Fanvil's
 *                         OUI {@code 0c:38:3e}.
 * @param codec            the RTP codec announced and sent, {@code PCMA}, {@code PCMU} or {@code G722} (16 kHz audio,
 *                         160 bytes and +160 timestamp units per 20 ms packet). Defaults to {@code PCMA}.
 * @param direction        call direction ({@code dir}). Defaults to {@code OUT}.
 * @param localNumber      {@code local_number}. Defaults to {@code 1001}.
 * @param localName        {@code local_name} (any UTF-8). Defaults to {@code Alice Martin}.
 * @param remoteNumber     {@code remote_number}. Defaults to {@code +33123456789}.
 * @param remoteName       {@code remote_name} (any UTF-8). Defaults to {@code Zoë Müller}.
 * @param duration         how long media is sent; the call sends {@code duration / packetMillis} packets
 *                         (rounded down; zero is allowed: start then stop). Defaults to 10 s.
 * @param packetMillis     audio per RTP packet, milliseconds (the phone's ptime). Defaults to {@code 20}.
 * @param terminator       what ends each command the phone writes; {@code NONE} = one command per write, as
 *                         the known open-source server assumes. Defaults to {@code NONE}.
 * @param endMode          how the call ends after the media. Defaults to {@code STOP}.
 * @param stopReason       the {@code reason} of the stop command. Defaults to {@code hangup}.
 * @param toneHz           frequency of the sine tone sent as audio (a small deterministic noise is added so the
 *                         signal is not periodic). Defaults to {@code 440}.
 * @param extra            additional keys appended to the start command, in order (e.g. unknown vendor keys).
 *                         Defaults to none.
 * @param initialSeq       first RTP sequence number, or {@code null} for a random one. Defaults to {@code null}.
 * @param initialTimestamp first RTP timestamp, or {@code null} for a random one. Defaults to {@code null}.
 * @param ssrc             RTP SSRC, or {@code null} for a random one. Defaults to {@code null}.
 * @param answerTimeout    how long to wait for the TCP connection and for each answer. Defaults to 5 s.
 * @param keepPayload      keep every payload byte sent in {@link CallResult#payloadSent()}; turn off for long
 *                         load runs where only counts matter. Defaults to {@code true}.
 */
public record PhoneConfig(
        String controlHost,
        int controlPort,
        String localAddress,
        String sessionId,
        String device,
        AudioCodec codec,
        Direction direction,
        String localNumber,
        String localName,
        String remoteNumber,
        String remoteName,
        Duration duration,
        int packetMillis,
        Terminator terminator,
        EndMode endMode,
        String stopReason,
        double toneHz,
        Map<String, String> extra,
        Integer initialSeq,
        Long initialTimestamp,
        Long ssrc,
        Duration answerTimeout,
        boolean keepPayload) {

    /** Fanvil's IEEE OUI, the first three bytes of the default random MAC address. */
    public static final String FANVIL_OUI = "0c:38:3e";

    public PhoneConfig {
        Objects.requireNonNull(controlHost, "controlHost");
        if (controlPort < 1 || controlPort > 65535) {
            throw new IllegalArgumentException("controlPort out of range: " + controlPort);
        }
        if (sessionId == null || sessionId.isBlank()) {
            throw new IllegalArgumentException("sessionId must not be blank");
        }
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException("device must not be blank");
        }
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(direction, "direction");
        localNumber = Objects.requireNonNullElse(localNumber, "");
        localName = Objects.requireNonNullElse(localName, "");
        remoteNumber = Objects.requireNonNullElse(remoteNumber, "");
        remoteName = Objects.requireNonNullElse(remoteName, "");
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative: " + duration);
        }
        if (packetMillis < 1 || packetMillis > 1000 || codec.rtpClockRate() * packetMillis % 1000 != 0) {
            throw new IllegalArgumentException("packetMillis out of range: " + packetMillis);
        }
        Objects.requireNonNull(terminator, "terminator");
        Objects.requireNonNull(endMode, "endMode");
        stopReason = Objects.requireNonNullElse(stopReason, "");
        if (!(toneHz > 0 && toneHz < codec.sampleRate() / 2.0)) {
            throw new IllegalArgumentException("toneHz must be between 0 and the Nyquist frequency: " + toneHz);
        }
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra == null ? Map.of() : extra));
        if (initialSeq != null && (initialSeq < 0 || initialSeq > 0xFFFF)) {
            throw new IllegalArgumentException("initialSeq out of range: " + initialSeq);
        }
        if (initialTimestamp != null && (initialTimestamp < 0 || initialTimestamp > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("initialTimestamp out of range: " + initialTimestamp);
        }
        if (ssrc != null && (ssrc < 0 || ssrc > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("ssrc out of range: " + ssrc);
        }
        Objects.requireNonNull(answerTimeout, "answerTimeout");
        if (answerTimeout.isNegative() || answerTimeout.isZero()) {
            throw new IllegalArgumentException("answerTimeout must be positive: " + answerTimeout);
        }
    }

    /** A configuration with every default (random session id and MAC address). */
    public static PhoneConfig defaults() {
        return builder().build();
    }

    /** A builder holding every default; {@code sessionId} and {@code device} are drawn at {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** RTP timestamp units (= payload bytes; G.711 samples, G.722 sample pairs) per packet: 160 for 20 ms. */
    public int samplesPerPacket() {
        return codec.rtpClockRate() * packetMillis / 1000;
    }

    /** Number of RTP packets the call sends: {@code duration / packetMillis}, rounded down. */
    public int packetCount() {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis() / packetMillis);
    }

    /** 16 random hex digits, the default session id. */
    public static String randomSessionId() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    /** A random MAC address with Fanvil's OUI, e.g. {@code 0c:38:3e:5a:01:c4}. */
    public static String randomDevice() {
        int low = ThreadLocalRandom.current().nextInt(1 << 24);
        return String.format("%s:%02x:%02x:%02x", FANVIL_OUI, (low >> 16) & 0xFF, (low >> 8) & 0xFF, low & 0xFF);
    }

    /** Fluent builder of {@link PhoneConfig}; not thread-safe. */
    public static final class Builder {
        private String controlHost = "127.0.0.1";
        private int controlPort = 10000;
        private String localAddress;
        private String sessionId;
        private String device;
        private AudioCodec codec = AudioCodec.PCMA;
        private Direction direction = Direction.OUT;
        private String localNumber = "1001";
        private String localName = "Alice Martin";
        private String remoteNumber = "+33123456789";
        private String remoteName = "Zoë Müller";
        private Duration duration = Duration.ofSeconds(10);
        private int packetMillis = 20;
        private Terminator terminator = Terminator.NONE;
        private EndMode endMode = EndMode.STOP;
        private String stopReason = "hangup";
        private double toneHz = 440;
        private final Map<String, String> extra = new LinkedHashMap<>();
        private Integer initialSeq;
        private Long initialTimestamp;
        private Long ssrc;
        private Duration answerTimeout = Duration.ofSeconds(5);
        private boolean keepPayload = true;

        private Builder() {
        }

        private Builder(PhoneConfig c) {
            controlHost = c.controlHost;
            controlPort = c.controlPort;
            localAddress = c.localAddress;
            sessionId = c.sessionId;
            device = c.device;
            codec = c.codec;
            direction = c.direction;
            localNumber = c.localNumber;
            localName = c.localName;
            remoteNumber = c.remoteNumber;
            remoteName = c.remoteName;
            duration = c.duration;
            packetMillis = c.packetMillis;
            terminator = c.terminator;
            endMode = c.endMode;
            stopReason = c.stopReason;
            toneHz = c.toneHz;
            extra.putAll(c.extra);
            initialSeq = c.initialSeq;
            initialTimestamp = c.initialTimestamp;
            ssrc = c.ssrc;
            answerTimeout = c.answerTimeout;
            keepPayload = c.keepPayload;
        }

        public Builder controlHost(String controlHost) {
            this.controlHost = controlHost;
            return this;
        }

        public Builder controlPort(int controlPort) {
            this.controlPort = controlPort;
            return this;
        }

        /** Host and port at once. */
        public Builder control(String host, int port) {
            return controlHost(host).controlPort(port);
        }

        public Builder localAddress(String localAddress) {
            this.localAddress = localAddress;
            return this;
        }

        public Builder sessionId(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder device(String device) {
            this.device = device;
            return this;
        }

        public Builder codec(AudioCodec codec) {
            this.codec = codec;
            return this;
        }

        public Builder direction(Direction direction) {
            this.direction = direction;
            return this;
        }

        public Builder localNumber(String localNumber) {
            this.localNumber = localNumber;
            return this;
        }

        public Builder localName(String localName) {
            this.localName = localName;
            return this;
        }

        public Builder remoteNumber(String remoteNumber) {
            this.remoteNumber = remoteNumber;
            return this;
        }

        public Builder remoteName(String remoteName) {
            this.remoteName = remoteName;
            return this;
        }

        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public Builder packetMillis(int packetMillis) {
            this.packetMillis = packetMillis;
            return this;
        }

        public Builder terminator(Terminator terminator) {
            this.terminator = terminator;
            return this;
        }

        public Builder endMode(EndMode endMode) {
            this.endMode = endMode;
            return this;
        }

        public Builder stopReason(String stopReason) {
            this.stopReason = stopReason;
            return this;
        }

        public Builder toneHz(double toneHz) {
            this.toneHz = toneHz;
            return this;
        }

        /** Adds one extra key to the start command (after the standard keys). */
        public Builder extra(String key, String value) {
            extra.put(key, value);
            return this;
        }

        /** Replaces the extra keys. */
        public Builder extra(Map<String, String> extra) {
            this.extra.clear();
            this.extra.putAll(extra);
            return this;
        }

        public Builder initialSeq(Integer initialSeq) {
            this.initialSeq = initialSeq;
            return this;
        }

        public Builder initialTimestamp(Long initialTimestamp) {
            this.initialTimestamp = initialTimestamp;
            return this;
        }

        public Builder ssrc(Long ssrc) {
            this.ssrc = ssrc;
            return this;
        }

        public Builder answerTimeout(Duration answerTimeout) {
            this.answerTimeout = answerTimeout;
            return this;
        }

        public Builder keepPayload(boolean keepPayload) {
            this.keepPayload = keepPayload;
            return this;
        }

        /** Builds the configuration; draws a random session id / MAC address if none was set. */
        public PhoneConfig build() {
            return new PhoneConfig(controlHost, controlPort, localAddress,
                    sessionId != null ? sessionId : randomSessionId(),
                    device != null ? device : randomDevice(),
                    codec, direction, localNumber, localName, remoteNumber, remoteName, duration, packetMillis,
                    terminator, endMode, stopReason, toneHz, extra, initialSeq, initialTimestamp, ssrc, answerTimeout,
                    keepPayload);
        }
    }
}
