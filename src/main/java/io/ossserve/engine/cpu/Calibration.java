package io.ossserve.engine.cpu;

/** The timing loop of the bench's calibrations: best rate over repeated runs. */
final class Calibration {
    private Calibration() {}

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
