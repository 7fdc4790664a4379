package org.callrec.core.protocol;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.callrec.core.audio.AudioCodec;

/**
 * What a {@code RecordStartRequest} must carry before anything is allocated for it
 * (PROTOCOL.md, "RecordStartRequest"), checked in this order:
 * <ol>
 * <li>an {@code id} that is not blank, else {@code bad-request} (answered with an empty id);</li>
 * <li>a {@code device} that is a MAC address ({@link MacAddress}), else {@code bad-request};</li>
 * <li>a {@code codec} this server accepts ({@code control.codecs}, any alias
 *     {@link AudioCodec#parse} knows), else {@code unsupported-codec};</li>
 * <li>a {@code dir} that is {@code in}, {@code out} (any case) or absent, else {@code bad-request}.</li>
 * </ol>
 * Every other key is optional and kept as sent. What depends on the connection (a repeated
 * start, the drain, the per-connection limit) is not decided here.
 */
public final class StartRules {

    /** Outcome of {@link #check}: a {@link Valid} request or a {@link Refused} one. */
    public sealed interface Result permits Valid, Refused {
    }

    /** The start may go on to allocation. */
    public record Valid(StartRequest request) implements Result {
    }

    /**
     * The start is refused before allocation.
     *
     * @param phoneId the id to echo in the answer (stripped; empty when there was none)
     * @param reason  the answer's reason token
     * @param detail  what was wrong, for the log (never sent to the phone)
     */
    public record Refused(String phoneId, String reason, String detail) implements Result {

        /** The phone's answer. */
        public Command answer() {
            return Answers.startFailed(phoneId, reason);
        }
    }

    private final Set<AudioCodec> accepted;

    /** Rules for a server that accepts the {@code accepted} codecs. */
    public StartRules(Set<AudioCodec> accepted) {
        this.accepted = accepted.isEmpty() ? EnumSet.noneOf(AudioCodec.class) : EnumSet.copyOf(accepted);
    }

    /** Checks a start command (its name is not looked at). */
    public Result check(Command start) {
        String phoneId = start.getOr("id", "").strip();
        if (phoneId.isEmpty()) {
            return new Refused(phoneId, RefusalReason.BAD_REQUEST.token(), "no id");
        }
        String rawDevice = start.getOr("device", "");
        Optional<String> device = MacAddress.normalize(rawDevice);
        if (device.isEmpty()) {
            return new Refused(phoneId, RefusalReason.BAD_REQUEST.token(), "device '" + rawDevice + "' is not a MAC address");
        }
        String rawCodec = start.getOr("codec", "");
        Optional<AudioCodec> codec = AudioCodec.parse(rawCodec);
        if (codec.isEmpty() || !accepted.contains(codec.get())) {
            return new Refused(phoneId, RefusalReason.UNSUPPORTED_CODEC.token(), "codec '" + rawCodec + "' is not accepted");
        }
        String dir = start.getOr("dir", "").strip().toLowerCase(Locale.ROOT);
        if (!dir.isEmpty() && !dir.equals("in") && !dir.equals("out")) {
            return new Refused(phoneId, RefusalReason.BAD_REQUEST.token(), "dir '" + dir + "' is neither in nor out");
        }
        return new Valid(new StartRequest(phoneId, device.get(), codec.get(), dir, start.params()));
    }
}
