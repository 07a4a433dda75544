/**
 * Test fixtures shared by every module's tests (shipped in the core test-jar): {@link
 * dev.identitylog.testing.TestPki} issues real certificates at test time and hands them out as
 * {@link dev.identitylog.testing.Credential}s ready for TLS.
 */
package dev.identitylog.testing;
