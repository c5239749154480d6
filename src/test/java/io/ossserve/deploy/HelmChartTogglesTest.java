package io.ossserve.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.deploy.Chart.Rendered;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optional resources appear exactly when enabled, and options change what they should. */
class HelmChartTogglesTest {

    @Test
    void ingressWhenEnabledRoutesToTheApiPortWithTls() {
        Rendered r = Chart.render(List.of(),
            "ingress.enabled", true,
            "ingress.className", "nginx",
            "ingress.hosts[0].host", "llm.example.org",
            "ingress.hosts[0].paths[0].path", "/",
            "ingress.hosts[0].paths[0].pathType", "Prefix",
            "ingress.tls[0].secretName", "llm-tls",
            "ingress.tls[0].hosts[0]", "llm.example.org");

        Map<String, Object> ingress = r.one("Ingress");
        assertThat(Y.str(ingress, "spec.ingressClassName")).isEqualTo("nginx");
        Map<String, Object> rule = Y.list(ingress, "spec.rules").getFirst();
        assertThat(rule).containsEntry("host", "llm.example.org");
        Map<String, Object> path = Y.list(rule, "http.paths").getFirst();
        assertThat(Y.str(path, "backend.service.name")).isEqualTo("ossr-oss-serve");
        assertThat(Y.str(path, "backend.service.port.name")).isEqualTo("http");
        assertThat(Y.list(ingress, "spec.tls").getFirst()).containsEntry("secretName", "llm-tls");
        assertThat(r.find("Route")).isEmpty();
    }

    @Test
    void routeIngressHpaNetworkPolicyPdbAndServiceMonitorAreAbsentWhenDisabled() {
        Rendered r = Chart.render(List.of("values-openshift.yaml"),
            "route.enabled", false,
            "networkPolicy.enabled", false,
            "podDisruptionBudget.enabled", false,
            "metrics.serviceMonitor.enabled", false);

        assertThat(r.kinds()).doesNotContain("Route", "Ingress", "HorizontalPodAutoscaler", "NetworkPolicy",
            "PodDisruptionBudget", "ServiceMonitor");
    }

    @Test
    void hpaWhenEnabledScalesTheDeploymentOnTheKvCacheMetric() {
        Rendered r = Chart.render(List.of(),
            "autoscaling.enabled", true,
            "autoscaling.minReplicas", 1,
            "autoscaling.maxReplicas", 3,
            "autoscaling.metric.name", "ossserve_kv_cache_usage_ratio",
            "autoscaling.metric.targetAverageValue", "800m",
            "secrets.adminKey.existingSecret", "admin",
            "persistence.accessModes[0]", "ReadWriteMany");

        Map<String, Object> hpa = r.one("HorizontalPodAutoscaler");
        assertThat(Y.str(hpa, "spec.scaleTargetRef.kind")).isEqualTo("Deployment");
        assertThat(Y.str(hpa, "spec.scaleTargetRef.name")).isEqualTo("ossr-oss-serve");
        Map<String, Object> metric = Y.list(hpa, "spec.metrics").getFirst();
        assertThat(Y.str(metric, "pods.metric.name")).isEqualTo("ossserve_kv_cache_usage_ratio");
        assertThat(Y.str(metric, "pods.target.averageValue")).isEqualTo("800m");
        assertThat(Y.get(hpa, "spec.behavior.scaleDown.stabilizationWindowSeconds")).isEqualTo(900);
        assertThat(Y.get(r.workload(), "spec.replicas")).isNull();
    }

    @Test
    void metricsOnTheApiPortDropTheSeparatePortAndItsPolicyRule() {
        Rendered r = Chart.render(List.of(), "metrics.port", 8000, "metrics.serviceMonitor.enabled", true);

        assertThat(Y.list(r.container(), "ports")).extracting(p -> p.get("name")).containsExactly("http");
        assertThat(Y.list(r.one("NetworkPolicy"), "spec.ingress")).hasSize(1);
        assertThat(Y.list(r.one("ServiceMonitor"), "spec.endpoints").getFirst()).containsEntry("port", "http");
        assertThat(Y.get(r.applicationSettings(), "management.server")).isNull();
    }

    @Test
    void cpuOnlyInstallRequestsNoGpu() {
        Rendered r = Chart.render(List.of(), "gpu.count", 0, "engine.backend", "cpu");

        assertThat(Y.map(r.container(), "resources.limits")).doesNotContainKey("nvidia.com/gpu");
        assertThat(Y.map(r.container(), "resources.requests")).doesNotContainKey("nvidia.com/gpu");
        assertThat(Y.get(r.applicationSettings(), "oss-serve.engine.backend")).isEqualTo("cpu");
    }

    @Test
    void statefulSetWithoutExistingClaimGetsOneModelCachePerReplica() {
        Rendered r = Chart.render(List.of(), "workload.kind", "StatefulSet", "persistence.size", "40Gi");

        Map<String, Object> sts = r.one("StatefulSet");
        List<Map<String, Object>> templates = Y.list(sts, "spec.volumeClaimTemplates");
        assertThat(templates).extracting(t -> Y.str(t, "metadata.name")).containsExactly("models");
        assertThat(Y.str(templates.getFirst(), "spec.resources.requests.storage")).isEqualTo("40Gi");
        assertThat(r.find("PersistentVolumeClaim")).isEmpty();
        assertThat(Y.list(r.podSpec(), "volumes")).noneSatisfy(v -> assertThat(v).containsEntry("name", "models"));
        assertThat(Y.str(sts, "spec.serviceName")).isEqualTo("ossr-oss-serve-headless");
    }

    @Test
    void imageDigestWinsOverTheTag() {
        String digest = "sha256:" + "ab".repeat(32);
        Rendered r = Chart.render(List.of(), "image.digest", digest, "image.tag", "9.9.9");

        assertThat(Y.str(r.container(), "image")).isEqualTo("quay.io/oss-serve/oss-serve@" + digest);
    }

    @Test
    void jwtSettingsAndModelPathReachTheApplicationSettings() {
        Rendered r = Chart.render(List.of(),
            "security.jwt.issuerUri", "https://idp.example.org/realms/ai",
            "security.jwt.audience", "oss-serve",
            "model.path", "/models/gpt-oss-20b",
            "config.oss-serve.engine.max-batch-tokens", 8192);

        Map<String, Object> settings = r.applicationSettings();
        assertThat(Y.str(settings, "oss-serve.security.jwt.issuer-uri")).isEqualTo("https://idp.example.org/realms/ai");
        assertThat(Y.str(settings, "oss-serve.security.jwt.audience")).isEqualTo("oss-serve");
        assertThat(Y.str(settings, "oss-serve.model.path")).isEqualTo("/models/gpt-oss-20b");
        assertThat(Y.get(settings, "oss-serve.engine.max-batch-tokens")).isEqualTo(8192);
        assertThat(Y.get(settings, "oss-serve.engine.backend")).as("user config merges, not replaces").isEqualTo("auto");
    }

    @Test
    void jwtSettingsFromASecretAreOptionalSecretKeyRefs() {
        Rendered r = Chart.render(List.of(), "secrets.jwt.existingSecret", "oidc");

        Map<String, Object> env = HelmChartRenderTest.envNamed(r.container(), "OSSSERVE_SECURITY_JWT_ISSUERURI");
        assertThat(Y.str(env, "valueFrom.secretKeyRef.name")).isEqualTo("oidc");
        assertThat(Y.get(env, "valueFrom.secretKeyRef.optional")).isEqualTo(true);
    }

    @Test
    void configChangeRollsThePods() {
        String before = Y.str(Chart.render().workload(), "spec.template.metadata.annotations.checksum/config");
        String after = Y.str(Chart.render(List.of(), "model.path", "/models/x").workload(),
            "spec.template.metadata.annotations.checksum/config");

        assertThat(before).isNotBlank().isNotEqualTo(after);
    }
}
