package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code control.codecs} decides which codecs a start may announce. */
@QuarkusTest
@TestProfile(CodecConfigTest.G722AndPcmuOnly.class)
@WithTestResource(FakeIngestNodes.class)
class CodecConfigTest {

    /** Accepts G.722 and µ-law, refuses A-law. */
    public static class G722AndPcmuOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("control.codecs", "PCMU,G722");
        }
    }

    @Inject
    ControlServer server;

    FakeIngestNodes nodes;

    @BeforeEach
    void resetNodes() {
        nodes.reset();
    }

    @Test
    @DisplayName("a codec listed in control.codecs is accepted under any of its spellings")
    void listedCodecIsAccepted() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send("cmd=RecordStartRequest&id=g722-1&device=001565123456&codec=G.722");

            assertThat(answer).containsEntry("result", "success");
            assertThat(nodes.allocateCalls("g722-1")).singleElement()
                    .satisfies(request -> assertThat(request.codec()).isEqualTo("G722"));
        }
    }

    @Test
    @DisplayName("a phone codec left out of control.codecs is refused with unsupported-codec")
    void unlistedCodecIsRefused() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send("cmd=RecordStartRequest&id=pcma-1&device=001565123456&codec=PCMA");

            assertThat(answer).isEqualTo(Map.of("cmd", "RecordStartResponse", "id", "pcma-1", "result", "failed",
                    "reason", "unsupported-codec"));
            assertThat(nodes.allocateCalls("pcma-1")).isEmpty();
        }
    }
}
