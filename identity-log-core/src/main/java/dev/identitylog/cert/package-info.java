/**
 * Facts about X.509 certificates as the standard logs them ({@code tls.client.*},
 * {@code identity.workload.id}): reading them from a certificate ({@link
 * dev.identitylog.cert.CertificateFacts}, cached per certificate by {@link
 * dev.identitylog.cert.CertificateInspector}), parsing PEM and DER ({@link
 * dev.identitylog.cert.Certificates}), SPIFFE IDs ({@link dev.identitylog.cert.SpiffeId}) and
 * verifying a client's chain against configured trust anchors ({@link
 * dev.identitylog.cert.ChainVerifier}). Nothing here throws on a bad certificate: a problem becomes
 * a {@link dev.identitylog.outcome.Reason}.
 */
package dev.identitylog.cert;
