package io.ossserve.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image's properties, read from the Dockerfile itself (there is no container engine on the build
 * machines): multi-stage, pinned bases, CUDA devel for building and CUDA base for running, a jlink'd
 * Java 25 with the Vector API, non-root under an arbitrary UID in group 0, writable paths only in
 * declared volumes, port 8000, container-aware JVM options, OCI labels.
 */
class DockerfileTest {

    /** One instruction, continuation lines joined, with the stage it belongs to (-1 = before the first FROM). */
    record Instruction(int stage, String keyword, String args) {}

    static List<Instruction> instructions;
    static Map<String, String> buildArgDefaults;
    static List<String> stageNames;
    static String text;

    @BeforeAll
    static void parse() throws IOException {
        text = Files.readString(Path.of("Dockerfile"));
        instructions = new ArrayList<>();
        buildArgDefaults = new LinkedHashMap<>();
        stageNames = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int stage = -1;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.startsWith("#")) {
                continue; // comment inside a continued instruction
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String full = pending.toString().strip();
            pending.setLength(0);
            String[] parts = full.split("\\s+", 2);
            String keyword = parts[0].toUpperCase();
            String args = parts.length > 1 ? parts[1] : "";
            if (keyword.equals("FROM")) {
                stage++;
                Matcher as = Pattern.compile("(?i)\\s+AS\\s+(\\S+)$").matcher(args);
                stageNames.add(as.find() ? as.group(1) : String.valueOf(stage));
            }
            if (keyword.equals("ARG") && args.contains("=")) {
                String[] kv = args.split("=", 2);
                buildArgDefaults.putIfAbsent(kv[0].strip(), kv[1].strip());
            }
            instructions.add(new Instruction(stage, keyword, args));
        }
    }

    static List<Instruction> in(int stage, String keyword) {
        return instructions.stream().filter(i -> i.stage() == stage && i.keyword().equals(keyword)).toList();
    }

    static int lastStage() {
        return stageNames.size() - 1;
    }

    /** FROM image reference of a stage with ARG defaults substituted. */
    static String baseImage(int stage) {
        String from = in(stage, "FROM").getFirst().args().split("\\s+")[0];
        Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(from);
        return m.matches() ? buildArgDefaults.get(m.group(1)) : from;
    }

    @Test
    void isMultiStageAndEndsWithTheRuntimeStage() {
        assertThat(stageNames).hasSizeGreaterThanOrEqualTo(2).contains("build").last().isEqualTo("runtime");
    }

    @Test
    void everyBaseImageIsPinnedToAnExactVersion() {
        for (int stage = 0; stage <= lastStage(); stage++) {
            String image = baseImage(stage);
            assertThat(image).as("stage %s", stageNames.get(stage)).isNotNull().doesNotContain(":latest");
            boolean digest = image.matches(".+@sha256:[a-f0-9]{64}");
            boolean exactTag = image.matches(".+:[^:/@]*\\d+\\.\\d+\\.\\d+[^:/@]*");
            assertThat(digest || exactTag).as("%s pinned by digest or exact x.y.z tag", image).isTrue();
        }
        // No digest is claimed that was not verified: the file says how the tags are pinned.
        if (!text.contains("@sha256:")) {
            assertThat(text).contains("Base image pinning").contains("crane digest");
        }
    }

    @Test
    void buildStageCompilesKernelsWithNvccAndTheJarWithTheMavenWrapperOnJdk25() {
        int build = stageNames.indexOf("build");
        assertThat(baseImage(build)).contains("nvidia/cuda:").contains("-devel-");
        String runs = String.join("\n", in(build, "RUN").stream().map(Instruction::args).toList());
        assertThat(runs).contains("nvcc --version").contains("./mvnw").contains("package");
        assertThat(runs).contains("jlink").contains("--add-modules");
        assertThat(buildArgDefaults.get("JLINK_MODULES")).contains("jdk.incubator.vector", "java.sql", "jdk.unsupported");
        assertThat(baseImage(stageNames.indexOf("jdk"))).contains("temurin:25");
        assertThat(in(build, "COPY")).anySatisfy(c -> assertThat(c.args()).contains("cuda-kernels"));
    }

    @Test
    void runtimeStageIsCudaBaseWithTheTrimmedJreAndTheJarOnly() {
        int runtime = lastStage();
        assertThat(baseImage(runtime)).contains("nvidia/cuda:").contains("-base-")
            .doesNotContain("devel").doesNotContain("-runtime-");
        List<Instruction> copies = in(runtime, "COPY");
        assertThat(copies).hasSize(2).allSatisfy(c -> assertThat(c.args()).contains("--from=build"));
        assertThat(copies).anySatisfy(c -> assertThat(c.args()).contains("/opt/jre"));
        assertThat(copies).anySatisfy(c -> assertThat(c.args()).contains("target/oss-serve.jar").endsWith("/app/oss-serve.jar"));
        assertThat(in(runtime, "ADD")).isEmpty();
        String runs = String.join("\n", in(runtime, "RUN").stream().map(Instruction::args).toList());
        assertThat(runs).doesNotContain("apt-get").doesNotContain("curl").doesNotContain("wget");
    }

    @Test
    void runsAsANonRootNumericUserInGroupZero() {
        List<Instruction> users = in(lastStage(), "USER");
        assertThat(users).hasSize(1);
        String user = users.getFirst().args();
        assertThat(user).matches("\\d+:0");
        assertThat(Integer.parseInt(user.split(":")[0])).isGreaterThan(0);
        // USER is the last identity switch, after every RUN of the runtime stage.
        int userIndex = instructions.indexOf(users.getFirst());
        assertThat(instructions.subList(userIndex, instructions.size()))
            .noneMatch(i -> i.keyword().equals("RUN"));
    }

    @Test
    void writablePathsAreOnlyTheDeclaredVolumes() {
        int runtime = lastStage();
        List<String> volumes = new ArrayList<>();
        Matcher m = Pattern.compile("\"(/[^\"]+)\"").matcher(in(runtime, "VOLUME").getFirst().args());
        while (m.find()) {
            volumes.add(m.group(1));
        }
        assertThat(volumes).containsExactlyInAnyOrder("/models", "/data", "/tmp");

        for (Instruction run : in(runtime, "RUN")) {
            for (String command : run.args().split("&&")) {
                String c = command.strip();
                if (c.startsWith("chown") || c.startsWith("chmod") || c.startsWith("mkdir")) {
                    List<String> paths = Pattern.compile("\\s(/\\S*)").matcher(c).results().map(r -> r.group(1)).toList();
                    assertThat(paths).as(c).isNotEmpty().allSatisfy(p -> assertThat(volumes).contains(p));
                    if (c.startsWith("chmod")) {
                        // group permissions equal the owner's, for OpenShift's arbitrary UID in group 0
                        assertThat(c).containsPattern("chmod (0?775|0?770|1777) ");
                    }
                }
            }
        }
        assertThat(text).contains("chown 10001:0 /models /data");
    }

    @Test
    void exposesPort8000AndStartsTheJarWithTheVectorModuleAndNativeAccess() {
        int runtime = lastStage();
        assertThat(in(runtime, "EXPOSE")).extracting(Instruction::args).containsExactly("8000");
        String entrypoint = in(runtime, "ENTRYPOINT").getFirst().args();
        assertThat(entrypoint).startsWith("[").as("exec form, so SIGTERM reaches the JVM")
            .contains("\"--add-modules\", \"jdk.incubator.vector\"")
            .contains("\"--enable-native-access=ALL-UNNAMED\"")
            .contains("\"-jar\", \"/app/oss-serve.jar\"");
        assertThat(in(runtime, "CMD")).extracting(Instruction::args).containsExactly("[\"serve\"]");
    }

    @Test
    void jvmOptionsFollowTheContainerMemoryLimit() {
        String env = String.join(" ", in(lastStage(), "ENV").stream().map(Instruction::args).toList());
        Matcher m = Pattern.compile("JDK_JAVA_OPTIONS=\"([^\"]+)\"").matcher(env);
        assertThat(m.find()).isTrue();
        String options = m.group(1);
        assertThat(options).contains("-XX:+UseContainerSupport").containsPattern("-XX:MaxRAMPercentage=\\d+")
            .contains("-XX:+ExitOnOutOfMemoryError").contains("-Djava.io.tmpdir=/tmp")
            .doesNotContainPattern("-Xmx\\d");
        assertThat(env).contains("HOME=/tmp").contains("CUDA_CACHE_PATH=/tmp/");
        assertThat(env).doesNotContainPattern("(?i)(password|secret|token|api_?key)\\s*=");
    }

    @Test
    void carriesOciLabels() {
        String labels = String.join(" ", in(lastStage(), "LABEL").stream().map(Instruction::args).toList());
        for (String key : List.of("title", "description", "version", "revision", "created", "source", "licenses",
                                  "vendor", "base.name")) {
            assertThat(labels).contains("org.opencontainers.image." + key + "=");
        }
        assertThat(labels).contains("io.openshift.expose-services=\"8000:http\"");
    }

    @Test
    void dockerignoreKeepsBuildOutputAndRepositoryMetadataOutOfTheContext() throws IOException {
        List<String> ignored = Files.readAllLines(Path.of(".dockerignore")).stream()
            .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignored).contains(".git", "target/", "data/");
        assertThat(ignored).doesNotContain("src", "src/", "pom.xml", "cuda-kernels", "cuda-kernels/", ".mvn", "mvnw");
    }
}
