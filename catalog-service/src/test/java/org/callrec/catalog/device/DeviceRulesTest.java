package org.callrec.catalog.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.callrec.catalog.problem.ProblemException;
import org.callrec.core.registry.DeviceEntry;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class DeviceRulesTest {

    @Test
    void csvRecordsFollowRfc4180() {
        assertThat(DeviceCsv.records("\uFEFFmac,label\r\na,\"x, \"\"y\"\"\"\r\n\r\nb,\"two\nlines\"\nc,"))
                .containsExactly(List.of("mac", "label"), List.of("a", "x, \"y\""), List.of("b", "two\nlines"),
                        List.of("c", ""));
        assertThatThrownBy(() -> DeviceCsv.records("mac\n\"open")).isInstanceOf(DeviceCsv.SyntaxException.class);
        assertThatThrownBy(() -> DeviceCsv.records("mac\n\"a\"b")).isInstanceOf(DeviceCsv.SyntaxException.class);
    }

    @Test
    void csvWriteReadsBackTheSame() {
        List<DeviceEntry> devices = List.of(new DeviceEntry("0c:38:3e:00:00:01", "t", "Desk, \"A\"", true),
                new DeviceEntry("0c:38:3e:00:00:02", "t", null, false));
        DeviceRules.Result r = DeviceRules.fromCsv(DeviceCsv.write(devices), "t", 10, 10);
        assertThat(r.errors()).isEmpty();
        assertThat(r.devices()).isEqualTo(devices);
    }

    @Test
    void csvHeaderAndRows() {
        assertThatThrownBy(() -> DeviceRules.fromCsv("label,owner\nx,y\n", "t", 10, 10))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().errors())
                        .extracting(x -> x.field()).containsExactly("mac", "owner"));
        DeviceRules.Result r = DeviceRules.fromCsv("enabled,mac\nFALSE,0C-38-3E-00-00-01\n,0c383e000002\nx\n", "t", 10, 10);
        assertThat(r.devices()).extracting(DeviceEntry::mac, DeviceEntry::enabled)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("0c:38:3e:00:00:01", false),
                        org.assertj.core.groups.Tuple.tuple("0c:38:3e:00:00:02", true));
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e.row()).isEqualTo(3));
    }

    @Test
    void jsonRowsAndLimits() throws Exception {
        ObjectMapper m = new ObjectMapper();
        DeviceRules.Result r = DeviceRules.fromJson(m.readTree(
                "[{\"mac\":\"0c383e000001\"},{\"mac\":42},7,{\"mac\":\"0c:38:3e:00:00:01\",\"label\":\"dup\"}]"), "t", 10, 10);
        assertThat(r.devices()).hasSize(1);
        assertThat(r.errors()).extracting(x -> x.row()).containsExactly(2, 3, 4);
        // the error list is capped, the refusal is not
        DeviceRules.Result many = DeviceRules.fromJson(m.readTree("[1,2,3,4,5]"), "t", 10, 2);
        assertThat(many.errors()).hasSize(2);
        assertThatThrownBy(() -> DeviceRules.fromJson(m.readTree("[1,2,3]"), "t", 2, 10))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(413));
        assertThatThrownBy(() -> DeviceRules.fromJson(m.readTree("{}"), "t", 2, 10)).isInstanceOf(ProblemException.class);
    }
}
