/**
 * identity-log for Kafka clients: {@link dev.identitylog.kafka.IdentityLogKafka} is the only entry
 * point; everything else here is an implementation detail.
 */
package dev.identitylog.kafka;
