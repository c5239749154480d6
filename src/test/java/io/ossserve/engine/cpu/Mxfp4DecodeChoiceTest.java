package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.engine.cpu.Mxfp4DecodeChoice.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The batch-1 MXFP4 decode choice: fixed modes stay, {@code auto} alternates while timing and keeps the faster. */
class Mxfp4DecodeChoiceTest {

    /** A clock that each call moves on by 10 ms: the warm-up's 2 s is 200 calls, more than its 64 calls. */
    private final AtomicLong now = new AtomicLong();

    private Mxfp4DecodeChoice choice(Mode mode) {
        return new Mxfp4DecodeChoice(mode, now::get);
    }

    /** Calls until the warm-up ends and each decode has been timed: 200 + 2 × 128. */
    private static final int TIMING = 200 + 2 * Mxfp4DecodeChoice.SAMPLES;

    /**
     * Runs {@code calls} calls that take {@code shiftNanos} per 1000 weights with the shift decode and {@code tableNanos}
     * without; the calls alternate between 3000 and 1000 weights, as a step's first and second expert products do.
     */
    private List<Boolean> run(Mxfp4DecodeChoice c, int calls, long shiftNanos, long tableNanos) {
        List<Boolean> used = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            boolean shift = c.shiftNext();
            used.add(shift);
            long weights = i % 2 == 0 ? 3000 : 1000;
            now.addAndGet(10_000_000);
            c.record(shift, (shift ? shiftNanos : tableNanos) * weights / 1000, weights);
        }
        return used;
    }

    @Test
    void fixedModesNeverChange() {
        Mxfp4DecodeChoice table = choice(Mode.TABLE), shift = choice(Mode.SHIFT);
        assertThat(run(table, 1000, 1, 1_000_000)).containsOnly(false);
        assertThat(run(shift, 1000, 1_000_000, 1)).containsOnly(true);
        assertThat(table.current()).isEqualTo(Mode.TABLE);
        assertThat(shift.current()).isEqualTo(Mode.SHIFT);
    }

    @Test
    void autoAlternatesWhileTimingThenKeepsTheFaster() {
        Mxfp4DecodeChoice c = choice(Mode.AUTO);
        List<Boolean> first = run(c, TIMING - 1, 300, 500);
        assertThat(c.current()).isEqualTo(Mode.AUTO);
        for (int i = 0; i < first.size(); i++) {
            assertThat(first.get(i)).as("call %d", i).isEqualTo(i % 4 >= 2);       // two calls each
        }
        run(c, 1, 300, 500);
        assertThat(c.current()).isEqualTo(Mode.SHIFT);
        // until the next timing every call takes the shift decode, whatever the calls cost meanwhile
        assertThat(run(c, Mxfp4DecodeChoice.RECHECK_EVERY - 1, 10_000, 1)).containsOnly(true);

        Mxfp4DecodeChoice slowShift = choice(Mode.AUTO);
        run(slowShift, TIMING, 900, 500);
        assertThat(slowShift.current()).isEqualTo(Mode.TABLE);
        assertThat(run(slowShift, 50, 1, 500)).containsOnly(false);
    }

    @Test
    void laterTimingsConfirmOrChangeTheChoice() {
        Mxfp4DecodeChoice c = choice(Mode.AUTO);
        run(c, TIMING, 300, 500);
        assertThat(c.current()).isEqualTo(Mode.SHIFT);
        int recheck = 2 * Mxfp4DecodeChoice.RECHECK_SAMPLES;
        // a timing that confirms: both decodes used in turn, the shift decode kept
        List<Boolean> confirm = run(c, Mxfp4DecodeChoice.RECHECK_EVERY + recheck, 300, 500);
        assertThat(confirm.subList(Mxfp4DecodeChoice.RECHECK_EVERY - 1, confirm.size() - 1)).contains(true, false);
        assertThat(c.current()).isEqualTo(Mode.SHIFT);
        // the table decode became faster (the shift decode had been timed before the JIT compiled the table decode,
        // say): the next timing hands over to it
        run(c, Mxfp4DecodeChoice.RECHECK_EVERY + recheck, 800, 500);
        assertThat(c.current()).isEqualTo(Mode.TABLE);
        assertThat(run(c, 100, 800, 500)).containsOnly(false);
    }

    @Test
    void theWarmUpIsTimeAsWellAsCalls() {
        // calls 1 ms apart: 64 calls are not 2 s; the calls of the first 2 s are not timed, whatever they cost
        Mxfp4DecodeChoice c = choice(Mode.AUTO);
        for (int i = 0; i < 2000; i++) {
            boolean shift = c.shiftNext();
            now.addAndGet(1_000_000);
            c.record(shift, shift ? 100_000 : 500, 1000);          // the shift decode is slow while not compiled
        }
        assertThat(c.current()).isEqualTo(Mode.AUTO);
        run(c, 2 * Mxfp4DecodeChoice.SAMPLES, 300, 500);
        assertThat(c.current()).isEqualTo(Mode.SHIFT);
    }

    @Test
    void timesArePerWeightSoCallsOfDifferentSizesCompare() {
        // both decodes equally fast per weight: with a tie the table decode stays; a shift decode 1% faster per weight
        // wins. (Timed per call, with a period of one call, one decode would get only the large products.)
        Mxfp4DecodeChoice tie = choice(Mode.AUTO);
        run(tie, TIMING, 500, 500);
        assertThat(tie.current()).isEqualTo(Mode.TABLE);
        Mxfp4DecodeChoice slightly = choice(Mode.AUTO);
        run(slightly, TIMING, 495, 500);
        assertThat(slightly.current()).isEqualTo(Mode.SHIFT);
    }

    @Test
    void theMedianDecidesNotAFewOutliers() {
        Mxfp4DecodeChoice c = choice(Mode.AUTO);
        int calls = 0;
        while (c.current() == Mode.AUTO) {
            boolean shift = c.shiftNext();
            now.addAndGet(10_000_000);
            // the shift decode is faster on most calls, but a few of its calls are very slow (a neighbour, a page fault)
            c.record(shift, shift ? (calls % 10 == 3 ? 50_000 : 300) : 500, 1000);
            calls++;
        }
        assertThat(c.current()).isEqualTo(Mode.SHIFT);
    }
}
