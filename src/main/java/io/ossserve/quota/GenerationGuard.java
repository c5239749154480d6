package io.ossserve.quota;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.ossserve.config.ResilienceProperties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Resilience4j around the compute backend: a bulkhead on concurrent generations (all tenants), a circuit breaker
 * that fails fast while the backend keeps failing, and a hard time limit per generation. Client mistakes
 * ({@link IllegalArgumentException}, {@link QuotaException}) never count as backend failures. Nothing here retries:
 * a generation is not idempotent.
 */
@Component
public class GenerationGuard implements DisposableBean {
    private final Bulkhead bulkhead;
    private final CircuitBreaker breaker;
    private final TimeLimiter limiter;
    private final long timeoutMs;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "generation-deadline");
        t.setDaemon(true);
        return t;
    });

    GenerationGuard(ResilienceProperties props) {
        ResilienceProperties.Generation g = props.generation();
        this.bulkhead = Bulkhead.of("generation", BulkheadConfig.custom()
                .maxConcurrentCalls(g.maxConcurrent()).maxWaitDuration(g.maxWait()).build());
        ResilienceProperties.Breaker b = props.computeBreaker();
        this.breaker = CircuitBreaker.of("compute-backend", CircuitBreakerConfig.custom()
                .failureRateThreshold(b.failureRateThreshold())
                .slidingWindowSize(b.slidingWindowSize())
                .minimumNumberOfCalls(b.minimumCalls())
                .waitDurationInOpenState(b.waitInOpen())
                .ignoreExceptions(IllegalArgumentException.class, QuotaException.class)
                .build());
        this.limiter = TimeLimiter.of("generation", TimeLimiterConfig.custom()
                .timeoutDuration(g.timeout()).cancelRunningFuture(true).build());
        this.timeoutMs = g.timeout().toMillis();
    }

    /**
     * Runs a blocking generation under bulkhead, breaker and time limit.
     *
     * @throws GenerationRejectedException 503 {@code server_overloaded} / {@code backend_unavailable}, 504 {@code timeout}
     */
    public <T> T call(Callable<T> generation) throws Exception {
        Callable<T> limited = TimeLimiter.decorateFutureSupplier(limiter, () -> executor.submit(generation));
        Callable<T> guarded = Bulkhead.decorateCallable(bulkhead, CircuitBreaker.decorateCallable(breaker, limited));
        try {
            return guarded.call();
        } catch (BulkheadFullException e) {
            throw overloaded();
        } catch (CallNotPermittedException e) {
            throw backendOpen();
        } catch (TimeoutException e) {
            throw new GenerationRejectedException(504, "timeout", "The generation exceeded its time limit.", 0);
        }
    }

    /**
     * For streaming generations that run on the engine's threads: takes a bulkhead slot and a breaker permission;
     * {@code onTimeout} runs (once) when the time limit passes before {@link Permit#close()}.
     */
    public Permit begin(Runnable onTimeout) {
        if (!bulkhead.tryAcquirePermission()) {
            throw overloaded();
        }
        if (!breaker.tryAcquirePermission()) {
            bulkhead.onComplete();
            throw backendOpen();
        }
        return new Permit(onTimeout);
    }

    /** A running streaming generation. Report {@link #success()} or {@link #failure}, then close. */
    public final class Permit implements AutoCloseable {
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean reported = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ScheduledFuture<?> deadline;

        private Permit(Runnable onTimeout) {
            this.deadline = timer.schedule(() -> {
                failure(new TimeoutException("generation time limit"));
                onTimeout.run();
            }, timeoutMs, TimeUnit.MILLISECONDS);
        }

        public void success() {
            if (reported.compareAndSet(false, true)) {
                breaker.onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            }
        }

        public void failure(Throwable error) {
            if (reported.compareAndSet(false, true)) {
                breaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, error);
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                deadline.cancel(false);
                if (reported.compareAndSet(false, true)) {
                    breaker.releasePermission();
                }
                bulkhead.onComplete();
            }
        }
    }

    CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    private static GenerationRejectedException overloaded() {
        return new GenerationRejectedException(503, "server_overloaded",
                "The server is at its concurrent generation limit; retry shortly.", 1000);
    }

    private GenerationRejectedException backendOpen() {
        return new GenerationRejectedException(503, "backend_unavailable",
                "The compute backend is failing; requests are refused until it recovers.",
                Math.max(1000, breaker.getCircuitBreakerConfig().getMaxWaitDurationInHalfOpenState().toMillis()));
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
        timer.shutdownNow();
    }
}
