package org.callrec.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/** The rules {@link ArchitectureTest} applies, as factories over a root package, so they can be tried on fixtures too. */
final class ShapeRules {

    /**
     * Packages of the frameworks and infrastructure libraries the services use: Quarkus, Vert.x,
     * Netty, Kafka, MinIO and its HTTP client, Jakarta (and the old javax) APIs, Micrometer,
     * SmallRye, MicroProfile, JBoss logging, Jackson, the logging facades, s3proxy.
     */
    static final String[] FRAMEWORKS = {
        "io.quarkus..", "io.vertx..", "io.netty..", "org.apache.kafka..", "kafka..", "io.minio..", "okhttp3..",
        "jakarta..", "javax.inject..", "javax.enterprise..", "javax.ws..", "javax.annotation..",
        "io.micrometer..", "io.smallrye..", "org.eclipse.microprofile..", "org.jboss..", "com.fasterxml.jackson..",
        "org.slf4j..", "org.apache.logging..", "org.gaul..", "io.opentelemetry..",
    };

    private ShapeRules() {
    }

    /**
     * No cycle between the packages under {@code root} (the root package included): every package
     * is its own slice, so {@code a} → {@code a.b} → {@code a} is a cycle as much as {@code a.b} ⇄ {@code a.c}.
     */
    static ArchRule noPackageCycle(String root) {
        return slices().assignedFrom(packagesUnder(root)).should().beFreeOfCycles()
                .because("a package cycle means two features cannot be understood, tested or moved apart");
    }

    /** No class under {@code root} uses a class of a {@link #FRAMEWORKS framework}. */
    static ArchRule dependsOnNoFramework(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .because("recorder-core is the framework-free core: services depend on it, it depends on no framework");
    }

    /** The classes under {@code root} use the JDK and each other, nothing else. */
    static ArchRule dependsOnlyOnTheJdk(String root) {
        return classes().that().resideInAPackage(root + "..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + "..")
                .because("recorder-core has no dependencies: what it needs beyond the JDK it holds itself");
    }

    /** One slice per package under {@code root}; classes elsewhere are left out. */
    private static SliceAssignment packagesUnder(String root) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                return pkg.equals(root) || pkg.startsWith(root + ".") ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "the packages under " + root;
            }
        };
    }
}
