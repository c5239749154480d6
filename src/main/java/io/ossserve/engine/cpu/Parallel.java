package io.ossserve.engine.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads for the CPU backend's parallel loops, tuned for many short jobs (a
 * decode step issues hundreds): the calling thread works too, idle workers spin for a short while
 * before parking, and pieces are claimed from a shared counter. One job runs at a time (the backend
 * steps one batch at a time); concurrent callers are serialised.
 */
public final class Parallel implements AutoCloseable {

    /** Body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** How long an idle worker spins before parking (a decode step's kernels follow each other closely). */
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    private final Object lock = new Object();
    private volatile boolean closed;

    /** One parallel loop; its counters live with it so a late worker can never mix two jobs. */
    private static final class Job {
        final RangeBody body;
        final int n;
        final int pieces;
        final Thread caller;
        final AtomicInteger nextPiece = new AtomicInteger();
        final AtomicInteger pending;
        volatile Throwable failure;

        Job(RangeBody body, int n, int pieces, Thread caller) {
            this.body = body;
            this.n = n;
            this.pieces = pieces;
            this.caller = caller;
            this.pending = new AtomicInteger(pieces);
        }
    }

    private volatile Job job;

    public Parallel(int threads) {
        this.threads = Math.max(1, threads);
        workers = new Thread[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("ossserve-cpu-" + (i + 1)).unstarted(this::workerLoop);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in pieces of at least {@code minGrain} indices on all
     * threads; returns when every piece is done. An exception in any piece is rethrown here.
     */
    public void forRange(int n, int minGrain, RangeBody body) {
        forRange(n, minGrain, 4, body);
    }

    /**
     * As {@link #forRange(int, int, RangeBody)} with up to {@code piecesPerThread} pieces per thread: more, smaller
     * pieces balance better when the indices cost unequal amounts (the cost of a piece is one counter increment).
     */
    public void forRange(int n, int minGrain, int piecesPerThread, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int pieces = (int) Math.min((long) threads * Math.max(1, piecesPerThread), Math.max(1, n / Math.max(1, minGrain)));
        if (pieces <= 1 || workers.length == 0) {
            body.run(0, n);
            return;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the CPU worker pool is closed");
            }
            Job j = new Job(body, n, pieces, Thread.currentThread());
            job = j;                                      // publishes the job
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            work(j);
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (j.pending.get() > 0) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 50_000);
                }
            }
            Throwable f = j.failure;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
        }
    }

    private static void work(Job j) {
        int p;
        while ((p = j.nextPiece.getAndIncrement()) < j.pieces) {
            int from = (int) ((long) j.n * p / j.pieces);
            int to = (int) ((long) j.n * (p + 1) / j.pieces);
            try {
                j.body.run(from, to);
            } catch (Throwable t) {
                j.failure = t;
            } finally {
                if (j.pending.decrementAndGet() == 0) {
                    LockSupport.unpark(j.caller);
                }
            }
        }
    }

    private void workerLoop() {
        Job seen = null;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Job j;
            while ((j = job) == seen && !closed) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = j;
            if (j != null) {
                work(j);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        job = null;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
