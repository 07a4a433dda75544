package dev.identitylog.otelit;

import dev.identitylog.IdentityLog;
import dev.identitylog.otelit.Agreement.Incoming;
import dev.identitylog.otelit.TwoServiceApp.Instrumentation;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.util.List;

/**
 * The two-service app as a program, for a JVM with the OpenTelemetry Java agent attached: nothing
 * here mentions the agent. It serves every scenario once, through two front services (one that
 * gives the agent's OpenTelemetry to {@code IdentityLog.openTelemetry(..)}, one that does not),
 * then exits; the agent exports its spans and log records as it shuts down.
 */
public final class AgentApp {
  static final List<String> PATHS = List.of("/http", "/grpc");

  private AgentApp() {}

  /** The request id of a scenario, which every event of that request carries. */
  static String requestId(boolean otel, String path, Incoming incoming) {
    return "agent-" + (otel ? "otel" : "plain") + path.replace('/', '-') + "-" + incoming;
  }

  public static void main(String[] args) throws Exception {
    IdentityLog back = IdentityLog.builder().serviceName("back").build();
    IdentityLog frontOtel =
        IdentityLog.builder().serviceName("front-otel").openTelemetry(GlobalOpenTelemetry.get()).build();
    IdentityLog front = IdentityLog.builder().serviceName("front").build();
    try (TwoServiceApp withOtel = new TwoServiceApp(Instrumentation.AGENT, frontOtel, back, null);
        TwoServiceApp without = new TwoServiceApp(Instrumentation.AGENT, front, back, null)) {
      for (String path : PATHS) {
        for (Incoming incoming : Incoming.values()) {
          for (boolean otel : new boolean[] {true, false}) {
            TwoServiceApp app = otel ? withOtel : without;
            int status = app.call(path, requestId(otel, path, incoming),
                incoming.traceparent(requestId(otel, path, incoming)));
            if (status != 200) {
              throw new IllegalStateException(requestId(otel, path, incoming) + ": " + status);
            }
          }
        }
      }
      Thread.sleep(300); // the last server events are written after their responses
    }
    System.exit(0);
  }
}
