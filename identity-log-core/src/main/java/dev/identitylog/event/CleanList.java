package dev.identitylog.event;

import dev.identitylog.redact.Limits;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The unmodifiable list a builder stores: strings already cleaned, none null. Knowing its own
 * lists lets a builder take one that another builder cleaned without copying it again.
 */
final class CleanList extends AbstractList<String> implements RandomAccess {
  private final String[] items;
  private final int longest;

  CleanList(String[] items) {
    this.items = items;
    int l = 0;
    for (String s : items) {
      l = Math.max(l, s.length());
    }
    this.longest = l;
  }

  boolean within(Limits limits) {
    return items.length <= limits.maxArraySize() && longest <= limits.maxStringLength();
  }

  @Override
  public String get(int index) {
    return items[index];
  }

  @Override
  public int size() {
    return items.length;
  }
}
