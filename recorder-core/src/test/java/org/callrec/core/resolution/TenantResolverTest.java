package org.callrec.core.resolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.callrec.core.protocol.RefusalReason;
import org.callrec.core.registry.DeviceEntry;
import org.callrec.core.registry.Registry;
import org.callrec.core.registry.TenantEntry;
import org.callrec.core.resolution.TenantResolver.Accepted;
import org.callrec.core.resolution.TenantResolver.Refused;
import org.callrec.core.resolution.TenantResolver.Resolution;
import org.callrec.core.resolution.UnknownDevicePolicy.Mode;
import org.junit.jupiter.api.Test;

class TenantResolverTest {

    private static final String ACME_PHONE = "0c:38:3e:00:00:01";
    private static final String UNKNOWN_PHONE = "0c:38:3e:00:00:99";

    private final Registry registry = new Registry();

    private static TenantEntry tenant(String id, String status, String unknownDevices, String... networks) {
        return new TenantEntry(id, id, status, List.of(networks), null, null, null, null, unknownDevices);
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private Resolution resolve(Mode mode, String mac, String source) throws Exception {
        return new TenantResolver(registry, new UnknownDevicePolicy(mode, "default")).resolve(mac, ip(source));
    }

    private static void assertRefused(Resolution r, RefusalReason reason) {
        assertThat(r).isInstanceOf(Refused.class);
        assertThat(((Refused) r).reason()).isEqualTo(reason);
    }

    private static void assertAccepted(Resolution r, String tenant) {
        assertThat(r).isInstanceOf(Accepted.class);
        assertThat(((Accepted) r).tenant().id()).isEqualTo(tenant);
    }

    @Test
    void aRegisteredDeviceRecordsIntoItsTenantFromItsNetworks() throws Exception {
        registry.putTenant(tenant("acme", TenantEntry.ACTIVE, TenantEntry.REFUSE, "127.0.0.2/32"));
        registry.putDevice(new DeviceEntry(ACME_PHONE, "acme", "desk 1", true));

        Resolution r = resolve(Mode.REFUSE, ACME_PHONE, "127.0.0.2");

        assertAccepted(r, "acme");
        assertThat(((Accepted) r).device()).map(DeviceEntry::label).contains("desk 1");
    }

    @Test
    void aRegisteredDeviceFromOutsideItsTenantsNetworksIsAPossibleClone() throws Exception {
        registry.putTenant(tenant("acme", TenantEntry.ACTIVE, TenantEntry.REFUSE, "127.0.0.2/32"));
        registry.putDevice(new DeviceEntry(ACME_PHONE, "acme", "", true));

        Resolution r = resolve(Mode.DEFAULT, ACME_PHONE, "127.0.0.3");

        assertRefused(r, RefusalReason.FORBIDDEN_SOURCE);
        assertThat(((Refused) r).possibleClone()).isTrue();
    }

    @Test
    void aDisabledDeviceAndASuspendedTenantAreRefused() throws Exception {
        registry.putTenant(tenant("acme", TenantEntry.ACTIVE, TenantEntry.REFUSE));
        registry.putTenant(tenant("globex", TenantEntry.SUSPENDED, TenantEntry.REFUSE));
        registry.putDevice(new DeviceEntry(ACME_PHONE, "acme", "", false));
        registry.putDevice(new DeviceEntry("0c:38:3e:00:00:02", "globex", "", true));

        assertRefused(resolve(Mode.DEFAULT, ACME_PHONE, "10.0.0.1"), RefusalReason.DEVICE_DISABLED);
        assertRefused(resolve(Mode.DEFAULT, "0c:38:3e:00:00:02", "10.0.0.1"), RefusalReason.TENANT_SUSPENDED);
    }

    @Test
    void aDeviceWhoseTenantIsGoneIsUnknown() throws Exception {
        registry.putDevice(new DeviceEntry(ACME_PHONE, "acme", "", true));

        assertRefused(resolve(Mode.DEFAULT, ACME_PHONE, "10.0.0.1"), RefusalReason.UNKNOWN_DEVICE);
    }

    @Test
    void anUnknownDeviceAtATenantsSiteFollowsThatTenant() throws Exception {
        registry.putTenant(tenant("default", TenantEntry.ACTIVE, TenantEntry.ACCEPT));
        registry.putTenant(tenant("acme", TenantEntry.ACTIVE, TenantEntry.REFUSE, "127.0.0.0/8", "127.0.0.2/32"));
        registry.putTenant(tenant("globex", TenantEntry.ACTIVE, TenantEntry.ACCEPT, "127.0.0.3/32"));

        assertRefused(resolve(Mode.DEFAULT, UNKNOWN_PHONE, "127.0.0.2"), RefusalReason.UNKNOWN_DEVICE);
        assertAccepted(resolve(Mode.REFUSE, UNKNOWN_PHONE, "127.0.0.3"), "globex");
        // acme's /8 holds 127.0.0.9; globex's /32 is more specific only for .3
        assertRefused(resolve(Mode.DEFAULT, UNKNOWN_PHONE, "127.0.0.9"), RefusalReason.UNKNOWN_DEVICE);
        assertAccepted(resolve(Mode.DEFAULT, UNKNOWN_PHONE, "10.1.1.1"), "default");
    }

    @Test
    void aSourceTwoTenantsClaimAlikeIsNobodys() throws Exception {
        registry.putTenant(tenant("acme", TenantEntry.ACTIVE, TenantEntry.ACCEPT, "10.0.0.0/24"));
        registry.putTenant(tenant("globex", TenantEntry.ACTIVE, TenantEntry.ACCEPT, "10.0.0.0/24"));

        Resolution r = resolve(Mode.DEFAULT, UNKNOWN_PHONE, "10.0.0.7");

        assertRefused(r, RefusalReason.UNKNOWN_DEVICE);
        assertThat(registry.claimOf(ip("10.0.0.7"))).isEqualTo(new Registry.Contested(List.of("acme", "globex")));
    }

    @Test
    void theDeploymentPolicyTakesWhatNoTenantClaims() throws Exception {
        registry.putTenant(tenant("default", TenantEntry.ACTIVE, TenantEntry.ACCEPT));
        registry.putTenant(tenant("quarantine", TenantEntry.ACTIVE, TenantEntry.REFUSE));

        assertRefused(resolve(Mode.REFUSE, UNKNOWN_PHONE, "10.0.0.1"), RefusalReason.UNKNOWN_DEVICE);
        assertAccepted(resolve(Mode.DEFAULT, UNKNOWN_PHONE, "10.0.0.1"), "default");
        Resolution quarantined = new TenantResolver(registry, new UnknownDevicePolicy(Mode.QUARANTINE, "quarantine"))
                .resolve(UNKNOWN_PHONE, ip("10.0.0.1"));
        assertAccepted(quarantined, "quarantine");
        assertThat(((Accepted) quarantined).device()).isEqualTo(Optional.empty());
    }

    @Test
    void withoutItsDefaultTenantOrWhenItRefusesUnknownDevicesAreRefused() throws Exception {
        assertRefused(resolve(Mode.DEFAULT, UNKNOWN_PHONE, "10.0.0.1"), RefusalReason.UNKNOWN_DEVICE);

        registry.putTenant(tenant("default", TenantEntry.ACTIVE, TenantEntry.REFUSE));
        assertRefused(resolve(Mode.DEFAULT, UNKNOWN_PHONE, "10.0.0.1"), RefusalReason.UNKNOWN_DEVICE);

        registry.putTenant(tenant("default", TenantEntry.SUSPENDED, TenantEntry.ACCEPT));
        assertRefused(resolve(Mode.DEFAULT, UNKNOWN_PHONE, "10.0.0.1"), RefusalReason.TENANT_SUSPENDED);
    }

    @Test
    void aChangeInTheReplicaTakesEffectAtTheNextStart() throws Exception {
        registry.putTenant(tenant("acme", TenantEntry.ACTIVE, TenantEntry.REFUSE, "127.0.0.2/32"));
        assertRefused(resolve(Mode.REFUSE, ACME_PHONE, "127.0.0.2"), RefusalReason.UNKNOWN_DEVICE);

        registry.putDevice(new DeviceEntry(ACME_PHONE, "acme", "", true));
        assertAccepted(resolve(Mode.REFUSE, ACME_PHONE, "127.0.0.2"), "acme");

        registry.removeDevice(ACME_PHONE);
        assertRefused(resolve(Mode.REFUSE, ACME_PHONE, "127.0.0.2"), RefusalReason.UNKNOWN_DEVICE);
    }
}
