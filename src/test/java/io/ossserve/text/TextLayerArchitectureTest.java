package io.ossserve.text;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The text layer runs without Spring: no Spring, servlet or security imports. */
class TextLayerArchitectureTest {
    @Test
    void textPackagesDoNotDependOnSpringServletOrSecurity() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ossserve.text");
        noClasses().that().resideInAPackage("io.ossserve.text..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..",
                        "javax.servlet..", "io.ossserve.security..", "io.ossserve.api..", "io.ossserve.engine..")
                .check(classes);
    }
}
