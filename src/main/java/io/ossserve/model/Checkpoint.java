package io.ossserve.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A gpt-oss checkpoint directory, memory-mapped. Two layouts are read (gpt-oss-spec.md §3):
 * <ul>
 * <li>Hugging Face: {@code config.json} + {@code model.safetensors} or shards listed in
 *     {@code model.safetensors.index.json};</li>
 * <li>OpenAI original: {@code config.json} with the reference's 16 keys + {@code *.safetensors}, either in
 *     the directory itself or in its {@code original/} sub-directory.</li>
 * </ul>
 * Weights are never copied onto the Java heap except small vectors (norms, biases, sinks). Closing the
 * checkpoint unmaps the files; the weights must not be used afterwards.
 */
public final class Checkpoint implements AutoCloseable {

    public enum Layout { HF, ORIGINAL }

    private final Path dir;
    private final Layout layout;
    private final GptOssConfig config;
    private final List<SafetensorsFile> files;
    private final ModelWeights weights;
    private final Arena arena;

    private Checkpoint(Path dir, Layout layout, GptOssConfig config, List<SafetensorsFile> files, ModelWeights weights, Arena arena) {
        this.dir = dir;
        this.layout = layout;
        this.config = config;
        this.files = files;
        this.weights = weights;
        this.arena = arena;
    }

    public Path dir() {
        return dir;
    }

    public Layout layout() {
        return layout;
    }

    public GptOssConfig config() {
        return config;
    }

    public List<SafetensorsFile> files() {
        return files;
    }

    public ModelWeights weights() {
        return weights;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Opens and checks a checkpoint directory (or the directory holding a config.json given as a file). */
    public static Checkpoint open(Path path) {
        Path dir = Files.isRegularFile(path) && path.getFileName().toString().equals("config.json") ? path.getParent() : path;
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": checkpoint directory does not exist");
        }
        Path configFile = dir.resolve("config.json");
        Layout layout;
        Path tensorDir = dir;
        if (Files.isRegularFile(configFile)) {
            layout = ConfigFiles.isOriginal(ConfigFiles.readJson(configFile)) ? Layout.ORIGINAL : Layout.HF;
        } else if (Files.isRegularFile(dir.resolve("original").resolve("config.json"))) {
            layout = Layout.ORIGINAL;
            tensorDir = dir.resolve("original");
            configFile = tensorDir.resolve("config.json");
        } else {
            throw new CheckpointException(dir + ": no config.json (nor original/config.json): not a gpt-oss checkpoint directory");
        }
        GptOssConfig config = ConfigFiles.read(configFile);
        List<Path> paths = layout == Layout.HF ? hfFiles(tensorDir) : safetensorsIn(tensorDir);
        Arena arena = Arena.ofShared();
        try {
            List<SafetensorsFile> files = new ArrayList<>();
            Map<String, Tensor> all = new LinkedHashMap<>();
            for (Path p : paths) {
                SafetensorsFile f = SafetensorsFile.open(p, arena);
                files.add(f);
                for (Tensor t : f.tensors().values()) {
                    Tensor prev = all.put(t.name(), t);
                    if (prev != null) {
                        throw new CheckpointException("tensor " + t.name() + " appears twice: in " + prev.file() + " and in " + p);
                    }
                }
            }
            WeightBinder binder = new WeightBinder(tensorDir, all, config);
            ModelWeights weights = layout == Layout.HF ? binder.bindHf() : binder.bindOriginal();
            binder.checkAllUsed();
            return new Checkpoint(dir, layout, config, List.copyOf(files), weights, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static List<Path> hfFiles(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            JsonNode n = ConfigFiles.readJson(index);
            JsonNode map = n.get("weight_map");
            if (map == null || !map.isObject()) {
                throw new CheckpointException(index + ": missing \"weight_map\" object");
            }
            Set<Path> files = new LinkedHashSet<>();
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                if (!e.getValue().isString()) {
                    throw new CheckpointException(index + ": weight_map entry " + e.getKey() + " is not a file name");
                }
                Path f = dir.resolve(e.getValue().stringValue()).normalize();
                if (!f.startsWith(dir.normalize())) {
                    throw new CheckpointException(index + ": weight_map entry " + e.getKey() + " points outside the checkpoint: " + f);
                }
                if (!Files.isRegularFile(f)) {
                    throw new CheckpointException(index + ": tensor " + e.getKey() + " is in missing file " + f);
                }
                files.add(f);
            }
            return new ArrayList<>(files);
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        List<Path> any = safetensorsIn(dir);
        return any;
    }

    private static List<Path> safetensorsIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new CheckpointException(dir + ": no .safetensors files");
            }
            return files;
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }
}
