package io.ossserve.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ossserve.config.QuotaProperties.RedisFailurePolicy;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Window arithmetic, header formatting and the Redis-down policy (against a closed loopback port). */
class QuotaStoreTest {

    @Test
    void minuteAndDayWindowsChargeAllOrNothingAndSettle() {
        InMemoryQuotaStore s = new InMemoryQuotaStore();
        long t = 1_000 * QuotaStore.MINUTE_MS + 500;
        assertThat(s.hitRequests("a", 2, t).allowed()).isTrue();
        assertThat(s.hitRequests("a", 2, t).remaining()).isZero();
        assertThat(s.hitRequests("a", 2, t).allowed()).isFalse();
        assertThat(s.hitRequests("a", 2, t + QuotaStore.MINUTE_MS).allowed()).isTrue();

        QuotaStore.Charge c = s.chargeTokens("b", 80, 100, 150, t);
        assertThat(c.allowed()).isTrue();
        assertThat(s.chargeTokens("b", 30, 100, 150, t).allowed()).isFalse();
        s.adjustTokens("b", c.minuteWindow(), c.dayWindow(), -70); // settled at 10
        assertThat(s.peekTokens("b", 100, t).remaining()).isEqualTo(90);
        QuotaStore.Charge daily = s.chargeTokens("b", 90, 100, 50, t + QuotaStore.MINUTE_MS);
        assertThat(daily.allowed()).isFalse();
        assertThat(daily.dailyExceeded()).isTrue();

        assertThat(s.acquireSlot("c", "t1", 1, t, 1000)).isTrue();
        assertThat(s.acquireSlot("c", "t2", 1, t, 1000)).isFalse();
        assertThat(s.acquireSlot("c", "t2", 1, t + 1001, 1000)).isTrue(); // abandoned slot expired
    }

    @Test
    void resetDurationsUseOpenAiStyle() {
        assertThat(RateLimitHeaders.duration(250)).isEqualTo("250ms");
        assertThat(RateLimitHeaders.duration(45_000)).isEqualTo("45s");
        assertThat(RateLimitHeaders.duration(360_000)).isEqualTo("6m0s");
        assertThat(RateLimitHeaders.duration(3_723_000)).isEqualTo("1h2m3s");
    }

    @Test
    void redisDownFallsBackToLocalLimitsOrRejectsWith503() {
        LettuceConnectionFactory dead = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1),
                LettuceClientConfiguration.builder().commandTimeout(java.time.Duration.ofMillis(300)).build());
        dead.afterPropertiesSet();
        try {
            StringRedisTemplate template = new StringRedisTemplate(dead);
            RedisQuotaStore redis = new RedisQuotaStore(template, "t:");
            FailoverQuotaStore local = new FailoverQuotaStore(redis, new InMemoryQuotaStore(), RedisFailurePolicy.LOCAL,
                    5_000, Clock.systemUTC());
            long now = System.currentTimeMillis();
            assertThat(local.hitRequests("x", 2, now).allowed()).isTrue();
            assertThat(local.degraded()).isTrue();
            assertThat(local.hitRequests("x", 2, now).allowed()).isTrue();
            assertThat(local.hitRequests("x", 2, now).allowed()).isFalse(); // local limit still enforced

            FailoverQuotaStore reject = new FailoverQuotaStore(redis, new InMemoryQuotaStore(),
                    RedisFailurePolicy.REJECT, 5_000, Clock.systemUTC());
            assertThatThrownBy(() -> reject.hitRequests("x", 2, now))
                    .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.status()).isEqualTo(503));
        } finally {
            dead.destroy();
        }
    }
}
