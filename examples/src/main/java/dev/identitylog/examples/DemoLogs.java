package dev.identitylog.examples;

import dev.identitylog.emit.EventSink;
import dev.identitylog.emit.RestrictedFields;
import java.security.SecureRandom;

/**
 * Where every hop of the demo writes: the general events file, which anyone investigating may
 * read, and the restricted file, which holds the values that describe a party (subjects, issuers,
 * SANs, client addresses, client ids, actors, claims). All hops share one pseudonym key, as the
 * hops of one deployment would, so one party has one pseudonym in the general file at every hop.
 */
final class DemoLogs {
  private final EventSink general;
  private final RestrictedFields restricted;

  private DemoLogs(EventSink general, RestrictedFields restricted) {
    this.general = general;
    this.restricted = restricted;
  }

  /**
   * Logs to these sinks, with a pseudonym key drawn for this run. A real deployment reads its key
   * from its secret store, so that pseudonyms stay the same across restarts.
   */
  static DemoLogs of(EventSink general, EventSink restricted) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new DemoLogs(general, RestrictedFields.toSink(restricted).pseudonymKey(key).build());
  }

  /** The sink of the general stream (what {@code addSink} takes). */
  EventSink general() {
    return general;
  }

  /** The one setting that splits the streams (what {@code restrictedFields} takes). */
  RestrictedFields restricted() {
    return restricted;
  }
}
