package org.callrec.catalog.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import org.callrec.catalog.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF rule, the URL and event rules, the back-off schedule (no service needed). */
class WebhookAddressGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3",      // loopback, unspecified, "this network"
        "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.1", // RFC 1918
        "169.254.169.254", "169.254.0.1",                           // link-local, cloud metadata
        "100.64.0.1", "100.127.255.255",                            // CGNAT
        "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", // multicast, reserved, broadcast
        "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", // IPv4-mapped
        "::10.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1"        // IPv4-compatible, NAT64
    })
    void refusesNonPublicAddresses(String address) throws UnknownHostException {
        assertThat(AddressGuard.isPrivate(InetAddress.getByName(address))).as(address).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.1", "100.63.255.255",
        "100.128.0.1", "169.253.1.1", "192.169.0.1", "11.0.0.1", "223.255.255.255",
        "2001:4860:4860::8888", "2606:4700::1111", "fbff::1", "fe00::1", "::ffff:8.8.8.8", "64:ff9b::808:808"
    })
    void admitsPublicAddresses(String address) throws UnknownHostException {
        assertThat(AddressGuard.isPrivate(InetAddress.getByName(address))).as(address).isFalse();
    }

    @Test
    void resolvingRefusesAPrivateAnswerUnlessAllowed() throws UnknownHostException {
        // what the dispatcher does at delivery time; the tests' profile allows private networks,
        // production does not
        assertThat(AddressGuard.resolve("127.0.0.1", false)).isEmpty();
        assertThat(AddressGuard.resolve("localhost", false)).isEmpty();
        assertThat(AddressGuard.resolve("[::1]", false)).isEmpty();
        assertThat(AddressGuard.resolve("127.0.0.1", true)).hasValueSatisfying(a -> assertThat(a).isNotEmpty());
        assertThat(AddressGuard.resolve("8.8.8.8", false)).hasValueSatisfying(a -> assertThat(a).hasSize(1));
    }

    @Test
    void literalHostsAreParsedWithoutALookup() {
        assertThat(AddressGuard.literal("example.com")).isEmpty();
        assertThat(AddressGuard.literal("10.1.2.3")).isPresent();
        assertThat(AddressGuard.literal("[fe80::1]")).isPresent();
        // forms a resolver would read as 127.0.0.1
        assertThatThrownBy(() -> AddressGuard.literal("127.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressGuard.literal("2130706433")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressGuard.literal("0x7f.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressGuard.literal("127.000.000.001")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void urls() {
        assertThat(WebhookRules.url("https://hooks.example.com/callrec?x=1", false)).isEqualTo("https://hooks.example.com/callrec?x=1");
        assertThat(WebhookRules.url("http://93.184.216.34:8080/in", false)).isNotNull();
        assertThat(WebhookRules.url("http://127.0.0.1:9/in", true)).isNotNull();
        for (String bad : new String[] {"ftp://example.com/", "/relative", "example.com", "https://user:pw@example.com/",
            "https://user@example.com/", "https://example.com/#frag", "https:///nohost", "http://exa mple.com/",
            "http://127.0.0.1/", "http://10.0.0.1:8080/", "http://[::1]/", "http://[fd00::1]/", "http://169.254.169.254/latest",
            "http://100.64.1.1/", "http://127.1/", "", "https://example.com/" + "a".repeat(2048)}) {
            assertThatThrownBy(() -> WebhookRules.url(bad, false)).as(bad).isInstanceOf(ProblemException.class)
                    .satisfies(e -> assertThat(((ProblemException) e).problem().status()).isEqualTo(400));
        }
    }

    @Test
    void backoffDoublesUpToTheCapWithJitterInItsUpperHalf() {
        Duration initial = Duration.ofSeconds(10);
        Duration max = Duration.ofHours(1);
        assertThat(WebhookDispatcher.backoff(1, initial, max, 1.0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(WebhookDispatcher.backoff(1, initial, max, 0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(WebhookDispatcher.backoff(2, initial, max, 1.0)).isEqualTo(Duration.ofSeconds(20));
        assertThat(WebhookDispatcher.backoff(4, initial, max, 0.5)).isEqualTo(Duration.ofSeconds(60));
        assertThat(WebhookDispatcher.backoff(9, initial, max, 1.0)).isEqualTo(Duration.ofSeconds(2560));
        assertThat(WebhookDispatcher.backoff(10, initial, max, 1.0)).isEqualTo(Duration.ofHours(1));
        assertThat(WebhookDispatcher.backoff(500, initial, max, 0)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void errorsAreTruncatedAndSecretsLookRight() {
        assertThat(WebhookDispatcher.truncate("x".repeat(800))).hasSize(500);
        assertThat(WebhookDispatcher.truncate("short")).isEqualTo("short");
        String secret = WebhookSignature.newSecret();
        assertThat(secret).matches("whsec_[A-Za-z0-9_-]{43}");
        assertThat(WebhookSignature.header("k", 1700000000L, "{}"))
                .matches("t=1700000000,v1=[0-9a-f]{64}");
    }
}
