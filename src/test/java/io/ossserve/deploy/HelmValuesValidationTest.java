package io.ossserve.deploy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad values fail at helm install/template time, before anything reaches the cluster: through
 * values.schema.json, or through the chart's own checks for combinations a schema cannot express.
 */
class HelmValuesValidationTest {

    static Stream<Arguments> schemaViolations() {
        return Stream.of(
            Arguments.of("replicaCount", -1, "replicaCount"),
            Arguments.of("engine.backend", "gpu", "backend"),
            Arguments.of("workload.kind", "DaemonSet", "kind"),
            Arguments.of("image.pullPolicy", "Sometimes", "pullPolicy"),
            Arguments.of("image.digest", "latest", "digest"),
            Arguments.of("gpu.count", -2, "count"),
            Arguments.of("service.port", 70000, "port"),
            Arguments.of("probes.startup.failureThreshold", 0, "failureThreshold"),
            Arguments.of("probes.liveness.path", "v1/health/live", "path"),
            Arguments.of("route.tls.termination", "none", "termination"),
            Arguments.of("securityContext.allowPrivilegeEscalation", true, "allowPrivilegeEscalation"),
            Arguments.of("securityContext.readOnlyRootFilesystem", false, "readOnlyRootFilesystem"),
            Arguments.of("securityContext.privileged", true, "privileged"),
            Arguments.of("podSecurityContext.runAsNonRoot", false, "runAsNonRoot"),
            Arguments.of("podSecurityContext.runAsUser", 0, "runAsUser"),
            Arguments.of("secrets.database.password", "hunter2", "password"),
            Arguments.of("secrets.adminKey.value", "sk-123", "value"),
            Arguments.of("database.url", "postgres://db/ossserve", "url"),
            Arguments.of("autoscaling.minReplicas", 0, "minReplicas"),
            Arguments.of("autoscaling.metric.name", "queue depth", "name"),
            Arguments.of("replicaCont", 2, "replicaCont"));
    }

    @ParameterizedTest(name = "schema rejects {0}={1}")
    @MethodSource("schemaViolations")
    void schemaRejects(String key, Object value, String mentioned) {
        assertThatThrownBy(() -> Chart.render(List.of(), key, value))
            .hasMessageContaining("schema")
            .hasMessageContaining(mentioned);
    }

    @Test
    void schemaRejectsAnUnknownBackendInAValuesFileToo() {
        assertThatThrownBy(() -> Chart.render(List.of("values-production.yaml"), "engine.backend", "tpu"))
            .hasMessageContaining("schema")
            .hasMessageContaining("backend");
    }

    static Stream<Arguments> chartChecks() {
        return Stream.of(
            Arguments.of(List.of("config.spring.datasource.password", "hunter2"), "config.spring.datasource.password"),
            Arguments.of(List.of("config.oss-serve.security.admin-key", "sk-1"), "looks like a secret"),
            Arguments.of(List.of("extraEnv[0].name", "REDIS_PASSWORD", "extraEnv[0].value", "x"), "REDIS_PASSWORD"),
            Arguments.of(List.of("config.spring.security.oauth2.client.registration.idp.client-secret", "s"), "looks like a secret"),
            Arguments.of(List.of("data.persistent", true), "StatefulSet"),
            Arguments.of(List.of("replicaCount", 2), "secrets.adminKey.existingSecret"),
            Arguments.of(List.of("replicaCount", 2, "secrets.adminKey.existingSecret", "admin"), "ReadWriteOnce"),
            Arguments.of(List.of("autoscaling.enabled", true, "autoscaling.minReplicas", 5, "autoscaling.maxReplicas", 2),
                "minReplicas"),
            Arguments.of(List.of("route.enabled", true, "ingress.enabled", true), "not both"),
            Arguments.of(List.of("podDisruptionBudget.minAvailable", 1), "not both"));
    }

    @ParameterizedTest(name = "chart refuses {0}")
    @MethodSource("chartChecks")
    void chartRefuses(List<Object> sets, String mentioned) {
        assertThatThrownBy(() -> Chart.render(List.of(), sets.toArray()))
            .hasMessageContaining(mentioned);
    }

    @Test
    void secretReferencesFromExtraEnvAreAccepted() {
        assertThatCode(() -> Chart.render(List.of(),
                "extraEnv[0].name", "HF_TOKEN",
                "extraEnv[0].valueFrom.secretKeyRef.name", "hf",
                "extraEnv[0].valueFrom.secretKeyRef.key", "token"))
            .doesNotThrowAnyException();
    }
}
