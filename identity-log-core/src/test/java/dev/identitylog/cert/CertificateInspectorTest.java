package dev.identitylog.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.ForwardingX509Certificate;
import dev.identitylog.testing.TestPki;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificateInspectorTest {
  private static final TestPki PKI = TestPki.create("Test Root");
  private static final List<X509Certificate> CERTS = new ArrayList<>();
  private static final Map<X509Certificate, CertificateFacts> EXPECTED = new HashMap<>();

  @BeforeAll
  static void issue() {
    for (int i = 0; i < 48; i++) {
      X509Certificate c =
          PKI.issue(TestPki.leaf("CN=client" + i).uri("spiffe://example.org/c" + i)).certificate();
      CERTS.add(c);
      EXPECTED.put(c, CertificateFacts.of(c));
    }
  }

  @Test
  void returnsTheFactsOfTheCertificate() {
    CertificateInspector inspector = CertificateInspector.create(8);
    X509Certificate cert = CERTS.get(0);

    CertificateFacts facts = inspector.inspect(cert);

    assertThat(facts).isEqualTo(CertificateFacts.of(cert));
    assertThat(facts.spiffeId()).isEqualTo("spiffe://example.org/c0");
    assertThat(facts.sha256()).isEqualTo(TestPki.sha256(cert));
  }

  @Test
  void servesTheSameCertificateFromTheCache() {
    CertificateInspector inspector = CertificateInspector.create(8);
    X509Certificate cert = CERTS.get(1);

    CertificateFacts first = inspector.inspect(cert);

    assertThat(inspector.inspect(cert)).isSameAs(first);
    assertThat(inspector.size()).isEqualTo(1);
  }

  @Test
  void findsAnEqualCertificateObjectToo() {
    CertificateInspector inspector = CertificateInspector.create(8);
    X509Certificate cert = CERTS.get(2);
    X509Certificate sameInNewSession = new ForwardingX509Certificate(cert);
    assertThat(sameInNewSession).isNotSameAs(cert).isEqualTo(cert);

    CertificateFacts first = inspector.inspect(cert);

    assertThat(inspector.inspect(sameInNewSession)).isSameAs(first);
    assertThat(inspector.size()).isEqualTo(1);
  }

  @Test
  void staysWithinItsBound() {
    CertificateInspector inspector = CertificateInspector.create(5);
    for (X509Certificate c : CERTS) {
      assertThat(inspector.inspect(c)).isEqualTo(EXPECTED.get(c));
      assertThat(inspector.size()).isLessThanOrEqualTo(5);
    }
    assertThat(inspector.size()).isEqualTo(5);
  }

  @Test
  void keepsACertificateThatKeepsArriving() {
    CertificateInspector inspector = CertificateInspector.create(4);
    X509Certificate hot = CERTS.get(0);
    CertificateFacts hotFacts = inspector.inspect(hot);
    for (int i = 1; i < CERTS.size(); i++) {
      inspector.inspect(CERTS.get(i));
      assertThat(inspector.inspect(hot)).isSameAs(hotFacts);
    }
  }

  @Test
  void equalFactsAndBoundedUnderConcurrency() throws Exception {
    int max = 16;
    CertificateInspector inspector = CertificateInspector.create(max);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger maxSeen = new AtomicInteger();
    try {
      Future<?> watcher =
          pool.submit(
              () -> {
                while (running.get()) {
                  maxSeen.accumulateAndGet(inspector.size(), Math::max);
                }
              });
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  int checked = 0;
                  for (int i = 0; i < 2_000; i++) {
                    X509Certificate c = CERTS.get(random.nextInt(CERTS.size()));
                    // Half the calls bring an equal but distinct object, as a new session does.
                    X509Certificate arriving =
                        random.nextBoolean() ? c : new ForwardingX509Certificate(c);
                    CertificateFacts facts = inspector.inspect(arriving);
                    if (!facts.equals(EXPECTED.get(c))) {
                      throw new AssertionError("wrong facts for " + c.getSubjectX500Principal());
                    }
                    checked++;
                  }
                  return checked;
                }));
      }
      start.countDown();
      for (Future<Integer> w : workers) {
        assertThat(w.get(60, TimeUnit.SECONDS)).isEqualTo(2_000);
      }
      running.set(false);
      watcher.get(10, TimeUnit.SECONDS);
    } finally {
      running.set(false);
      pool.shutdownNow();
    }

    assertThat(maxSeen.get()).isLessThanOrEqualTo(max);
    assertThat(inspector.size()).isLessThanOrEqualTo(max);
  }

  @Test
  void noCertificateIsMissing() {
    CertificateInspector inspector = CertificateInspector.create(2);

    assertThat(inspector.inspect(null).problem()).isEqualTo(Reason.CERT_MISSING);
    assertThat(inspector.size()).isZero();
  }

  @Test
  void neverThrowsWhenACertificateCannotBeHashed() {
    CertificateInspector inspector = CertificateInspector.create(2);
    X509Certificate cert = CERTS.get(3);
    X509Certificate odd =
        new ForwardingX509Certificate(cert) {
          @Override
          public int hashCode() {
            throw new IllegalStateException("boom");
          }
        };

    assertThat(inspector.inspect(odd)).isEqualTo(CertificateFacts.of(cert));
  }

  @Test
  void refusesAUselessBound() {
    assertThatThrownBy(() -> CertificateInspector.create(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
