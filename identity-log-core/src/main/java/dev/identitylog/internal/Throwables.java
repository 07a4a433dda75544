package dev.identitylog.internal;

/**
 * What a catch-all block must not swallow.
 *
 * <p>Why: the library catches broadly so that logging never fails a request, but an error that
 * says the JVM itself is broken (out of memory, a stack overflow, a class that cannot link, a
 * thread being killed) is not the library's to hide: swallowing it would leave the application
 * running on in a state it never learns about.
 *
 * <p>Internal: not part of the API and may change between versions.
 */
public final class Throwables {
  private Throwables() {}

  /**
   * Rethrows {@code t} if it is a {@link VirtualMachineError}, {@link ThreadDeath} or {@link
   * LinkageError}; returns otherwise. Call it first in every {@code catch (Throwable t)}.
   */
  @SuppressWarnings("removal") // ThreadDeath is deprecated for removal, still thrown by Thread.stop
  public static void propagateIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError) {
      throw (VirtualMachineError) t;
    } else if (t instanceof ThreadDeath) {
      throw (ThreadDeath) t;
    } else if (t instanceof LinkageError) {
      throw (LinkageError) t;
    }
  }
}
