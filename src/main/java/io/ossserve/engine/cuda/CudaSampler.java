package io.ossserve.engine.cuda;

import io.ossserve.engine.SampledToken;
import io.ossserve.engine.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import jcuda.Pointer;

/**
 * Runs f32_logits_sample over the first rows of the forward pass's logits buffer with per-row parameters
 * in device arrays; only token ids, log-probabilities and the top alternatives come back.
 */
final class CudaSampler {
    private final CudaDevice d;
    private final CudaForward f;
    private final DevPtr temperature, topP, topK, seeds, draws, tokens, logprobs, topIds, topLogprobs;
    private final int max;

    CudaSampler(CudaDevice d, CudaForward f) {
        this.d = d;
        this.f = f;
        max = f.maxLogitRows;
        temperature = d.alloc(4L * max);
        topP = d.alloc(4L * max);
        topK = d.alloc(4L * max);
        seeds = d.alloc(8L * max);
        draws = d.alloc(4L * max);
        tokens = d.alloc(4L * max);
        logprobs = d.alloc(4L * max);
        topIds = d.alloc(4L * max * SamplingParams.MAX_TOP_LOGPROBS);
        topLogprobs = d.alloc(4L * max * SamplingParams.MAX_TOP_LOGPROBS);
    }

    /**
     * @param rows      logits rows to sample (indices into the logits buffer)
     * @param rowChunk  chunk index of every logits row
     * @return one token per entry of {@code rows}
     */
    SampledToken[] sample(int[] rows, int[] rowChunk, List<SamplingParams> params, int[] drawIndex) {
        if (rows.length == 0) {
            return new SampledToken[0];
        }
        int n = 0;
        for (int r : rows) {
            n = Math.max(n, r + 1);
        }
        float[] t = new float[n], p = new float[n];
        int[] k = new int[n], dr = new int[n];
        long[] s = new long[n];
        java.util.Arrays.fill(p, 1f);                   // rows not asked for: greedy, cheap
        int topN = 0;
        for (int r : rows) {
            SamplingParams sp = params.get(rowChunk[r]);
            t[r] = sp.greedy() ? 0f : (float) sp.temperature();
            p[r] = (float) sp.topP();
            k[r] = sp.topK();
            s[r] = sp.seed() != null ? sp.seed() : ThreadLocalRandom.current().nextLong();
            dr[r] = drawIndex[rowChunk[r]];
            topN = Math.max(topN, sp.topLogprobs());
        }
        d.upload(temperature, 0, Pointer.to(t), 4L * n);
        d.upload(topP, 0, Pointer.to(p), 4L * n);
        d.upload(topK, 0, Pointer.to(k), 4L * n);
        d.upload(seeds, 0, Pointer.to(s), 8L * n);
        d.upload(draws, 0, Pointer.to(dr), 4L * n);
        d.launch("f32_logits_sample", n, 1, 1024, 0, new KernelArgs()
                .ptr(f.logits.address()).ptr(temperature.address()).ptr(topP.address()).ptr(topK.address())
                .ptr(seeds.address()).ptr(draws.address()).ptr(tokens.address()).ptr(logprobs.address())
                .ptr(topIds.address()).ptr(topLogprobs.address())
                .i32(n).i32(f.c.vocabSize()).i32(topN));
        int[] tok = new int[n];
        float[] lp = new float[n];
        int[] ids = new int[Math.max(1, n * topN)];
        float[] lps = new float[Math.max(1, n * topN)];
        d.download(Pointer.to(tok), tokens, 0, 4L * n);
        d.download(Pointer.to(lp), logprobs, 0, 4L * n);
        if (topN > 0) {
            d.download(Pointer.to(ids), topIds, 0, 4L * n * topN);
            d.download(Pointer.to(lps), topLogprobs, 0, 4L * n * topN);
        }
        SampledToken[] out = new SampledToken[rows.length];
        for (int j = 0; j < rows.length; j++) {
            int r = rows[j];
            int want = params.get(rowChunk[r]).topLogprobs();
            List<SampledToken.TokenLogprob> alts = new ArrayList<>(want);
            for (int a = 0; a < want; a++) {
                alts.add(new SampledToken.TokenLogprob(ids[r * topN + a], lps[r * topN + a]));
            }
            out[j] = new SampledToken(tok[r], lp[r], List.copyOf(alts));
        }
        return out;
    }
}
