package org.callrec.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The start request's {@code device} value: the phone's MAC address. */
class MacAddressTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "0015651a2b3c",          // bare, as most phones send it
            "0015651A2B3C",          // upper case
            "00:15:65:1a:2b:3c",     // colon pairs
            "00-15-65-1A-2B-3C",     // dash pairs (Windows style)
            "0015.651a.2b3c",        // dotted fours (Cisco style)
            "  00:15:65:1a:2b:3c \t" // surrounding whitespace
    })
    @DisplayName("accepts 12 hex digits bare, in colon or dash pairs, or in dotted fours, and normalises to lower-case colon pairs")
    void acceptedForms(String raw) {
        assertThat(MacAddress.normalize(raw)).contains("00:15:65:1a:2b:3c");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "0015651a2b3",           // 11 digits
            "0015651a2b3c4",         // 13 digits
            "00:15:65:1a:2b",        // five pairs
            "00:15:65:1a:2b:3c:4d",  // seven pairs
            "00:15:65-1a:2b:3c",     // mixed separators
            "00:15:65:1a:2b:3g",     // not hex
            "0:15:65:1a:2b:3c",      // a one-digit group
            "001:565:1a2:b3c",       // groups of three
            "0015:651a:2b3c",        // fours need dots
            "00 15 65 1a 2b 3c",     // spaces are not separators
            "xxx",
            "   "
    })
    @DisplayName("rejects anything that is not exactly six octets in one of the accepted forms")
    void rejectedForms(String raw) {
        assertThat(MacAddress.normalize(raw)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @DisplayName("rejects a missing device value")
    void nullOrEmpty(String raw) {
        assertThat(MacAddress.normalize(raw)).isEmpty();
    }

    @Test
    @DisplayName("normalising is idempotent: a normalised address normalises to itself")
    void idempotent() {
        String once = MacAddress.normalize("0015.651A.2B3C").orElseThrow();

        assertThat(MacAddress.normalize(once)).contains(once);
    }
}
