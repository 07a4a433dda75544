/** identity-log: request-identity events that every hop of an API stack logs alike. */
package dev.identitylog;
