package dev.identitylog;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.identitylog.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The core's packages form no cycle (see README, "Architecture"). */
class ArchitectureTest {
  private static final JavaClasses CORE = ArchitectureRules.mainClassesOfThisModule();

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles().check(CORE);
  }
}
