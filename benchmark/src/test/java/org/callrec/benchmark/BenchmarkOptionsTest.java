package org.callrec.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.Topics;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {

    @Test
    void defaultsMatchTheLocalStack() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[0]);

        assertThat(o.controlHost()).isEqualTo("127.0.0.1");
        assertThat(o.controlPort()).isEqualTo(10000);
        assertThat(o.phones()).isEqualTo(200);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.kafka()).isEqualTo("127.0.0.1:9092");
        assertThat(o.topic()).isEqualTo(Topics.COMPLETED);
        assertThat(o.s3Endpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(o.bucket()).isEqualTo("recordings");
        assertThat(o.accessKey()).isEqualTo("callrec");
        assertThat(o.secretKey()).isEqualTo("callrec-secret");
        assertThat(o.pidDir()).isEqualTo(Path.of(".local/run"));
        assertThat(o.completionTimeout()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    @DisplayName("G.722 phones can be benchmarked; an unknown codec is refused with the accepted names")
    void g722IsAcceptedAndUnknownCodecsAreNot() {
        assertThat(BenchmarkOptions.parse(new String[] {"--codec", "G722"}).codec()).isEqualTo(AudioCodec.G722);
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--codec", "opus"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PCMA, PCMU or G722");
    }

    @Test
    void everyOptionIsRead() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {"--control", "10.0.0.5:10001", "--phones", "7",
                "--duration=3s", "--stagger", "5ms", "--codec", "ulaw", "--kafka", "k:1", "--s3", "http://s:2",
                "--bucket", "b1", "--access-key", "a", "--secret-key", "s", "--pid-dir", "/tmp/p",
                "--completion-timeout", "9s", "--concurrency", "3", "--terminator", "crlf"});

        assertThat(o.controlHost()).isEqualTo("10.0.0.5");
        assertThat(o.controlPort()).isEqualTo(10001);
        assertThat(o.phones()).isEqualTo(7);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.stagger()).isEqualTo(Duration.ofMillis(5));
        assertThat(o.codec()).isEqualTo(AudioCodec.PCMU);
        assertThat(o.kafka()).isEqualTo("k:1");
        assertThat(o.bucket()).isEqualTo("b1");
        assertThat(o.pidDir()).isEqualTo(Path.of("/tmp/p"));
        assertThat(o.concurrency()).isEqualTo(3);
        assertThat(o.toString()).doesNotContain("secret");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--phones", "0"}))
                .hasMessageContaining("--phones");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--control", "nohost"}))
                .hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--what", "x"}))
                .hasMessageContaining("unknown option");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--phones"}))
                .hasMessageContaining("needs a value");
    }

    @Test
    @DisplayName("--secret-key-file reads the S3 secret from a file, so that it is on no command line")
    void secretKeyFromFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("s3-secret-key"), "3f9c0e1d2b4a\n");
        assertThat(BenchmarkOptions.parse(new String[] {"--secret-key-file", file.toString()}).secretKey())
                .isEqualTo("3f9c0e1d2b4a");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--secret-key-file", dir.resolve("none").toString()}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read");
    }
}
