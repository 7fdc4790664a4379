package org.callrec.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Networks in CIDR notation, IPv4 and IPv6. */
class CidrTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8,       10.255.1.2,      true",
            "10.0.0.0/8,       11.0.0.1,        false",
            "192.168.1.77/24,  192.168.1.1,     true",  // host bits in the network are ignored
            "192.168.1.0/24,   192.168.2.1,     false",
            "127.0.0.0/30,     127.0.0.3,       true",
            "127.0.0.0/30,     127.0.0.5,       false",
            "127.0.0.1,        127.0.0.1,       true",  // a bare address is a /32
            "127.0.0.1,        127.0.0.2,       false",
            "0.0.0.0/0,        203.0.113.9,     true",
            "0.0.0.0/0,        2001:db8::1,     false", // IPv4 networks never hold IPv6 sources
            "2001:db8::/32,    2001:db8:ffff::1, true",
            "2001:db8::/32,    2001:db9::1,     false",
            "::1,              ::1,             true",
            "::/0,             10.0.0.1,        false",
            "::ffff:10.0.0.0/104, 10.1.2.3,     true",  // IPv4-mapped network: 104 - 96 = /8
            "10.0.0.0/8,       ::ffff:10.1.2.3, true",  // an IPv4-mapped source is its IPv4 address
    })
    void contains(String cidr, String address, boolean expected) throws UnknownHostException {
        assertThat(Cidr.parse(cidr).contains(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "example.com", "localhost", "10.0.0", "10.0.0.256", "10.0.0.1/33", "10.0.0.1/",
            "10.0.0.1/-1", "2001:db8::/129", "1.2.3.4/x", "01234.1.1.1", "::g", "10.0.0.0/8/8"})
    @DisplayName("anything but an address literal with a prefix in range is refused, without a DNS lookup")
    void refused(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("the network is shown with its host bits cleared")
    void normalised() {
        assertThat(Cidr.parse(" 192.168.1.77/24 ")).hasToString("192.168.1.0/24").isEqualTo(Cidr.parse("192.168.1.0/24"));
        assertThat(Cidr.parse("2001:db8::5/64").toString()).isEqualTo("2001:db8:0:0:0:0:0:0/64");
    }
}
