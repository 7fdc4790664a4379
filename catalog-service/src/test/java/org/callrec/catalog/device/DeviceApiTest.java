package org.callrec.catalog.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.callrec.catalog.CatalogInfraResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class DeviceApiTest {

    /** A MAC no other test uses: a random 5-byte tail under a fixed first byte per test. */
    private static String mac(int first) {
        byte[] b = new byte[6];
        new java.util.Random().nextBytes(b);
        b[0] = (byte) first;
        return HexFormat.of().formatHex(b);
    }

    @Test
    void putCreatesThenUpdatesAndEverySpellingIsTheSameDevice() {
        String t = uniqueTenant("dev");
        createTenant(t);
        String bare = mac(0x0c);
        String colons = String.join(":", bare.toUpperCase().split("(?<=\\G..)"));
        String dashes = bare.replaceAll("(..)(?!$)", "$1-");
        String normal = colons.toLowerCase();

        Response created = operator().body(Map.of("label", "Reception", "enabled", true))
                .put("/api/v1/tenants/" + t + "/devices/" + bare);
        created.then().statusCode(201)
                .body("mac", equalTo(normal)).body("tenant", equalTo(t))
                .body("label", equalTo("Reception")).body("enabled", equalTo(true));
        String etag = created.header("ETag");

        // the same device under another spelling: 200 update
        Response updated = operator().header("If-Match", etag).body(Map.of("label", "Lobby", "enabled", false))
                .put("/api/v1/tenants/" + t + "/devices/" + colons);
        updated.then().statusCode(200).body("label", equalTo("Lobby")).body("enabled", equalTo(false));
        operator().get("/api/v1/tenants/" + t + "/devices/" + dashes).then().statusCode(200)
                .header("ETag", equalTo(updated.header("ETag"))).body("label", equalTo("Lobby"));
        // a stale ETag: 412
        operator().header("If-Match", etag).body(Map.of("label", "x"))
                .put("/api/v1/tenants/" + t + "/devices/" + bare).then().statusCode(412);

        operator().delete("/api/v1/tenants/" + t + "/devices/" + dashes).then().statusCode(204);
        operator().get("/api/v1/tenants/" + t + "/devices/" + bare).then().statusCode(404);
    }

    @Test
    void badInputIsRefusedAndNothingIsStored() {
        String t = uniqueTenant("devbad");
        createTenant(t);
        operator().body(Map.of("label", "x")).put("/api/v1/tenants/" + t + "/devices/not-a-mac").then().statusCode(400)
                .body("errors[0].field", equalTo("mac"));
        operator().body(Map.of("label", "x", "owner", "y")).put("/api/v1/tenants/" + t + "/devices/" + mac(0x10))
                .then().statusCode(400).body("errors[0].field", equalTo("owner"));
        operator().body("{\"enabled\":\"yes\"}").put("/api/v1/tenants/" + t + "/devices/" + mac(0x10))
                .then().statusCode(400).body("errors[0].field", equalTo("enabled"));
        operator().body(Map.of("label", "x")).put("/api/v1/tenants/no-such-tenant-x/devices/" + mac(0x10))
                .then().statusCode(404);
        operator().get("/api/v1/tenants/" + t + "/devices").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void aMacOfAnotherTenantIsAConflictThatDoesNotNameIt() {
        String a = uniqueTenant("owner");
        String b = uniqueTenant("thief");
        createTenant(a);
        createTenant(b);
        String m = mac(0x20);
        operator().body(Map.of("label", "a")).put("/api/v1/tenants/" + a + "/devices/" + m).then().statusCode(201);
        String keyB = createKey(b, "tenant:admin");

        withKey(keyB).body(Map.of("label", "b")).put("/api/v1/tenants/" + b + "/devices/" + m).then().statusCode(409)
                .body("type", equalTo("urn:callrec:problem:device-conflict"))
                .body("detail", not(containsString(a)));
        // the operator is told which tenant has it
        operator().body(Map.of("label", "b")).put("/api/v1/tenants/" + b + "/devices/" + m).then().statusCode(409)
                .body("detail", containsString(a));
        // and another tenant's device is not found through b
        withKey(keyB).get("/api/v1/tenants/" + b + "/devices/" + m).then().statusCode(404);
        withKey(keyB).get("/api/v1/tenants/" + a + "/devices/" + m).then().statusCode(404);
    }

    @Test
    void bulkImportIsAllOrNothingWithAnErrorPerBadRow() {
        String t = uniqueTenant("bulk");
        createTenant(t);
        String good = mac(0x30);
        String csv = "mac,label,enabled\n"
                + good + ",\"Desk, 1\",true\n"   // row 1: fine (quoted comma)
                + "zz:zz,Desk 2,true\n"             // row 2: bad MAC
                + mac(0x30) + ",Desk 3,maybe\n"     // row 3: bad enabled
                + good + ",dup,false\n";            // row 4: same device as row 1
        operator().contentType("text/csv").body(csv).post("/api/v1/tenants/" + t + "/devices").then().statusCode(400)
                .body("type", equalTo("urn:callrec:problem:validation"))
                .body("errors.row", equalTo(List.of(2, 3, 4)))
                .body("errors.field", equalTo(List.of("mac", "enabled", "mac")));
        // nothing stored, not even the good row
        operator().get("/api/v1/tenants/" + t + "/devices").then().body("items.size()", equalTo(0));

        // JSON: an unknown member and a missing mac
        operator().body(List.of(Map.of("mac", mac(0x31), "colour", "red"), Map.of("label", "no mac")))
                .post("/api/v1/tenants/" + t + "/devices").then().statusCode(400)
                .body("errors.row", equalTo(List.of(1, 2)))
                .body("errors.field", equalTo(List.of("colour", "mac")));

        // a good import: created, then the same again plus one: updated + created
        String m2 = mac(0x32);
        operator().body(List.of(Map.of("mac", good, "label", "Desk 1"), Map.of("mac", m2, "enabled", false)))
                .post("/api/v1/tenants/" + t + "/devices").then().statusCode(200)
                .body("imported", equalTo(2)).body("created", equalTo(2)).body("updated", equalTo(0));
        operator().contentType("text/csv").body("mac,label\n" + good + ",Desk one\n" + mac(0x33) + ",\n")
                .post("/api/v1/tenants/" + t + "/devices").then().statusCode(200)
                .body("imported", equalTo(2)).body("created", equalTo(1)).body("updated", equalTo(1));

        // a row owned by another tenant: 409, nothing stored
        String other = uniqueTenant("bulkother");
        createTenant(other);
        String fresh = mac(0x34);
        operator().body(List.of(Map.of("mac", fresh), Map.of("mac", good)))
                .post("/api/v1/tenants/" + other + "/devices").then().statusCode(409)
                .body("type", equalTo("urn:callrec:problem:device-conflict"))
                .body("errors.row", hasItem(2));
        operator().get("/api/v1/tenants/" + other + "/devices/" + fresh).then().statusCode(404);
    }

    @Test
    void importsTenThousandDevicesAndExportsThemBack() {
        String t = uniqueTenant("fleet");
        createTenant(t);
        StringBuilder csv = new StringBuilder("mac,label,enabled\n");
        List<String> macs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String m = String.format("f4%02x%08x", i % 256, (t.hashCode() & 0xffffL) << 16 | i);
            macs.add(m);
            csv.append(m).append(",Phone ").append(i).append(',').append(i % 10 != 0).append('\n');
        }
        long start = System.nanoTime();
        operator().contentType("text/csv").body(csv.toString()).post("/api/v1/tenants/" + t + "/devices")
                .then().statusCode(200).body("imported", equalTo(10_000)).body("created", equalTo(10_000));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("Imported 10,000 devices (CSV) in " + millis + " ms");
        assertThat(millis).as("10,000 devices import time").isLessThan(30_000);

        // export as CSV, import that into a second tenant's... no: re-import into the same tenant: all updates
        String exported = operator().accept("text/csv").get("/api/v1/tenants/" + t + "/devices/export")
                .then().statusCode(200).contentType(containsString("text/csv")).extract().asString();
        assertThat(exported.lines().count()).isEqualTo(10_001);
        assertThat(exported).startsWith("mac,label,enabled");
        operator().contentType("text/csv").body(exported).post("/api/v1/tenants/" + t + "/devices")
                .then().statusCode(200).body("imported", equalTo(10_000)).body("updated", equalTo(10_000));

        // JSON export round trip: the same devices
        List<Map<String, Object>> json = operator().accept("application/json")
                .get("/api/v1/tenants/" + t + "/devices/export").then().statusCode(200).extract().path("");
        assertThat(json).hasSize(10_000);
        assertThat(json.get(0)).containsOnlyKeys("mac", "label", "enabled");
        long start2 = System.nanoTime();
        operator().body(json).post("/api/v1/tenants/" + t + "/devices").then().statusCode(200)
                .body("updated", equalTo(10_000));
        System.out.println("Re-imported 10,000 devices (JSON) in " + (System.nanoTime() - start2) / 1_000_000 + " ms");
        Map<String, Object> first = json.stream().filter(d -> d.get("mac").equals(
                String.join(":", macs.get(0).split("(?<=\\G..)")))).findFirst().orElseThrow();
        assertThat(first).containsEntry("label", "Phone 0").containsEntry("enabled", false);

        // the list pages through them
        operator().queryParam("limit", 1000).get("/api/v1/tenants/" + t + "/devices").then().statusCode(200)
                .body("items.size()", equalTo(1000)).body("next", not(equalTo(null)));
    }

    @Test
    void tooManyRowsIsRefusedAsAWhole() {
        String t = uniqueTenant("toomany");
        createTenant(t);
        // the test profile caps an import at 20,000 rows
        StringBuilder csv = new StringBuilder("mac\n");
        for (int i = 0; i <= 20_000; i++) {
            csv.append(String.format("a0%010x", i)).append('\n');
        }
        operator().contentType("text/csv").body(csv.toString()).post("/api/v1/tenants/" + t + "/devices")
                .then().statusCode(413).body("type", equalTo("urn:callrec:problem:too-many-rows"));
    }
}
