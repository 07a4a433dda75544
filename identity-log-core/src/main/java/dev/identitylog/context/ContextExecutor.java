package dev.identitylog.context;

import java.util.concurrent.Executor;

/** An executor whose tasks run with what was current where each was submitted. */
class ContextExecutor implements Executor {
  private final Executor delegate;

  ContextExecutor(Executor delegate) {
    if (delegate == null) {
      throw new NullPointerException("executor");
    }
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    delegate.execute(RequestContext.wrap(task));
  }

  @Override
  public String toString() {
    return "RequestContext.wrap(" + delegate + ")";
  }
}
