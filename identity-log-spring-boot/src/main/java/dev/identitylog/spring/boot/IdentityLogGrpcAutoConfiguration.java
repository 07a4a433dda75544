package dev.identitylog.spring.boot;

import dev.identitylog.IdentityLog;
import dev.identitylog.grpc.GrpcIdentityLog;
import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * gRPC, when the application has grpc-java and {@code identity-log-grpc}: the server interceptor
 * (one {@code identity.server} event per call) and the client interceptor (one {@code
 * identity.client} event per call) as beans, for the application's server and channel builders
 * or a gRPC starter that collects interceptor beans.
 */
@AutoConfiguration(after = IdentityLogAutoConfiguration.class)
@ConditionalOnClass({ServerInterceptor.class, GrpcIdentityLog.class})
@ConditionalOnBean(IdentityLog.class)
@ConditionalOnProperty(prefix = "identity-log.grpc", name = "enabled", matchIfMissing = true)
public class IdentityLogGrpcAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean
  GrpcIdentityLog identityLogGrpc(IdentityLog identityLog) {
    return GrpcIdentityLog.create(identityLog);
  }

  /** Add it to the server last, so that it sees every call first (and what the others decided). */
  @Bean
  @ConditionalOnMissingBean(name = "identityLogServerInterceptor")
  ServerInterceptor identityLogServerInterceptor(GrpcIdentityLog grpc) {
    return grpc.newServerInterceptor();
  }

  /** Add it to the channel first, so that it sees the headers the other interceptors added. */
  @Bean
  @ConditionalOnMissingBean(name = "identityLogClientInterceptor")
  ClientInterceptor identityLogClientInterceptor(GrpcIdentityLog grpc) {
    return grpc.newClientInterceptor();
  }
}
