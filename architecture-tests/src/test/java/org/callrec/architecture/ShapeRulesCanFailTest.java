package org.callrec.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** The rules of {@link ArchitectureTest} tried on fixtures: they fail on code that breaks them, and only then. */
class ShapeRulesCanFailTest {

    private static final JavaClasses FIXTURES = new ClassFileImporter()
            .importPackages("org.callrec.architecture.fixture");

    @Test
    void aRootPackageAndASubPackageThatUseEachOtherAreACycle() {
        EvaluationResult result = ShapeRules.noPackageCycle("org.callrec.architecture.fixture.cycle").evaluate(FIXTURES);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString())
                .contains("org.callrec.architecture.fixture.cycle", "org.callrec.architecture.fixture.cycle.a");
    }

    @Test
    void dependenciesOneWayAreNoCycle() {
        assertThat(ShapeRules.noPackageCycle("org.callrec.architecture.fixture.acyclic").evaluate(FIXTURES)
                .hasViolation()).isFalse();
    }

    @Test
    void aClassUsingALibraryBreaksTheJdkOnlyRule() {
        assertThat(ShapeRules.dependsOnlyOnTheJdk("org.callrec.architecture.fixture.nonjdk").evaluate(FIXTURES)
                .hasViolation()).isTrue();
        assertThat(ShapeRules.dependsOnlyOnTheJdk("org.callrec.architecture.fixture.acyclic").evaluate(FIXTURES)
                .hasViolation()).isFalse();
    }
}
