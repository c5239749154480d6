package io.ossserve.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching over a {@link StepBackend}. One scheduler thread repeats: take new requests, drop cancelled
 * ones, plan a step, run it, sample. A plan holds one decode token of every running sequence and prefill chunks of
 * sequences still reading their prompt, under {@link EngineOptions#maxBatchTokens()}; waiting requests join (FCFS)
 * while the budget, {@link EngineOptions#maxRunning()} and free KV blocks allow. KV memory is paged
 * ({@link BlockManager}); at admission the longest cached prefix of full blocks with the same salt is reused. When a
 * running sequence needs a block and none is free, the newest running sequence is preempted: its blocks are released
 * and it goes back to the head of the queue with its output so far, to be recomputed (mostly from the prefix cache).
 */
public final class ContinuousBatchingEngine implements InferenceEngine {
    private static final System.Logger LOG = System.getLogger(ContinuousBatchingEngine.class.getName());

    private final StepBackend backend;
    private final KvBlockStore store;
    private final EngineOptions options;
    private final BlockManager blocks;
    private final int watermark;
    private final ConcurrentLinkedQueue<Sequence> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean signalled;

    private volatile int runningCount;
    private volatile int usedBlocks;
    private final AtomicLong prefixQueries = new AtomicLong();
    private final AtomicLong prefixHits = new AtomicLong();
    private final AtomicLong preemptions = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private volatile long lastProgressNanos = System.nanoTime();

    /**
     * @param store paged KV storage; null for a backend without paging (each sequence then gets its own
     *              {@link StepBackend#newCache} and the block budget is only accounted, with no prefix caching)
     */
    public ContinuousBatchingEngine(StepBackend backend, KvBlockStore store, EngineOptions options) {
        this.backend = backend;
        this.store = store;
        this.options = options;
        int numBlocks = store != null ? store.numBlocks() : options.kvBlocks();
        int blockSize = store != null ? store.blockSize() : options.blockSize();
        this.blocks = new BlockManager(numBlocks, blockSize, options.prefixCaching() && store != null);
        this.watermark = Math.max(1, numBlocks / 100);
        this.thread = Thread.ofPlatform().name("ossserve-scheduler").daemon(true).unstarted(this::loop);
        thread.start();
    }

    @Override
    public EngineInfo info() {
        return new EngineInfo(backend.description(), backend.config().vocabSize(), options.maxContext(),
                options.maxRunning(), options.maxBatchTokens(), options.maxWaiting(), blocks.numBlocks(),
                blocks.blockSize(), blocks.prefixCaching());
    }

    @Override
    public GenerationHandle submit(GenerateRequest request, TokenSink sink) {
        if (closed) {
            throw new IllegalStateException("the engine is shut down");
        }
        int prompt = request.prompt().length;
        if (prompt >= options.maxContext()) {
            throw new IllegalArgumentException("prompt of " + prompt + " tokens leaves no room for output in the context of "
                    + options.maxContext() + " tokens");
        }
        int needBlocks = (prompt + blocks.blockSize()) / blocks.blockSize();
        if (needBlocks > blocks.numBlocks()) {
            throw new IllegalArgumentException("prompt of " + prompt + " tokens needs " + needBlocks
                    + " KV blocks; the KV-cache budget holds " + blocks.numBlocks());
        }
        for (int id : request.prompt()) {
            if (id < 0 || id >= backend.config().vocabSize()) {
                throw new IllegalArgumentException("prompt token id " + id + " is outside the vocabulary [0, "
                        + backend.config().vocabSize() + ")");
            }
        }
        if (queued.incrementAndGet() > options.maxWaiting()) {
            queued.decrementAndGet();
            throw new EngineOverloadedException("the engine queue is full (" + options.maxWaiting()
                    + " requests waiting)", 1 + queued.get() / Math.max(1, options.maxRunning()));
        }
        Sequence s = new Sequence(request, sink);
        incoming.add(s);
        signal();
        return new Handle(s);
    }

    /** The handle wakes the scheduler so a cancel is seen before the next step. */
    private final class Handle implements GenerationHandle {
        private final Sequence s;

        Handle(Sequence s) {
            this.s = s;
        }

        @Override
        public String requestId() {
            return s.requestId();
        }

        @Override
        public void cancel() {
            if (!s.done) {
                s.cancel();
                signal();
            }
        }

        @Override
        public boolean isDone() {
            return s.done;
        }
    }

    @Override
    public EngineStats stats() {
        int r = runningCount;
        int w = queued.get();
        return new EngineStats(w, r, usedBlocks, blocks.numBlocks(), prefixQueries.get(), prefixHits.get(),
                preemptions.get(), promptTokens.get(), generatedTokens.get(), steps.get(), lastProgressNanos,
                r == 0 && w == 0);
    }

    private void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (!closed) {
            try {
                drainIncoming();
                sweepCancelled();
                runningCount = running.size();
                usedBlocks = blocks.used();
                if (running.isEmpty() && waiting.isEmpty()) {
                    lastProgressNanos = System.nanoTime();
                    awaitWork();
                    continue;
                }
                List<Sequence> batch = new ArrayList<>();
                List<Integer> counts = new ArrayList<>();
                plan(batch, counts);
                runningCount = running.size();
                usedBlocks = blocks.used();
                if (batch.isEmpty()) {
                    awaitWork();
                    continue;
                }
                step(batch, counts);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "scheduler failure; failing the running batch", t);
                for (Sequence s : List.copyOf(running)) {
                    fail(s, t);
                }
            }
        }
        IllegalStateException shutdown = new IllegalStateException("the engine shut down");
        drainIncoming();
        for (Sequence s : List.copyOf(running)) {
            fail(s, shutdown);
        }
        for (Sequence s : List.copyOf(waiting)) {
            fail(s, shutdown);
        }
    }

    private void awaitWork() throws InterruptedException {
        lock.lock();
        try {
            while (!signalled && !closed) {
                wake.await();
            }
            signalled = false;
        } finally {
            lock.unlock();
        }
    }

    private void drainIncoming() {
        lock.lock();
        try {
            signalled = false;
        } finally {
            lock.unlock();
        }
        for (Sequence s; (s = incoming.poll()) != null; ) {
            waiting.addLast(s);
        }
    }

    private void sweepCancelled() {
        for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled) {
                it.remove();
                finish(s, FinishReason.CANCELLED, false);
            }
        }
        for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled) {
                it.remove();
                finish(s, FinishReason.CANCELLED, true);
            }
        }
    }

    /** Chooses the sequences of the next step and how many tokens each one computes. */
    private void plan(List<Sequence> batch, List<Integer> counts) {
        int budget = options.maxBatchTokens();
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence s = running.get(i);
            int n = Math.min(s.length - s.computed, budget);
            boolean preemptedSelf = false;
            while (!reserve(s, s.computed + n)) {
                Sequence victim = running.getLast();
                preempt(victim);
                if (victim == s) {
                    preemptedSelf = true;
                    break;
                }
            }
            if (preemptedSelf) {
                break;
            }
            batch.add(s);
            counts.add(n);
            budget -= n;
        }
        while (budget > 0 && running.size() < options.maxRunning() && !waiting.isEmpty()) {
            Sequence s = waiting.peekFirst();
            int hit = matchPrefix(s);
            int n = Math.min(s.length - s.computed, budget);
            int need = blocksFor(s.computed + n) - s.table.size();
            boolean fits = running.isEmpty() ? need <= blocks.available() : need + watermark <= blocks.available();
            if (!fits) {
                releaseBlocks(s);
                s.computed = 0;
                if (running.isEmpty() && batch.isEmpty()) {
                    waiting.pollFirst();
                    queued.decrementAndGet();
                    fail(s, new IllegalStateException("request needs " + need + " KV blocks; only "
                            + blocks.available() + " can be freed"));
                    continue;
                }
                break;
            }
            reserve(s, s.computed + n);
            waiting.pollFirst();
            queued.decrementAndGet();
            if (s.cachedTokens < 0) {
                s.cachedTokens = hit * blocks.blockSize();
                promptTokens.addAndGet(s.promptLength());
                prefixQueries.addAndGet(s.promptLength());
                prefixHits.addAndGet(s.cachedTokens);
            }
            s.cache = store != null ? store.sequence(s.table, s.computed, options.maxContext())
                    : backend.newCache(Math.min(options.maxContext(), s.promptLength() + s.request.maxTokens()));
            running.add(s);
            batch.add(s);
            counts.add(n);
            budget -= n;
        }
    }

    private int blocksFor(int positions) {
        return (positions + blocks.blockSize() - 1) / blocks.blockSize();
    }

    /** Reuses cached full blocks of the sequence's tokens (never all of them: the last token must be computed). */
    private int matchPrefix(Sequence s) {
        if (store == null || s.computed > 0) {
            return 0;
        }
        int maxBlocks = (s.length - 1) / blocks.blockSize();
        int hit = blocks.matchPrefix(s.request.cacheSalt(), s.tokens, maxBlocks, s.table, s.keys);
        s.computed = hit * blocks.blockSize();
        return hit;
    }

    /** Makes sure the sequence holds blocks for {@code positions}; false (and nothing taken) when too few are free. */
    private boolean reserve(Sequence s, int positions) {
        int need = blocksFor(positions) - s.table.size();
        if (need > blocks.available()) {
            return false;
        }
        for (int i = 0; i < need; i++) {
            s.table.add(blocks.allocate());
        }
        return true;
    }

    private void preempt(Sequence s) {
        running.remove(s);
        releaseBlocks(s);
        s.computed = 0;
        s.preemptions++;
        preemptions.incrementAndGet();
        waiting.addFirst(s);
        queued.incrementAndGet();
        LOG.log(System.Logger.Level.DEBUG, () -> "preempted " + s.requestId() + " (KV memory full)");
    }

    private void releaseBlocks(Sequence s) {
        for (int i = 0; i < s.table.size(); i++) {
            blocks.release(s.table.get(i));
        }
        s.table.clear();
        s.keys.clear();
        if (s.cache != null) {
            s.cache.close();
            s.cache = null;
        }
    }

    private void step(List<Sequence> batch, List<Integer> counts) {
        List<StepChunk> chunks = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Sequence s = batch.get(i);
            int n = counts.get(i);
            int[] toks = Arrays.copyOfRange(s.tokens, s.computed, s.computed + n);
            boolean last = s.computed + n == s.length;
            chunks.add(new StepChunk(s.cache, toks, last ? StepChunk.Logits.LAST : StepChunk.Logits.NONE));
        }
        SampledToken[] sampled = new SampledToken[batch.size()];
        try {
            // each chunk is its own sequence (own sampler, constraint state, slot in sampled[]): the backend
            // may sample several sequences in parallel
            backend.step(chunks, LogitsSink.concurrent((ci, row, logits) -> sampled[ci] = sample(batch.get(ci), logits)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "forward step failed for " + batch.size() + " sequences", e);
            for (Sequence s : batch) {
                fail(s, e);
            }
            return;
        }
        steps.incrementAndGet();
        lastProgressNanos = System.nanoTime();
        for (int i = 0; i < batch.size(); i++) {
            Sequence s = batch.get(i);
            s.computed += counts.get(i);
            publishFullBlocks(s);
            SampledToken tok = sampled[i];
            if (tok == null || s.cancelled) {
                continue;
            }
            s.append(tok.token());
            generatedTokens.incrementAndGet();
            try {
                s.sink.onToken(tok);
            } catch (RuntimeException e) {
                s.cancelled = true;
                continue;
            }
            FinishReason reason = null;
            if (s.request.stopTokens().contains(tok.token())) {
                reason = FinishReason.STOP;
            } else if (s.generated >= s.request.maxTokens() || s.length >= options.maxContext()) {
                reason = FinishReason.LENGTH;
            }
            if (reason != null) {
                running.remove(s);
                finish(s, reason, false);
            }
        }
    }

    private SampledToken sample(Sequence s, float[] logits) {
        if (s.cancelled) {
            return null;
        }
        TokenConstraint constraint = s.request.constraint();
        if (constraint != null && s.matcher == null && s.allowedBits == null) {
            s.matcher = constraint.newMatcher();
            s.allowedBits = new long[(logits.length + 63) >>> 6];
        }
        if (s.matcher != null) {
            java.util.Arrays.fill(s.allowedBits, 0L);
            int remaining = Math.min(s.request.maxTokens() - s.generated, options.maxContext() - s.length);
            if (s.matcher.mask(s.tokens, s.promptLength(), s.length, remaining, s.allowedBits)) {
                maskLogits(logits, s.allowedBits);
                return s.request.wantLogprobs() ? s.sampler.sample(logits)
                        : new SampledToken(s.sampler.sampleId(logits), Float.NaN, List.of());
            }
        } else if (constraint != null) {
            int[] allowed = constraint.allowed(Arrays.copyOfRange(s.tokens, s.promptLength(), s.length), s.generated);
            if (allowed != null) {
                int best = allowed[0];
                for (int id : allowed) {
                    if (logits[id] > logits[best]) {
                        best = id;
                    }
                }
                return s.request.wantLogprobs() ? Sampler.withLogprobs(logits, best, s.sampler.params().topLogprobs())
                        : new SampledToken(best, Float.NaN, List.of());
            }
        }
        if (!s.request.wantLogprobs()) {
            return new SampledToken(s.sampler.sampleId(logits), Float.NaN, List.of());
        }
        return s.sampler.sample(logits);
    }

    /** Sets every logit whose id is not in {@code allowed} to -inf (an empty mask leaves the logits as they are). */
    static void maskLogits(float[] logits, long[] allowed) {
        boolean any = false;
        for (long w : allowed) {
            any |= w != 0;
        }
        if (!any) {
            return;
        }
        for (int w = 0; w < allowed.length; w++) {
            long bits = allowed[w];
            if (bits == -1L) {
                continue;
            }
            int base = w << 6;
            int end = Math.min(64, logits.length - base);
            for (int b = 0; b < end; b++) {
                if ((bits & (1L << b)) == 0) {
                    logits[base + b] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    /** Publishes every block whose positions are all computed (prompt and output alike) to the prefix cache. */
    private void publishFullBlocks(Sequence s) {
        if (!blocks.prefixCaching()) {
            return;
        }
        int bs = blocks.blockSize();
        while (s.keys.size() < s.computed / bs) {
            int i = s.keys.size();
            long parent = i == 0 ? 0 : s.keys.get(i - 1);
            long key = blocks.key(parent, s.request.cacheSalt(), s.tokens, i * bs);
            blocks.publish(s.table.get(i), key, parent, s.request.cacheSalt(), s.tokens, i * bs);
            s.keys.add(key);
        }
    }

    private void finish(Sequence s, FinishReason reason, boolean wasWaiting) {
        if (wasWaiting) {
            queued.decrementAndGet();
        }
        releaseBlocks(s);
        // refresh the published stats before the caller learns of the end, so that it sees the freed blocks
        runningCount = running.size();
        usedBlocks = blocks.used();
        s.done = true;
        try {
            s.sink.onFinish(new Completion(reason, s.promptLength(), s.generated, Math.max(0, s.cachedTokens), s.preemptions));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "token sink of " + s.requestId() + " failed on finish", e);
        }
    }

    private void fail(Sequence s, Throwable error) {
        if (running.remove(s)) {
            releaseBlocks(s);
        } else if (waiting.remove(s)) {
            queued.decrementAndGet();
            releaseBlocks(s);
        } else {
            releaseBlocks(s);
        }
        s.done = true;
        try {
            s.sink.onError(error);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "token sink of " + s.requestId() + " failed on error", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        signal();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
