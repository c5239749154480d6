package io.ossserve.engine;

import io.ossserve.model.GptOssConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Measures a backend the way the community does: prefill tok/s at a fixed prompt length, decode tok/s at
 * a batch size, after a warm-up, median of repeated runs. Random prompt tokens (timing does not depend
 * on values, but routing does, so tokens vary).
 */
public final class EngineBenchmark {
    private EngineBenchmark() {}

    /**
     * @param decodeRuns seconds of each timed decode run, in order
     * @param floors     per decode run, the mean of a floor probe (e.g. streaming-read GB/s) taken just before and
     *                   just after it; empty without a probe
     */
    /**
     * @param decodeRuns    seconds of each timed decode run
     * @param floors        the read floor around each decode run (empty without one)
     * @param prefillRuns   seconds of each timed prefill run
     * @param prefillFloors the compute floor around each prefill run (empty without one)
     */
    public record Result(int batch, int promptLength, int genLength, double prefillSeconds, double decodeSeconds,
            double prefillTokPerS, double decodeTokPerS, double msPerStep, double prefillFlopsPerToken,
            double[] decodeRuns, double[] floors, double[] prefillRuns, double[] prefillFloors) {}

    /** Multiply-add work of one prompt token at position {@code pos} (2 flops each), lm_head excluded. */
    public static double flopsPerToken(GptOssConfig c, int pos) {
        double h = c.hiddenSize(), q = c.qWidth(), kv = c.kvWidth();
        double perLayer = h * q + 2 * h * kv + q * h + c.numExperts() * h
                + c.expertsPerToken() * (2.0 * c.intermediateSize() * h + h * c.intermediateSize());
        double total = 0;
        for (int l = 0; l < c.numLayers(); l++) {
            int keys = c.isSliding(l) ? Math.min(pos + 1, c.slidingWindow()) : pos + 1;
            total += perLayer + 2.0 * keys * q;        // scores and P·V
        }
        return 2 * total;
    }

    public static Result run(StepBackend b, int batch, int promptLength, int genLength, int repeats, long seed,
            Consumer<String> progress) {
        return run(b, batch, promptLength, genLength, repeats, seed, progress, null, null, () -> { });
    }

    /**
     * As {@link #run(StepBackend, int, int, int, int, long, Consumer)}, with {@code floor} (when not null) measured
     * right before and right after each timed decode run: on a machine whose memory bandwidth drifts (a VM with
     * neighbours), a floor measured once at the start can belong to another moment than the run it is compared with.
     * {@code computeFloor} (when not null) is measured the same way around each timed prefill run: the FMA peak of a
     * VM moves too (95 to 180 GFLOP/s on one 2-core VM within an hour, docs/benchmarks.md). {@code afterWarmUp} runs
     * once the warm-up is done and before the first timed run: the bench takes its first floors there, so that the JIT
     * has compiled the engine's kernels from the engine's own calls first. With the calibration loops (a stream sum and
     * FMA chains on the same vector species) run before the engine, the 256-bit MXFP4 decode loop lost an FMA
     * intrinsic in its compiled code in 5 of 6 processes (docs/benchmarks.md, ninth session); a server never runs those
     * loops.
     */
    public static Result run(StepBackend b, int batch, int promptLength, int genLength, int repeats, long seed,
            Consumer<String> progress, java.util.function.DoubleSupplier floor, java.util.function.DoubleSupplier computeFloor,
            Runnable afterWarmUp) {
        GptOssConfig c = b.config();
        Random random = new Random(seed);
        // warm-up: JIT the kernels on both paths, at the measured sizes. The JIT compiles on the same cores in the
        // background, so a short warm-up left prefill kernels half-compiled in the first timed runs (AMD Zen 5: a
        // process's first 512-token prefill at 93-111 tok/s, the next few at 300-380, compiled ones at 450-650).
        progress.accept("warm-up");
        for (int i = 0; i < 3; i++) {
            timePrefill(b, tokens(random, promptLength));
        }
        // decode for at least 3 s: the CPU backend times its two batch-1 MXFP4 decodes on the first calls of its first
        // 2 s (once the JIT has compiled both) and keeps the faster, so the timed runs below measure the one kept.
        // And for at least WARM_DECODE_STEPS steps (unless that takes over WARM_DECODE_MAX_NANOS): the methods a step
        // calls once per layer reach the JIT's last tier only after thousands of calls, and after a shorter warm-up
        // they were compiled during the first timed decode run, on the cores the engine uses (AMD Zen 4, `small`: the
        // first of 5 runs at 54-55% of the read floor in 7 of 8 processes, the others at 66-85%)
        long start = System.nanoTime(), warmUntil = start + 3_000_000_000L;
        int steps = 0;
        do {
            timeDecode(b, 1, Math.min(promptLength, 16), 16, random);
            steps += 16;
        } while (System.nanoTime() < warmUntil
                || (steps < WARM_DECODE_STEPS && System.nanoTime() - start < WARM_DECODE_MAX_NANOS));
        afterWarmUp.run();
        List<Double> prefill = new ArrayList<>();
        double[] prefillFloors = new double[computeFloor == null ? 0 : repeats];
        for (int r = 0; r < repeats; r++) {
            progress.accept("prefill " + (r + 1) + "/" + repeats + " (" + promptLength + " tokens)");
            double before = computeFloor == null ? 0 : computeFloor.getAsDouble();
            prefill.add(timePrefill(b, tokens(random, promptLength)));
            if (computeFloor != null) {
                prefillFloors[r] = (before + computeFloor.getAsDouble()) / 2;
            }
        }
        // one decode run untimed: the timed prefills above may have changed what the JIT compiled for the shared code
        timeDecode(b, batch, Math.min(promptLength, 128), genLength, random);
        List<Double> decode = new ArrayList<>();
        double[] floors = new double[floor == null ? 0 : repeats];
        for (int r = 0; r < repeats; r++) {
            progress.accept("decode " + (r + 1) + "/" + repeats + " (batch " + batch + ", " + genLength + " steps)");
            double before = floor == null ? 0 : floor.getAsDouble();
            decode.add(timeDecode(b, batch, Math.min(promptLength, 128), genLength, random));
            if (floor != null) {
                floors[r] = (before + floor.getAsDouble()) / 2;
            }
        }
        double p = median(prefill), d = median(decode);
        double flops = 0;
        for (int pos = 0; pos < promptLength; pos++) {
            flops += flopsPerToken(c, pos);
        }
        flops += 2.0 * c.vocabSize() * c.hiddenSize();   // lm_head for the last prompt token
        return new Result(batch, promptLength, genLength, p, d, promptLength / p, batch * genLength / d,
                d / genLength * 1e3, flops / promptLength, decode.stream().mapToDouble(Double::doubleValue).toArray(), floors,
                prefill.stream().mapToDouble(Double::doubleValue).toArray(), prefillFloors);
    }

    /** Decode steps of the warm-up, and the time after which it stops short of them (a slow model on the CPU). */
    private static final int WARM_DECODE_STEPS = 640;
    private static final long WARM_DECODE_MAX_NANOS = 20_000_000_000L;

    /** Seconds for {@code steps} decode steps of {@code batch} sequences after a prompt of {@code promptLength}. */
    public static double decodeSeconds(StepBackend b, int batch, int promptLength, int steps, long seed, Runnable beforeTiming) {
        return timeDecode(b, batch, promptLength, steps, new Random(seed), beforeTiming);
    }

    private static int[] tokens(Random random, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = random.nextInt(200_000);
        }
        return t;
    }

    private static double timePrefill(StepBackend b, int[] prompt) {
        try (KvCache cache = b.newCache(prompt.length)) {
            long t0 = System.nanoTime();
            b.step(List.of(new StepChunk(cache, prompt, StepChunk.Logits.LAST)), (ci, j, l) -> { });
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Prefills {@code batch} sequences, then times {@code steps} decode steps of all of them together. */
    private static double timeDecode(StepBackend b, int batch, int promptLength, int steps, Random random) {
        return timeDecode(b, batch, promptLength, steps, random, () -> { });
    }

    private static double timeDecode(StepBackend b, int batch, int promptLength, int steps, Random random, Runnable beforeTiming) {
        List<KvCache> caches = new ArrayList<>();
        try {
            int[][] next = new int[batch][1];
            for (int s = 0; s < batch; s++) {
                KvCache cache = b.newCache(promptLength + steps);
                caches.add(cache);
                int seq = s;
                b.step(List.of(new StepChunk(cache, tokens(random, promptLength), StepChunk.Logits.LAST)),
                        (ci, j, l) -> next[seq][0] = Sampler.argmax(l));
            }
            beforeTiming.run();
            long t0 = System.nanoTime();
            for (int step = 0; step < steps; step++) {
                List<StepChunk> chunks = new ArrayList<>(batch);
                for (int s = 0; s < batch; s++) {
                    chunks.add(new StepChunk(caches.get(s), next[s].clone(), StepChunk.Logits.LAST));
                }
                // sampled on all threads, as the server samples (each sequence writes only its own slot)
                b.step(chunks, LogitsSink.concurrent((ci, j, l) -> next[ci][0] = Sampler.argmax(l)));
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            caches.forEach(KvCache::close);
        }
    }

    /** Median of {@code v} (mean of the middle two for an even count). */
    public static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
