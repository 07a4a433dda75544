package dev.identitylog.bench.load;

/** What sits in front of the {@code Hello} servlet in one server run. */
public enum Configuration {
  NO_FILTER("no-filter", false, false, "no filter"),
  NOOP_FILTER("noop-filter", false, false, "no-op filter (filter dispatch alone)"),
  IDENTITY_LOG("identity-log", false, true, "identity-log, synchronous emission"),
  IDENTITY_LOG_ASYNC("identity-log-async", false, true, "identity-log, emitAsynchronously(8192)"),
  IDENTITY_LOG_OTEL("identity-log-otel", false, true, true,
      "identity-log, OpenTelemetryEventSink, SDK BatchLogRecordProcessor, exporter counts and drops"),
  DIY("diy", false, false, "hand-written filter: nimbus parse per request, MDC, Logback JsonEncoder"),
  LOGBOOK("logbook", false, false, "Zalando Logbook 3 LogbookFilter, JSON formatter"),
  NO_FILTER_MTLS("no-filter-mtls", true, false, "no filter, mTLS"),
  IDENTITY_LOG_MTLS("identity-log-mtls", true, true, "identity-log, synchronous, mTLS");

  private final String id;
  private final boolean mtls;
  private final boolean identityLog;
  private final boolean openTelemetry;
  private final String description;

  Configuration(String id, boolean mtls, boolean identityLog, String description) {
    this(id, mtls, identityLog, false, description);
  }

  Configuration(String id, boolean mtls, boolean identityLog, boolean openTelemetry, String description) {
    this.id = id;
    this.mtls = mtls;
    this.identityLog = identityLog;
    this.openTelemetry = openTelemetry;
    this.description = description;
  }

  public String id() {
    return id;
  }

  /** Served over TLS with a required client certificate (the Java load generator drives it). */
  public boolean mtls() {
    return mtls;
  }

  /** The run without a filter that this one's figures are read against: same transport. */
  public Configuration baseline() {
    return mtls ? NO_FILTER_MTLS : NO_FILTER;
  }

  /** Writes identity events, whose count the harness checks against the requests served. */
  public boolean identityLog() {
    return identityLog;
  }

  /**
   * Events go to an OpenTelemetry SDK instead of a Logback file: the harness checks the records
   * its exporter counted, not the lines of {@code events.jsonl}.
   */
  public boolean openTelemetry() {
    return openTelemetry;
  }

  public String description() {
    return description;
  }

  public static Configuration of(String id) {
    for (Configuration c : values()) {
      if (c.id.equals(id)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown configuration: " + id);
  }
}
