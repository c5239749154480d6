package io.ossserve.engine.cpu;

import java.util.Arrays;

/**
 * Which decode the batch-1 MXFP4 products use on 256-bit vectors: the table decode ({@link VectorMxfp4}) or the shift
 * decode ({@link VectorMxfp4Shift}). Both give the same results; their speed depends on the processor (the shift decode
 * feeds subnormal operands to the FMA, which some processors handle in microcode). In {@link Mode#AUTO} the calls
 * alternate between the two, two calls each (a decode step alternates the experts' first and second products, of
 * different sizes, so each decode gets both), until each has been timed {@link #SAMPLES} times after {@link #WARM_UP}
 * calls (while the JIT compiles both); the times are per weight, and the decode with the lower median keeps every
 * later call. Calls of one backend are serial (one decode step at a time); the methods are synchronized all the same.
 */
final class Mxfp4DecodeChoice {

    /** {@code auto}: timed on the first calls; {@code table}, {@code shift}: fixed. */
    enum Mode { AUTO, TABLE, SHIFT }

    /**
     * Calls before timing starts (both decodes get half: enough for the JIT to compile both) and timed calls per decode:
     * 288 calls, 6 decode steps of gpt-oss-20b (48 expert products per step) or 12 of {@code small}.
     */
    static final int WARM_UP = 192, SAMPLES = 48;

    private static final System.Logger LOG = System.getLogger(Mxfp4DecodeChoice.class.getName());

    private final double[] table = new double[SAMPLES], shift = new double[SAMPLES];
    private int calls, tableCount, shiftCount;
    private Mode decided;

    Mxfp4DecodeChoice(Mode mode) {
        decided = mode == Mode.AUTO ? null : mode;
    }

    /** Whether the next call should use the shift decode. */
    synchronized boolean shiftNext() {
        return decided == null ? ((calls >> 1) & 1) == 1 : decided == Mode.SHIFT;
    }

    /**
     * The time of a call over {@code weights} weights, made with the shift decode or not (the table decode also serves
     * calls {@link #shiftNext} meant for the shift decode when the tensor or the inputs exclude it); decides once both
     * have enough samples.
     */
    synchronized void record(boolean usedShift, long nanos, long weights) {
        if (decided != null) {
            return;
        }
        if (calls++ < WARM_UP) {
            return;
        }
        double perWeight = nanos / (double) Math.max(1, weights);
        if (usedShift && shiftCount < SAMPLES) {
            shift[shiftCount++] = perWeight;
        } else if (!usedShift && tableCount < SAMPLES) {
            table[tableCount++] = perWeight;
        }
        if (shiftCount == SAMPLES && tableCount == SAMPLES) {
            double t = median(table), s = median(shift);
            decided = s < t ? Mode.SHIFT : Mode.TABLE;
            LOG.log(System.Logger.Level.INFO, () -> String.format("MXFP4 decode: %s (median per 1000 weights: shift %.2f us, "
                    + "table %.2f us)", decided.name().toLowerCase(java.util.Locale.ROOT), s, t));
        }
    }

    /** The decode in use: TABLE or SHIFT, or AUTO while still timing. */
    synchronized Mode current() {
        return decided == null ? Mode.AUTO : decided;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
