package io.ossserve.engine.cpu;

import io.ossserve.model.Mxfp4;
import io.ossserve.model.Mxfp4Experts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the 256-bit (AVX2) batch-1 MXFP4 row loop spends its time on (not a test: run by hand). One thread, rows in L2,
 * variants alternating in one JVM (this kind of VM changes speed by 1.2-1.5x within minutes), each variant's median and
 * minimum over the rounds in ns per block pair (64 weights):
 * <ul>
 * <li>{@code table}: {@link VectorMxfp4#rows}, the table decode;</li>
 * <li>{@code no sign}, {@code no table}, {@code no scale}: the same loop without the sign fix-up (shift and XOR), without
 * the table lookup (permute, and the AND that {@code selectFrom} adds to wrap its indices), without the block scales.
 * Their results are wrong: they only time what each step costs;</li>
 * <li>{@code shift}: {@link VectorMxfp4Shift#rows}, the codes decoded by two shifts and a mask (3 operations per 8
 * weights against 5), the same results;</li>
 * <li>{@code int8}: the codes expanded to one byte each (2 x the FP4 value) and converted to float (sign extension and
 * conversion, 2 operations per 8 weights), at twice the bytes per weight (not used by the engine).</li>
 * </ul>
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes io.ossserve.engine.cpu.Mxfp4DecodeCost}
 */
public final class Mxfp4DecodeCost {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int COLS = 1024, NB = COLS / Mxfp4.BLOCK;
    private static final float[] SCALE = new float[256], HALF_SCALE = new float[256];
    private static final IntVector TABLE, SHIFTS = IntVector.fromArray(I, new int[] {0, 0, 0, 0, 8, 8, 8, 8}, 0);

    static {
        int[] t = new int[8];
        for (int c = 0; c < 8; c++) {
            t[c] = Float.floatToRawIntBits(Mxfp4.FP4_VALUES[c]) ^ (c << 28);
        }
        TABLE = IntVector.fromArray(I, t, 0);
        for (int s = 0; s < 256; s++) {
            SCALE[s] = Mxfp4.scale(s);
            HALF_SCALE[s] = SCALE[s] / 2;
        }
    }

    private Mxfp4DecodeCost() {}

    @FunctionalInterface
    private interface Rows {
        void run(int rows, float[] out);
    }

    /*
     * The ablated loops are written out one by one (as the engine's loop is): a shared loop with the variant as a
     * parameter kept a branch per code in the compiled loop and blurred the differences.
     */

    private static void noSign(MemorySegment blocks, MemorySegment scales, float[] x8, int rows, float[] out) {
        for (int r = 0; r < rows; r++) {
            long bOff = (long) r * NB * Mxfp4.BYTES_PER_BLOCK, sOff = (long) r * NB;
            FloatVector acc = FloatVector.zero(F);
            for (int g = 0; g + 2 <= NB; g += 2) {
                IntVector w = IntVector.fromMemorySegment(I, blocks, bOff + 16L * g, LE);
                FloatVector t0 = FloatVector.zero(F), t1 = FloatVector.zero(F);
                for (int k = 0; k < 8; k += 2) {
                    t0 = nibble(w, k).selectFrom(TABLE).reinterpretAsFloats().fma(FloatVector.fromArray(F, x8, 32 * g + 8 * k), t0);
                    t1 = nibble(w, k + 1).selectFrom(TABLE).reinterpretAsFloats().fma(FloatVector.fromArray(F, x8, 32 * g + 8 * k + 8), t1);
                }
                acc = t0.add(t1).fma(pairScale(scales, sOff + g), acc);
            }
            out[r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    private static void noTable(MemorySegment blocks, MemorySegment scales, float[] x8, int rows, float[] out) {
        for (int r = 0; r < rows; r++) {
            long bOff = (long) r * NB * Mxfp4.BYTES_PER_BLOCK, sOff = (long) r * NB;
            FloatVector acc = FloatVector.zero(F);
            for (int g = 0; g + 2 <= NB; g += 2) {
                IntVector w = IntVector.fromMemorySegment(I, blocks, bOff + 16L * g, LE);
                FloatVector t0 = FloatVector.zero(F), t1 = FloatVector.zero(F);
                for (int k = 0; k < 8; k += 2) {
                    t0 = signOnly(nibble(w, k)).fma(FloatVector.fromArray(F, x8, 32 * g + 8 * k), t0);
                    t1 = signOnly(nibble(w, k + 1)).fma(FloatVector.fromArray(F, x8, 32 * g + 8 * k + 8), t1);
                }
                acc = t0.add(t1).fma(pairScale(scales, sOff + g), acc);
            }
            out[r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    private static void noScale(MemorySegment blocks, float[] x8, int rows, float[] out) {
        for (int r = 0; r < rows; r++) {
            long bOff = (long) r * NB * Mxfp4.BYTES_PER_BLOCK;
            FloatVector acc = FloatVector.zero(F);
            for (int g = 0; g + 2 <= NB; g += 2) {
                IntVector w = IntVector.fromMemorySegment(I, blocks, bOff + 16L * g, LE);
                FloatVector t0 = FloatVector.zero(F), t1 = FloatVector.zero(F);
                for (int k = 0; k < 8; k += 2) {
                    t0 = decode(nibble(w, k)).fma(FloatVector.fromArray(F, x8, 32 * g + 8 * k), t0);
                    t1 = decode(nibble(w, k + 1)).fma(FloatVector.fromArray(F, x8, 32 * g + 8 * k + 8), t1);
                }
                acc = acc.add(t0.add(t1));
            }
            out[r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    private static IntVector nibble(IntVector w, int k) {
        return k == 0 ? w : w.lanewise(VectorOperators.LSHR, 4 * k);
    }

    private static FloatVector signOnly(IntVector nibble) {
        return nibble.lanewise(VectorOperators.XOR, nibble.lanewise(VectorOperators.LSHL, 28)).reinterpretAsFloats();
    }

    private static FloatVector decode(IntVector nibble) {
        return nibble.selectFrom(TABLE).lanewise(VectorOperators.XOR, nibble.lanewise(VectorOperators.LSHL, 28)).reinterpretAsFloats();
    }

    private static FloatVector pairScale(MemorySegment scales, long offset) {
        int s2 = scales.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset);
        return IntVector.broadcast(I, s2).lanewise(VectorOperators.LSHR, SHIFTS).lanewise(VectorOperators.AND, 0xFF)
                .lanewise(VectorOperators.LSHL, 23).lanewise(VectorOperators.MAX, 0x400000).reinterpretAsFloats();
    }

    /** codes[32g + i] = 2 x FP4 value of element i of block g; x in its natural order. */
    private static void int8(MemorySegment codes, MemorySegment scales, float[] x, int rows, float[] out) {
        for (int r = 0; r < rows; r++) {
            long cOff = (long) r * COLS, sOff = (long) r * NB;
            FloatVector acc = FloatVector.zero(F);
            for (int g = 0; g < NB; g++) {
                long o = cOff + 32L * g;
                int j = 32 * g;
                FloatVector t0 = bytes(codes, o).mul(FloatVector.fromArray(F, x, j));
                FloatVector t1 = bytes(codes, o + 8).mul(FloatVector.fromArray(F, x, j + 8));
                t0 = bytes(codes, o + 16).fma(FloatVector.fromArray(F, x, j + 16), t0);
                t1 = bytes(codes, o + 24).fma(FloatVector.fromArray(F, x, j + 24), t1);
                float s = HALF_SCALE[scales.get(ValueLayout.JAVA_BYTE, sOff + g) & 0xFF];
                acc = t0.add(t1).fma(FloatVector.broadcast(F, s), acc);
            }
            out[r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    private static FloatVector bytes(MemorySegment codes, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, codes, offset, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    public static void main(String[] args) {
        int rows = 256, rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40, reps = 1000;
        Random rnd = new Random(1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment blocks = arena.allocate((long) rows * COLS / 2, 64), codes = arena.allocate((long) rows * COLS, 64);
            MemorySegment scales = arena.allocate((long) rows * NB, 64);
            for (long i = 0; i < blocks.byteSize(); i++) {
                int b = rnd.nextInt(256);
                blocks.set(ValueLayout.JAVA_BYTE, i, (byte) b);
                codes.set(ValueLayout.JAVA_BYTE, 2 * i, (byte) (2 * Mxfp4.low(b)));
                codes.set(ValueLayout.JAVA_BYTE, 2 * i + 1, (byte) (2 * Mxfp4.high(b)));
            }
            for (long i = 0; i < scales.byteSize(); i++) {
                scales.set(ValueLayout.JAVA_BYTE, i, (byte) (120 + rnd.nextInt(6)));
            }
            Mxfp4Experts w = new Mxfp4Experts("cost", 1, rows, COLS, blocks, scales);
            float[] x = new float[COLS], x8 = new float[COLS];
            for (int i = 0; i < COLS; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            VectorMxfp4.interleave8(x, 0, COLS, x8, 0);
            float[] xs = new float[COLS];
            VectorMxfp4Shift.layout(x, 0, COLS, xs, 0);
            String[] names = {"table", "no sign", "no table", "no scale", "shift", "int8"};
            Rows[] variants = {
                (n, out) -> VectorMxfp4.rows(w, 0, x8, 1, out, 0, n),
                (n, out) -> noSign(blocks, scales, x8, n, out),
                (n, out) -> noTable(blocks, scales, x8, n, out),
                (n, out) -> noScale(blocks, x8, n, out),
                (n, out) -> VectorMxfp4Shift.rows(w, 0, xs, out, 0, n),
                (n, out) -> int8(codes, scales, x, n, out)};
            float[] a = new float[rows], b = new float[rows];
            variants[0].run(rows, a);
            variants[5].run(rows, b);
            double err = 0, norm = 0;
            for (int r = 0; r < rows; r++) {
                err += (a[r] - b[r]) * (double) (a[r] - b[r]);
                norm += a[r] * (double) a[r];
            }
            System.out.printf("int8 against the table decode: relative L2 %.1e%n", Math.sqrt(err / norm));
            List<List<Double>> ns = new ArrayList<>();
            for (int v = 0; v < variants.length; v++) {
                ns.add(new ArrayList<>());
            }
            double pairs = (double) rows * NB / 2 * reps;
            for (int round = 0; round < rounds; round++) {
                for (int v = 0; v < variants.length; v++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++) {
                        variants[v].run(rows, a);
                    }
                    if (round >= 5) {
                        ns.get(v).add((System.nanoTime() - t0) / pairs);
                    }
                }
            }
            for (int v = 0; v < variants.length; v++) {
                List<Double> s = ns.get(v);
                Collections.sort(s);
                System.out.printf("%-9s median %5.2f  min %5.2f ns per block pair%n", names[v], s.get(s.size() / 2), s.get(0));
            }
        }
    }
}
