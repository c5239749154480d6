package io.ossserve.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link Sampler}'s greedy choice with the Vector API (loaded only when the JVM has the module). */
final class VectorArgmax {
    private VectorArgmax() {}

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;

    /**
     * The first index of the largest logit (ties → lowest id). Vectorised: each lane keeps the first maximum of the
     * indices congruent to it, then the lowest index among the lanes that hold the overall maximum — the same answer
     * as the scalar scan ({@link Sampler#argmaxScalar}), which takes over where a NaN is present (a NaN is never greater,
     * so the scan's answer depends on where it stands).
     */
    static int argmax(float[] logits) {
        int n = logits.length, lanes = FS.length();
        if (n < 4 * lanes) {
            return Sampler.argmaxScalar(logits, n);
        }
        FloatVector best = FloatVector.fromArray(FS, logits, 0);
        IntVector idx = IntVector.zero(IS).addIndex(1);
        IntVector bestIdx = idx;
        VectorMask<Float> nan = best.compare(VectorOperators.NE, best);
        int i = lanes;
        for (; i + lanes <= n; i += lanes) {
            FloatVector v = FloatVector.fromArray(FS, logits, i);
            idx = idx.add(lanes);
            VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
            best = best.blend(v, gt);
            bestIdx = bestIdx.blend(idx, gt.cast(IS));
            nan = nan.or(v.compare(VectorOperators.NE, v));
        }
        if (nan.anyTrue()) {
            return Sampler.argmaxScalar(logits, n);
        }
        float max = best.reduceLanes(VectorOperators.MAX);
        VectorMask<Integer> atMax = best.compare(VectorOperators.EQ, max).cast(IS);
        int first = bestIdx.reduceLanes(VectorOperators.MIN, atMax);
        for (; i < n; i++) {                         // the tail: later indices, so only a strictly larger value wins
            if (Float.isNaN(logits[i])) {
                return Sampler.argmaxScalar(logits, n);
            }
            if (logits[i] > logits[first]) {
                first = i;
            }
        }
        return first;
    }
}
