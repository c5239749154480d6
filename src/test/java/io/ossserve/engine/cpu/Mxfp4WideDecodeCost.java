package io.ossserve.engine.cpu;

import io.ossserve.model.Mxfp4Experts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The 512-bit (AVX-512) batch-1 MXFP4 row loops side by side (not a test: run by hand): the table decode
 * ({@link VectorMxfp4#wideRows}) and the shift decode ({@link VectorMxfp4Shift#wideRows}), one thread, 256 rows × 1024 in
 * L2, alternating in one JVM; median and minimum over the rounds in ns per quad of blocks (128 weights). On a machine
 * without AVX-512 the Vector API emulates the 512-bit vectors and the numbers mean nothing.
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes io.ossserve.engine.cpu.Mxfp4WideDecodeCost}
 */
public final class Mxfp4WideDecodeCost {
    private static final int ROWS = 256, COLS = 1024, QUADS = ROWS * COLS / 128;

    private Mxfp4WideDecodeCost() {}

    public static void main(String[] args) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(1);
            MemorySegment blocks = arena.allocate((long) ROWS * COLS / 2, 64), scales = arena.allocate(ROWS * COLS / 32, 64);
            for (long i = 0; i < blocks.byteSize(); i += 8) {
                blocks.set(ValueLayout.JAVA_LONG_UNALIGNED, i, rnd.nextLong());
            }
            for (long i = 0; i < scales.byteSize(); i++) {
                scales.set(ValueLayout.JAVA_BYTE, i, (byte) (120 + rnd.nextInt(10)));
            }
            Mxfp4Experts w = new Mxfp4Experts("cost", 1, ROWS, COLS, blocks, scales);
            float[] x = new float[COLS], table = new float[COLS], shifted = new float[COLS], out = new float[ROWS];
            for (int i = 0; i < COLS; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            VectorMxfp4.interleave16(x, 0, COLS, table, 0);
            if (!VectorMxfp4Shift.wideLayout(x, 0, COLS, shifted, 0)) {
                throw new IllegalStateException("input out of the shift decode's range");
            }
            Runnable[] variants = {
                () -> VectorMxfp4.wideRows(w, 0, table, 0, out, 0, 0, ROWS),
                () -> VectorMxfp4Shift.wideRows(w, 0, shifted, out, 0, ROWS)};
            String[] names = {"table", "shift"};
            List<List<Double>> ns = List.of(new ArrayList<>(), new ArrayList<>());
            for (int round = 0; round < 60; round++) {
                for (int v = 0; v < variants.length; v++) {
                    int calls = 2000;
                    long t0 = System.nanoTime();
                    for (int c = 0; c < calls; c++) {
                        variants[v].run();
                    }
                    if (round >= 10) {                                   // the first rounds: the JIT at work
                        ns.get(v).add((System.nanoTime() - t0) / (double) calls / QUADS);
                    }
                }
            }
            for (int v = 0; v < variants.length; v++) {
                List<Double> l = ns.get(v);
                Collections.sort(l);
                System.out.printf("%-6s median %.2f  min %.2f ns per quad%n", names[v], l.get(l.size() / 2), l.get(0));
            }
        }
    }
}
