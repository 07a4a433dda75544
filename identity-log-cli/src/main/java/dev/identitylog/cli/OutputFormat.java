package dev.identitylog.cli;

/** How a command writes its results. */
enum OutputFormat {
  /** One JSON object per line: for programs, and the default. */
  JSON,
  /** Aligned columns with a header row: for people. */
  TABLE
}
