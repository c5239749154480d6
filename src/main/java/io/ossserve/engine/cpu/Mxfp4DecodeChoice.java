package io.ossserve.engine.cpu;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Which decode the batch-1 MXFP4 products use: the table decode ({@link VectorMxfp4}) or the shift decode
 * ({@link VectorMxfp4Shift}), on 256-bit vectors or, with AVX-512, 512-bit ones. Both give the same results; their speed depends on the processor (the shift decode
 * feeds subnormal operands to the FMA, which some processors handle in microcode) and on whether the JIT has compiled
 * them yet.
 * <p>
 * In {@link Mode#AUTO} the calls alternate between the two, two calls each (a decode step alternates the experts' first
 * and second products, of different sizes, so each decode gets both), and after a warm-up of at least
 * {@link #WARM_UP_CALLS} calls and {@link #WARM_UP_NANOS} since the first, each decode is timed {@link #SAMPLES} times;
 * the lower median time per weight wins. The choice is timed again every {@link #RECHECK_EVERY} calls with
 * {@link #RECHECK_SAMPLES} calls each, and the other decode takes over if it is faster then: a choice made while one
 * decode was not compiled yet (the JIT runs on the cores the engine keeps busy) or while a neighbour slowed the machine
 * does not stay. Seen in {@code bench engine} on {@code small} (AMD Zen 3): calls 192-288, 0.3-0.5 s after the first,
 * still ran both decodes at the same slow 0.13-0.15 ns per weight, while from call 1000 on the shift decode took
 * 0.046-0.071 and the table decode 0.073-0.109. While the shift decode's row and pair loops were one method, the JIT
 * compiled it badly in about half of the bench processes (0.094-0.135 ns per weight, slower than the table decode; see
 * {@link VectorMxfp4Shift#rows}), and the timing kept the table decode there. Calls of one backend are serial (one
 * decode step at a time); the methods are synchronized all the same.
 */
final class Mxfp4DecodeChoice {

    /** {@code auto}: timed on the first calls and again now and then; {@code table}, {@code shift}: fixed. */
    enum Mode { AUTO, TABLE, SHIFT }

    /** Calls and time before the first timing, and timed calls per decode. */
    static final int WARM_UP_CALLS = 64, SAMPLES = 128;
    static final long WARM_UP_NANOS = 2_000_000_000L;
    /** Calls between two later timings, and timed calls per decode in each: 1.6% of the calls, half of them slower. */
    static final int RECHECK_EVERY = 4096, RECHECK_SAMPLES = 32;

    private static final System.Logger LOG = System.getLogger(Mxfp4DecodeChoice.class.getName());

    private final boolean fixed;
    private final LongSupplier clock;
    private final double[] table = new double[SAMPLES], shift = new double[SAMPLES];
    /** Calls so far; while timing, the parity of calls / 2 picks the decode. */
    private long calls;
    private long firstCall, nextTiming;
    private int tableCount, shiftCount, samples = SAMPLES;
    /** The decode in use; null until the first timing has decided. */
    private Mode chosen;
    private boolean timing;

    Mxfp4DecodeChoice(Mode mode) {
        this(mode, System::nanoTime);
    }

    /** With {@code clock} (nanoseconds) for the warm-up's duration. */
    Mxfp4DecodeChoice(Mode mode, LongSupplier clock) {
        this.clock = clock;
        fixed = mode != Mode.AUTO;
        chosen = fixed ? mode : null;
    }

    /** Whether the next call should use the shift decode. */
    synchronized boolean shiftNext() {
        return chosen == null || timing ? ((calls >> 1) & 1) == 1 : chosen == Mode.SHIFT;
    }

    /**
     * The time of a call over {@code weights} weights, made with the shift decode or not (the table decode also serves
     * calls {@link #shiftNext} meant for the shift decode when the tensor or the inputs exclude it).
     */
    synchronized void record(boolean usedShift, long nanos, long weights) {
        if (fixed) {
            return;
        }
        long now = clock.getAsLong();
        if (calls++ == 0) {
            firstCall = now;
        }
        if (chosen == null && !timing) {
            if (calls <= WARM_UP_CALLS || now - firstCall < WARM_UP_NANOS) {
                return;
            }
            startTiming(SAMPLES);
        } else if (!timing) {
            if (calls < nextTiming) {
                return;
            }
            startTiming(RECHECK_SAMPLES);
        }
        double perWeight = nanos / (double) Math.max(1, weights);
        if (usedShift && shiftCount < samples) {
            shift[shiftCount++] = perWeight;
        } else if (!usedShift && tableCount < samples) {
            table[tableCount++] = perWeight;
        }
        if (shiftCount == samples && tableCount == samples) {
            double t = median(table, samples), s = median(shift, samples);
            Mode before = chosen, next = s < t ? Mode.SHIFT : Mode.TABLE;
            chosen = next;
            timing = false;
            nextTiming = calls + RECHECK_EVERY;
            if (before != next) {
                LOG.log(System.Logger.Level.INFO, () -> String.format(
                        "MXFP4 decode: %s (median per 1000 weights: shift %.1f ns, table %.1f ns)",
                        next.name().toLowerCase(Locale.ROOT), 1000 * s, 1000 * t));
            }
        }
    }

    private void startTiming(int n) {
        timing = true;
        samples = n;
        tableCount = 0;
        shiftCount = 0;
    }

    /** The decode in use: TABLE or SHIFT, or AUTO until the first timing has decided. */
    synchronized Mode current() {
        return chosen == null ? Mode.AUTO : chosen;
    }

    private static double median(double[] v, int n) {
        double[] c = Arrays.copyOf(v, n);
        Arrays.sort(c);
        return c[n / 2];
    }
}
