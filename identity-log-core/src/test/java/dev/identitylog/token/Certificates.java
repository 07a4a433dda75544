package dev.identitylog.token;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed certificates and their thumbprints, computed here independently of the code. */
final class Certificates {
  private Certificates() {}

  static X509Certificate selfSigned(String commonName) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofMinutes(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            name,
            pair.getPublic());
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
  }

  /** {@code tls.client.hash.sha256}: SHA-256 of the DER, 64 uppercase hex. */
  static String sha256UpperHex(X509Certificate cert) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    return HexFormat.of().withUpperCase().formatHex(digest);
  }

  /** RFC 8705 {@code x5t#S256}: base64url without padding of SHA-256 of the DER. */
  static String x5tS256(X509Certificate cert) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }
}
