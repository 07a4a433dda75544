/**
 * identity-log for grpc-java: {@link dev.identitylog.grpc.GrpcIdentityLog} is the only entry point;
 * everything else here is an implementation detail.
 */
package dev.identitylog.grpc;
