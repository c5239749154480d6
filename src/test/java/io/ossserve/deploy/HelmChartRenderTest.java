package io.ossserve.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.deploy.Chart.Rendered;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties every rendering must have, for the default, OpenShift and production values. */
class HelmChartRenderTest {

    static Stream<Arguments> valueSets() {
        return Stream.of(
            Arguments.of("default", List.of()),
            Arguments.of("openshift", List.of("values-openshift.yaml")),
            Arguments.of("production", List.of("values-production.yaml")),
            Arguments.of("openshift+production", List.of("values-openshift.yaml", "values-production.yaml")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void securityContextIsRestrictedV2WithoutFixedUser(String name, List<String> files) {
        Rendered r = Chart.render(files);

        Map<String, Object> pod = Y.map(r.podSpec(), "securityContext");
        assertThat(pod).containsEntry("runAsNonRoot", true).doesNotContainKeys("runAsUser", "runAsGroup", "fsGroup");
        assertThat(Y.str(pod, "seccompProfile.type")).isEqualTo("RuntimeDefault");

        Map<String, Object> c = Y.map(r.container(), "securityContext");
        assertThat(c).containsEntry("runAsNonRoot", true)
            .containsEntry("allowPrivilegeEscalation", false)
            .containsEntry("readOnlyRootFilesystem", true)
            .containsEntry("privileged", false)
            .doesNotContainKeys("runAsUser", "runAsGroup");
        assertThat(Y.get(c, "capabilities.drop")).isEqualTo(List.of("ALL"));
        assertThat(Y.get(c, "capabilities.add")).isNull();
        assertThat(Y.str(c, "seccompProfile.type")).isEqualTo("RuntimeDefault");

        assertThat(r.podSpec()).doesNotContainKeys("hostNetwork", "hostPID", "hostIPC");
        assertThat(r.podSpec()).containsEntry("automountServiceAccountToken", false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void probesUseTheNimStyleHealthEndpointsWithALongStartupBudget(String name, List<String> files) {
        Map<String, Object> c = Chart.render(files).container();

        assertThat(Y.str(c, "startupProbe.httpGet.path")).isEqualTo("/v1/health/ready");
        assertThat(Y.str(c, "readinessProbe.httpGet.path")).isEqualTo("/v1/health/ready");
        assertThat(Y.str(c, "livenessProbe.httpGet.path")).isEqualTo("/v1/health/live");
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(Y.str(c, probe + ".httpGet.port")).as(probe).isEqualTo("http");
        }
        int period = (Integer) Y.get(c, "startupProbe.periodSeconds");
        int failures = (Integer) Y.get(c, "startupProbe.failureThreshold");
        assertThat(period * failures).as("start-up budget in seconds (loading a 120b model)").isGreaterThanOrEqualTo(30 * 60);

        List<Map<String, Object>> ports = Y.list(c, "ports");
        assertThat(ports).anySatisfy(p -> {
            assertThat(p).containsEntry("name", "http").containsEntry("containerPort", 8000);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void requestsOneGpuAndToleratesTheGpuTaint(String name, List<String> files) {
        Rendered r = Chart.render(files);
        Map<String, Object> c = r.container();

        assertThat(Y.get(c, "resources.limits.nvidia\\.com/gpu")).isEqualTo(1);
        assertThat(Y.get(c, "resources.requests.nvidia\\.com/gpu")).isEqualTo(1);
        assertThat(Y.get(c, "resources.limits.memory")).isNotNull();
        assertThat(Y.list(r.podSpec(), "tolerations"))
            .anySatisfy(t -> assertThat(t).containsEntry("key", "nvidia.com/gpu").containsEntry("effect", "NoSchedule"));
        assertThat(Y.list(r.podSpec(), "topologySpreadConstraints"))
            .allSatisfy(t -> assertThat(Y.get(t, "labelSelector.matchLabels")).isEqualTo(Map.of(
                "app.kubernetes.io/name", "oss-serve", "app.kubernetes.io/instance", Chart.RELEASE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void writablePathsAreExactlyTheDeclaredVolumes(String name, List<String> files) {
        Rendered r = Chart.render(files);
        List<Map<String, Object>> mounts = Y.list(r.container(), "volumeMounts");

        List<String> writable = mounts.stream()
            .filter(m -> !Boolean.TRUE.equals(m.get("readOnly")))
            .map(m -> (String) m.get("mountPath"))
            .toList();
        assertThat(writable).isSubsetOf("/models", "/data", "/tmp").contains("/data", "/tmp");
        assertThat(mounts).anySatisfy(m -> assertThat(m).containsEntry("mountPath", "/etc/oss-serve").containsEntry("readOnly", true));
        // The Dockerfile's JVM writes temp files to /tmp, which must be a volume under a read-only root.
        assertThat(Y.str(envNamed(r.container(), "JDK_JAVA_OPTIONS"), "value")).contains("-Djava.io.tmpdir=/tmp");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void noSecretValueIsRendered(String name, List<String> files) {
        Rendered r = Chart.render(files);

        assertThat(r.kinds()).doesNotContain("Secret");
        Pattern secretName = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|ADMIN_?KEY|API_?KEY|CREDENTIAL).*");
        for (Map<String, Object> env : Y.list(r.container(), "env")) {
            if (secretName.matcher((String) env.get("name")).matches()) {
                assertThat(env).as("env %s", env.get("name")).doesNotContainKey("value");
                assertThat(Y.get(env, "valueFrom.secretKeyRef")).as("env %s", env.get("name")).isNotNull();
            }
        }
        Pattern secretKey = Pattern.compile("(?i)(.*[-_.])?(password|secret|token|admin-key|api-key|credentials?)$");
        for (Map.Entry<String, Object> leaf : Y.leaves(r.applicationSettings())) {
            assertThat(secretKey.matcher(leaf.getKey()).matches())
                .as("settings key %s", leaf.getKey()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void applicationSettingsWireThePortsAndTheDataDirectory(String name, List<String> files) {
        Rendered r = Chart.render(files);
        Map<String, Object> settings = r.applicationSettings();

        assertThat(Y.get(settings, "server.port")).isEqualTo(8000);
        assertThat(Y.get(settings, "server.shutdown")).isEqualTo("graceful");
        assertThat(Y.get(settings, "management.server.port")).isEqualTo(9000);
        assertThat(Y.get(settings, "oss-serve.data-dir")).isEqualTo("/data");
        assertThat(Y.get(settings, "oss-serve.engine.backend")).isIn("auto", "cuda", "cpu");
        assertThat(envNamed(r.container(), "SPRING_CONFIG_ADDITIONAL_LOCATION"))
            .containsEntry("value", "optional:file:/etc/oss-serve/application.yaml");

        Map<String, Object> service = r.ofKind("Service").stream()
            .filter(s -> !Y.str(s, "metadata.name").endsWith("-headless")).findFirst().orElseThrow();
        assertThat(Y.list(service, "spec.ports")).extracting(p -> p.get("name"), p -> p.get("port"))
            .contains(org.assertj.core.groups.Tuple.tuple("http", 8000), org.assertj.core.groups.Tuple.tuple("metrics", 9000));
    }

    @Test
    void defaultValuesRenderOneGpuDeploymentWithAModelClaimAndNoExposure() {
        Rendered r = Chart.render();

        assertThat(r.kinds()).contains("Deployment", "Service", "ConfigMap", "PersistentVolumeClaim",
                "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy")
            .doesNotContain("StatefulSet", "Route", "Ingress", "HorizontalPodAutoscaler", "ServiceMonitor");
        assertThat(Y.get(r.workload(), "spec.replicas")).isEqualTo(1);
        assertThat(Y.str(r.one("PersistentVolumeClaim"), "metadata.annotations.helm\\.sh/resource-policy")).isEqualTo("keep");
        assertThat(Y.str(r.container(), "image")).isEqualTo("quay.io/oss-serve/oss-serve:0.1.0");
        assertThat(Y.str(r.one("PodDisruptionBudget"), "spec.maxUnavailable")).isEqualTo("1");
    }

    @Test
    void openShiftValuesExposeARouteWithEdgeTlsAndLongTimeoutAndAdmitTheRouterAndMonitoring() {
        Rendered r = Chart.render("values-openshift.yaml");

        Map<String, Object> route = r.one("Route");
        assertThat(Y.str(route, "apiVersion")).isEqualTo("route.openshift.io/v1");
        assertThat(Y.str(route, "spec.tls.termination")).isEqualTo("edge");
        assertThat(Y.str(route, "spec.tls.insecureEdgeTerminationPolicy")).isEqualTo("Redirect");
        assertThat(Y.str(route, "spec.port.targetPort")).isEqualTo("http");
        assertThat(Y.str(route, "metadata.annotations.haproxy\\.router\\.openshift\\.io/timeout")).isEqualTo("600s");
        assertThat(r.find("Ingress")).isEmpty();

        Map<String, Object> policy = r.one("NetworkPolicy");
        List<Map<String, Object>> rules = Y.list(policy, "spec.ingress");
        assertThat(rules).hasSize(2);
        assertThat(Y.list(rules.get(0), "ports")).singleElement().satisfies(p -> assertThat(p).containsEntry("port", "http"));
        assertThat(Y.list(rules.get(0), "from")).anySatisfy(peer ->
            assertThat(Y.map(peer, "namespaceSelector.matchLabels")).containsKey("policy-group.network.openshift.io/ingress"));
        assertThat(Y.list(rules.get(1), "ports")).singleElement().satisfies(p -> assertThat(p).containsEntry("port", "metrics"));
        assertThat(Y.list(rules.get(1), "from")).singleElement().satisfies(peer ->
            assertThat(Y.map(peer, "namespaceSelector.matchLabels")).containsEntry("network.openshift.io/policy-group", "monitoring"));

        Map<String, Object> monitor = r.one("ServiceMonitor");
        assertThat(Y.list(monitor, "spec.endpoints")).singleElement().satisfies(e -> {
            assertThat(e).containsEntry("port", "metrics").containsEntry("path", "/actuator/prometheus");
        });
        assertThat(Y.map(r.podSpec(), "nodeSelector")).containsEntry("nvidia.com/gpu.present", "true");
    }

    @Test
    void productionValuesRunAnAutoscaledStatefulSetWiredToSecretsDatabaseAndRedis() {
        Rendered r = Chart.render("values-openshift.yaml", "values-production.yaml");

        Map<String, Object> sts = r.one("StatefulSet");
        assertThat(Y.get(sts, "spec.replicas")).as("replicas belong to the HPA").isNull();
        assertThat(Y.list(sts, "spec.volumeClaimTemplates")).extracting(t -> Y.str(t, "metadata.name")).containsExactly("data");
        assertThat(Y.list(r.podSpec(), "volumes")).anySatisfy(v -> {
            assertThat(v).containsEntry("name", "models");
            assertThat(Y.str(v, "persistentVolumeClaim.claimName")).isEqualTo("oss-serve-models");
            assertThat(Y.get(v, "persistentVolumeClaim.readOnly")).isEqualTo(true);
        });
        assertThat(r.find("PersistentVolumeClaim")).as("existing claim: none created").isEmpty();
        assertThat(r.ofKind("Service")).extracting(s -> Y.str(s, "metadata.name"))
            .containsExactlyInAnyOrder("ossr-oss-serve", "ossr-oss-serve-headless");

        Map<String, Object> hpa = r.one("HorizontalPodAutoscaler");
        assertThat(Y.str(hpa, "apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(Y.str(hpa, "spec.scaleTargetRef.kind")).isEqualTo("StatefulSet");
        assertThat(Y.get(hpa, "spec.minReplicas")).isEqualTo(2);
        assertThat(Y.list(hpa, "spec.metrics")).singleElement().satisfies(m -> {
            assertThat(m).containsEntry("type", "Pods");
            assertThat(Y.str(m, "pods.metric.name")).isEqualTo("ossserve_queue_depth");
            assertThat(Y.str(m, "pods.target.type")).isEqualTo("AverageValue");
        });

        Map<String, Object> c = r.container();
        assertThat(Y.str(envNamed(c, "SPRING_DATASOURCE_PASSWORD"), "valueFrom.secretKeyRef.name")).isEqualTo("oss-serve-db");
        assertThat(Y.str(envNamed(c, "SPRING_DATASOURCE_USERNAME"), "valueFrom.secretKeyRef.name")).isEqualTo("oss-serve-db");
        assertThat(Y.str(envNamed(c, "SPRING_DATA_REDIS_PASSWORD"), "valueFrom.secretKeyRef.name")).isEqualTo("oss-serve-redis");
        assertThat(Y.list(c, "volumeMounts")).anySatisfy(m ->
            assertThat(m).containsEntry("name", "admin-key").containsEntry("readOnly", true));
        assertThat(Y.list(r.podSpec(), "volumes")).anySatisfy(v -> {
            assertThat(v).containsEntry("name", "admin-key");
            assertThat(Y.str(v, "secret.secretName")).isEqualTo("oss-serve-admin");
        });

        Map<String, Object> settings = r.applicationSettings();
        assertThat(Y.str(settings, "oss-serve.security.admin-key-file")).isEqualTo("/var/run/secrets/oss-serve/admin/admin-key");
        assertThat(Y.str(settings, "spring.datasource.url")).startsWith("jdbc:postgresql://");
        assertThat(Y.str(settings, "spring.data.redis.host")).isEqualTo("oss-serve-redis-master");
        assertThat(Y.str(settings, "oss-serve.model.path")).isEqualTo("/models/gpt-oss-120b");
        assertThat(Y.str(settings, "oss-serve.engine.backend")).isEqualTo("cuda");
        assertThat(envNamed(c, "SPRING_PROFILES_ACTIVE")).containsEntry("value", "production");

        assertThat(Y.list(r.one("ServiceMonitor"), "spec.endpoints")).singleElement().satisfies(e ->
            assertThat(Y.str(e, "authorization.credentials.name")).isEqualTo("oss-serve-metrics"));
        assertThat(Y.get(r.one("NetworkPolicy"), "spec.policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
        assertThat((Integer) Y.get(r.container(), "startupProbe.failureThreshold")).isEqualTo(360);
    }

    static Map<String, Object> envNamed(Map<String, Object> container, String name) {
        return Y.list(container, "env").stream()
            .filter(e -> name.equals(e.get("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no env " + name));
    }
}
