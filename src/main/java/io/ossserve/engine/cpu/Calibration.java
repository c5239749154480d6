package io.ossserve.engine.cpu;

/** The timing loop of the bench's calibrations: best rate over repeated runs. */
final class Calibration {
    private Calibration() {}

    /**
     * Fills {@code seg} with distinct 8-byte words (a xorshift sequence per 4 MB chunk) that read as normal floats
     * between 2^-31 and 1, like weights: nothing (page merging by a hypervisor, zero pages) can make the buffer
     * cheaper to read than a model. Seen on this project's VM: a buffer of one repeated byte read at 45.9 and
     * 50.8 GB/s in 2 of 18 rounds while a distinct buffer read a second later stayed at 32.9–35.5 GB/s; the VM's
     * bandwidth also drifts between about 33 and 58 GB/s, so that evidence is not conclusive on its own.
     */
    static void fillDistinct(java.lang.foreign.MemorySegment seg, Parallel parallel) {
        long chunk = 4L << 20;
        int chunks = (int) ((seg.byteSize() + chunk - 1) / chunk);
        Parallel.RangeBody fill = (from, to) -> {
            for (int c = from; c < to; c++) {
                long x = 0x9E3779B97F4A7C15L * (c + 1);
                long end = Math.min(seg.byteSize(), (c + 1) * chunk) & ~7L;
                for (long off = c * chunk; off < end; off += 8) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    seg.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, off, (x & 0x3F3F3F3F3F3F3F3FL) | 0x3000300030003000L);
                }
            }
        };
        if (parallel == null) {
            fill.run(0, chunks);
        } else {
            parallel.forRange(chunks, 1, fill);
        }
    }

    /**
     * Runs {@code work} at least {@code minRuns} times and until {@code millis} have passed; returns the best rate
     * in units per nanosecond (bytes/ns = GB/s, flops/ns = GFLOP/s). The early, not yet compiled runs lose.
     */
    static double bestRate(int minRuns, long millis, double unitsPerRun, Runnable work) {
        double best = 0;
        long deadline = System.nanoTime() + millis * 1_000_000L;
        for (int run = 0; run < minRuns || System.nanoTime() < deadline; run++) {
            long t0 = System.nanoTime();
            work.run();
            best = Math.max(best, unitsPerRun / (System.nanoTime() - t0));
        }
        return best;
    }
}
