package dev.identitylog.emit;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.redact.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;

/**
 * Splits one event into its general view (restricted values replaced by pseudonyms) and its
 * restricted view (join keys and restricted values). Works on the finished event, whose values
 * were cleaned and truncated when they entered it, so both views hold exactly those values; the
 * pseudonym of a value is therefore the same at every hop with the same limits and key.
 */
final class EventSplit {
  private final Pseudonyms pseudonyms;
  private final Limits limits;

  EventSplit(Pseudonyms pseudonyms, Limits limits) {
    this.pseudonyms = pseudonyms;
    this.limits = limits;
  }

  /** The general view; the event itself when it holds no restricted value. */
  IdentityEvent general(IdentityEvent event) {
    if (!hasRestricted(event)) {
      return event;
    }
    Mac mac = pseudonyms.mac();
    IdentityEvent.Builder b = event.toBuilder(limits);
    for (Field<?> f : RestrictedFields.restrictedFields()) {
      Object v = event.get(f);
      if (v != null) {
        replace(b, f, v, mac);
      }
    }
    for (Map.Entry<String, String> c : event.claims().entrySet()) {
      // Same name, so the claim keeps its key and its place.
      b.claim(c.getKey().substring(Fields.CLAIM_PREFIX.length()), Pseudonyms.of(mac, c.getValue()));
    }
    return b.build();
  }

  /** The restricted view: always built, so that every general line has its one partner. */
  IdentityEvent restricted(IdentityEvent event) {
    IdentityEvent.Builder b = IdentityEvent.builder(limits);
    for (Field<?> f : RestrictedFields.joinFields()) {
      copy(b, f, event);
    }
    for (Field<?> f : RestrictedFields.restrictedFields()) {
      copy(b, f, event);
    }
    for (Map.Entry<String, String> c : event.claims().entrySet()) {
      b.claim(c.getKey().substring(Fields.CLAIM_PREFIX.length()), c.getValue());
    }
    return b.build();
  }

  private static boolean hasRestricted(IdentityEvent event) {
    if (!event.claims().isEmpty()) {
      return true;
    }
    for (Field<?> f : RestrictedFields.restrictedFields()) {
      if (event.has(f)) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static void replace(IdentityEvent.Builder b, Field<?> f, Object value, Mac mac) {
    if (f.kind() == Field.Kind.STRINGS) {
      List<String> in = (List<String>) value;
      List<String> out = new ArrayList<>(in.size());
      for (String s : in) {
        out.add(Pseudonyms.of(mac, s));
      }
      b.set((Field<List<String>>) f, out);
    } else {
      b.set((Field<String>) f, Pseudonyms.of(mac, (String) value));
    }
  }

  private static <T> void copy(IdentityEvent.Builder b, Field<T> f, IdentityEvent event) {
    T v = event.get(f);
    if (v != null) {
      b.set(f, v);
    }
  }
}
