package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.engine.cpu.Mxfp4DecodeChoice.Mode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch-1 MXFP4 decode choice: fixed modes stay, {@code auto} alternates while timing and keeps the faster. */
class Mxfp4DecodeChoiceTest {

    /**
     * Runs {@code calls} calls that take {@code shiftNanos} per 1000 weights with the shift decode and {@code tableNanos}
     * without; the calls alternate between 1000 and 3000 weights, as a step's first and second expert products do.
     */
    private static List<Boolean> run(Mxfp4DecodeChoice c, int calls, long shiftNanos, long tableNanos) {
        List<Boolean> used = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            boolean shift = c.shiftNext();
            used.add(shift);
            long weights = i % 2 == 0 ? 3000 : 1000;
            c.record(shift, (shift ? shiftNanos : tableNanos) * weights / 1000, weights);
        }
        return used;
    }

    @Test
    void fixedModesNeverChange() {
        Mxfp4DecodeChoice table = new Mxfp4DecodeChoice(Mode.TABLE), shift = new Mxfp4DecodeChoice(Mode.SHIFT);
        assertThat(run(table, 500, 1, 1_000_000)).containsOnly(false);
        assertThat(run(shift, 500, 1_000_000, 1)).containsOnly(true);
        assertThat(table.current()).isEqualTo(Mode.TABLE);
        assertThat(shift.current()).isEqualTo(Mode.SHIFT);
    }

    @Test
    void autoAlternatesWhileTimingThenKeepsTheFaster() {
        int timing = Mxfp4DecodeChoice.WARM_UP + 2 * Mxfp4DecodeChoice.SAMPLES;
        Mxfp4DecodeChoice c = new Mxfp4DecodeChoice(Mode.AUTO);
        List<Boolean> first = run(c, timing - 1, 300, 500);
        assertThat(c.current()).isEqualTo(Mode.AUTO);
        for (int i = 0; i < first.size(); i++) {
            assertThat(first.get(i)).as("call %d", i).isEqualTo(i % 4 >= 2);       // two calls each
        }
        run(c, 1, 300, 500);
        assertThat(c.current()).isEqualTo(Mode.SHIFT);
        assertThat(run(c, 200, 10_000, 1)).as("decided: later timings change nothing").containsOnly(true);

        Mxfp4DecodeChoice slowShift = new Mxfp4DecodeChoice(Mode.AUTO);
        run(slowShift, timing, 900, 500);
        assertThat(slowShift.current()).isEqualTo(Mode.TABLE);
        assertThat(run(slowShift, 50, 1, 500)).containsOnly(false);
    }

    @Test
    void timesArePerWeightSoCallsOfDifferentSizesCompare() {
        // both decodes equally fast per weight, but the table decode would get only the large calls with a period of two:
        // per call the shift decode would look three times faster. Per weight, with a tie broken for the table decode,
        // the choice is the table; a shift decode 1% faster per weight wins.
        Mxfp4DecodeChoice tie = new Mxfp4DecodeChoice(Mode.AUTO);
        run(tie, Mxfp4DecodeChoice.WARM_UP + 2 * Mxfp4DecodeChoice.SAMPLES, 500, 500);
        assertThat(tie.current()).isEqualTo(Mode.TABLE);
        Mxfp4DecodeChoice slightly = new Mxfp4DecodeChoice(Mode.AUTO);
        run(slightly, Mxfp4DecodeChoice.WARM_UP + 2 * Mxfp4DecodeChoice.SAMPLES, 495, 500);
        assertThat(slightly.current()).isEqualTo(Mode.SHIFT);
    }

    @Test
    void theMedianDecidesNotAFewOutliers() {
        Mxfp4DecodeChoice c = new Mxfp4DecodeChoice(Mode.AUTO);
        int calls = 0;
        while (c.current() == Mode.AUTO) {
            boolean shift = c.shiftNext();
            // the shift decode is faster on most calls, but a few of its calls are very slow (a neighbour, a page fault)
            c.record(shift, shift ? (calls % 10 == 3 ? 50_000 : 300) : 500, 1000);
            calls++;
        }
        assertThat(c.current()).isEqualTo(Mode.SHIFT);
    }
}
