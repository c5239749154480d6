package io.ossserve;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dependency rules of architecture.md. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ossserve");

    @Test
    void modelTextAndEngineAreFreeOfSpringServletAndSecurity() {
        noClasses().that().resideInAnyPackage("io.ossserve.model..", "io.ossserve.text..", "io.ossserve.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..",
                        "io.ossserve.security..", "io.ossserve.api..", "io.ossserve.chat..", "io.ossserve.quota..",
                        "io.ossserve.audit..", "io.ossserve.ops..", "io.ossserve.config..", "io.ossserve.cli..")
                .check(CLASSES);
    }

    @Test
    void modelDoesNotDependOnTheEngine() {
        noClasses().that().resideInAPackage("io.ossserve.model..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ossserve.engine..", "io.ossserve.text..")
                .check(CLASSES);
    }

    @Test
    void apiDoesNotReachIntoBackends() {
        noClasses().that().resideInAPackage("io.ossserve.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ossserve.engine.cpu..", "io.ossserve.engine.cuda..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    @Test
    void onlyTheCudaBackendUsesJcuda() {
        noClasses().that().resideOutsideOfPackage("io.ossserve.engine.cuda..")
                .should().dependOnClassesThat().resideInAPackage("jcuda..")
                .check(CLASSES);
    }

    @Test
    void theEngineCommandLineLoadsNoSpring() {
        // EngineMain runs on hosts that carry only the engine's jars (the GPU machine): its commands stay Spring-free
        noClasses().that().haveSimpleNameStartingWith("EngineMain").or().haveSimpleNameStartingWith("ModelCommand")
                .or().haveSimpleNameStartingWith("GenerateCommand").or().haveSimpleNameStartingWith("Bench")
                .or().haveSimpleNameStartingWith("EngineOptions")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta..",
                        "io.ossserve.config..", "io.ossserve.api..", "io.ossserve.security..")
                .check(CLASSES);
    }
}
