/**
 * identity-log for OkHttp clients: {@link dev.identitylog.okhttp.IdentityLogOkHttp} is the only
 * entry point; everything else here is an implementation detail.
 */
package dev.identitylog.okhttp;
