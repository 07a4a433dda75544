package dev.identitylog.secretscan;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The secrets the tests planted, looked up by their first {@value #KEY} characters, so a line is
 * checked in time proportional to its length, not to the number of secrets.
 */
final class PlantedIndex {
  /** Secrets are at least this long (the recorder drops shorter ones). */
  static final int KEY = 12;

  private final Map<String, List<String[]>> byPrefix = new HashMap<>();
  private int size;

  /** Reads {@code KIND<TAB>base64} lines; lines it cannot read are skipped. */
  void load(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        int tab = line.indexOf('\t');
        if (tab <= 0) {
          continue;
        }
        String secret;
        try {
          secret = new String(Base64.getDecoder().decode(line.substring(tab + 1).strip()),
              StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          continue;
        }
        add(line.substring(0, tab), secret);
      }
    }
  }

  void add(String kind, String secret) {
    if (secret.length() < KEY) {
      return;
    }
    List<String[]> list = byPrefix.computeIfAbsent(secret.substring(0, KEY), k -> new ArrayList<>(1));
    for (String[] known : list) {
      if (known[1].equals(secret)) {
        return;
      }
    }
    list.add(new String[] {kind, secret});
    size++;
  }

  int size() {
    return size;
  }

  /** The kind of the first planted secret the line contains, or null. */
  String find(String line) {
    if (byPrefix.isEmpty()) {
      return null;
    }
    int n = line.length();
    for (int i = 0; i + KEY <= n; i++) {
      // Secrets start with a character of their alphabet; skip the rest without a lookup.
      if (!SecretScan.tokenChar(line.charAt(i))) {
        continue;
      }
      List<String[]> candidates = byPrefix.get(line.substring(i, i + KEY));
      if (candidates != null) {
        for (String[] c : candidates) {
          if (line.startsWith(c[1], i)) {
            return c[0];
          }
        }
      }
    }
    return null;
  }
}
