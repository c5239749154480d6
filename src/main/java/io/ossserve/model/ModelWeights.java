package io.ossserve.model;

import java.util.List;

/**
 * All weights of a gpt-oss model.
 *
 * @param embedding   [vocab, H]
 * @param finalNorm   [H]
 * @param unembedding [vocab, H] (lm_head; not tied to the embedding)
 */
public record ModelWeights(GptOssConfig config, Matrix embedding, List<LayerWeights> layers, float[] finalNorm,
        Matrix unembedding) {

    /** Bytes of weights read to generate one token at batch 1 (the decode floor's numerator). */
    public long bytesPerToken() {
        GptOssConfig c = config;
        long total = embedding.rowBytes() + unembedding.data().byteSize() + 4L * c.hiddenSize();
        for (LayerWeights l : layers) {
            total += l.q().data().byteSize() + l.k().data().byteSize() + l.v().data().byteSize() + l.o().data().byteSize();
            total += l.router().data().byteSize();
            total += (long) c.expertsPerToken() * (l.mlp1().bytesPerExpert() + l.mlp2().bytesPerExpert());
            // biases, norms and sinks, counted at their on-disk size (bf16)
            total += 2L * (c.qWidth() + 2L * c.kvWidth() + c.numHeads() + 3L * c.hiddenSize() + c.numExperts()
                    + (long) c.expertsPerToken() * (2L * c.intermediateSize() + c.hiddenSize()));
        }
        return total;
    }
}
