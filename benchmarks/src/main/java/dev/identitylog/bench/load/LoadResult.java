package dev.identitylog.bench.load;

/** What one measured load phase produced, from the load generator's side. */
final class LoadResult {
  final long requests;
  final double seconds;
  final double p99Millis;
  final long errors;

  LoadResult(long requests, double seconds, double p99Millis, long errors) {
    this.requests = requests;
    this.seconds = seconds;
    this.p99Millis = p99Millis;
    this.errors = errors;
  }

  double requestsPerSecond() {
    return requests / seconds;
  }
}
