package org.callrec.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AdvertisedAddressTest {

    /** Resolves IP literals only; any name is unknown (no DNS in a unit test). */
    private static InetAddress[] literalsOnly(String host) throws UnknownHostException {
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(host)};
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"203.0.113.10", "10.1.2.3", "127.0.0.1", "2001:db8::10", "::1"})
    @DisplayName("an address phones can be sent to (loopback included, for a single-host run) has no problem")
    void usableAddresses(String address) {
        assertThat(AdvertisedAddress.problem(address, AdvertisedAddressTest::literalsOnly)).isEmpty();
    }

    @ParameterizedTest(name = "''{0}'' → {1}")
    @CsvSource(delimiter = '|', value = {
            "''              | no advertised address is set",
            "'   '           | no advertised address is set",
            "0.0.0.0         | 0.0.0.0 is a wildcard address, phones cannot send to it",
            "::              | :: is a wildcard address, phones cannot send to it",
            "239.1.2.3       | 239.1.2.3 is a multicast address",
            "rtp.example.invalid | rtp.example.invalid does not resolve"})
    @DisplayName("an empty, wildcard, multicast or unresolvable address is refused with the reason")
    void unusableAddresses(String address, String problem) {
        assertThat(AdvertisedAddress.problem(address, AdvertisedAddressTest::literalsOnly)).contains(problem);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"media.example.com"})
    @DisplayName("a host name is judged by what it resolves to")
    void hostNamesAreResolved(String name) throws UnknownHostException {
        InetAddress wildcard = InetAddress.getByName("0.0.0.0");
        InetAddress lan = InetAddress.getByName("10.0.0.5");

        assertThat(AdvertisedAddress.problem(name, h -> new InetAddress[] {lan})).isEmpty();
        assertThat(AdvertisedAddress.problem(name, h -> new InetAddress[] {wildcard}))
                .contains(name + " is a wildcard address, phones cannot send to it");
    }
}
