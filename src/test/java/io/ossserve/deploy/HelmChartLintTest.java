package io.ossserve.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** helm lint --strict (warnings fail) for the default, OpenShift, production and OpenShift+production values. */
class HelmChartLintTest {

    @ParameterizedTest(name = "lint with {0}")
    @ValueSource(strings = {"", "values-openshift.yaml", "values-production.yaml",
                            "values-openshift.yaml,values-production.yaml"})
    void chartLintsCleanInStrictMode(String overlays, @TempDir Path scratch) {
        String[] files = overlays.isEmpty() ? new String[0] : overlays.split(",");

        LintResult result = Chart.lint(scratch, files);

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages())
            .as("only informational messages are tolerated")
            .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }
}
