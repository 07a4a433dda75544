/**
 * The adapter SPI: what an adapter tells the core about a request it received or a call it makes
 * (request views per protocol: HTTP, RPC, messaging), how it ended (response views), and the
 * in-flight records it holds in between. The handlers that take them are in {@code
 * dev.identitylog.handler}. See the core README, "Writing an adapter".
 */
package dev.identitylog.protocol;
