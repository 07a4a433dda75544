package dev.identitylog.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.ForwardingX509Certificate;
import dev.identitylog.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
  private static final TestPki ROOT = TestPki.create("Test Root");
  private static final TestPki INTERMEDIATE = ROOT.intermediate("Test Intermediate");
  private static final ChainVerifier VERIFIER =
      ChainVerifier.create(List.of(ROOT.rootCertificate()));

  @Test
  void trustsAChainThroughAnIntermediate() {
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice").clientAuth());

    assertThat(alice.chain()).hasSize(2);
    assertThat(VERIFIER.verify(alice.chain(), Instant.now())).isNull();
  }

  @Test
  void trustsAChainThatEndsWithTheAnchorItself() {
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice"));

    assertThat(VERIFIER.verify(alice.chainWithRoot(), Instant.now())).isNull();
  }

  @Test
  void trustsALeafIssuedByTheRootDirectly() {
    Credential bob = ROOT.issue(TestPki.leaf("CN=bob").rsa2048());

    assertThat(VERIFIER.verify(bob.chain(), Instant.now())).isNull();
  }

  @Test
  void trustsAPinnedCertificateThatIsItselfAnAnchor() {
    Credential pinned = ROOT.issue(TestPki.leaf("CN=pinned").ed25519());
    ChainVerifier verifier = ChainVerifier.create(List.of(pinned.certificate()));

    assertThat(verifier.verify(pinned.chain(), Instant.now())).isNull();
  }

  @Test
  void distrustsAChainWithoutItsIntermediate() {
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice"));

    assertThat(VERIFIER.verify(List.of(alice.certificate()), Instant.now()))
        .isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void distrustsAnotherCaEvenWithTheSameName() {
    TestPki impostor = TestPki.create("Test Root");
    Credential mallory = impostor.issue(TestPki.leaf("CN=alice").clientAuth());

    assertThat(VERIFIER.verify(mallory.chain(), Instant.now())).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(VERIFIER.verify(mallory.chainWithRoot(), Instant.now()))
        .isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void distrustsASelfSignedCertificate() {
    TestPki self = TestPki.create("CN=alice");

    assertThat(VERIFIER.verify(List.of(self.rootCertificate()), Instant.now()))
        .isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void namesAnExpiredLeaf() {
    Credential old = INTERMEDIATE.issue(TestPki.leaf("CN=old").expired());

    assertThat(VERIFIER.verify(old.chain(), Instant.now())).isEqualTo(Reason.CERT_EXPIRED);
  }

  @Test
  void namesANotYetValidLeaf() {
    Credential early = INTERMEDIATE.issue(TestPki.leaf("CN=early").notYetValid());

    assertThat(VERIFIER.verify(early.chain(), Instant.now()))
        .isEqualTo(Reason.CERT_NOT_YET_VALID);
  }

  @Test
  void namesAnExpiredIntermediate() {
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice"));
    Instant afterIntermediate =
        INTERMEDIATE.caCertificate().getNotAfter().toInstant().plusSeconds(1);
    // The leaf is still valid then; only the intermediate is not.
    Credential longLived =
        INTERMEDIATE.issue(
            TestPki.leaf("CN=long").validity(Instant.now(), afterIntermediate.plusSeconds(3600)));

    assertThat(VERIFIER.verify(alice.chain(), afterIntermediate)).isEqualTo(Reason.CERT_EXPIRED);
    assertThat(VERIFIER.verify(longLived.chain(), afterIntermediate))
        .isEqualTo(Reason.CERT_EXPIRED);
  }

  @Test
  void aCachedResultNeverOutlivesExpiry() {
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice").validFor(Duration.ofHours(2)));
    Instant later = alice.certificate().getNotAfter().toInstant().plusSeconds(1);

    assertThat(VERIFIER.verify(alice.chain(), Instant.now())).isNull();
    assertThat(VERIFIER.verify(alice.chain(), later)).isEqualTo(Reason.CERT_EXPIRED);
    assertThat(VERIFIER.verify(alice.chain(), Instant.now())).isNull();
  }

  @Test
  void anUntrustedResultForOneChainDoesNotStickToTheLeafWithAnother() {
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice"));

    assertThat(VERIFIER.verify(List.of(alice.certificate()), Instant.now()))
        .isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(VERIFIER.verify(alice.chain(), Instant.now())).isNull();
  }

  @Test
  void missingForAnEmptyChain() {
    assertThat(VERIFIER.verify(List.of(), Instant.now())).isEqualTo(Reason.CERT_MISSING);
    assertThat(VERIFIER.verify(null, Instant.now())).isEqualTo(Reason.CERT_MISSING);
    assertThat(VERIFIER.verify(Collections.singletonList(null), Instant.now()))
        .isEqualTo(Reason.CERT_MISSING);
  }

  @Test
  void untrustedForANullInTheChainOrAnOverlongChain() {
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice"));
    List<X509Certificate> withNull = Arrays.asList(alice.certificate(), null);
    List<X509Certificate> overlong = new ArrayList<>(alice.chain());
    while (overlong.size() <= ChainVerifier.MAX_CHAIN_LENGTH) {
      overlong.add(INTERMEDIATE.caCertificate());
    }

    assertThat(VERIFIER.verify(withNull, Instant.now())).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(VERIFIER.verify(overlong, Instant.now())).isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void aNullTimeMeansNow() {
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice"));
    Credential old = INTERMEDIATE.issue(TestPki.leaf("CN=old").expired());

    assertThat(VERIFIER.verify(alice.chain(), null)).isNull();
    assertThat(VERIFIER.verify(old.chain(), null)).isEqualTo(Reason.CERT_EXPIRED);
  }

  @Test
  void neverThrowsOnAMisbehavingCertificate() {
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice"));
    X509Certificate hostile =
        new ForwardingX509Certificate(alice.certificate()) {
          @Override
          public Date getNotBefore() {
            throw new IllegalStateException("boom");
          }
        };

    assertThat(VERIFIER.verify(List.of(hostile, INTERMEDIATE.caCertificate()), Instant.now()))
        .isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void requiresClientAuthUsageWhenAsked() {
    ChainVerifier strict =
        ChainVerifier.builder(List.of(ROOT.rootCertificate())).requireClientAuth(true).build();
    Credential server = INTERMEDIATE.issue(TestPki.server("localhost"));
    Credential client = INTERMEDIATE.issue(TestPki.leaf("CN=c").clientAuth().serverAuth());
    Credential noEku = INTERMEDIATE.issue(TestPki.leaf("CN=n"));

    assertThat(strict.verify(server.chain(), Instant.now())).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(strict.verify(client.chain(), Instant.now())).isNull();
    assertThat(strict.verify(noEku.chain(), Instant.now())).isNull();
    assertThat(VERIFIER.verify(server.chain(), Instant.now())).isNull();
  }

  @Test
  void trustsAnyOfSeveralAnchors() {
    TestPki other = TestPki.create("Other Root");
    ChainVerifier both =
        ChainVerifier.create(List.of(other.rootCertificate(), ROOT.rootCertificate()));

    assertThat(both.verify(INTERMEDIATE.issue(TestPki.leaf("CN=a")).chain(), Instant.now()))
        .isNull();
    assertThat(both.verify(other.issue(TestPki.leaf("CN=b")).chain(), Instant.now())).isNull();
  }

  @Test
  void cachesWithinItsTimeToLiveAndBound() {
    AtomicLong nanos = new AtomicLong();
    ChainVerifier verifier =
        ChainVerifier.builder(List.of(ROOT.rootCertificate()))
            .cacheTtl(Duration.ofSeconds(10))
            .maxCacheEntries(2)
            .nanoClock(nanos::get)
            .build();
    Credential a = INTERMEDIATE.issue(TestPki.leaf("CN=a"));
    Credential b = INTERMEDIATE.issue(TestPki.leaf("CN=b"));
    Credential c = INTERMEDIATE.issue(TestPki.leaf("CN=c"));

    assertThat(verifier.verify(a.chain(), Instant.now())).isNull();
    assertThat(verifier.verify(b.chain(), Instant.now())).isNull();
    assertThat(verifier.verify(c.chain(), Instant.now())).isNull();
    assertThat(verifier.cacheSize()).isEqualTo(2);

    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(verifier.verify(a.chain(), Instant.now())).isNull();
    assertThat(verifier.cacheSize()).isLessThanOrEqualTo(2);
  }

  @Test
  void worksWithoutACache() {
    ChainVerifier uncached =
        ChainVerifier.builder(List.of(ROOT.rootCertificate())).cacheTtl(Duration.ZERO).build();
    Credential alice = INTERMEDIATE.issue(TestPki.leaf("CN=alice"));

    assertThat(uncached.verify(alice.chain(), Instant.now())).isNull();
    assertThat(uncached.verify(List.of(alice.certificate()), Instant.now()))
        .isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(uncached.cacheSize()).isZero();
  }

  @Test
  void refusesAConfigurationWithoutAnchors() {
    assertThatThrownBy(() -> ChainVerifier.create(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChainVerifier.create(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChainVerifier.create(Collections.singletonList(null)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
