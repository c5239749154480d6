package io.ossserve.engine.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/** A fixed pool of worker threads that splits index ranges; owned by one backend. */
public final class Parallel implements AutoCloseable {

    /** Body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private final int threads;
    private final ForkJoinPool pool;

    public Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1 ? null : new ForkJoinPool(this.threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("ossserve-cpu-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in pieces of at least {@code minGrain} indices, on all
     * threads; returns when every piece is done.
     */
    public void forRange(int n, int minGrain, RangeBody body) {
        int pieces = pool == null ? 1 : (int) Math.min((long) threads * 4, Math.max(1, n / Math.max(1, minGrain)));
        if (pieces <= 1) {
            body.run(0, n);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(pieces);
        for (int i = 0; i < pieces; i++) {
            int from = (int) ((long) n * i / pieces);
            int to = (int) ((long) n * (i + 1) / pieces);
            tasks.add(new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(from, to);
                }
            });
        }
        pool.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                invokeAll(tasks);
            }
        });
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
