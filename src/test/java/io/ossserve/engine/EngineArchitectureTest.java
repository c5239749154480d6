package io.ossserve.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine runs without Spring (CLI, benchmarks); the HTTP layer never reaches into a backend. */
class EngineArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.ossserve");

    @Test
    void enginePackagesDoNotDependOnSpringServletOrTheHttpLayer() {
        noClasses().that().resideInAPackage("io.ossserve.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..",
                        "javax.servlet..", "io.ossserve.security..", "io.ossserve.api..", "io.ossserve.chat..",
                        "io.ossserve.ops..", "io.ossserve.config..")
                .check(CLASSES);
    }

    @Test
    void apiAndChatDoNotImportBackends() {
        noClasses().that().resideInAnyPackage("io.ossserve.api..", "io.ossserve.chat..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ossserve.engine.cpu..", "io.ossserve.engine.cuda..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }
}
