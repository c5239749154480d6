package io.ossserve.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Lints and renders helm/oss-serve with the Helm library bundled by helm-java (no helm CLI, no
 * cluster), and gives the rendered manifests back as parsed YAML maps.
 */
final class Chart {

    static final Path DIR = Path.of("helm", "oss-serve").toAbsolutePath();
    static final String RELEASE = "ossr";
    static final String NAMESPACE = "inference";
    /** Kubernetes version the templates are rendered for (preStop sleep needs 1.30+). */
    static final String KUBE_VERSION = "1.31.0";

    private Chart() {}

    /** helm template with the given values files (relative to the chart) and --set pairs (key, value, ...). */
    static Rendered render(List<String> valuesFiles, Object... sets) {
        TemplateCommand cmd = new Helm(DIR).template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
        for (String file : valuesFiles) {
            cmd = cmd.withValuesFile(DIR.resolve(file));
        }
        if (sets.length % 2 != 0) {
            throw new IllegalArgumentException("sets come in key/value pairs");
        }
        for (int i = 0; i < sets.length; i += 2) {
            cmd = cmd.set((String) sets[i], sets[i + 1]);
        }
        return new Rendered(cmd.call());
    }

    static Rendered render(String... valuesFiles) {
        return render(List.of(valuesFiles));
    }

    /**
     * helm lint --strict of the chart with the given values files layered over values.yaml. helm-java's
     * lint takes no values files, so the chart is copied to {@code scratch} and its values.yaml replaced
     * by the deep merge of values.yaml and the files, in order (Helm's own merge semantics for maps).
     */
    static LintResult lint(Path scratch, String... valuesFiles) {
        Path copy = scratch.resolve("oss-serve");
        copyTree(DIR, copy);
        Map<String, Object> values = loadYaml(DIR.resolve("values.yaml"));
        for (String file : valuesFiles) {
            values = deepMerge(values, loadYaml(DIR.resolve(file)));
        }
        try {
            Files.writeString(copy.resolve("values.yaml"), new Yaml().dump(values));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> loadYaml(Path file) {
        try {
            Object loaded = yaml().load(Files.readString(file));
            return loaded == null ? new LinkedHashMap<>() : (Map<String, Object>) loaded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        over.forEach((key, value) -> {
            Object current = merged.get(key);
            if (current instanceof Map<?, ?> currentMap && value instanceof Map<?, ?> valueMap) {
                merged.put(key, deepMerge((Map<String, Object>) currentMap, (Map<String, Object>) valueMap));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifests of one render. */
    record Rendered(String text, List<Map<String, Object>> manifests) {

        @SuppressWarnings("unchecked")
        Rendered(String text) {
            this(text, parse(text));
        }

        private static List<Map<String, Object>> parse(String text) {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object doc : yaml().loadAll(text)) {
                if (doc instanceof Map<?, ?> map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> manifest = (Map<String, Object>) map;
                    docs.add(manifest);
                }
            }
            return docs;
        }

        List<Map<String, Object>> ofKind(String kind) {
            return manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
        }

        Optional<Map<String, Object>> find(String kind) {
            List<Map<String, Object>> all = ofKind(kind);
            if (all.size() > 1) {
                throw new AssertionError("more than one " + kind + " rendered");
            }
            return all.stream().findFirst();
        }

        Map<String, Object> one(String kind) {
            return find(kind).orElseThrow(() -> new AssertionError("no " + kind + " rendered; kinds: " + kinds()));
        }

        List<String> kinds() {
            return manifests.stream().map(m -> String.valueOf(m.get("kind"))).toList();
        }

        /** The Deployment or the StatefulSet. */
        Map<String, Object> workload() {
            List<Map<String, Object>> all = manifests.stream()
                .filter(m -> "Deployment".equals(m.get("kind")) || "StatefulSet".equals(m.get("kind")))
                .toList();
            if (all.size() != 1) {
                throw new AssertionError("expected exactly one workload, got " + kinds());
            }
            return all.getFirst();
        }

        Map<String, Object> podSpec() {
            return Y.map(workload(), "spec.template.spec");
        }

        Map<String, Object> container() {
            List<Map<String, Object>> containers = Y.list(podSpec(), "containers");
            if (containers.size() != 1) {
                throw new AssertionError("expected one container, got " + containers.size());
            }
            return containers.getFirst();
        }

        /** application.yaml of the ConfigMap, parsed. */
        Map<String, Object> applicationSettings() {
            String text = Y.str(one("ConfigMap"), "data.application\\.yaml");
            Object loaded = yaml().load(text);
            @SuppressWarnings("unchecked")
            Map<String, Object> settings = (Map<String, Object>) loaded;
            return settings;
        }
    }
}
