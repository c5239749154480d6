package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ossserve.model.GptOssConfig;
import io.ossserve.model.Presets;
import org.junit.jupiter.api.Test;

/** YaRN constants and inverse frequencies against the tables of gpt-oss-spec.md §2.3. */
class RopeTest {

    @Test
    void yarnRangeIsUnroundedAndConcentrationMatches() {
        GptOssConfig c = Presets.get("20b");
        double[] lh = c.yarnRange();
        assertThat(lh[0]).isCloseTo(8.092779115512402, within(1e-12));
        assertThat(lh[1]).isCloseTo(17.39802450158856, within(1e-12));
        assertThat(c.yarnConcentration()).isCloseTo(1.3465735902799727, within(1e-15));
    }

    @Test
    void inverseFrequenciesMatchTheSpecTable() {
        float[] inv = Rope.inverseFrequencies(Presets.get("20b"));
        double[][] table = {{0, 1.0}, {1, 0.68904431}, {8, 0.05081327}, {9, 0.03170570}, {12, 0.00679496},
                {16, 4.5648392e-4}, {17, 1.2931870e-4}, {18, 3.8308812e-5}, {24, 4.0999785e-6}, {31, 3.0235114e-7}};
        for (double[] row : table) {
            assertThat((double) inv[(int) row[0]]).as("inv_%d", (int) row[0]).isCloseTo(row[1], within(row[1] * 2e-6));
        }
    }

    @Test
    void rotationIsSplitHalfWithConcentrationOnCosAndSin() {
        Rope rope = new Rope(Presets.get("20b"));
        float[] table = new float[64];
        rope.table(3, table, 0);
        float[] v = new float[64];
        v[0] = 1f;                       // pair 0 is (v[0], v[32])
        rope.apply(v, 0, 1, table, 0);
        double conc = 1.3465735902799727;
        assertThat((double) v[0]).isCloseTo(conc * Math.cos(3.0), within(1e-5));
        assertThat((double) v[32]).isCloseTo(conc * Math.sin(3.0), within(1e-5));
        assertThat(v[1]).isZero();
    }
}
