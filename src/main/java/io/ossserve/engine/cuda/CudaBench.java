package io.ossserve.engine.cuda;

import io.ossserve.engine.KvCache;
import io.ossserve.engine.SamplingParams;
import io.ossserve.engine.StepChunk;
import io.ossserve.model.GptOssConfig;
import io.ossserve.model.Presets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * {@code bench engine --backend cuda --preset 20b --synthetic}: random weights of the exact shapes made on
 * the device; batch decode tok/s, ms/token and % of the bandwidth floor (graph-captured steps, greedy
 * sampling on the device), then a per-kernel device-time table of one eager decode step.
 * Standalone: {@code java ... io.ossserve.engine.cuda.CudaBench [preset] [batch] [prompt] [steps]}.
 */
public final class CudaBench {
    private CudaBench() {}

    public record Result(String device, int batch, double decodeTokPerS, double msPerStep, double bytesPerToken,
            double effectiveGBs, double floorPercent, double prefillTokPerS, String kernelTable) {}

    /** Weight bytes read per decoded token at batch 1 (performance.md): attention, 4 experts, router, lm_head. */
    public static double bytesPerToken(GptOssConfig c) {
        double h = c.hiddenSize(), inter = c.intermediateSize();
        double attn = 2.0 * (c.qWidth() + 2.0 * c.kvWidth()) * h + 2.0 * h * c.qWidth();
        double experts = c.expertsPerToken() * (2 * inter * h + h * inter) * 17.0 / 32.0;
        double router = 2.0 * c.numExperts() * h;
        return c.numLayers() * (attn + experts + router) + 2.0 * c.vocabSize() * h + 2.0 * h;
    }

    /** Read bandwidth (GB/s) of known GPUs (performance.md); 0 when unknown. */
    static double knownBandwidthGBs(String device) {
        String n = device.toUpperCase();
        return n.contains("H200") ? 4800 : n.contains("H100") ? 3100 : n.contains("B200") ? 8000 : 0;
    }

    public static Result runSynthetic(String preset, CudaOptions options, int batch, int promptLength, int steps,
            Consumer<String> progress) {
        GptOssConfig c = Presets.get(preset);
        try (CudaBackend b = CudaBackends.createSynthetic(c, options, 42)) {
            progress.accept("backend: " + b.description());
            Random random = new Random(1);
            List<KvCache> caches = new ArrayList<>();
            try {
                for (int s = 0; s < batch; s++) {
                    caches.add(b.newCache(promptLength + 2 * steps + 8));
                }
                int[] next = new int[batch];
                long t0 = System.nanoTime();
                for (int s = 0; s < batch; s++) {
                    int[] prompt = random.ints(promptLength, 0, 200_000).toArray();
                    next[s] = b.sampleStep(List.of(new StepChunk(caches.get(s), prompt, StepChunk.Logits.LAST)),
                            List.of(SamplingParams.GREEDY), new int[] {0}).get(0).token();
                }
                double prefill = (System.nanoTime() - t0) / 1e9;
                decode(b, caches, next, 4);                  // warm-up: captures the graph
                List<Double> runs = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    long t1 = System.nanoTime();
                    decode(b, caches, next, steps / 3);
                    runs.add((System.nanoTime() - t1) / 1e9 / (steps / 3));
                }
                Collections.sort(runs);
                double perStep = runs.get(1);
                b.eagerOnly(true);
                b.profileKernels(true);
                decode(b, caches, next, 1);
                String table = table(b.kernelProfile());
                b.profileKernels(false);
                b.eagerOnly(false);
                double tokPerS = batch / perStep;
                double bpt = bytesPerToken(c);
                double gbs = bpt * (1 / perStep) / 1e9;
                double bw = knownBandwidthGBs(b.deviceSummary());
                return new Result(b.deviceSummary(), batch, tokPerS, perStep * 1e3, bpt, gbs,
                        bw > 0 ? 100 * gbs / bw : Double.NaN, batch * promptLength / prefill, table);
            } finally {
                caches.forEach(KvCache::close);
            }
        }
    }

    private static void decode(CudaBackend b, List<KvCache> caches, int[] next, int steps) {
        int batch = caches.size();
        List<SamplingParams> greedy = Collections.nCopies(batch, SamplingParams.GREEDY);
        int[] draws = new int[batch];
        for (int step = 0; step < steps; step++) {
            List<StepChunk> chunks = new ArrayList<>(batch);
            for (int s = 0; s < batch; s++) {
                chunks.add(new StepChunk(caches.get(s), new int[] {next[s]}, StepChunk.Logits.LAST));
            }
            var got = b.sampleStep(chunks, greedy, draws);
            for (int s = 0; s < batch; s++) {
                next[s] = got.get(s).token();
            }
        }
    }

    static String table(Map<String, double[]> profile) {
        double total = profile.values().stream().mapToDouble(v -> v[0]).sum();
        StringBuilder sb = new StringBuilder(String.format("%-40s %8s %10s %7s%n", "kernel", "launches", "ms", "%"));
        profile.entrySet().stream().sorted((a, z) -> Double.compare(z.getValue()[0], a.getValue()[0])).forEach(e ->
                sb.append(String.format("%-40s %8d %10.4f %6.1f%%%n", e.getKey(), (long) e.getValue()[1], e.getValue()[0],
                        100 * e.getValue()[0] / total)));
        sb.append(String.format("%-40s %8s %10.4f%n", "total (eager, one decode step)", "", total));
        return sb.toString();
    }

    public static String format(Result r) {
        return String.format("device: %s%nbatch %d decode: %.1f tok/s, %.3f ms/step, %.2f GB/token, %.0f GB/s effective, "
                + "%.1f%% of the bandwidth floor%nprefill (sequential, incl. first step): %.0f tok/s%n%s",
                r.device(), r.batch(), r.decodeTokPerS(), r.msPerStep(), r.bytesPerToken() / 1e9, r.effectiveGBs(),
                r.floorPercent(), r.prefillTokPerS(), r.kernelTable());
    }

    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "20b";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int prompt = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 96;
        Result r = runSynthetic(preset, CudaOptions.DEFAULTS.withKvCacheBytes(4L << 30), batch, prompt, steps,
                System.out::println);
        System.out.print(format(r));
        System.out.println(Arrays.toString(new double[] {r.decodeTokPerS(), r.msPerStep()}));
    }
}
