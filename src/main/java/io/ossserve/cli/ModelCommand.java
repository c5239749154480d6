package io.ossserve.cli;

import io.ossserve.model.Checkpoint;
import io.ossserve.model.DType;
import io.ossserve.model.GptOssConfig;
import io.ossserve.model.Presets;
import io.ossserve.model.RandomCheckpoint;
import io.ossserve.model.SafetensorsFile;
import io.ossserve.model.Tensor;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Model files: create random checkpoints, inspect checkpoints. */
@Command(name = "model", description = "Create or inspect gpt-oss checkpoints.",
        subcommands = {ModelCommand.CreateRandom.class, ModelCommand.Inspect.class})
final class ModelCommand {

    @Command(name = "create-random", description = "Write a random gpt-oss checkpoint in the real Hugging Face format.")
    static final class CreateRandom implements Callable<Integer> {
        @Option(names = "--preset", required = true, description = "tiny | small | 20b | 120b")
        String preset;

        @Option(names = "--seed", description = "Same seed, byte-identical files (default 0).")
        long seed = 0;

        @Option(names = "--out", required = true, description = "Output directory (created).")
        Path out;

        @Option(names = "--layout", description = "hf (default), original (OpenAI reference layout) or both (hf + original/).")
        String layout = "hf";

        @Override
        public Integer call() throws Exception {
            GptOssConfig c = Presets.get(preset);
            RandomCheckpoint.Layouts l = switch (layout) {
                case "hf" -> RandomCheckpoint.Layouts.HF;
                case "original" -> RandomCheckpoint.Layouts.ORIGINAL;
                case "both" -> RandomCheckpoint.Layouts.BOTH;
                default -> throw new IllegalArgumentException("--layout must be hf, original or both, not '" + layout + "'");
            };
            long t0 = System.nanoTime();
            System.err.printf("writing random %s checkpoint (seed %d) to %s ...%n", preset, seed, out);
            long expected = RandomCheckpoint.dataBytes(c, l);
            int[] lastDecile = {0};
            long bytes = RandomCheckpoint.write(c, seed, out, l, done -> {
                int decile = (int) (10 * done / Math.max(1, expected));
                if (decile > lastDecile[0] && expected > (256L << 20)) {
                    lastDecile[0] = decile;
                    System.err.printf("  %d%% (%.1f GB)%n", 10 * decile, done / 1e9);
                }
            });
            System.out.printf("wrote %s (%.1f MB) in %.2f s%n", out, bytes / 1e6, (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    @Command(name = "inspect", description = "Print a checkpoint's config, tensors and bytes read per token.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(index = "0", description = "Checkpoint directory.")
        Path dir;

        @Option(names = "--no-tensors", description = "Do not list every tensor.")
        boolean noTensors;

        @Override
        public Integer call() {
            try (Checkpoint ck = Checkpoint.open(dir)) {
                GptOssConfig c = ck.config();
                System.out.printf("checkpoint  %s (%s layout, %d file%s)%n", ck.dir(), ck.layout(), ck.files().size(),
                        ck.files().size() == 1 ? "" : "s");
                System.out.printf("layers %d, hidden %d, heads %d (kv %d, head_dim %d), experts %d (top-%d), intermediate %d,%n",
                        c.numLayers(), c.hiddenSize(), c.numHeads(), c.numKvHeads(), c.headDim(), c.numExperts(),
                        c.expertsPerToken(), c.intermediateSize());
                System.out.printf("vocab %d, sliding window %d, rope theta %.0f, yarn factor %.1f (original ctx %d), max ctx %d%n",
                        c.vocabSize(), c.slidingWindow(), c.ropeTheta(), c.ropeScalingFactor(), c.initialContextLength(),
                        c.maxPositionEmbeddings());
                Map<DType, long[]> perType = new EnumMap<>(DType.class);
                long params = 0;
                for (SafetensorsFile f : ck.files()) {
                    for (Tensor t : f.tensors().values()) {
                        long[] acc = perType.computeIfAbsent(t.dtype(), k -> new long[2]);
                        acc[0]++;
                        acc[1] += t.data().byteSize();
                        boolean blocks = t.name().endsWith("blocks");
                        params += blocks ? t.numel() * 2 : t.name().endsWith("scales") ? 0 : t.numel();
                        if (!noTensors) {
                            System.out.printf("  %-60s %-5s %-24s %s%n", t.name(), t.dtype(), t.shapeString(), f.file().getFileName());
                        }
                    }
                }
                perType.forEach((d, a) -> System.out.printf("%-5s %6d tensors %,16d bytes%n", d, a[0], a[1]));
                System.out.printf("parameters         %,d%n", params);
                System.out.printf("bytes read / token %,d (batch-1 decode: attention, router, %d experts, lm_head)%n",
                        ck.weights().bytesPerToken(), c.expertsPerToken());
            }
            return 0;
        }
    }
}
