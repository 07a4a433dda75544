package dev.identitylog.cert.bench;

import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.cert.CertificateInspector;
import dev.identitylog.testing.ForwardingX509Certificate;
import dev.identitylog.testing.TestPki;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Reading a client certificate's facts on every request, against serving them from the
 * inspector's cache: the same certificate object (a request within one TLS session) and an equal
 * but distinct object (a new session of the same client). Not run by the build; run with
 * {@code java -cp <test classpath> dev.identitylog.cert.bench.CertificateFactsBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class CertificateFactsBenchmark {
  private X509Certificate certificate;
  private X509Certificate equalCertificate;
  private CertificateInspector inspector;

  @Setup
  public void setUp() {
    TestPki pki = TestPki.create("Bench Root");
    certificate =
        pki.issue(
                TestPki.leaf("CN=client,O=Example")
                    .clientAuth()
                    .sans("URI:spiffe://example.org/ns/a/sa/b", "DNS:client.example"))
            .certificate();
    equalCertificate = new ForwardingX509Certificate(certificate);
    inspector = CertificateInspector.create(1024);
    inspector.inspect(certificate);
  }

  @Benchmark
  public CertificateFacts factsOf() {
    return CertificateFacts.of(certificate);
  }

  @Benchmark
  public CertificateFacts inspectSameObject() {
    return inspector.inspect(certificate);
  }

  @Benchmark
  public CertificateFacts inspectEqualObject() {
    return inspector.inspect(equalCertificate);
  }

  public static void main(String[] args) throws RunnerException {
    new Runner(
            new OptionsBuilder()
                .include(CertificateFactsBenchmark.class.getSimpleName())
                .build())
        .run();
  }
}
