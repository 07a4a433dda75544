package dev.identitylog.kafka;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.identitylog.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * This adapter's packages form no cycle and it reaches the core only through its public API and
 * adapter SPI (dev.identitylog.protocol, handler, context), not its internal packages.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN = ArchitectureRules.mainClassesOfThisModule();

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles().check(MAIN);
  }

  @Test
  void noInternalsOfOtherModules() {
    ArchitectureRules.noInternalsOfOtherModules("dev.identitylog.kafka").check(MAIN);
  }
}
