package dev.identitylog.correlate;

import java.util.List;
import java.util.Locale;

/**
 * Which topics are dead-letter topics, by name convention: a pattern with one {@code *} standing
 * for the original topic, matched without regard to case. The defaults cover Spring Kafka
 * ({@code DeadLetterPublishingRecoverer} appends {@code .DLT}; {@code @RetryableTopic} appends
 * {@code -dlt}) and the common {@code .dlq} / {@code -dlq} / {@code _dlq} / {@code DLQ} forms.
 */
final class DeadLetterTopics {
  static final List<String> DEFAULT_PATTERNS =
      List.of("*.DLT", "*-dlt", "*_dlt", "*.dlq", "*-dlq", "*_dlq", "*DLQ", "DLQ.*");

  static final DeadLetterTopics DEFAULT = new DeadLetterTopics(DEFAULT_PATTERNS);

  private final String[] prefixes;
  private final String[] suffixes;

  DeadLetterTopics(List<String> patterns) {
    prefixes = new String[patterns.size()];
    suffixes = new String[patterns.size()];
    for (int i = 0; i < patterns.size(); i++) {
      String p = patterns.get(i).toLowerCase(Locale.ROOT);
      int star = p.indexOf('*');
      prefixes[i] = p.substring(0, star);
      suffixes[i] = p.substring(star + 1);
    }
  }

  /** A pattern is usable when it has exactly one {@code *} and something around it. */
  static boolean valid(String pattern) {
    if (pattern == null) {
      return false;
    }
    int star = pattern.indexOf('*');
    return star >= 0 && pattern.indexOf('*', star + 1) < 0 && pattern.length() > 1
        && pattern.length() <= 128;
  }

  boolean isDeadLetter(String topic) {
    return original(topic) != null;
  }

  /** The topic whose dead letters {@code topic} holds, or null when it is no dead-letter topic. */
  String original(String topic) {
    if (topic == null) {
      return null;
    }
    String t = topic.toLowerCase(Locale.ROOT);
    for (int i = 0; i < prefixes.length; i++) {
      if (t.length() > prefixes[i].length() + suffixes[i].length() && t.startsWith(prefixes[i])
          && t.endsWith(suffixes[i])) {
        return topic.substring(prefixes[i].length(), topic.length() - suffixes[i].length());
      }
    }
    return null;
  }
}
