package org.joblib4j.testing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The design's rule for backend modules, checked on their compiled classes: a backend uses core
 * through {@code org.joblib4j} (the API) and {@code org.joblib4j.spi} only, never core's
 * serialization, persistence, hashing, Memory or dispatcher packages.
 */
public final class BackendArchitecture {
  private BackendArchitecture() {}

  /** Fails, naming every offending dependency, when a class of {@code backendPackage} breaks it. */
  public static void check(String backendPackage) {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(backendPackage);
    if (classes.isEmpty()) {
      throw new AssertionError("No classes of " + backendPackage + " found to check");
    }
    noClasses()
        .that()
        .resideInAPackage(backendPackage + "..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("org.joblib4j..")
                .and(
                    not(
                        resideInAnyPackage(
                            "org.joblib4j", "org.joblib4j.spi", backendPackage + ".."))))
        .because("backends reach core through its API and SPI only (design: Serialization)")
        .check(classes);
  }
}
