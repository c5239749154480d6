package io.ossserve.engine.cuda;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;

/** Shared helpers of the {@code gpu}-tagged tests: skip with the reason where no CUDA device exists. */
final class Gpu {
    private Gpu() {}

    private static Optional<String> reason;

    static synchronized void assumeDevice() {
        if (reason == null) {
            reason = CudaBackends.unavailableReason(0);
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> "no CUDA device: " + reason.orElse(""));
    }

    static float[] randn(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    static double relL2(float[] got, double[] want) {
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            if (!Float.isFinite(got[i])) {
                return Double.POSITIVE_INFINITY;
            }
            num += (got[i] - want[i]) * (got[i] - want[i]);
            den += want[i] * want[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }

    static double relL2(float[] got, float[] want) {
        double[] w = new double[want.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = want[i];
        }
        return relL2(got, w);
    }
}
