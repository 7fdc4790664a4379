package org.callrec.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** One record of the registry topic applied to the replica, as control and storage both do it. */
class RegistryApplyTest {

    private static final TenantEntry ACME = new TenantEntry("acme", "Acme", TenantEntry.ACTIVE,
            List.of("10.0.0.0/8"), null, null, null, null, null);
    private static final DeviceEntry PHONE = new DeviceEntry("0c:38:3e:00:00:01", "acme", "", true);

    /** A stand-in for the service's JSON mapper: the value text names a prepared entry. */
    private static final Map<String, Object> VALUES = Map.of(
            "acme", ACME, "phone", PHONE,
            "acme-under-other-key", new TenantEntry("globex", "x", null, null, null, null, null, null, null),
            "phone-without-tenant", new DeviceEntry("0c:38:3e:00:00:01", null, "", true));

    private static final Registry.Reader JSON = new Registry.Reader() {
        @Override
        public <T> T read(String json, Class<T> type) throws java.io.IOException {
            Object v = VALUES.get(json);
            if (!type.isInstance(v)) {
                throw new java.io.IOException("not a " + type.getSimpleName() + ": " + json);
            }
            return type.cast(v);
        }
    };

    private final Registry registry = new Registry();

    @Test
    void entriesArePutAndTombstonesRemoveThem() throws Exception {
        assertThat(registry.apply("tenant:acme", "acme", JSON)).isEqualTo(Registry.Applied.PUT);
        assertThat(registry.apply("device:0c:38:3e:00:00:01", "phone", JSON)).isEqualTo(Registry.Applied.PUT);
        assertThat(registry.tenant("acme")).contains(ACME);
        assertThat(registry.device(PHONE.mac())).contains(PHONE);

        assertThat(registry.apply("device:0c:38:3e:00:00:01", null, JSON)).isEqualTo(Registry.Applied.REMOVED);
        assertThat(registry.apply("tenant:acme", null, JSON)).isEqualTo(Registry.Applied.REMOVED);
        assertThat(registry.tenantCount() + registry.deviceCount()).isZero();
    }

    @Test
    void aRecordThatIsNotItsKeysEntryChangesNothing() throws Exception {
        assertThatThrownBy(() -> registry.apply("tenant:acme", "acme-under-other-key", JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.apply("device:0c:38:3e:00:00:01", "phone-without-tenant", JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.apply("device:0c:38:3e:00:00:02", "phone", JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.apply("tenant:acme", "phone", JSON)).isInstanceOf(java.io.IOException.class);
        assertThat(registry.apply("node:x", "acme", JSON)).isEqualTo(Registry.Applied.UNKNOWN_KEY);
        assertThat(registry.tenantCount() + registry.deviceCount()).isZero();
    }

    @Test
    void aTenantsNetworksDecideWhereItsPhonesMayRecordFrom() throws Exception {
        registry.apply("tenant:acme", "acme", JSON);
        TenantEntry anywhere = new TenantEntry("open", "Open", null, List.of(), null, null, null, null, null);

        assertThat(registry.allows(ACME, InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(registry.allows(ACME, InetAddress.getByName("192.0.2.1"))).isFalse();
        assertThat(registry.allows(anywhere, InetAddress.getByName("192.0.2.1"))).isTrue();
    }
}
