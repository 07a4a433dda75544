package dev.identitylog.testing;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The layering every module keeps, checked by a small test in each (see the core README,
 * "Architecture"): no package cycle, and no class reaching into another module's {@code internal}
 * packages, except the core's {@code dev.identitylog.internal.Throwables}, which every catch-all
 * block uses.
 */
public final class ArchitectureRules {
  /** The one internal class adapters may use. */
  static final String ALLOWED_INTERNAL = "dev.identitylog.internal.Throwables";

  private ArchitectureRules() {}

  /** The main classes of the module the test runs in (its {@code target/classes}). */
  public static JavaClasses mainClassesOfThisModule() {
    Path classes = Paths.get("target", "classes");
    if (!Files.isDirectory(classes)) {
      throw new IllegalStateException("no " + classes.toAbsolutePath() + ": run from the module");
    }
    return new ClassFileImporter().importPath(classes);
  }

  /** Each package is a slice, the root package {@code dev.identitylog} included. */
  public static ArchRule noPackageCycles() {
    return SlicesRuleDefinition.slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                String pkg = c.getPackageName();
                return pkg.equals("dev.identitylog") || pkg.startsWith("dev.identitylog.")
                    ? SliceIdentifier.of(pkg)
                    : SliceIdentifier.ignore();
              }

              @Override
              public String getDescription() {
                return "packages of dev.identitylog";
              }
            })
        .should()
        .beFreeOfCycles();
  }

  /**
   * No class of this module uses an {@code internal} package outside {@code ownRoot} (the
   * module's own packages), but for {@link #ALLOWED_INTERNAL}.
   */
  public static ArchRule noInternalsOfOtherModules(String ownRoot) {
    DescribedPredicate<JavaClass> foreignInternal =
        new DescribedPredicate<>("internal classes of another module") {
          @Override
          public boolean test(JavaClass c) {
            String pkg = c.getPackageName();
            boolean internal = pkg.endsWith(".internal") || pkg.contains(".internal.");
            return internal
                && pkg.startsWith("dev.identitylog")
                && !(pkg.equals(ownRoot) || pkg.startsWith(ownRoot + "."))
                && !c.getName().equals(ALLOWED_INTERNAL);
          }
        };
    return ArchRuleDefinition.noClasses()
        .that()
        .resideInAPackage(ownRoot + "..")
        .should()
        .dependOnClassesThat(foreignInternal);
  }
}
