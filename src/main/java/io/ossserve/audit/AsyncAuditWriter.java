package io.ossserve.audit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit pipeline: request threads enqueue; one writer thread batches records into the database through a
 * circuit breaker. When the database fails (or the breaker is open) batches go to the spool file, and from then on
 * every new batch goes behind them, so order is kept; the spool is replayed in order once the database answers.
 * The store skips event ids it already has, so a replay interrupted after a commit never duplicates.
 */
final class AsyncAuditWriter implements AuditRecorder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AsyncAuditWriter.class);

    private final BlockingQueue<AuditEvent> queue;
    private final JdbcAuditStore store;
    private final AuditSpool spool;
    private final CircuitBreaker breaker;
    private final int batchSize;
    private final long flushIntervalMs;
    private final long replayIntervalMs;
    private final long retentionMs;
    private final long retentionIntervalMs;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile boolean busy;
    /** Records accepted by {@link #record} and not yet stored or spooled (queued or in the writer's hands). */
    private final java.util.concurrent.atomic.AtomicLong inFlight = new java.util.concurrent.atomic.AtomicLong();
    private long nextReplayMs;
    private long nextRetentionMs;

    AsyncAuditWriter(JdbcAuditStore store, AuditSpool spool, CircuitBreaker breaker, int queueCapacity, int batchSize,
            Duration flushInterval, Duration replayInterval, Duration retention, Duration retentionInterval) {
        this.queue = new ArrayBlockingQueue<>(Math.max(16, queueCapacity));
        this.store = store;
        this.spool = spool;
        this.breaker = breaker;
        this.batchSize = Math.max(1, batchSize);
        this.flushIntervalMs = Math.max(1, flushInterval.toMillis());
        this.replayIntervalMs = replayInterval.toMillis();
        this.retentionMs = retention.toMillis();
        this.retentionIntervalMs = retentionInterval.toMillis();
        this.thread = Thread.ofPlatform().name("audit-writer").daemon(true).unstarted(this::loop);
        this.thread.start();
    }

    @Override
    public void record(AuditEvent event) {
        inFlight.incrementAndGet();
        if (!queue.offer(event)) {
            try {
                if (queue.offer(event, 50, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                spool.append(List.of(event)); // overloaded: durable now, replayed later; never dropped
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    @Override
    public AuditCall call(HttpServletRequest request) {
        return request.getAttribute(AuditFilter.CALL_ATTRIBUTE) instanceof AuditCall c ? c : new AuditCall();
    }

    private void loop() {
        List<AuditEvent> batch = new ArrayList<>(batchSize);
        while (running.get() || !queue.isEmpty()) {
            try {
                AuditEvent first = queue.poll(flushIntervalMs, TimeUnit.MILLISECONDS);
                busy = true;
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, batchSize - 1);
                }
                long now = System.currentTimeMillis();
                if (!spool.isEmpty() && now >= nextReplayMs) {
                    replay(now);
                }
                if (!batch.isEmpty()) {
                    deliver(batch, now);
                    inFlight.addAndGet(-batch.size());
                    batch.clear();
                }
                if (retentionMs > 0 && now >= nextRetentionMs) {
                    nextRetentionMs = now + retentionIntervalMs;
                    applyRetention(now);
                }
            } catch (InterruptedException e) {
                if (!running.get()) {
                    continue; // drain what is left
                }
            } catch (RuntimeException e) {
                log.error("audit writer: unexpected error, records kept in the spool where possible", e);
                if (!batch.isEmpty()) {
                    trySpool(batch);
                    inFlight.addAndGet(-batch.size());
                    batch.clear();
                }
            } finally {
                busy = false;
            }
        }
    }

    private void deliver(List<AuditEvent> batch, long now) {
        if (!spool.isEmpty()) {
            spool.append(batch); // keep order behind what is already spooled
            return;
        }
        try {
            breaker.executeRunnable(() -> store.append(batch));
        } catch (RuntimeException e) {
            log.warn("audit store unavailable ({}); spooling {} records to {}", e.toString(), batch.size(),
                    spool.file());
            spool.append(batch);
            nextReplayMs = now + replayIntervalMs;
        }
    }

    private void replay(long now) {
        List<AuditEvent> spooled = spool.readAll();
        int done = 0;
        try {
            while (done < spooled.size()) {
                List<AuditEvent> chunk = spooled.subList(done, Math.min(spooled.size(), done + batchSize));
                breaker.executeRunnable(() -> store.append(chunk));
                done += chunk.size();
            }
            spool.dropFirst(done);
            log.info("audit spool replayed: {} records", done);
        } catch (RuntimeException e) {
            if (done > 0) {
                spool.dropFirst(done);
            }
            nextReplayMs = now + replayIntervalMs;
            log.debug("audit spool replay postponed after {} records: {}", done, e.toString());
        }
    }

    private void applyRetention(long now) {
        try {
            int n = store.deleteOlderThan(now - retentionMs);
            if (n > 0) {
                log.info("audit retention: deleted {} records older than {} ms", n, retentionMs);
            }
        } catch (RuntimeException e) {
            log.debug("audit retention postponed: {}", e.toString());
        }
    }

    private void trySpool(List<AuditEvent> batch) {
        try {
            spool.append(batch);
        } catch (RuntimeException e) {
            log.error("audit records could not be spooled and are lost: {}", batch.size(), e);
        }
    }

    /** Waits until queued and spooled records have reached the database; false on timeout. */
    boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (inFlight.get() == 0 && queue.isEmpty() && !busy && spool.isEmpty()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Records waiting in memory (the spool is durable and not counted). */
    int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        running.set(false);
        try {
            // the loop wakes up every flush interval and drains what is left; an interrupt while it writes the
            // spool would close the file channel under it (ClosedByInterruptException), so interrupt only a
            // writer that did not finish in time
            thread.join(10_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<AuditEvent> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            trySpool(rest);
        }
    }
}
