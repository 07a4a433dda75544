package dev.identitylog.spring.boot.app;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import dev.identitylog.RequestIdentity;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.TestTokens;
import jakarta.servlet.DispatcherType;
import java.util.concurrent.Callable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * A resource server as a Spring team writes one: JWT bearer tokens under {@code /api}, client
 * certificates ({@code x509()}) under {@code /x509}, method security on a service. The only
 * identity-log code is the {@link CollectingSink} bean the test reads events from.
 */
@SpringBootApplication
@EnableMethodSecurity
public class SecuredApp {
  public static final String AUDIENCE = "orders-api";

  @Bean
  CollectingSink collectingSink() {
    return new CollectingSink();
  }

  @Bean
  JwtDecoder jwtDecoder() {
    NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<>(TestTokens.jwkSet())).build();
    decoder.setJwtValidator(
        new DelegatingOAuth2TokenValidator<>(
            JwtValidators.createDefaultWithIssuer(TestTokens.DEFAULT_ISSUER),
            new JwtAudienceValidator(AUDIENCE)));
    return decoder;
  }

  @Bean
  UserDetailsService clientCertificateUsers() {
    return new InMemoryUserDetailsManager(
        User.withUsername("client-app").password("{noop}unused").roles("CLIENT").build());
  }

  @Bean
  @Order(1)
  SecurityFilterChain clientCertificates(HttpSecurity http, UserDetailsService users) throws Exception {
    http.securityMatcher("/x509/**")
        .authorizeHttpRequests(a -> a.anyRequest().hasRole("CLIENT"))
        .x509(x -> x.subjectPrincipalRegex("CN=(.*?)(?:,|$)").userDetailsService(users))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain api(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            a ->
                // Boot's error page must render for the refusals of the other chain too.
                a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                    .requestMatchers("/api/orders").hasAuthority("SCOPE_orders:read")
                    .requestMatchers("/api/admin").hasAuthority("SCOPE_orders:write")
                    .anyRequest().authenticated())
        .oauth2ResourceServer(o -> o.jwt(Customizer.withDefaults()))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable());
    return http.build();
  }

  @Service
  public static class Audit {
    @PreAuthorize("hasRole('AUDITOR')")
    public String report() {
      return "report";
    }
  }

  @RestController
  public static class Endpoints {
    private final Audit audit;
    private final AsyncTaskExecutor executor;
    private final RestClient downstream;

    Endpoints(
        Audit audit,
        AsyncTaskExecutor applicationTaskExecutor,
        RestClient.Builder restClients,
        @Value("${downstream.url:http://127.0.0.1:1}") String downstreamUrl) {
      this.audit = audit;
      this.executor = applicationTaskExecutor;
      this.downstream = restClients.baseUrl(downstreamUrl).build();
    }

    /** Calls the downstream service with Boot's RestClient.Builder and relays a failure as 502. */
    @GetMapping("/api/downstream")
    ResponseEntity<String> callDownstream() {
      try {
        downstream.get().uri("/inventory?sku=1").retrieve().toBodilessEntity();
        return ResponseEntity.ok("ok");
      } catch (RestClientResponseException e) {
        return ResponseEntity.status(502).body("downstream " + e.getStatusCode().value());
      }
    }

    @GetMapping("/api/orders")
    String orders() {
      return "orders";
    }

    @GetMapping("/api/admin")
    String admin() {
      return "admin";
    }

    @GetMapping("/api/audit")
    String audit() {
      return audit.report();
    }

    /** The request id, as seen on an executor thread through the record the decorator carried. */
    @GetMapping("/api/background")
    String background() throws Exception {
      Callable<String> task = () -> String.valueOf(RequestIdentity.current().requestId());
      return executor.submit(task).get();
    }

    @GetMapping("/x509/whoami")
    String whoami() {
      return "client";
    }
  }
}
