package dev.identitylog.testing.cycle.b;

import dev.identitylog.testing.cycle.a.A;

/** The other half of a deliberate package cycle, for {@code ArchitectureRulesTest}. */
public final class B {
  public A a;
}
