package dev.identitylog.propagation;

import dev.identitylog.event.TraceOrigin;
import dev.identitylog.redact.Limits;

/**
 * Chooses this hop's trace from the request headers, in the order of SPEC section 6 after the
 * active OpenTelemetry span (which the caller checks first, since only it knows whether an SDK is
 * present): a valid {@code traceparent} (with its {@code tracestate}); B3, the single {@code b3}
 * header before the multi-header form; {@code X-Amzn-Trace-Id}; else a generated trace.
 *
 * <p>The generated trace has origin {@code generated} when none of these headers was received,
 * and {@code invalid} when at least one was received but none was valid. Blank values count as
 * absent, and so does a B3 sampling decision without ids ({@code b3: 1}, or {@code X-B3-Sampled}
 * alone); that decision is then kept as the generated trace's sampled flag, otherwise a generated
 * trace is not sampled (the W3C default for a trace started by a component that does not record
 * it). A value longer than {@link Limits#maxHeaderBytes()} is not parsed and counts as invalid.
 */
public final class TraceContextExtractor {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  public static final String B3_SINGLE = "b3";
  public static final String B3_TRACE_ID = "x-b3-traceid";
  public static final String B3_SPAN_ID = "x-b3-spanid";
  public static final String B3_SAMPLED = "x-b3-sampled";
  public static final String B3_FLAGS = "x-b3-flags";
  public static final String AMZN_TRACE_ID = "x-amzn-trace-id";

  private TraceContextExtractor() {}

  /** The trace of this request with the default limits. Never throws, never returns null. */
  public static TraceContext extract(HeaderGetter headers) {
    return extract(headers, Limits.defaults());
  }

  /** The trace of this request. Never throws, never returns null. */
  public static TraceContext extract(HeaderGetter headers, Limits limits) {
    int maxBytes = (limits == null ? Limits.defaults() : limits).maxHeaderBytes();
    boolean received = false;
    int samplingDecision = -1;

    String traceparent = get(headers, TRACEPARENT);
    if (traceparent != null) {
      received = true;
      if (traceparent.length() <= maxBytes) {
        String tracestate = get(headers, TRACESTATE);
        if (tracestate != null && tracestate.length() > maxBytes) {
          tracestate = null;
        }
        TraceContext context = TraceParent.parse(traceparent, tracestate);
        if (context != null) {
          return context;
        }
      }
    }

    String b3 = get(headers, B3_SINGLE);
    if (b3 != null) {
      int only = B3.samplingOnly(b3);
      if (only >= 0) {
        samplingDecision = only;
      } else {
        received = true;
        if (b3.length() <= maxBytes) {
          TraceContext context = B3.parseSingle(b3);
          if (context != null) {
            return context;
          }
        }
      }
    }

    String b3TraceId = get(headers, B3_TRACE_ID);
    String b3SpanId = get(headers, B3_SPAN_ID);
    String b3Sampled = get(headers, B3_SAMPLED);
    String b3Flags = get(headers, B3_FLAGS);
    boolean debug = b3Flags != null && b3Flags.strip().equals("1");
    if (b3TraceId != null || b3SpanId != null) {
      received = true;
      if (length(b3TraceId) <= maxBytes && length(b3SpanId) <= maxBytes
          && length(b3Sampled) <= maxBytes) {
        TraceContext context = B3.parseMulti(b3TraceId, b3SpanId, b3Sampled);
        if (context != null) {
          return debug && !context.sampled()
              ? TraceContext.trusted(context.traceId(), context.parentSpanId(), true, null,
                  TraceOrigin.B3)
              : context;
        }
      }
    } else if (samplingDecision < 0 && (b3Sampled != null || debug)) {
      int multi = debug ? 1 : B3.multiSampled(b3Sampled);
      if (multi >= 0) {
        samplingDecision = multi;
      }
    }

    String amzn = get(headers, AMZN_TRACE_ID);
    if (amzn != null) {
      received = true;
      if (amzn.length() <= maxBytes) {
        TraceContext context = AmznTraceId.parse(amzn);
        if (context != null) {
          return context;
        }
      }
    }

    // This hop starts the trace: it is sampled unless an upstream said "do not sample", so that
    // tracers downstream record the request whose identity events we log.
    return TraceContext.generated(samplingDecision != 0,
        received ? TraceOrigin.INVALID : TraceOrigin.GENERATED);
  }

  /**
   * The header value, or null when absent or blank. A getter that throws is treated as having
   * no such header: extraction must never fail a request.
   */
  private static String get(HeaderGetter headers, String name) {
    String value;
    try {
      value = headers.get(name);
    } catch (RuntimeException e) {
      return null;
    }
    return value == null || value.isBlank() ? null : value;
  }

  private static int length(String value) {
    return value == null ? 0 : value.length();
  }
}
