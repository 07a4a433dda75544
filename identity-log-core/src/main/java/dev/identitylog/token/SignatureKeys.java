package dev.identitylog.token;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The configured verification keys, each turned into a nimbus verifier once (the verifiers are
 * thread-safe), so checking a signature costs the signature check and nothing else.
 *
 * <p>Candidate keys for a JWS are chosen by the header: the key type must be the one its {@code
 * alg} implies (so an RSA public key can never be used as an HMAC secret), a key's own {@code alg}
 * and {@code use}, when set, must allow it, and a header {@code kid} must equal the key's (keys
 * without a kid remain candidates). Keys nimbus cannot verify with (OKP, encryption keys, HMAC keys
 * under 256 bits) are left out.
 */
final class SignatureKeys {
  private final List<Candidate> candidates;

  private SignatureKeys(List<Candidate> candidates) {
    this.candidates = candidates;
  }

  static SignatureKeys of(JWKSet set) {
    List<Candidate> out = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
        continue;
      }
      JWSVerifier verifier = verifier(jwk);
      if (verifier != null) {
        out.add(new Candidate(jwk.getKeyID(), jwk.getKeyType(), jwk.getAlgorithm(), verifier));
      }
    }
    return new SignatureKeys(Collections.unmodifiableList(out));
  }

  private static JWSVerifier verifier(JWK jwk) {
    try {
      if (jwk instanceof RSAKey) {
        return new RSASSAVerifier(((RSAKey) jwk).toRSAPublicKey());
      }
      if (jwk instanceof ECKey) {
        return new ECDSAVerifier(((ECKey) jwk).toECPublicKey());
      }
      if (jwk instanceof OctetSequenceKey) {
        return new MACVerifier(((OctetSequenceKey) jwk).toByteArray());
      }
    } catch (JOSEException | RuntimeException e) {
      // A key that cannot be used is simply not a candidate.
    }
    return null;
  }

  int size() {
    return candidates.size();
  }

  /** Whether any candidate key verifies the signature. */
  boolean verify(JWSObject jws) {
    JWSHeader header = jws.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    KeyType type = KeyType.forAlgorithm(alg);
    String kid = header.getKeyID();
    for (Candidate c : candidates) {
      if (!c.type.equals(type)
          || (c.alg != null && !c.alg.equals(alg))
          || (kid != null && c.kid != null && !kid.equals(c.kid))
          || !c.verifier.supportedJWSAlgorithms().contains(alg)) {
        continue;
      }
      try {
        if (jws.verify(c.verifier)) {
          return true;
        }
      } catch (JOSEException | RuntimeException e) {
        // This key could not check the signature (e.g. wrong curve): try the next one.
      }
    }
    return false;
  }

  private static final class Candidate {
    final String kid;
    final KeyType type;
    final Algorithm alg;
    final JWSVerifier verifier;

    Candidate(String kid, KeyType type, Algorithm alg, JWSVerifier verifier) {
      this.kid = kid;
      this.type = type;
      this.alg = alg;
      this.verifier = verifier;
    }
  }
}
