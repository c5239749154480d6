package io.ossserve.engine.cuda;

import io.ossserve.model.DType;
import io.ossserve.model.GptOssConfig;
import io.ossserve.model.LayerWeights;
import io.ossserve.model.Matrix;
import io.ossserve.model.ModelWeights;
import io.ossserve.model.Mxfp4Experts;
import io.ossserve.engine.cpu.Rope;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * The model on the device, uploaded once: dense matrices bf16 (an F32 checkpoint matrix is rounded to
 * bf16, RNE), MXFP4 expert codes and scales as stored, small vectors (norms, biases, sinks) float32.
 * Q, K and V are concatenated into one [Q+2KV, H] matrix so one GEMV computes all three.
 */
final class DeviceWeights {

    /** Device pointers of one layer. */
    record Layer(DevPtr attnNorm, DevPtr qkv, DevPtr qkvBias, DevPtr sinks, DevPtr o, DevPtr oBias, DevPtr mlpNorm,
            DevPtr router, DevPtr routerBias, DevPtr mlp1Blocks, DevPtr mlp1Scales, DevPtr mlp1Bias,
            DevPtr mlp2Blocks, DevPtr mlp2Scales, DevPtr mlp2Bias) {}

    final GptOssConfig c;
    final DevPtr embedding, finalNorm, unembedding, invFreq;
    final List<Layer> layers;

    private DeviceWeights(GptOssConfig c, DevPtr embedding, DevPtr finalNorm, DevPtr unembedding, DevPtr invFreq,
            List<Layer> layers) {
        this.c = c;
        this.embedding = embedding;
        this.finalNorm = finalNorm;
        this.unembedding = unembedding;
        this.invFreq = invFreq;
        this.layers = layers;
    }

    static DeviceWeights upload(CudaDevice d, ModelWeights w) {
        GptOssConfig c = w.config();
        int h = c.hiddenSize(), qw = c.qWidth(), kvw = c.kvWidth();
        List<Layer> layers = new ArrayList<>();
        for (LayerWeights l : w.layers()) {
            DevPtr qkv = d.alloc(2L * (qw + 2L * kvw) * h);
            matrix(d, l.q(), qkv, 0);
            matrix(d, l.k(), qkv, 2L * qw * h);
            matrix(d, l.v(), qkv, 2L * (qw + kvw) * h);
            float[] bias = new float[qw + 2 * kvw];
            System.arraycopy(l.qBias(), 0, bias, 0, qw);
            System.arraycopy(l.kBias(), 0, bias, qw, kvw);
            System.arraycopy(l.vBias(), 0, bias, qw + kvw, kvw);
            layers.add(new Layer(floats(d, l.attnNorm()), qkv, floats(d, bias), floats(d, l.sinks()),
                    matrix(d, l.o()), floats(d, l.oBias()), floats(d, l.mlpNorm()),
                    matrix(d, l.router()), floats(d, l.routerBias()),
                    bytes(d, l.mlp1().blocks()), bytes(d, l.mlp1().scales()), floats(d, l.mlp1Bias()),
                    bytes(d, l.mlp2().blocks()), bytes(d, l.mlp2().scales()), floats(d, l.mlp2Bias())));
            check(l.mlp1(), c.numExperts(), 2 * c.intermediateSize(), h);
            check(l.mlp2(), c.numExperts(), h, c.intermediateSize());
        }
        return new DeviceWeights(c, matrix(d, w.embedding()), floats(d, w.finalNorm()), matrix(d, w.unembedding()),
                floats(d, Rope.inverseFrequencies(c)), List.copyOf(layers));
    }

    /** Random weights of the exact shapes, generated on the device (benchmarks; no checkpoint needed). */
    static DeviceWeights synthetic(CudaDevice d, GptOssConfig c, long seed) {
        int h = c.hiddenSize(), qw = c.qWidth(), kvw = c.kvWidth(), e = c.numExperts(), inter = c.intermediateSize();
        long[] s = {seed};
        float dense = (float) (1.0 / Math.sqrt(h));
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            long up = (long) e * 2 * inter * h, down = (long) e * h * inter;
            layers.add(new Layer(fill(d, "f32", h, 1f, 0.1f, s), fill(d, "bf16", (long) (qw + 2 * kvw) * h, 0, dense, s),
                    fill(d, "f32", qw + 2 * kvw, 0, 0.02f, s), fill(d, "f32", c.numHeads(), 0, 1f, s),
                    fill(d, "bf16", (long) h * qw, 0, (float) (1.0 / Math.sqrt(qw)), s), fill(d, "f32", h, 0, 0.02f, s),
                    fill(d, "f32", h, 1f, 0.1f, s), fill(d, "bf16", (long) e * h, 0, dense, s), fill(d, "f32", e, 0, 0.1f, s),
                    fill(d, "u8", up / 2, 0, 256, s), fill(d, "u8", up / 32, 119, 4, s), fill(d, "f32", (long) e * 2 * inter, 0, 0.02f, s),
                    fill(d, "u8", down / 2, 0, 256, s), fill(d, "u8", down / 32, 119, 4, s), fill(d, "f32", (long) e * h, 0, 0.02f, s)));
        }
        DevPtr emb = fill(d, "bf16", (long) c.vocabSize() * h, 0, 1f, s);
        DevPtr norm = fill(d, "f32", h, 1f, 0.1f, s);
        DevPtr unemb = fill(d, "bf16", (long) c.vocabSize() * h, 0, dense, s);
        DevPtr inv = floats(d, Rope.inverseFrequencies(c));
        d.synchronize();
        return new DeviceWeights(c, emb, norm, unemb, inv, List.copyOf(layers));
    }

    /** u8: lo + [0, span); bf16/f32: lo + uniform(-scale, scale). */
    private static DevPtr fill(CudaDevice d, String type, long n, float lo, float scale, long[] seed) {
        int elem = switch (type) { case "u8" -> 1; case "bf16" -> 2; default -> 4; };
        DevPtr p = d.alloc(n * elem);
        seed[0] = seed[0] * 6364136223846793005L + 1442695040888963407L;
        KernelArgs a = new KernelArgs().ptr(p.address()).u64(n).u64(seed[0]);
        if (type.equals("u8")) {
            a.f32(0).i32((int) lo).i32((int) scale);
        } else {
            a.f32(scale).i32((int) lo).i32(1);
        }
        int blocks = (int) Math.min(65535, (n + 255) / 256);
        d.launch(type + "_fill_random", Math.max(1, blocks), 1, 256, 0, a);
        return p;
    }

    private static void check(Mxfp4Experts m, int experts, int rows, int cols) {
        if (m.experts() != experts || m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(m.name() + ": [" + m.experts() + ", " + m.rows() + ", " + m.cols()
                    + "] does not match the config [" + experts + ", " + rows + ", " + cols + "]");
        }
    }

    static DevPtr floats(CudaDevice d, float[] v) {
        DevPtr p = d.alloc(4L * v.length);
        d.upload(p, 0, Pointer.to(v), 4L * v.length);
        return p;
    }

    private static DevPtr matrix(CudaDevice d, Matrix m) {
        DevPtr p = d.alloc(2L * m.rows() * m.cols());
        matrix(d, m, p, 0);
        return p;
    }

    private static final long CHUNK = 64L << 20;

    /** Uploads {@code m} as bf16 at byte {@code offset} of {@code dst}. */
    private static void matrix(CudaDevice d, Matrix m, DevPtr dst, long offset) {
        if (m.dtype() == DType.BF16) {
            segment(d, m.data(), dst, offset);
            return;
        }
        long n = (long) m.rows() * m.cols();
        for (long i = 0; i < n; i += CHUNK / 2) {
            int len = (int) Math.min(CHUNK / 2, n - i);
            ByteBuffer b = ByteBuffer.allocateDirect(2 * len).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < len; j++) {
                b.putShort(toBf16(m.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i + j)));
            }
            b.flip();
            d.upload(dst, offset + 2 * i, Pointer.to(b), 2L * len);
        }
    }

    private static DevPtr bytes(CudaDevice d, MemorySegment s) {
        DevPtr p = d.alloc(s.byteSize());
        segment(d, s, p, 0);
        return p;
    }

    private static void segment(CudaDevice d, MemorySegment s, DevPtr dst, long offset) {
        for (long i = 0; i < s.byteSize(); i += CHUNK) {
            long len = Math.min(CHUNK, s.byteSize() - i);
            MemorySegment part = s.asSlice(i, len);
            ByteBuffer b;
            if (part.isNative()) {
                b = part.asByteBuffer();
            } else {
                b = ByteBuffer.allocateDirect((int) len);
                b.put(part.asByteBuffer());
                b.flip();
            }
            d.upload(dst, offset + i, Pointer.to(b), len);
        }
    }

    /** float -> bf16 bits, round to nearest even (NaN kept quiet). */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
