package dev.identitylog.testing;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one key and chain whenever the requested key type matches, ignoring the CAs the peer
 * names. The JDK's own key managers pick by those names, so they would silently send no
 * certificate where a test means to send one from an untrusted CA.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {
  private final PrivateKey key;
  private final X509Certificate[] chain;

  FixedKeyManager(PrivateKey key, X509Certificate[] chain) {
    this.key = key;
    this.chain = chain;
  }

  private boolean matches(String keyType) {
    // JSSE asks by JCA key algorithm ("RSA", "EC", "EdDSA") and then checks the key against it.
    return keyType != null && keyType.equals(key.getAlgorithm());
  }

  private String alias(String[] keyTypes) {
    if (keyTypes != null) {
      for (String t : keyTypes) {
        if (matches(t)) {
          return TestPki.KEY_ALIAS;
        }
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return matches(keyType) ? new String[] {TestPki.KEY_ALIAS} : null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return alias(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return alias(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return matches(keyType) ? TestPki.KEY_ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return matches(keyType) ? TestPki.KEY_ALIAS : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return TestPki.KEY_ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return TestPki.KEY_ALIAS.equals(alias) ? key : null;
  }
}
