package io.ossserve.model;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;

/**
 * Writes a random gpt-oss checkpoint in the real formats: Hugging Face layout (MXFP4 experts,
 * {@code config.json}, {@code generation_config.json}, shards + index when large) and optionally the
 * OpenAI {@code original/} layout holding the same weights. Values come from a counter-based hash of
 * (seed, tensor name, element index), so the same seed gives byte-identical files whatever the thread
 * count. Scales keep activations O(1): weights ~ N(0, 1/fan_in), norm scales ~ 1, MXFP4 block scales
 * chosen so the dequantised weights have the same spread.
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {}

    public enum Layouts { HF, ORIGINAL, BOTH }

    /** HF shards are cut at this many bytes (HF itself uses ≈5 GB). */
    public static final long SHARD_BYTES = 4L << 30;

    /** Writes the checkpoint into {@code out} (created if absent); returns the total bytes written. */
    public static long write(GptOssConfig c, long seed, Path out, Layouts layouts) throws IOException {
        return write(c, seed, out, layouts, bytes -> { });
    }

    /** Same, reporting the bytes of tensor data written so far after each tensor. */
    public static long write(GptOssConfig c, long seed, Path out, Layouts layouts, LongConsumer progress)
            throws IOException {
        Files.createDirectories(out);
        AtomicLong done = new AtomicLong();
        LongConsumer perTensor = bytes -> progress.accept(done.addAndGet(bytes));
        return writeLayouts(c, seed, out, layouts, perTensor);
    }

    /** Total tensor bytes {@link #write} will produce for these layouts. */
    public static long dataBytes(GptOssConfig c, Layouts layouts) {
        long hf = hfEntries(c, 0, b -> { }).stream().mapToLong(SafetensorsWriter.Entry::bytes).sum();
        return layouts == Layouts.BOTH ? 2 * hf : hf;
    }

    private static long writeLayouts(GptOssConfig c, long seed, Path out, Layouts layouts, LongConsumer progress) throws IOException {
        long total = 0;
        if (layouts != Layouts.ORIGINAL) {
            total += writeHf(c, seed, out, progress);
        }
        if (layouts != Layouts.HF) {
            Path orig = layouts == Layouts.ORIGINAL ? out : out.resolve("original");
            Files.createDirectories(orig);
            Files.writeString(orig.resolve("config.json"), JsonText.write(c.toOriginalJson(), true) + "\n");
            total += SafetensorsWriter.write(orig.resolve("model.safetensors"), originalEntries(c, seed, progress), Map.of("format", "pt"));
        }
        return total;
    }

    private static long writeHf(GptOssConfig c, long seed, Path out, LongConsumer progress) throws IOException {
        Files.writeString(out.resolve("config.json"), JsonText.write(c.toHfJson(), true) + "\n");
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put("bos_token_id", 199998);
        gen.put("do_sample", true);
        gen.put("eos_token_id", List.of(200002, 199999, 200012));
        gen.put("pad_token_id", 199999);
        Files.writeString(out.resolve("generation_config.json"), JsonText.write(gen, true) + "\n");
        List<SafetensorsWriter.Entry> entries = hfEntries(c, seed, progress);
        List<List<SafetensorsWriter.Entry>> shards = new ArrayList<>();
        List<SafetensorsWriter.Entry> cur = new ArrayList<>();
        long curBytes = 0;
        for (SafetensorsWriter.Entry e : entries) {
            if (!cur.isEmpty() && curBytes + e.bytes() > SHARD_BYTES) {
                shards.add(cur);
                cur = new ArrayList<>();
                curBytes = 0;
            }
            cur.add(e);
            curBytes += e.bytes();
        }
        shards.add(cur);
        long total = 0;
        if (shards.size() == 1) {
            Files.deleteIfExists(out.resolve("model.safetensors.index.json"));
            return SafetensorsWriter.write(out.resolve("model.safetensors"), entries, Map.of("format", "pt"));
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            for (SafetensorsWriter.Entry e : shards.get(i)) {
                weightMap.put(e.name(), name);
            }
            total += SafetensorsWriter.write(out.resolve(name), shards.get(i), Map.of("format", "pt"));
        }
        long dataBytes = entries.stream().mapToLong(SafetensorsWriter.Entry::bytes).sum();
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", dataBytes));
        index.put("weight_map", weightMap);
        Files.deleteIfExists(out.resolve("model.safetensors"));
        Files.writeString(out.resolve("model.safetensors.index.json"),
                JsonText.write(index, true) + "\n");
        return total;
    }

    /** The HF tensor list; each tensor's values are keyed by its HF name. */
    static List<SafetensorsWriter.Entry> hfEntries(GptOssConfig c, long seed, LongConsumer progress) {
        int h = c.hiddenSize(), q = c.qWidth(), kv = c.kvWidth(), e = c.numExperts(), in = c.intermediateSize();
        List<SafetensorsWriter.Entry> l = new ArrayList<>();
        l.add(bf16(seed, "model.embed_tokens.weight", 0, 1.0, c.vocabSize(), h));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            l.add(bf16(seed, p + "input_layernorm.weight", 1.0, 0.1, h));
            l.add(bf16(seed, p + "self_attn.q_proj.weight", 0, 1 / Math.sqrt(h), q, h));
            l.add(bf16(seed, p + "self_attn.q_proj.bias", 0, 0.1, q));
            l.add(bf16(seed, p + "self_attn.k_proj.weight", 0, 1 / Math.sqrt(h), kv, h));
            l.add(bf16(seed, p + "self_attn.k_proj.bias", 0, 0.1, kv));
            l.add(bf16(seed, p + "self_attn.v_proj.weight", 0, 1 / Math.sqrt(h), kv, h));
            l.add(bf16(seed, p + "self_attn.v_proj.bias", 0, 0.1, kv));
            l.add(bf16(seed, p + "self_attn.sinks", 0, 1.0, c.numHeads()));
            l.add(bf16(seed, p + "self_attn.o_proj.weight", 0, 1 / Math.sqrt(q), h, q));
            l.add(bf16(seed, p + "self_attn.o_proj.bias", 0, 0.1, h));
            l.add(bf16(seed, p + "post_attention_layernorm.weight", 1.0, 0.1, h));
            l.add(bf16(seed, p + "mlp.router.weight", 0, 2 / Math.sqrt(h), e, h));
            l.add(bf16(seed, p + "mlp.router.bias", 0, 0.1, e));
            l.add(codes(seed, p + "mlp.experts.gate_up_proj_blocks", e, 2 * in, h));
            l.add(scales(seed, p + "mlp.experts.gate_up_proj_scales", e, 2 * in, h));
            l.add(bf16(seed, p + "mlp.experts.gate_up_proj_bias", 0, 0.1, e, 2 * in));
            l.add(codes(seed, p + "mlp.experts.down_proj_blocks", e, h, in));
            l.add(scales(seed, p + "mlp.experts.down_proj_scales", e, h, in));
            l.add(bf16(seed, p + "mlp.experts.down_proj_bias", 0, 0.1, e, h));
        }
        l.add(bf16(seed, "model.norm.weight", 1.0, 0.1, h));
        l.add(bf16(seed, "lm_head.weight", 0, 2 / Math.sqrt(h), c.vocabSize(), h));
        return l.stream().map(t -> new SafetensorsWriter.Entry(t.name(), t.dtype(), t.shape(), seg -> {
            t.filler().accept(seg);
            progress.accept(seg.byteSize());
        })).toList();
    }

    /** The same weights under the OpenAI reference's names, with q/k/v fused into one qkv matrix. */
    static List<SafetensorsWriter.Entry> originalEntries(GptOssConfig c, long seed, LongConsumer progress) {
        Map<String, SafetensorsWriter.Entry> hf = new LinkedHashMap<>();
        for (SafetensorsWriter.Entry e : hfEntries(c, seed, progress)) {
            hf.put(e.name(), e);
        }
        List<SafetensorsWriter.Entry> l = new ArrayList<>();
        l.add(rename(hf.get("model.embed_tokens.weight"), "embedding.weight"));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            String b = "block." + i + ".";
            l.add(rename(hf.get(p + "input_layernorm.weight"), b + "attn.norm.scale"));
            l.add(concat(b + "attn.qkv.weight", hf.get(p + "self_attn.q_proj.weight"), hf.get(p + "self_attn.k_proj.weight"), hf.get(p + "self_attn.v_proj.weight")));
            l.add(concat(b + "attn.qkv.bias", hf.get(p + "self_attn.q_proj.bias"), hf.get(p + "self_attn.k_proj.bias"), hf.get(p + "self_attn.v_proj.bias")));
            l.add(rename(hf.get(p + "self_attn.sinks"), b + "attn.sinks"));
            l.add(rename(hf.get(p + "self_attn.o_proj.weight"), b + "attn.out.weight"));
            l.add(rename(hf.get(p + "self_attn.o_proj.bias"), b + "attn.out.bias"));
            l.add(rename(hf.get(p + "post_attention_layernorm.weight"), b + "mlp.norm.scale"));
            l.add(rename(hf.get(p + "mlp.router.weight"), b + "mlp.gate.weight"));
            l.add(rename(hf.get(p + "mlp.router.bias"), b + "mlp.gate.bias"));
            l.add(rename(hf.get(p + "mlp.experts.gate_up_proj_blocks"), b + "mlp.mlp1_weight.blocks"));
            l.add(rename(hf.get(p + "mlp.experts.gate_up_proj_scales"), b + "mlp.mlp1_weight.scales"));
            l.add(rename(hf.get(p + "mlp.experts.gate_up_proj_bias"), b + "mlp.mlp1_bias"));
            l.add(rename(hf.get(p + "mlp.experts.down_proj_blocks"), b + "mlp.mlp2_weight.blocks"));
            l.add(rename(hf.get(p + "mlp.experts.down_proj_scales"), b + "mlp.mlp2_weight.scales"));
            l.add(rename(hf.get(p + "mlp.experts.down_proj_bias"), b + "mlp.mlp2_bias"));
        }
        l.add(rename(hf.get("model.norm.weight"), "norm.scale"));
        l.add(rename(hf.get("lm_head.weight"), "unembedding.weight"));
        return l;
    }

    private static SafetensorsWriter.Entry rename(SafetensorsWriter.Entry e, String name) {
        return new SafetensorsWriter.Entry(name, e.dtype(), e.shape(), e.filler());
    }

    /** Row-wise concatenation along dimension 0. */
    private static SafetensorsWriter.Entry concat(String name, SafetensorsWriter.Entry... parts) {
        long[] shape = parts[0].shape().clone();
        shape[0] = 0;
        for (SafetensorsWriter.Entry p : parts) {
            shape[0] += p.shape()[0];
        }
        return new SafetensorsWriter.Entry(name, parts[0].dtype(), shape, seg -> {
            long off = 0;
            for (SafetensorsWriter.Entry p : parts) {
                p.filler().accept(seg.asSlice(off, p.bytes()));
                off += p.bytes();
            }
        });
    }

    // ---- value generation ----------------------------------------------------------------------------

    private static final long CHUNK = 1 << 16;

    /** Splits [0, n) into chunks processed in parallel; deterministic because values depend only on indices. */
    private static void parallel(long n, java.util.function.LongConsumer chunkStart) {
        long chunks = (n + CHUNK - 1) / CHUNK;
        LongStream.range(0, chunks).parallel().forEach(chunkStart);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long tensorKey(long seed, String name) {
        return mix(seed * 0x9E3779B97F4A7C15L + name.hashCode() * 0xD1B54A32D192ED03L + name.length());
    }

    /**
     * Writes bf16 values mean + std·u with u uniform of unit variance on [−√3, √3]: each 64-bit hash gives
     * four 16-bit uniforms. Chunks go through a short[] buffer and one bulk copy.
     */
    private static SafetensorsWriter.Entry bf16(long seed, String name, double mean, double std, long... shape) {
        long key = tensorKey(seed, name);
        float a = (float) (std * Math.sqrt(3.0) * 2 / 65536.0), b = (float) (mean - std * Math.sqrt(3.0));
        Consumer<MemorySegment> filler = seg -> {
            long n = seg.byteSize() / 2;
            parallel(n, chunk -> {
                long begin = chunk * CHUNK, end = Math.min(n, begin + CHUNK);
                short[] buf = new short[(int) (end - begin)];
                for (int i = 0; i < buf.length; i += 4) {
                    long r = mix(key + ((begin + i) >>> 2) * 0x9E3779B97F4A7C15L);
                    for (int j = 0; j < 4 && i + j < buf.length; j++) {
                        buf[i + j] = Bf16.fromFloat(((r >>> (16 * j)) & 0xFFFF) * a + b);
                    }
                }
                MemorySegment.copy(buf, 0, seg, Tensor.SHORT_LE, begin * 2, buf.length);
            });
        };
        return new SafetensorsWriter.Entry(name, DType.BF16, shape, filler);
    }

    /** Uniformly random E2M1 codes: [experts, rows, cols/32, 16] u8. */
    private static SafetensorsWriter.Entry codes(long seed, String name, int experts, int rows, int cols) {
        long key = tensorKey(seed, name);
        Consumer<MemorySegment> filler = seg -> {
            long words = seg.byteSize() / 8;
            parallel(words, chunk -> {
                long end = Math.min(words, (chunk + 1) * CHUNK);
                for (long i = chunk * CHUNK; i < end; i++) {
                    seg.set(ValueLayout.JAVA_LONG_UNALIGNED, i * 8, mix(key + i * 0x9E3779B97F4A7C15L));
                }
            });
        };
        return new SafetensorsWriter.Entry(name, DType.U8, new long[] {experts, rows, cols / Mxfp4.BLOCK, Mxfp4.BYTES_PER_BLOCK}, filler);
    }

    /**
     * E8M0 scales around the exponent that gives the dequantised weights a spread of 1/sqrt(cols)
     * (uniform random codes have an RMS of ≈2.93), jittered by −1, 0 or +1.
     */
    private static SafetensorsWriter.Entry scales(long seed, String name, int experts, int rows, int cols) {
        long key = tensorKey(seed, name);
        int base = Mxfp4.SCALE_BIAS + (int) Math.round(Math.log(1.0 / (Math.sqrt(cols) * 2.93)) / Math.log(2));
        Consumer<MemorySegment> filler = seg -> {
            long n = seg.byteSize();
            parallel(n, chunk -> {
                long end = Math.min(n, (chunk + 1) * CHUNK);
                for (long i = chunk * CHUNK; i < end; i++) {
                    int jitter = (int) Long.remainderUnsigned(mix(key + i * 0x9E3779B97F4A7C15L), 3) - 1;
                    seg.set(ValueLayout.JAVA_BYTE, i, (byte) (base + jitter));
                }
            });
        };
        return new SafetensorsWriter.Entry(name, DType.U8, new long[] {experts, rows, cols / Mxfp4.BLOCK}, filler);
    }
}
