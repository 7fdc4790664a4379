package org.callrec.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Guards the shape of the code (STYLE.md): no package cycle inside recorder-core or any service,
 * and a recorder-core that depends on no framework.
 *
 * <p>Why a module of its own: the rules must see every service's compiled classes at once, and
 * no service may depend on another. This module depends on recorder-core, control-service,
 * media-ingest-service, storage-service and catalog-service with all of their own dependencies excluded, so it
 * reads just their main classes (tests are left out), like deploy-tests reads their config
 * mappings. ArchUnit needs no framework on the classpath: a dependency on, say, a Vert.x class
 * shows by the referenced class's name.
 *
 * <p>Each package is a slice of its own ({@link ShapeRules#noPackageCycle}), so a service's root
 * package and a sub-package that import each other are a cycle. {@link ShapeRulesCanFailTest}
 * shows that each rule does fail on code that breaks it.
 */
@AnalyzeClasses(packages = "org.callrec", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreHasNoPackageCycle = ShapeRules.noPackageCycle("org.callrec.core");

    @ArchTest
    static final ArchRule controlHasNoPackageCycle = ShapeRules.noPackageCycle("org.callrec.control");

    @ArchTest
    static final ArchRule ingestHasNoPackageCycle = ShapeRules.noPackageCycle("org.callrec.ingest");

    @ArchTest
    static final ArchRule storageHasNoPackageCycle = ShapeRules.noPackageCycle("org.callrec.storage");

    @ArchTest
    static final ArchRule catalogHasNoPackageCycle = ShapeRules.noPackageCycle("org.callrec.catalog");

    @ArchTest
    static final ArchRule coreDependsOnNoFramework = ShapeRules.dependsOnNoFramework("org.callrec.core");

    @ArchTest
    static final ArchRule coreDependsOnlyOnTheJdk = ShapeRules.dependsOnlyOnTheJdk("org.callrec.core");
}
