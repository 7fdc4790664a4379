package org.callrec.core.protocol;

import java.util.Locale;
import java.util.Optional;

/** Validates and normalises the {@code device} value (the phone's MAC address). */
public final class MacAddress {

    private MacAddress() {
    }

    /**
     * Accepts 12 hex digits, bare or grouped by {@code :} / {@code -} in pairs, or by {@code .}
     * in fours (Cisco style); returns them lower-case as {@code aa:bb:cc:dd:ee:ff}.
     */
    public static Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip().toLowerCase(Locale.ROOT);
        String hex;
        if (s.matches("[0-9a-f]{12}")) {
            hex = s;
        } else if (s.matches("[0-9a-f]{2}([:-])[0-9a-f]{2}(\\1[0-9a-f]{2}){4}")) {
            hex = s.replaceAll("[:-]", "");
        } else if (s.matches("[0-9a-f]{4}\\.[0-9a-f]{4}\\.[0-9a-f]{4}")) {
            hex = s.replace(".", "");
        } else {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(hex, i, i + 2);
        }
        return Optional.of(sb.toString());
    }
}
