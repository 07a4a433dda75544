/**
 * identity-log for {@code java.net.http.HttpClient}: {@link
 * dev.identitylog.jdkhttp.IdentityLogHttpClient} is the only entry point; everything else here is
 * an implementation detail.
 */
package dev.identitylog.jdkhttp;
