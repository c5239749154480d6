package io.ossserve.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md must be followable without knowledge it does not contain: the files it names
 * exist, every chart value it tells you to set exists in values.yaml, and every Secret and claim the
 * production values expect is created in its steps.
 */
class OperationsDocTest {

    static String doc;
    static Map<String, Object> values;

    @BeforeAll
    static void load() throws IOException {
        doc = Files.readString(Path.of("docs", "operations.md"));
        values = Chart.loadYaml(Chart.DIR.resolve("values.yaml"));
    }

    @Test
    void everyRepositoryFileItNamesExists() {
        Matcher m = Pattern.compile("(helm/oss-serve/[\\w./-]+\\.(?:yaml|json)|docs/[\\w-]+\\.md|Dockerfile)").matcher(doc);
        Set<String> named = new LinkedHashSet<>();
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).contains("helm/oss-serve/values-openshift.yaml", "helm/oss-serve/values-production.yaml");
        for (String file : named) {
            if (file.equals("docs/api.md") || file.equals("docs/configuration.md")) {
                continue; // written with the API and configuration work, not by the deployment work
            }
            assertThat(Path.of(file)).as("named in operations.md").exists();
        }
    }

    @Test
    void everyValueItSetsExistsInTheChart() {
        Matcher m = Pattern.compile("--set ([a-zA-Z][\\w.]*)=").matcher(doc);
        Set<String> keys = new LinkedHashSet<>();
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertThat(keys).contains("image.digest", "model.path", "secrets.adminKey.existingSecret");
        for (String key : keys) {
            assertThat(Y.get(values, key) != null || parentIsMap(key))
                .as("--set %s in operations.md names a value of values.yaml", key).isTrue();
        }
    }

    @Test
    void theSecretsAndClaimOfTheProductionValuesAreCreatedInItsSteps() {
        Map<String, Object> production = Chart.loadYaml(Chart.DIR.resolve("values-production.yaml"));
        for (String path : new String[] {"secrets.adminKey.existingSecret", "secrets.database.existingSecret",
                                         "secrets.redis.existingSecret", "metrics.serviceMonitor.bearerTokenSecret.name"}) {
            String name = Y.str(production, path);
            assertThat(doc).as("operations.md creates Secret %s (%s)", name, path)
                .containsPattern("create secret generic " + Pattern.quote(name) + " ");
        }
        String claim = Y.str(production, "persistence.existingClaim");
        assertThat(doc).contains("name: " + claim);
        assertThat(Y.str(production, "model.path")).startsWith("/models/");
        assertThat(doc).contains("--local-dir " + Y.str(production, "model.path"));
    }

    @Test
    void coversTheTopicsTheIssueAsksFor() {
        for (String heading : new String[] {"Build and push the image", "Create the Secrets", "Install", "GPU sizing",
                                            "Scaling", "Monitoring", "Backing up the audit database", "Upgrades"}) {
            assertThat(doc).containsPattern("(?m)^## \\d+\\. " + Pattern.quote(heading));
        }
        assertThat(doc).contains("gpt-oss-20b").contains("gpt-oss-120b");
    }

    /** A key whose parent is a free-form map in values.yaml (e.g. a map of annotations). */
    private static boolean parentIsMap(String key) {
        int dot = key.lastIndexOf('.');
        return dot > 0 && Y.get(values, key.substring(0, dot)) instanceof Map<?, ?>;
    }
}
