package io.ossserve.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The attention kernel of {@link VectorKernels} ({@link CpuKernels#attend}): up to one vector's lanes of query rows that
 * read the same KV head, computed side by side. Static and stateless apart from per-thread scratch arrays.
 */
final class VectorAttention {
    private VectorAttention() {}

    /** The widest species of this machine: one query row per lane. */
    private static final VectorSpecies<Float> FW = FloatVector.SPECIES_PREFERRED;

    /** Rows that {@link Narrow} takes when the machine's vectors are wider: the lanes of a 256-bit vector. */
    private static final int NARROW_ROWS = 8;

    /** Per-thread scratch of {@link #attend}: the transposed queries, then the scores. */
    private static final ThreadLocal<float[][]> ATTEND_SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    /**
     * The rows side by side in the lanes of one vector, so that no dot product needs a horizontal sum: queries
     * transposed once into {@code qt[d, lane]} (scale applied), then for 8 keys at a time
     * {@code s[j, lane] = Σ_d k_j[d] · qt[d, lane]} (a broadcast key element times a query vector), the softmax down
     * the key axis lane by lane, and {@code o[d, lane] = Σ_j v_j[d] · p[j, lane]} for 8 dimensions at a time. Keys a
     * row does not see (outside {@code [from[r], to[r]]}) get a score of -∞. Lanes past {@code m} compute on zero
     * queries and are not written back.
     */
    static void attend(int m, float[] q, int[] qOff, float[] sinks, int[] from, int[] to, float[] keys, float[] values,
            int[] kvOff, int n, int hd, float scale, float[] out, int[] outOff) {
        if (m <= NARROW_ROWS && FW.length() > NARROW_ROWS) {
            Narrow.attend(m, q, qOff, sinks, from, to, keys, values, kvOff, n, hd, scale, out, outOff);
            return;
        }
        int w = FW.length();
        float[][] scratch = scratch(w, m, q, qOff, n, hd, scale);
        float[] qt = scratch[0], s = scratch[1];
        attendScores(qt, keys, kvOff, n, hd, s);
        float[] sinkLanes = masked(w, m, sinks, from, to, n, s);
        FloatVector sink = FloatVector.fromArray(FW, sinkLanes, 0), max = sink;
        for (int j = 0; j < n; j++) {
            max = max.max(FloatVector.fromArray(FW, s, j * w));
        }
        FloatVector sum = FloatVector.zero(FW);
        for (int j = 0; j < n; j++) {
            FloatVector e = FloatVector.fromArray(FW, s, j * w).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(s, j * w);
            sum = sum.add(e);
        }
        FloatVector inv = FloatVector.broadcast(FW, 1f).div(sum.add(sink.sub(max).lanewise(VectorOperators.EXP)));
        attendValues(s, values, kvOff, n, hd, inv, m, out, outOff);
    }

    /** The per-thread scratch: [0] the queries transposed into qt[d, lane] (scale applied), [1] room for n × w scores. */
    private static float[][] scratch(int w, int m, float[] q, int[] qOff, int n, int hd, float scale) {
        float[][] scratch = ATTEND_SCRATCH.get();
        if (scratch[0].length < hd * w) {
            scratch[0] = new float[hd * w];
        }
        if (scratch[1].length < n * w + w) {
            scratch[1] = new float[Math.max(n * w + w, scratch[1].length * 2)];
        }
        float[] qt = scratch[0];
        java.util.Arrays.fill(qt, 0, hd * w, 0f);
        for (int r = 0; r < m; r++) {
            for (int d = 0; d < hd; d++) {
                qt[d * w + r] = q[qOff[r] + d] * scale;
            }
        }
        return scratch;
    }

    /** -∞ where a row does not see the key; returns the sinks by lane (they start the running maximum). */
    private static float[] masked(int w, int m, float[] sinks, int[] from, int[] to, int n, float[] s) {
        float[] sinkLanes = new float[w];
        for (int r = 0; r < m; r++) {
            sinkLanes[r] = sinks[r];
            for (int j = 0; j < from[r]; j++) {
                s[j * w + r] = Float.NEGATIVE_INFINITY;
            }
            for (int j = to[r] + 1; j < n; j++) {
                s[j * w + r] = Float.NEGATIVE_INFINITY;
            }
        }
        return sinkLanes;
    }

    /** s[j, lane] = Σ_d keys[kvOff[j] + d] · qt[d, lane] for j < n: 8 keys per pass over the queries. */
    private static void attendScores(float[] qt, float[] keys, int[] kvOff, int n, int hd, float[] s) {
        int w = FW.length();
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            int k0 = kvOff[j], k1 = kvOff[j + 1], k2 = kvOff[j + 2], k3 = kvOff[j + 3];
            int k4 = kvOff[j + 4], k5 = kvOff[j + 5], k6 = kvOff[j + 6], k7 = kvOff[j + 7];
            FloatVector a0 = FloatVector.zero(FW), a1 = FloatVector.zero(FW), a2 = FloatVector.zero(FW), a3 = FloatVector.zero(FW);
            FloatVector a4 = FloatVector.zero(FW), a5 = FloatVector.zero(FW), a6 = FloatVector.zero(FW), a7 = FloatVector.zero(FW);
            for (int d = 0; d < hd; d++) {
                FloatVector qv = FloatVector.fromArray(FW, qt, d * w);
                a0 = FloatVector.broadcast(FW, keys[k0 + d]).fma(qv, a0);
                a1 = FloatVector.broadcast(FW, keys[k1 + d]).fma(qv, a1);
                a2 = FloatVector.broadcast(FW, keys[k2 + d]).fma(qv, a2);
                a3 = FloatVector.broadcast(FW, keys[k3 + d]).fma(qv, a3);
                a4 = FloatVector.broadcast(FW, keys[k4 + d]).fma(qv, a4);
                a5 = FloatVector.broadcast(FW, keys[k5 + d]).fma(qv, a5);
                a6 = FloatVector.broadcast(FW, keys[k6 + d]).fma(qv, a6);
                a7 = FloatVector.broadcast(FW, keys[k7 + d]).fma(qv, a7);
            }
            int o = j * w;
            a0.intoArray(s, o);
            a1.intoArray(s, o + w);
            a2.intoArray(s, o + 2 * w);
            a3.intoArray(s, o + 3 * w);
            a4.intoArray(s, o + 4 * w);
            a5.intoArray(s, o + 5 * w);
            a6.intoArray(s, o + 6 * w);
            a7.intoArray(s, o + 7 * w);
        }
        for (; j < n; j++) {
            int k0 = kvOff[j];
            FloatVector a0 = FloatVector.zero(FW);
            for (int d = 0; d < hd; d++) {
                a0 = FloatVector.broadcast(FW, keys[k0 + d]).fma(FloatVector.fromArray(FW, qt, d * w), a0);
            }
            a0.intoArray(s, j * w);
        }
    }

    /** out[outOff[r] + d] = inv[r] · Σ_j values[kvOff[j] + d] · p[j, r] for r < m: 8 dimensions per pass over the keys. */
    private static void attendValues(float[] p, float[] values, int[] kvOff, int n, int hd, FloatVector inv, int m,
            float[] out, int[] outOff) {
        int w = FW.length();
        float[] o = new float[8 * w];
        int d = 0;
        for (; d + 8 <= hd; d += 8) {
            FloatVector a0 = FloatVector.zero(FW), a1 = FloatVector.zero(FW), a2 = FloatVector.zero(FW), a3 = FloatVector.zero(FW);
            FloatVector a4 = FloatVector.zero(FW), a5 = FloatVector.zero(FW), a6 = FloatVector.zero(FW), a7 = FloatVector.zero(FW);
            for (int j = 0; j < n; j++) {
                FloatVector pv = FloatVector.fromArray(FW, p, j * w);
                int v = kvOff[j] + d;
                a0 = FloatVector.broadcast(FW, values[v]).fma(pv, a0);
                a1 = FloatVector.broadcast(FW, values[v + 1]).fma(pv, a1);
                a2 = FloatVector.broadcast(FW, values[v + 2]).fma(pv, a2);
                a3 = FloatVector.broadcast(FW, values[v + 3]).fma(pv, a3);
                a4 = FloatVector.broadcast(FW, values[v + 4]).fma(pv, a4);
                a5 = FloatVector.broadcast(FW, values[v + 5]).fma(pv, a5);
                a6 = FloatVector.broadcast(FW, values[v + 6]).fma(pv, a6);
                a7 = FloatVector.broadcast(FW, values[v + 7]).fma(pv, a7);
            }
            a0.mul(inv).intoArray(o, 0);
            a1.mul(inv).intoArray(o, w);
            a2.mul(inv).intoArray(o, 2 * w);
            a3.mul(inv).intoArray(o, 3 * w);
            a4.mul(inv).intoArray(o, 4 * w);
            a5.mul(inv).intoArray(o, 5 * w);
            a6.mul(inv).intoArray(o, 6 * w);
            a7.mul(inv).intoArray(o, 7 * w);
            for (int r = 0; r < m; r++) {
                for (int u = 0; u < 8; u++) {
                    out[outOff[r] + d + u] = o[u * w + r];
                }
            }
        }
        for (; d < hd; d++) {
            FloatVector a0 = FloatVector.zero(FW);
            for (int j = 0; j < n; j++) {
                a0 = FloatVector.broadcast(FW, values[kvOff[j] + d]).fma(FloatVector.fromArray(FW, p, j * w), a0);
            }
            a0.mul(inv).intoArray(o, 0);
            for (int r = 0; r < m; r++) {
                out[outOff[r] + d] = o[r];
            }
        }
    }

    /**
     * The same kernel on 256-bit vectors, for 8 rows or fewer on a machine with wider vectors: a decode step's units
     * are one KV head's 4 query heads, which used 4 of 16 lanes. On AMD Zen 4 a 512-bit FMA takes the FMA pipes twice
     * as long as a 256-bit one, so with 4 rows the narrow kernel is about 1.7 times as fast (one thread, in L2, 4 rows:
     * 2.50 against 4.34 µs for 64 keys, 21.5 against 35.5 for 576); with full lanes the wide one is faster per row
     * (16 rows 36.4 µs, 8 rows 21.6 for 576 keys). In the engine (`small`, both alternating in one JVM) a decode step's
     * attention took 1.00–1.05 against 1.11–1.22 ms at positions 512–576 and 0.45–0.48 against 0.48–0.52 at 128–192:
     * from memory the keys and values cost more than the arithmetic (one unit of 192 keys with the cache flushed: 41 µs,
     * 6.5 in L2). The code is the wide kernel's with the species changed: the Vector API compiles to vector
     * instructions only where the species is a constant.
     */
    private static final class Narrow {
        private Narrow() {}

        private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

        static void attend(int m, float[] q, int[] qOff, float[] sinks, int[] from, int[] to, float[] keys, float[] values,
                int[] kvOff, int n, int hd, float scale, float[] out, int[] outOff) {
            int w = F8.length();
            float[][] scratch = scratch(w, m, q, qOff, n, hd, scale);
            float[] qt = scratch[0], s = scratch[1];
            attendScores(qt, keys, kvOff, n, hd, s);
            float[] sinkLanes = masked(w, m, sinks, from, to, n, s);
            FloatVector sink = FloatVector.fromArray(F8, sinkLanes, 0), max = sink;
            for (int j = 0; j < n; j++) {
                max = max.max(FloatVector.fromArray(F8, s, j * w));
            }
            FloatVector sum = FloatVector.zero(F8);
            for (int j = 0; j < n; j++) {
                FloatVector e = FloatVector.fromArray(F8, s, j * w).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(s, j * w);
                sum = sum.add(e);
            }
            FloatVector inv = FloatVector.broadcast(F8, 1f).div(sum.add(sink.sub(max).lanewise(VectorOperators.EXP)));
            attendValues(s, values, kvOff, n, hd, inv, m, out, outOff);
        }

        /** s[j, lane] = Σ_d keys[kvOff[j] + d] · qt[d, lane] for j < n: 8 keys per pass over the queries. */
        private static void attendScores(float[] qt, float[] keys, int[] kvOff, int n, int hd, float[] s) {
            int w = F8.length();
            int j = 0;
            for (; j + 8 <= n; j += 8) {
                int k0 = kvOff[j], k1 = kvOff[j + 1], k2 = kvOff[j + 2], k3 = kvOff[j + 3];
                int k4 = kvOff[j + 4], k5 = kvOff[j + 5], k6 = kvOff[j + 6], k7 = kvOff[j + 7];
                FloatVector a0 = FloatVector.zero(F8), a1 = FloatVector.zero(F8), a2 = FloatVector.zero(F8), a3 = FloatVector.zero(F8);
                FloatVector a4 = FloatVector.zero(F8), a5 = FloatVector.zero(F8), a6 = FloatVector.zero(F8), a7 = FloatVector.zero(F8);
                for (int d = 0; d < hd; d++) {
                    FloatVector qv = FloatVector.fromArray(F8, qt, d * w);
                    a0 = FloatVector.broadcast(F8, keys[k0 + d]).fma(qv, a0);
                    a1 = FloatVector.broadcast(F8, keys[k1 + d]).fma(qv, a1);
                    a2 = FloatVector.broadcast(F8, keys[k2 + d]).fma(qv, a2);
                    a3 = FloatVector.broadcast(F8, keys[k3 + d]).fma(qv, a3);
                    a4 = FloatVector.broadcast(F8, keys[k4 + d]).fma(qv, a4);
                    a5 = FloatVector.broadcast(F8, keys[k5 + d]).fma(qv, a5);
                    a6 = FloatVector.broadcast(F8, keys[k6 + d]).fma(qv, a6);
                    a7 = FloatVector.broadcast(F8, keys[k7 + d]).fma(qv, a7);
                }
                int o = j * w;
                a0.intoArray(s, o);
                a1.intoArray(s, o + w);
                a2.intoArray(s, o + 2 * w);
                a3.intoArray(s, o + 3 * w);
                a4.intoArray(s, o + 4 * w);
                a5.intoArray(s, o + 5 * w);
                a6.intoArray(s, o + 6 * w);
                a7.intoArray(s, o + 7 * w);
            }
            for (; j < n; j++) {
                int k0 = kvOff[j];
                FloatVector a0 = FloatVector.zero(F8);
                for (int d = 0; d < hd; d++) {
                    a0 = FloatVector.broadcast(F8, keys[k0 + d]).fma(FloatVector.fromArray(F8, qt, d * w), a0);
                }
                a0.intoArray(s, j * w);
            }
        }

        /** out[outOff[r] + d] = inv[r] · Σ_j values[kvOff[j] + d] · p[j, r] for r < m: 8 dimensions per pass over the keys. */
        private static void attendValues(float[] p, float[] values, int[] kvOff, int n, int hd, FloatVector inv, int m,
                float[] out, int[] outOff) {
            int w = F8.length();
            float[] o = new float[8 * w];
            int d = 0;
            for (; d + 8 <= hd; d += 8) {
                FloatVector a0 = FloatVector.zero(F8), a1 = FloatVector.zero(F8), a2 = FloatVector.zero(F8), a3 = FloatVector.zero(F8);
                FloatVector a4 = FloatVector.zero(F8), a5 = FloatVector.zero(F8), a6 = FloatVector.zero(F8), a7 = FloatVector.zero(F8);
                for (int j = 0; j < n; j++) {
                    FloatVector pv = FloatVector.fromArray(F8, p, j * w);
                    int v = kvOff[j] + d;
                    a0 = FloatVector.broadcast(F8, values[v]).fma(pv, a0);
                    a1 = FloatVector.broadcast(F8, values[v + 1]).fma(pv, a1);
                    a2 = FloatVector.broadcast(F8, values[v + 2]).fma(pv, a2);
                    a3 = FloatVector.broadcast(F8, values[v + 3]).fma(pv, a3);
                    a4 = FloatVector.broadcast(F8, values[v + 4]).fma(pv, a4);
                    a5 = FloatVector.broadcast(F8, values[v + 5]).fma(pv, a5);
                    a6 = FloatVector.broadcast(F8, values[v + 6]).fma(pv, a6);
                    a7 = FloatVector.broadcast(F8, values[v + 7]).fma(pv, a7);
                }
                a0.mul(inv).intoArray(o, 0);
                a1.mul(inv).intoArray(o, w);
                a2.mul(inv).intoArray(o, 2 * w);
                a3.mul(inv).intoArray(o, 3 * w);
                a4.mul(inv).intoArray(o, 4 * w);
                a5.mul(inv).intoArray(o, 5 * w);
                a6.mul(inv).intoArray(o, 6 * w);
                a7.mul(inv).intoArray(o, 7 * w);
                for (int r = 0; r < m; r++) {
                    for (int u = 0; u < 8; u++) {
                        out[outOff[r] + d + u] = o[u * w + r];
                    }
                }
            }
            for (; d < hd; d++) {
                FloatVector a0 = FloatVector.zero(F8);
                for (int j = 0; j < n; j++) {
                    a0 = FloatVector.broadcast(F8, values[kvOff[j] + d]).fma(FloatVector.fromArray(F8, p, j * w), a0);
                }
                a0.mul(inv).intoArray(o, 0);
                for (int r = 0; r < m; r++) {
                    out[outOff[r] + d] = o[r];
                }
            }
        }
    }
}
