package dev.identitylog.jdkhttp;

/** Errors no catch-all of ours may swallow: the JVM is in trouble, not the event. */
final class Fatal {
  private Fatal() {}

  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError) {
      throw (VirtualMachineError) t;
    }
  }
}
