package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.TestModels;
import io.ossserve.engine.StepBackend;
import io.ossserve.model.Checkpoint;
import io.ossserve.model.LayerWeights;
import io.ossserve.model.Matrix;
import io.ossserve.model.ModelWeights;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResidentWeightsTest {

    private static final long GIB = 1L << 30;

    @Test
    void autoCopiesOnlyOnLinuxWithHugePagesAndRoom() {
        long bytes = 4 * GIB;
        assertThat(ResidentWeights.autoCopies(true, "madvise", 16 * GIB, bytes)).isEmpty();
        assertThat(ResidentWeights.autoCopies(true, "always", 16 * GIB, bytes)).isEmpty();
        assertThat(ResidentWeights.autoCopies(false, "madvise", 16 * GIB, bytes)).get().asString().contains("Linux only");
        assertThat(ResidentWeights.autoCopies(true, "never", 16 * GIB, bytes)).get().asString().contains("disabled");
        assertThat(ResidentWeights.autoCopies(true, null, 16 * GIB, bytes)).get().asString().contains("not available");
        assertThat(ResidentWeights.autoCopies(true, "madvise", -1, bytes)).get().asString().contains("unknown");
        // the copy + a quarter + 1 GiB: 6 GiB here
        assertThat(ResidentWeights.autoCopies(true, "madvise", 6 * GIB, bytes)).isEmpty();
        assertThat(ResidentWeights.autoCopies(true, "madvise", 6 * GIB - 1, bytes)).get().asString()
                .contains("below the 6144 MiB a copy of 4096 MiB would want");
    }

    @Test
    void containerLimitsBoundTheAvailableMemory() {
        // cgroup v2: limit less anonymous memory; no limit
        assertThat(ResidentWeights.cgroupRoom("8589934592\n", "anon 1073741824\nfile 4294967296\n", "anon ")).isEqualTo(7 * GIB);
        assertThat(ResidentWeights.cgroupRoom("max\n", "anon 5\n", "anon ")).isEqualTo(-1);
        // cgroup v1: the "unlimited" value is near 2^63
        assertThat(ResidentWeights.cgroupRoom("9223372036854771712\n", "total_rss 5\n", "total_rss ")).isEqualTo(-1);
        assertThat(ResidentWeights.cgroupRoom("4294967296", "cache 7\ntotal_rss 1073741824\n", "total_rss ")).isEqualTo(3 * GIB);
        assertThat(ResidentWeights.cgroupRoom(null, "anon 1", "anon ")).isEqualTo(-1);
        assertThat(ResidentWeights.cgroupRoom("12x", "anon 1", "anon ")).isEqualTo(-1);
        // on this Linux machine the reading works: known (not -1) and within MemAvailable
        org.junit.jupiter.api.Assumptions.assumeTrue(ResidentWeights.memAvailable() > 0, "no /proc/meminfo here");
        assertThat(ResidentWeights.available()).isBetween(0L, ResidentWeights.memAvailable() + GIB);
    }

    @Test
    void mappedPlacementKeepsTheCheckpointsWeights() {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny());
             ResidentWeights placed = ResidentWeights.place(ck.weights(), ResidentWeights.Placement.MAPPED)) {
            assertThat(placed.weights()).isSameAs(ck.weights());
            assertThat(placed.description()).isEqualTo("weights mapped");
        }
    }

    @Test
    void copiedWeightsHoldTheSameBytesElsewhereAndGiveTheSameLogits() {
        int[] tokens = CpuBackendTest.randomTokens(11, 12);
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny());
             ResidentWeights placed = ResidentWeights.place(ck.weights(), ResidentWeights.Placement.COPIED)) {
            ModelWeights src = ck.weights(), copy = placed.weights();
            assertThat(placed.description()).startsWith("weights copied (");
            List<MemorySegment[]> pairs = new ArrayList<>();
            pairs.add(new MemorySegment[] {src.unembedding().data(), copy.unembedding().data()});
            for (int i = 0; i < src.layers().size(); i++) {
                LayerWeights a = src.layers().get(i), b = copy.layers().get(i);
                for (Matrix[] m : new Matrix[][] {{a.q(), b.q()}, {a.k(), b.k()}, {a.v(), b.v()}, {a.o(), b.o()}, {a.router(), b.router()}}) {
                    assertThat(m[1].rows()).isEqualTo(m[0].rows());
                    assertThat(m[1].cols()).isEqualTo(m[0].cols());
                    pairs.add(new MemorySegment[] {m[0].data(), m[1].data()});
                }
                pairs.add(new MemorySegment[] {a.mlp1().blocks(), b.mlp1().blocks()});
                pairs.add(new MemorySegment[] {a.mlp1().scales(), b.mlp1().scales()});
                pairs.add(new MemorySegment[] {a.mlp2().blocks(), b.mlp2().blocks()});
                pairs.add(new MemorySegment[] {a.mlp2().scales(), b.mlp2().scales()});
                assertThat(b.qBias()).isSameAs(a.qBias());
                assertThat(b.sliding()).isEqualTo(a.sliding());
            }
            long total = 0;
            for (MemorySegment[] p : pairs) {
                assertThat(p[1].address()).as("a copy, not the mapping").isNotEqualTo(p[0].address());
                assertThat(p[1].address() % 64).as("aligned").isZero();
                assertThat(p[1].mismatch(p[0])).as("same bytes").isEqualTo(-1L);
                total += p[0].byteSize();
            }
            assertThat(ResidentWeights.copiedBytes(src)).isGreaterThanOrEqualTo(total);
            assertThat(copy.embedding()).as("the embedding stays mapped").isSameAs(src.embedding());

            Parallel one = new Parallel(1);
            try (StepBackend mapped = CpuBackends.create(src, CpuBackends.Kernels.VECTOR, 1);
                 StepBackend copied = new CpuBackend(copy, CpuBackends.kernels(CpuBackends.Kernels.VECTOR, one), one, true)) {
                float[][] a = CpuBackendTest.promptLogits(mapped, tokens), b = CpuBackendTest.promptLogits(copied, tokens);
                for (int t = 0; t < tokens.length; t++) {
                    for (int i = 0; i < a[t].length; i++) {
                        assertThat(b[t][i]).as("row %d logit %d", t, i).isCloseTo(a[t][i], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void readingACopyAfterCloseThrowsInsteadOfTouchingUnmappedMemory() {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny())) {
            ResidentWeights placed = ResidentWeights.place(ck.weights(), ResidentWeights.Placement.COPIED);
            MemorySegment q = placed.weights().layers().get(0).q().data();
            byte first = q.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
            assertThat(first).isEqualTo(ck.weights().layers().get(0).q().data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            placed.close();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void backendDescribesAndReleasesItsPlacement() {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny())) {
            CpuBackend b = CpuBackends.create(ck.weights(), CpuBackends.Kernels.VECTOR, 1, ResidentWeights.Placement.COPIED);
            assertThat(b.description()).contains("weights copied (");
            float[][] logits = CpuBackendTest.promptLogits(b, new int[] {1, 2, 3});
            assertThat(logits[2]).hasSize(ck.config().vocabSize());
            b.close();          // unmaps the copy
            CpuBackend m = CpuBackends.create(ck.weights(), CpuBackends.Kernels.VECTOR, 1, ResidentWeights.Placement.MAPPED);
            assertThat(m.description()).contains("weights mapped");
            m.close();
        }
    }
}
