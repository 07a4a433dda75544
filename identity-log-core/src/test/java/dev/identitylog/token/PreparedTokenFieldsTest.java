package dev.identitylog.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.redact.Limits;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A cached token's fields are cleaned once and copied into each event: the same event as setting
 * them one by one, under any limits, for nothing per request.
 */
class PreparedTokenFieldsTest {
  private static final String TOKEN =
      dev.identitylog.testing.TestTokens.rs256()
          .subject("user-1\nsecond line")
          .audiences("orders", "billing")
          .scope("read write")
          .jti("id-" + "j".repeat(100))
          .clientId("")
          .act(List.of("gateway"))
          .claim("tenant", "acme")
          .sign();

  private static final TokenInspector INSPECTOR =
      TokenInspector.builder().allowClaims("tenant").build();

  @Test
  void copiedFieldsEqualThoseSetOneByOneUnderAnyLimits() {
    TokenFacts facts = INSPECTOR.inspect(TOKEN);
    for (Limits limits : List.of(Limits.defaults(), Limits.of(64, 1, 16 * 1024))) {
      IdentityEvent copied = facts.applyTo(IdentityEvent.builder(limits), null).build();
      assertThat(fields(copied)).isEqualTo(fields(oneByOne(facts, limits)));
      assertThat(copied.claims()).containsEntry("identity.token.claim.tenant", "acme");
    }
    IdentityEvent cut = facts.applyTo(IdentityEvent.builder(Limits.of(64, 1, 16 * 1024)), null).build();
    assertThat(cut.get(Fields.TOKEN_ID)).hasSize(64);
    assertThat(cut.get(Fields.TOKEN_AUDIENCE)).containsExactly("orders");
    assertThat(cut.get(Fields.TOKEN_SUBJECT)).isEqualTo("user-1\uFFFDsecond line");
  }

  @Test
  void applyingWarmFactsAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
    TokenFacts facts =
        INSPECTOR.inspect(
            dev.identitylog.testing.TestTokens.rs256()
                .audiences("orders", "billing")
                .scope("read write")
                .sign());
    IdentityEvent.Builder b = IdentityEvent.builder();
    long perApply = Long.MAX_VALUE;
    for (int round = 0; round < 20 && perApply > 0; round++) {
      long id = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(id);
      for (int i = 0; i < 2_000; i++) {
        facts.applyTo(b, null);
      }
      perApply = Math.min(perApply, (threads.getThreadAllocatedBytes(id) - before) / 2_000);
    }
    // Before: the audience and scopes were cleaned into new lists on every request.
    assertThat(perApply).isZero();
  }

  private static IdentityEvent oneByOne(TokenFacts f, Limits limits) {
    IdentityEvent.Builder b = IdentityEvent.builder(limits);
    b.set(Fields.TOKEN_TYPE, f.type()).set(Fields.TOKEN_HASH, f.hash());
    b.set(Fields.TOKEN_ISSUER, f.issuer()).set(Fields.TOKEN_SUBJECT, f.subject());
    b.set(Fields.TOKEN_ID, f.id()).set(Fields.TOKEN_CLIENT_ID, f.clientId());
    b.set(Fields.TOKEN_AUDIENCE, f.audience()).set(Fields.TOKEN_SCOPES, f.scopes());
    b.set(Fields.TOKEN_ISSUED_AT, f.issuedAt()).set(Fields.TOKEN_NOT_BEFORE, f.notBefore());
    b.set(Fields.TOKEN_EXPIRES_AT, f.expiresAt()).set(Fields.TOKEN_ALG, f.alg());
    b.set(Fields.TOKEN_KID, f.kid()).set(Fields.TOKEN_CNF_X5T_S256, f.cnfX5tS256());
    b.set(Fields.TOKEN_BINDING, f.binding(null)).set(Fields.TOKEN_ACTOR_CHAIN, f.actorChain());
    b.set(Fields.TOKEN_VERIFIED, f.verified());
    return b.build();
  }

  private static Map<String, Object> fields(IdentityEvent e) {
    Map<String, Object> out = new LinkedHashMap<>();
    e.forEach((field, value) -> out.put(field.key(), value));
    return out;
  }
}
