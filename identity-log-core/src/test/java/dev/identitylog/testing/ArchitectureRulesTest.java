package dev.identitylog.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.identitylog.testing.cycle.a.A;
import dev.identitylog.testing.cycle.b.B;
import org.junit.jupiter.api.Test;

/** The rules fail on what they are meant to catch: a rule that cannot fail guards nothing. */
class ArchitectureRulesTest {
  @Test
  void aPackageCycleFails() {
    JavaClasses cyclic = new ClassFileImporter().importClasses(A.class, B.class);
    assertThatThrownBy(() -> ArchitectureRules.noPackageCycles().check(cyclic))
        .hasMessageContaining("Cycle detected");
  }

  @Test
  void usingAnotherModulesInternalsFails() {
    JavaClasses user = new ClassFileImporter().importClasses(UsesInternals.class);
    assertThatThrownBy(
            () -> ArchitectureRules.noInternalsOfOtherModules("dev.identitylog.testing").check(user))
        .hasMessageContaining("BoundedCache");
  }

  /** Reaches into the core's internals the way an adapter must not. */
  static final class UsesInternals {
    Object cache = dev.identitylog.internal.BoundedCache.class;
    void allowed(Throwable t) {
      dev.identitylog.internal.Throwables.propagateIfFatal(t);
    }
  }
}
