package dev.identitylog.testing.cycle.a;

import dev.identitylog.testing.cycle.b.B;

/** Half of a deliberate package cycle, for {@code ArchitectureRulesTest}. */
public final class A {
  public B b;
}
