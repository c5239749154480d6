package io.ossserve.engine.cpu.bench;

import io.ossserve.engine.cpu.CpuKernels;
import io.ossserve.engine.cpu.Parallel;
import io.ossserve.engine.cpu.VectorKernels;
import io.ossserve.model.DType;
import io.ossserve.model.Matrix;
import io.ossserve.model.Mxfp4Experts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Per-kernel speed on the `small` preset's shapes (not a test: run by hand).
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes io.ossserve.engine.cpu.bench.KernelBenchmark [threads]}
 * Prints GB/s of weights for the decode GEMVs (1 token) and GFLOP/s for prefill-sized products.
 */
public final class KernelBenchmark {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        Random rnd = new Random(1);
        try (Arena arena = Arena.ofShared(); Parallel par = new Parallel(threads)) {
            CpuKernels k = new VectorKernels(par);
            int experts = 96, rows = 2048, cols = 1024;     // 107 MB: out of the caches
            MemorySegment blocks = arena.allocate((long) experts * rows * cols / 2, 64);
            MemorySegment scales = arena.allocate((long) experts * rows * cols / 32, 64);
            for (long i = 0; i < blocks.byteSize(); i++) blocks.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
            for (long i = 0; i < scales.byteSize(); i++) scales.set(ValueLayout.JAVA_BYTE, i, (byte) (120 + rnd.nextInt(6)));
            Mxfp4Experts w = new Mxfp4Experts("bench", experts, rows, cols, blocks, scales);
            // a decode step's expert product: 4 of the experts (cold) in one call
            {
                float[][] xs = new float[4][cols], outs = new float[4][rows];
                for (float[] x : xs) for (int i = 0; i < cols; i++) x[i] = (float) rnd.nextGaussian();
                long bytes = 4L * ((long) rows * cols / 2 + (long) rows * cols / 32);
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 400; round++) {
                    int e0 = (round * 4) % experts;
                    long t0 = System.nanoTime();
                    k.matmulMxfp4(w, new int[] {e0, e0 + 1, e0 + 2, e0 + 3}, xs, new int[] {1, 1, 1, 1}, outs);
                    long dt = System.nanoTime() - t0;
                    if (round > 100) best = Math.min(best, dt);
                }
                System.out.printf("mxfp4 4 experts %dx%d, 1 token each, cold: %8.1f us  %6.2f GB/s%n", rows, cols, best / 1e3, bytes / best);
            }
            int vocab = 201088, h = 1024;
            MemorySegment lm = arena.allocate((long) vocab * h * 2, 64);
            for (long i = 0; i < lm.byteSize(); i += 2) lm.set(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) (0x3C00 + rnd.nextInt(0x200)));
            Matrix head = new Matrix("lm_head", DType.BF16, vocab, h, lm);
            for (int tokens : new int[] {1, 4, 32, 128, 512}) {
                float[] x = new float[tokens * cols];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                float[] out = new float[tokens * rows];
                long bytesPerExpert = (long) rows * cols / 2 + (long) rows * cols / 32;
                double best = Double.MAX_VALUE;
                int reps = tokens >= 32 ? 8 : 400;
                for (int round = 0; round < 5; round++) {
                    long t0 = System.nanoTime();
                    for (int r = 0; r < reps; r++) k.matmulMxfp4(w, r % experts, x, tokens, out);
                    best = Math.min(best, (System.nanoTime() - t0) / (double) reps);
                }
                System.out.printf("mxfp4 %dx%d tokens %3d: %8.1f us  %6.2f GB/s  %6.1f GFLOP/s%n", rows, cols, tokens, best / 1e3,
                        bytesPerExpert / best, 2.0 * rows * cols * tokens / best);
            }
            for (int tokens : new int[] {1, 4, 32}) {
                float[] x = new float[tokens * h];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                float[] out = new float[tokens * vocab];
                double best = Double.MAX_VALUE;
                for (int round = 0; round < (tokens == 1 ? 40 : 6); round++) {
                    long t0 = System.nanoTime();
                    k.matmul(head, x, tokens, out);
                    best = Math.min(best, (System.nanoTime() - t0));
                }
                System.out.printf("bf16 lm_head %dx%d tokens %3d: %8.1f ms  %6.2f GB/s  %6.1f GFLOP/s%n", vocab, h, tokens, best / 1e6,
                        lm.byteSize() / best, 2.0 * vocab * h * tokens / best);
            }
            // tiny's unembedding: 201088 x 64, the batched decode case (32 rows)
            MemorySegment small = arena.allocate((long) vocab * 64 * 2, 64);
            for (long i = 0; i < small.byteSize(); i += 2) small.set(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) (0x3C00 + rnd.nextInt(0x200)));
            Matrix tinyHead = new Matrix("tiny lm_head", DType.BF16, vocab, 64, small);
            for (int tokens : new int[] {1, 32}) {
                float[] x = new float[tokens * 64];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                float[] out = new float[tokens * vocab];
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 30; round++) {
                    long t0 = System.nanoTime();
                    k.matmul(tinyHead, x, tokens, out);
                    best = Math.min(best, (System.nanoTime() - t0));
                }
                System.out.printf("bf16 tiny lm_head %dx64 tokens %3d: %8.2f ms  %6.2f GB/s  %6.1f GFLOP/s%n", vocab, tokens, best / 1e6,
                        small.byteSize() / best, 2.0 * vocab * 64 * tokens / best);
            }
            System.out.printf("stream read %.1f GB/s, fma peak %.1f GFLOP/s%n", k.streamReadGBs(1L << 30, 3), k.fmaGflops(500));
        }
    }
}
