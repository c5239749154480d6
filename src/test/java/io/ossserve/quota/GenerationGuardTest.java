package io.ossserve.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.ossserve.config.ResilienceProperties;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bulkhead, circuit breaker and time limit around generations. */
class GenerationGuardTest {
    final GenerationGuard guard = new GenerationGuard(new ResilienceProperties(
            new ResilienceProperties.Generation(2, Duration.ZERO, Duration.ofMillis(300)),
            new ResilienceProperties.Breaker(50, 4, 4, Duration.ofMillis(500)),
            new ResilienceProperties.Breaker(50, 4, 4, Duration.ofMillis(500)),
            new ResilienceProperties.Retry(1, Duration.ZERO)));

    @AfterEach
    void close() {
        guard.destroy();
    }

    @Test
    void bulkheadRefusesTheThirdConcurrentGenerationWith503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GenerationGuard.Permit a = guard.begin(() -> {});
        GenerationGuard.Permit b = guard.begin(() -> {});
        assertThatThrownBy(() -> guard.begin(() -> {})).isInstanceOfSatisfying(GenerationRejectedException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.code()).isEqualTo("server_overloaded");
                    assertThat(e.retryAfterMs()).isPositive();
                });
        a.success();
        a.close();
        assertThat(guard.call(() -> "ok")).isEqualTo("ok");
        b.close();
        release.countDown();
    }

    @Test
    void timeLimitCutsSlowGenerationsWith504AndStreamingPermitsGetTheirTimeoutCallback() throws Exception {
        assertThatThrownBy(() -> guard.call(() -> {
            Thread.sleep(5_000);
            return "late";
        })).isInstanceOfSatisfying(GenerationRejectedException.class, e -> assertThat(e.status()).isEqualTo(504));
        CountDownLatch timedOut = new CountDownLatch(1);
        try (GenerationGuard.Permit p = guard.begin(timedOut::countDown)) {
            assertThat(timedOut.await(2, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void breakerOpensOnBackendFailuresButNotOnClientMistakesAndRecovers() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> guard.call(() -> {
                throw new IllegalArgumentException("bad request");
            })).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(guard.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> guard.call(() -> {
                throw new IllegalStateException("backend crashed");
            })).isInstanceOf(IllegalStateException.class);
        }
        assertThat(guard.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> guard.call(() -> ran.getAndSet(true)))
                .isInstanceOfSatisfying(GenerationRejectedException.class, e -> assertThat(e.code()).isEqualTo("backend_unavailable"));
        assertThat(ran).isFalse();
        Thread.sleep(600);
        for (int i = 0; i < 4; i++) {
            assertThat(guard.call(() -> "ok")).isEqualTo("ok");
        }
        assertThat(guard.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
