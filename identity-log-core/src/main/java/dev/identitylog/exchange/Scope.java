package dev.identitylog.exchange;

/** Undoes {@link ServerExchange#makeCurrent()}; close it on the thread that opened it. */
@FunctionalInterface
public interface Scope extends AutoCloseable {
  @Override
  void close();
}
