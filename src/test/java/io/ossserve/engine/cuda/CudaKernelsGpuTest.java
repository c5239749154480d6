package io.ossserve.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.engine.cpu.Rope;
import io.ossserve.model.Mxfp4;
import io.ossserve.model.Presets;
import java.util.Random;
import jcuda.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every kernel against a host reference on fresh random inputs (double accumulation on the host).
 * Outputs are poisoned (NaN) before each launch so an unwritten element fails. Tolerances: float32
 * kernels 1e-5 relative L2 (different summation order only), exact where no arithmetic happens.
 */
@Tag("gpu")
class CudaKernelsGpuTest {
    private CudaDevice d;
    private final Random r = new Random(System.nanoTime());

    @BeforeEach
    void open() {
        Gpu.assumeDevice();
        d = CudaBackends.open(0);
    }

    @AfterEach
    void close() {
        if (d != null) {
            d.close();
        }
    }

    private DevPtr up(float[] v) {
        return DeviceWeights.floats(d, v);
    }

    private DevPtr up(int[] v) {
        DevPtr p = d.alloc(4L * v.length);
        d.upload(p, 0, Pointer.to(v), 4L * v.length);
        return p;
    }

    private DevPtr up(byte[] v) {
        DevPtr p = d.alloc(v.length);
        d.upload(p, 0, Pointer.to(v), v.length);
        return p;
    }

    private DevPtr bf16(float[] v) {
        short[] s = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = DeviceWeights.toBf16(v[i]);
            v[i] = Float.intBitsToFloat((s[i] & 0xFFFF) << 16);          // the host reference sees the bf16 value
        }
        DevPtr p = d.alloc(2L * v.length);
        d.upload(p, 0, Pointer.to(s), 2L * v.length);
        return p;
    }

    private DevPtr poisoned(int floats) {
        float[] nan = new float[floats];
        java.util.Arrays.fill(nan, Float.NaN);
        return up(nan);
    }

    private float[] down(DevPtr p, int floats) {
        d.synchronize();
        float[] v = new float[floats];
        d.download(Pointer.to(v), p, 0, 4L * floats);
        return v;
    }

    @Test
    void gemvWithBiasForEveryRowsPerBlock() {
        for (int rows : new int[] {1, 2, 3, 4, 7, 8, 11}) {
            int n = 37, k = 96;
            float[] w = Gpu.randn(r, n * k, 1), x = Gpu.randn(r, rows * k, 1), b = Gpu.randn(r, n, 1);
            DevPtr wd = bf16(w), xd = up(x), bd = up(b), yd = poisoned(rows * n);
            int rpb = LaunchShapes.gemvRowsPerBlock(rows);
            d.launch("f32_bf16w_gemv_bias_r" + rpb, LaunchShapes.ceilDiv(n, 8), LaunchShapes.ceilDiv(rows, rpb), 256, 0,
                    new KernelArgs().ptr(wd.address()).ptr(bd.address()).ptr(xd.address()).ptr(yd.address())
                            .i32(n).i32(k).i32(rows).i32(k).i32(n));
            double[] want = new double[rows * n];
            for (int t = 0; t < rows; t++) {
                for (int o = 0; o < n; o++) {
                    double s = b[o];
                    for (int i = 0; i < k; i++) {
                        s += (double) w[o * k + i] * x[t * k + i];
                    }
                    want[t * n + o] = s;
                }
            }
            assertThat(Gpu.relL2(down(yd, rows * n), want)).as("rows %d", rows).isLessThan(1e-5);
        }
    }

    @Test
    void residualAddRmsNormWithRowGather() {
        int rows = 5, h = 2880;
        float[] x = Gpu.randn(r, rows * h, 1), delta = Gpu.randn(r, rows * h, 1), scale = Gpu.randn(r, h, 1);
        int[] idx = {4, 1};
        DevPtr xd = up(x), dd = up(delta), sd = up(scale), od = poisoned(2 * h), id = up(idx);
        d.launch("f32_residual_add_rmsnorm", 2, 1, 256, 0, new KernelArgs().ptr(xd.address()).ptr(dd.address())
                .ptr(sd.address()).ptr(od.address()).ptr(id.address()).i32(2).i32(h).f32(1e-5f));
        double[] want = new double[2 * h];
        for (int i = 0; i < 2; i++) {
            int s = idx[i];
            double ss = 0;
            for (int j = 0; j < h; j++) {
                double v = (double) x[s * h + j] + delta[s * h + j];
                ss += v * v;
            }
            double inv = 1 / Math.sqrt(ss / h + 1e-5);
            for (int j = 0; j < h; j++) {
                want[i * h + j] = ((double) x[s * h + j] + delta[s * h + j]) * inv * scale[j];
            }
        }
        assertThat(Gpu.relL2(down(od, 2 * h), want)).isLessThan(1e-5);
        float[] xs = down(xd, rows * h);
        assertThat(xs[4 * h + 7]).isEqualTo(x[4 * h + 7] + delta[4 * h + 7]);       // residual updated in place
        assertThat(xs[0]).isEqualTo(x[0]);                                           // rows not gathered untouched
    }

    @Test
    void embeddingGatherIsExact() {
        int vocab = 50, h = 64;
        float[] table = Gpu.randn(r, vocab * h, 1);
        DevPtr td = bf16(table);
        int[] tok = {3, 49, 0, 3};
        DevPtr tk = up(tok), xd = poisoned(tok.length * h);
        d.launch("bf16_embedding_gather_f32", tok.length, 1, 256, 0,
                new KernelArgs().ptr(td.address()).ptr(tk.address()).ptr(xd.address()).i32(tok.length).i32(h));
        float[] got = down(xd, tok.length * h);
        for (int i = 0; i < tok.length; i++) {
            for (int j = 0; j < h; j++) {
                assertThat(got[i * h + j]).isEqualTo(table[tok[i] * h + j]);
            }
        }
    }

    @Test
    void yarnRopeMatchesTheCpuRopeAndStoresIntoPages() {
        var c = Presets.get("20b");
        int rows = 3, hd = c.headDim(), heads = c.numHeads(), kvh = c.numKvHeads(), stride = (heads + 2 * kvh) * hd;
        int pageSize = 16, layers = 2, layer = 1, kvw = kvh * hd;
        float[] qkv = Gpu.randn(r, rows * stride, 1);
        int[] pos = {0, 37, 130_000};
        int[] table = new int[2 * 8192];
        table[8192 + 0] = 3;
        table[8192 + 37 / 16] = 1;
        table[8192 + 130_000 / 16] = 2;
        DevPtr qd = up(qkv), pool = poisoned(4 * layers * 2 * pageSize * kvw), pd = up(pos), sd = up(new int[] {1, 1, 1}),
                bt = up(table), inv = up(Rope.inverseFrequencies(c));
        d.launch("f32_yarn_rope_kv_store_paged", rows, 1, 128, 0, new KernelArgs().ptr(qd.address()).ptr(pool.address())
                .ptr(pd.address()).ptr(sd.address()).ptr(bt.address()).ptr(inv.address()).i32(rows).i32(heads).i32(kvh)
                .i32(hd).i32(layer).i32(layers).i32(pageSize).i32(8192).f32((float) c.yarnConcentration()));
        Rope rope = new Rope(c);
        float[] want = qkv.clone(), tab = new float[hd];
        for (int i = 0; i < rows; i++) {
            rope.table(pos[i], tab, 0);
            rope.apply(want, i * stride, heads + kvh, tab, 0);
        }
        float[] got = down(qd, rows * stride);
        assertThat(Gpu.relL2(got, want)).isLessThan(1e-6);
        float[] pl = down(pool, 4 * layers * 2 * pageSize * kvw);
        int[] pages = {3, 1, 2};
        for (int i = 0; i < rows; i++) {
            int base = (((pages[i] * layers + layer) * 2) * pageSize + pos[i] % pageSize) * kvw;
            int vbase = (((pages[i] * layers + layer) * 2 + 1) * pageSize + pos[i] % pageSize) * kvw;
            for (int j = 0; j < kvw; j++) {
                assertThat(pl[base + j]).isEqualTo(got[i * stride + heads * hd + j]);
                assertThat(pl[vbase + j]).isEqualTo(qkv[i * stride + (heads + kvh) * hd + j]);
            }
        }
    }

    @Test
    void pagedAttentionWithSinksWindowAndGqa() {
        int heads = 8, kvh = 2, hd = 64, pageSize = 16, layers = 2, layer = 1, kvw = kvh * hd, stride = (heads + 2 * kvh) * hd;
        int len = 300;                                      // > 2 tiles of 128 keys
        int pagesPerSeq = LaunchShapes.ceilDiv(len, pageSize), poolPages = pagesPerSeq + 1;
        int[] table = new int[2 * pagesPerSeq];
        for (int i = 0; i < pagesPerSeq; i++) {
            table[pagesPerSeq + i] = poolPages - 1 - i;     // slot 1, pages in reverse order
        }
        float[] pool = Gpu.randn(r, poolPages * layers * 2 * pageSize * kvw, 1);
        float[] sinks = Gpu.randn(r, heads, 2);
        int[] pos = {0, 127, 128, 299};
        float[] qkv = Gpu.randn(r, pos.length * stride, 1);
        for (int window : new int[] {0, 128}) {
            DevPtr qd = up(qkv), od = poisoned(pos.length * heads * hd), pd = up(pool), ps = up(pos),
                    sl = up(new int[] {1, 1, 1, 1}), bt = up(table), sk = up(sinks);
            d.launch("f32_paged_attention_sinks", heads, pos.length, 128, 0, new KernelArgs().ptr(qd.address())
                    .ptr(od.address()).ptr(pd.address()).ptr(ps.address()).ptr(sl.address()).ptr(bt.address())
                    .ptr(sk.address()).i32(pos.length).i32(heads).i32(kvh).i32(hd).i32(stride).i32(layer).i32(layers)
                    .i32(pageSize).i32(pagesPerSeq).i32(window).f32(0.125f));
            double[] want = new double[pos.length * heads * hd];
            for (int t = 0; t < pos.length; t++) {
                for (int h = 0; h < heads; h++) {
                    int g = h / (heads / kvh), p = pos[t], start = window > 0 ? Math.max(0, p - window + 1) : 0;
                    double[] s = new double[p - start + 1];
                    double m = sinks[h];
                    for (int j = start; j <= p; j++) {
                        int page = table[pagesPerSeq + j / pageSize];
                        int kb = (((page * layers + layer) * 2) * pageSize + j % pageSize) * kvw + g * hd;
                        double dot = 0;
                        for (int e = 0; e < hd; e++) {
                            dot += (double) qkv[t * stride + h * hd + e] * pool[kb + e];
                        }
                        s[j - start] = dot * 0.125;
                        m = Math.max(m, s[j - start]);
                    }
                    double z = Math.exp(sinks[h] - m);
                    for (int j = 0; j < s.length; j++) {
                        z += Math.exp(s[j] - m);
                    }
                    for (int j = start; j <= p; j++) {
                        int page = table[pagesPerSeq + j / pageSize];
                        int vb = (((page * layers + layer) * 2 + 1) * pageSize + j % pageSize) * kvw + g * hd;
                        double pj = Math.exp(s[j - start] - m) / z;
                        for (int e = 0; e < hd; e++) {
                            want[(t * heads + h) * hd + e] += pj * pool[vb + e];
                        }
                    }
                }
            }
            assertThat(Gpu.relL2(down(od, want.length), want)).as("window %d", window).isLessThan(1e-5);
        }
    }

    @Test
    void routerTopKSoftmaxWithTiesToTheLowerIndex() {
        int rows = 3, e = 32, h = 2880, k = 4;
        float[] w = Gpu.randn(r, e * h, 0.02), b = Gpu.randn(r, e, 0.1), u = Gpu.randn(r, rows * h, 1);
        java.util.Arrays.fill(w, 5 * h, 7 * h, 0f);       // experts 5 and 6 tie on every row when biases tie
        b[5] = 50;
        b[6] = 50;
        DevPtr wd = bf16(w), bd = up(b), ud = up(u), cd = up(new int[rows * k]), gd = poisoned(rows * k);
        d.launch("f32_bf16w_router_gemv_topk_softmax", rows, 1, 256, 4 * e, new KernelArgs().ptr(wd.address())
                .ptr(bd.address()).ptr(ud.address()).ptr(cd.address()).ptr(gd.address()).i32(rows).i32(e).i32(h).i32(k));
        d.synchronize();
        int[] chosen = new int[rows * k];
        d.download(Pointer.to(chosen), cd, 0, 4L * rows * k);
        float[] weights = down(gd, rows * k);
        for (int t = 0; t < rows; t++) {
            double[] logit = new double[e];
            for (int x = 0; x < e; x++) {
                double s = b[x];
                for (int i = 0; i < h; i++) {
                    s += (double) w[x * h + i] * u[t * h + i];
                }
                logit[x] = s;
            }
            Integer[] order = new Integer[e];
            for (int x = 0; x < e; x++) {
                order[x] = x;
            }
            java.util.Arrays.sort(order, (p, q) -> logit[p] != logit[q] ? Double.compare(logit[q], logit[p]) : Integer.compare(p, q));
            assertThat(chosen[t * k]).isEqualTo(5);
            assertThat(chosen[t * k + 1]).isEqualTo(6);
            double z = 0;
            for (int j = 0; j < k; j++) {
                assertThat(chosen[t * k + j]).isEqualTo(order[j]);
                z += Math.exp(logit[order[j]] - logit[order[0]]);
            }
            for (int j = 0; j < k; j++) {
                assertThat((double) weights[t * k + j]).isCloseTo(Math.exp(logit[order[j]] - logit[order[0]]) / z,
                        org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    /** Random MXFP4 experts [e, rows, cols]: codes, scales (around 2^-4) and the dequantised values. */
    private record Mx(byte[] blocks, byte[] scales, float[] values) {}

    private Mx mxfp4(int e, int rows, int cols) {
        byte[] blocks = new byte[e * rows * cols / 2], scales = new byte[e * rows * cols / 32];
        r.nextBytes(blocks);
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (byte) (121 + r.nextInt(5));
        }
        float[] v = new float[e * rows * cols];
        for (int i = 0; i < v.length; i++) {
            int b = blocks[i / 2] & 0xFF;
            v[i] = ((i & 1) == 0 ? Mxfp4.low(b) : Mxfp4.high(b)) * Mxfp4.scale(scales[i / 32] & 0xFF);
        }
        return new Mx(blocks, scales, v);
    }

    @Test
    void mxfp4ExpertGateUpWithClampedSwiglu() {
        int rows = 2, k = 4, e = 8, h = 128, inter = 96;
        Mx w1 = mxfp4(e, 2 * inter, h);
        float[] b1 = Gpu.randn(r, e * 2 * inter, 1), u = Gpu.randn(r, rows * h, 1);
        int[] chosen = {3, 0, 7, 5, 5, 1, 2, 3};
        DevPtr bd = up(w1.blocks()), sd = up(w1.scales()), bb = up(b1), ud = up(u), cd = up(chosen),
                ad = poisoned(rows * k * inter);
        d.launch("f32_mxfp4w_moe_gemv_swiglu", LaunchShapes.ceilDiv(inter, 8), rows * k, 256, 0, new KernelArgs()
                .ptr(bd.address()).ptr(sd.address()).ptr(bb.address()).ptr(ud.address()).ptr(cd.address()).ptr(ad.address())
                .i32(rows).i32(k).i32(h).i32(inter).f32(7f).f32(1.702f));
        double[] want = new double[rows * k * inter];
        for (int rs = 0; rs < rows * k; rs++) {
            int x = chosen[rs], t = rs / k;
            for (int j = 0; j < inter; j++) {
                double g = b1[x * 2 * inter + 2 * j], lin = b1[x * 2 * inter + 2 * j + 1];
                for (int i = 0; i < h; i++) {
                    g += (double) w1.values()[(x * 2 * inter + 2 * j) * h + i] * u[t * h + i];
                    lin += (double) w1.values()[(x * 2 * inter + 2 * j + 1) * h + i] * u[t * h + i];
                }
                g = Math.min(g, 7);
                lin = Math.max(-7, Math.min(lin, 7));
                want[rs * inter + j] = g / (1 + Math.exp(-1.702 * g)) * (lin + 1);
            }
        }
        assertThat(Gpu.relL2(down(ad, want.length), want)).isLessThan(1e-5);
    }

    @Test
    void mxfp4ExpertDownWithRoutingWeightedCombine() {
        int rows = 3, k = 4, e = 8, h = 96, inter = 128;
        Mx w2 = mxfp4(e, h, inter);
        float[] b2 = Gpu.randn(r, e * h, 1), act = Gpu.randn(r, rows * k * inter, 1), wt = new float[rows * k];
        int[] chosen = new int[rows * k];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = r.nextInt(e);
            wt[i] = r.nextFloat();
        }
        DevPtr bd = up(w2.blocks()), sd = up(w2.scales()), bb = up(b2), ad = up(act), cd = up(chosen), wd = up(wt),
                yd = poisoned(rows * h);
        d.launch("f32_mxfp4w_moe_gemv_combine", LaunchShapes.ceilDiv(h, 8), rows, 256, 0, new KernelArgs()
                .ptr(bd.address()).ptr(sd.address()).ptr(bb.address()).ptr(ad.address()).ptr(cd.address())
                .ptr(wd.address()).ptr(yd.address()).i32(rows).i32(k).i32(h).i32(inter));
        double[] want = new double[rows * h];
        for (int t = 0; t < rows; t++) {
            for (int n = 0; n < h; n++) {
                double y = 0;
                for (int s = 0; s < k; s++) {
                    int x = chosen[t * k + s];
                    double acc = b2[x * h + n];
                    for (int i = 0; i < inter; i++) {
                        acc += (double) w2.values()[(x * h + n) * inter + i] * act[(t * k + s) * inter + i];
                    }
                    y += wt[t * k + s] * acc;
                }
                want[t * h + n] = y;
            }
        }
        assertThat(Gpu.relL2(down(yd, want.length), want)).isLessThan(1e-5);
    }

    @Test
    void syntheticFillsStayInRange() {
        DevPtr u8 = d.alloc(100_000), bf = d.alloc(200_000);
        d.launch("u8_fill_random", 64, 1, 256, 0, new KernelArgs().ptr(u8.address()).u64(100_000).u64(9).f32(0).i32(119).i32(4));
        d.launch("bf16_fill_random", 64, 1, 256, 0, new KernelArgs().ptr(bf.address()).u64(100_000).u64(9).f32(0.5f).i32(0).i32(1));
        d.synchronize();
        byte[] b = new byte[100_000];
        short[] s = new short[100_000];
        d.download(Pointer.to(b), u8, 0, b.length);
        d.download(Pointer.to(s), bf, 0, 2L * s.length);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (byte x : b) {
            seen.add(x & 0xFF);
        }
        assertThat(seen).containsExactlyInAnyOrder(119, 120, 121, 122);
        for (short x : s) {
            assertThat(Math.abs(Float.intBitsToFloat((x & 0xFFFF) << 16))).isLessThanOrEqualTo(0.5f);
        }
    }
}
