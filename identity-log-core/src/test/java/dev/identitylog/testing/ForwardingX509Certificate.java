package dev.identitylog.testing;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * An {@link X509Certificate} that forwards every call to another one. As is, it is a distinct
 * object equal to its delegate (certificates compare by encoding), as when the same client
 * certificate arrives in a new TLS session. Override a method to make a certificate that misbehaves
 * in one place, e.g. one whose {@code getSubjectAlternativeNames()} throws.
 */
public class ForwardingX509Certificate extends X509Certificate {
  private final X509Certificate delegate;

  public ForwardingX509Certificate(X509Certificate delegate) {
    this.delegate = delegate;
  }

  /** The certificate calls are forwarded to. */
  protected X509Certificate delegate() {
    return delegate;
  }

  @Override
  public void checkValidity() throws CertificateExpiredException, CertificateNotYetValidException {
    delegate.checkValidity();
  }

  @Override
  public void checkValidity(Date date)
      throws CertificateExpiredException, CertificateNotYetValidException {
    delegate.checkValidity(date);
  }

  @Override
  public int getVersion() {
    return delegate.getVersion();
  }

  @Override
  public BigInteger getSerialNumber() {
    return delegate.getSerialNumber();
  }

  @Override
  @SuppressWarnings("deprecation")
  public Principal getIssuerDN() {
    return delegate.getIssuerDN();
  }

  @Override
  public X500Principal getIssuerX500Principal() {
    return delegate.getIssuerX500Principal();
  }

  @Override
  @SuppressWarnings("deprecation")
  public Principal getSubjectDN() {
    return delegate.getSubjectDN();
  }

  @Override
  public X500Principal getSubjectX500Principal() {
    return delegate.getSubjectX500Principal();
  }

  @Override
  public Date getNotBefore() {
    return delegate.getNotBefore();
  }

  @Override
  public Date getNotAfter() {
    return delegate.getNotAfter();
  }

  @Override
  public byte[] getTBSCertificate() throws CertificateEncodingException {
    return delegate.getTBSCertificate();
  }

  @Override
  public byte[] getSignature() {
    return delegate.getSignature();
  }

  @Override
  public String getSigAlgName() {
    return delegate.getSigAlgName();
  }

  @Override
  public String getSigAlgOID() {
    return delegate.getSigAlgOID();
  }

  @Override
  public byte[] getSigAlgParams() {
    return delegate.getSigAlgParams();
  }

  @Override
  public boolean[] getIssuerUniqueID() {
    return delegate.getIssuerUniqueID();
  }

  @Override
  public boolean[] getSubjectUniqueID() {
    return delegate.getSubjectUniqueID();
  }

  @Override
  public boolean[] getKeyUsage() {
    return delegate.getKeyUsage();
  }

  @Override
  public List<String> getExtendedKeyUsage() throws CertificateParsingException {
    return delegate.getExtendedKeyUsage();
  }

  @Override
  public int getBasicConstraints() {
    return delegate.getBasicConstraints();
  }

  @Override
  public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
    return delegate.getSubjectAlternativeNames();
  }

  @Override
  public Collection<List<?>> getIssuerAlternativeNames() throws CertificateParsingException {
    return delegate.getIssuerAlternativeNames();
  }

  @Override
  public byte[] getEncoded() throws CertificateEncodingException {
    return delegate.getEncoded();
  }

  @Override
  public void verify(PublicKey key)
      throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
          NoSuchProviderException, SignatureException {
    delegate.verify(key);
  }

  @Override
  public void verify(PublicKey key, String sigProvider)
      throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
          NoSuchProviderException, SignatureException {
    delegate.verify(key, sigProvider);
  }

  @Override
  public void verify(PublicKey key, Provider sigProvider)
      throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
          SignatureException {
    delegate.verify(key, sigProvider);
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  @Override
  public PublicKey getPublicKey() {
    return delegate.getPublicKey();
  }

  @Override
  public boolean hasUnsupportedCriticalExtension() {
    return delegate.hasUnsupportedCriticalExtension();
  }

  @Override
  public Set<String> getCriticalExtensionOIDs() {
    return delegate.getCriticalExtensionOIDs();
  }

  @Override
  public Set<String> getNonCriticalExtensionOIDs() {
    return delegate.getNonCriticalExtensionOIDs();
  }

  @Override
  public byte[] getExtensionValue(String oid) {
    return delegate.getExtensionValue(oid);
  }
}
