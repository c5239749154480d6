package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    /** Run in a fresh JVM: the FMA peak's first reading, before anything is compiled. */
    public static final class FirstReading {
        public static void main(String[] args) {
            try (Parallel p = new Parallel(2)) {
                VectorKernels k = new VectorKernels(p);
                double first = k.fmaGflops(100);
                k.fmaGflops(300);
                System.out.println("first " + first + " later " + k.fmaGflops(100));
            }
        }
    }

    @Test
    void theFmaPeaksFirstReadingInAFreshJvmIsCompiledSpeed() throws Exception {
        // before the warm-up, the first reading of a fresh JVM ran in the interpreter: 0.14-0.17 GFLOP/s against ~420
        String javaCmd = ProcessHandle.current().info().command().orElse("java");
        Process proc = new ProcessBuilder(javaCmd, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                FirstReading.class.getName()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(proc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String line = out.lines().filter(l -> l.startsWith("first ")).findFirst().orElseThrow(() -> new AssertionError(out));
        String[] f = line.split(" ");
        double first = Double.parseDouble(f[1]), later = Double.parseDouble(f[3]);
        assertThat(first).as(line).isGreaterThan(later / 4);
    }

    @Test
    void streamBuffersAreWholeChunksAndTheProbeMeasuresThem() {
        try (Arena arena = Arena.ofShared(); Parallel p = new Parallel(2)) {
            assertThat(CpuKernels.streamBuffer(arena, 1, p).byteSize()).isEqualTo(4L << 20);
            MemorySegment seg = CpuKernels.streamBuffer(arena, 9L << 20, p);
            assertThat(seg.byteSize()).isEqualTo(8L << 20);
            for (CpuKernels k : new CpuKernels[] {new VectorKernels(p), new ScalarKernels(p)}) {
                assertThat(k.streamReadGBs(seg, 2)).as(k.name()).isPositive().isFinite();
            }
        }
    }

    @Test
    void theStreamingReadBufferHoldsNoTwoEqualPagesAndOnlyNormalFloats() {
        try (Arena arena = Arena.ofShared(); Parallel p = new Parallel(2)) {
            long size = (9L << 20) + 4096 + 12;              // over two 4 MB chunks, a ragged end
            MemorySegment seg = arena.allocate(size, 64);
            Calibration.fillDistinct(seg, p);
            MemorySegment alone = arena.allocate(size, 64);      // filled on this thread alone: the same words
            Calibration.fillDistinct(alone, null);
            assertThat(alone.mismatch(seg)).isEqualTo(-1);
            Set<Long> firstWords = new HashSet<>();
            for (long page = 0; page + 4096 <= size; page += 4096) {
                assertThat(firstWords.add(seg.get(ValueLayout.JAVA_LONG_UNALIGNED, page))).as("page at %d", page).isTrue();
            }
            for (long off = 0; off + 4 <= (size & ~7L); off += 4) {
                float f = seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off);
                assertThat(f).as("float at %d", off).isBetween(0x1p-31f, 1f);
            }
        }
    }
}
