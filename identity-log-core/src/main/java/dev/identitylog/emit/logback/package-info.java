/**
 * The Logback encoder that writes identity events as canonical JSON lines, and the file appenders
 * that write those lines straight into their stream. Needs Logback on the class path; the core does
 * not depend on it otherwise.
 */
package dev.identitylog.emit.logback;
