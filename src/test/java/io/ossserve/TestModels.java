package io.ossserve;

import io.ossserve.model.GptOssConfig;
import io.ossserve.model.Presets;
import io.ossserve.model.RandomCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** Random checkpoints written once per test JVM (deleted at exit). */
public final class TestModels {
    private TestModels() {}

    private static final Map<String, Path> CACHE = new ConcurrentHashMap<>();

    /** The {@code tiny} preset, seed 7, HF layout with an {@code original/} copy of the same weights. */
    public static Path tiny() {
        return get("tiny", Presets.get("tiny"), 7, RandomCheckpoint.Layouts.BOTH);
    }

    /** A narrow model with a 5-token sliding window and a small vocabulary-sized lm_head (real vocab). */
    public static Path shortWindow() {
        GptOssConfig c = Presets.shape(3, 4, 2, 32, 32, 16, 4, 2, 5);      // 4 query heads on 2 KV heads
        return get("window5", c, 11, RandomCheckpoint.Layouts.HF);
    }

    public static synchronized Path get(String key, GptOssConfig config, long seed, RandomCheckpoint.Layouts layouts) {
        return CACHE.computeIfAbsent(key, k -> {
            try {
                Path dir = Files.createTempDirectory("ossserve-" + k);
                RandomCheckpoint.write(config, seed, dir, layouts);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
