package org.callrec.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No package cycle in recorder-core or a service as their sources are written, which also sees
 * what the class files cannot ({@link SourcePackageGraph}: inlined constants). The sources are
 * read from the repository root, system property {@code callrec.root} (set by the pom).
 */
class SourcePackageCycleTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "recorder-core,        org.callrec.core",
        "control-service,      org.callrec.control",
        "media-ingest-service, org.callrec.ingest",
        "storage-service,      org.callrec.storage",
        "catalog-service,      org.callrec.catalog",
    })
    void noPackageCycleInTheSources(String module, String rootPackage) {
        Path sources = Path.of(System.getProperty("callrec.root", ".."), module, "src", "main", "java");
        assertThat(sources).isDirectory();
        SourcePackageGraph graph = SourcePackageGraph.of(sources, rootPackage);
        assertThat(graph.packages()).as("packages under " + rootPackage).isNotEmpty();
        assertThat(graph.cycles()).as("package cycles in " + module).isEmpty();
    }

    @Test
    void aConstantNamedByItsQualifiedNameIsADependency() {
        SourcePackageGraph graph = graphOf(
                "package org.callrec.fx.lease; class Renewer { @Priority(org.callrec.fx.protocol.Server.ORDER + 10) void stop() {} }",
                "package org.callrec.fx.protocol; import org.callrec.fx.lease.Renewer; class Server { static final int ORDER = 1; Renewer r; }");
        assertThat(graph.cycles()).containsExactly(Set.of("org.callrec.fx.lease", "org.callrec.fx.protocol"));
    }

    @Test
    void aRootPackageAndASubPackageThatNameEachOtherAreACycle() {
        SourcePackageGraph graph = graphOf(
                "package org.callrec.fx; import org.callrec.fx.assemble.Assembly; class Recording { Assembly a; }",
                "package org.callrec.fx.assemble; import static org.callrec.fx.Recording.*; class Assembly { org.callrec.fx.Recording r; }",
                "package org.callrec.fx.config; import org.callrec.fx.*; class Config { }");
        assertThat(graph.cycles()).containsExactly(Set.of("org.callrec.fx", "org.callrec.fx.assemble"));
    }

    @Test
    void namesInCommentsAndStringsAreNoDependency() {
        SourcePackageGraph graph = graphOf(
                "package org.callrec.fx.a; /** {@link org.callrec.fx.b.B} */ class A { String s = \"org.callrec.fx.b.B\"; // org.callrec.fx.b.B\n }",
                "package org.callrec.fx.b; import org.callrec.fx.a.A; class B { A a; }");
        assertThat(graph.cycles()).isEmpty();
    }

    @Test
    void packagesOfQualifiedNames() {
        assertThat(SourcePackageGraph.packageOf("org.callrec.control.protocol.ControlServer.SHUTDOWN_ORDER"))
                .isEqualTo("org.callrec.control.protocol");
        assertThat(SourcePackageGraph.packageOf("org.callrec.storage")).isEqualTo("org.callrec.storage");
    }

    private static SourcePackageGraph graphOf(String... sources) {
        return SourcePackageGraph.ofSources("org.callrec.fx", sources);
    }
}
