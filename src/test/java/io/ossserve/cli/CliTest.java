package io.ossserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.TestModels;
import io.ossserve.engine.Float64Reference;
import io.ossserve.model.Checkpoint;
import io.ossserve.model.DType;
import io.ossserve.model.SafetensorsFile;
import io.ossserve.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        return run(Main::commandLine, args);
    }

    static synchronized Run run(java.util.function.Supplier<picocli.CommandLine> commandLine, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cl = commandLine.get();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n" + out));
    }

    @Test
    void createRandomIsDeterministicPerSeed() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), c = tmp.resolve("c");
        assertThat(run("model", "create-random", "--preset", "tiny", "--seed", "3", "--out", a.toString()).code()).isZero();
        assertThat(run("model", "create-random", "--preset", "tiny", "--seed", "3", "--out", b.toString()).code()).isZero();
        assertThat(run("model", "create-random", "--preset", "tiny", "--seed", "4", "--out", c.toString()).code()).isZero();
        assertThat(Files.mismatch(a.resolve("model.safetensors"), b.resolve("model.safetensors"))).isEqualTo(-1L);
        assertThat(Files.mismatch(a.resolve("config.json"), b.resolve("config.json"))).isEqualTo(-1L);
        assertThat(Files.mismatch(a.resolve("model.safetensors"), c.resolve("model.safetensors"))).isNotEqualTo(-1L);
        assertThat(Files.readString(a.resolve("generation_config.json"))).contains("200012");
    }

    @Test
    void inspectPrintsConfigTensorsAndBytesPerToken() {
        Run r = run("model", "inspect", TestModels.tiny().toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("HF layout").contains("lm_head.weight").contains("gate_up_proj_blocks")
                .contains("bytes read / token");
    }

    @Test
    void generatePrintsGreedyTokensThatMatchTheReference() throws Exception {
        Run r = run("generate", "--model", TestModels.tiny().toString(), "--tokens", "200006,1428,200008", "--max-tokens", "4");
        assertThat(r.code()).as(r.err()).isZero();
        String[] ids = line(r.out(), "tokens: ").substring(8).split(",");
        assertThat(ids).hasSize(4);
        assertThat(r.out()).contains("text: ");
        // the first generated token is the float64 reference's argmax
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny())) {
            double[] last = new Float64Reference(ck.weights()).logits(new int[] {200006, 1428, 200008}, 2)[2];
            int best = 0;
            for (int i = 1; i < last.length; i++) {
                best = last[i] > last[best] ? i : best;
            }
            assertThat(Integer.parseInt(ids[0])).isEqualTo(best);
        }
    }

    @Test
    void theEngineOnlyCommandLineGeneratesTheSameTokens() {
        String[] args = {"generate", "--model", TestModels.tiny().toString(), "--tokens", "200006,1428,200008", "--max-tokens", "3"};
        Run engine = run(EngineMain::commandLine, args);
        assertThat(engine.code()).as(engine.err()).isZero();
        assertThat(line(engine.out(), "tokens: ")).isEqualTo(line(run(args).out(), "tokens: "));
        Run serve = run(EngineMain::commandLine, "serve");
        assertThat(serve.code()).isEqualTo(2);
        assertThat(serve.err()).contains("Unmatched argument");
    }

    @Test
    void generateWithTextPromptSeedAndStopIds() {
        Path m = TestModels.tiny();
        Run a = run("generate", "--model", m.toString(), "--prompt", "Hello there", "--max-tokens", "6", "--temperature", "1", "--top-p", "0.9", "--seed", "9");
        Run b = run("generate", "--model", m.toString(), "--prompt", "Hello there", "--max-tokens", "6", "--temperature", "1", "--top-p", "0.9", "--seed", "9");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(line(a.out(), "tokens: ")).isEqualTo(line(b.out(), "tokens: "));
        String first = line(a.out(), "tokens: ").substring(8).split(",")[0];
        Run stopped = run("generate", "--model", m.toString(), "--prompt", "Hello there", "--max-tokens", "6", "--temperature", "1",
                "--top-p", "0.9", "--seed", "9", "--stop-ids", first);
        assertThat(line(stopped.out(), "tokens: ")).isEqualTo("tokens: " + first);
        assertThat(stopped.err()).contains("finish STOP");
    }

    @Test
    void logitsOutHoldsThePromptsTeacherForcedLogits() throws Exception {
        Path f = tmp.resolve("logits.safetensors");
        int[] prompt = {200006, 17, 659, 220, 17, 314};
        Run r = run("generate", "--model", TestModels.tiny().toString(), "--tokens", "200006,17,659,220,17,314",
                "--max-tokens", "1", "--logits-out", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (Arena arena = Arena.ofConfined(); Checkpoint ck = Checkpoint.open(TestModels.tiny())) {
            Tensor t = SafetensorsFile.open(f, arena).tensors().get("logits");
            assertThat(t.dtype()).isEqualTo(DType.F32);
            assertThat(t.shape()).containsExactly(prompt.length, 201088L);
            double[][] want = new Float64Reference(ck.weights()).logits(prompt);
            float[][] got = new float[prompt.length][201088];
            for (int row = 0; row < prompt.length; row++) {
                for (int i = 0; i < 201088; i++) {
                    got[row][i] = t.getFloat((long) row * 201088 + i);
                }
            }
            assertThat(Float64Reference.relativeL2(got, want, 0)).isLessThan(1e-3);
        }
    }

    @Test
    void badInputGetsOneClearLineAndNonZeroExit() {
        Run missing = run("generate", "--model", tmp.resolve("none").toString(), "--tokens", "1", "--max-tokens", "1");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("error: ").contains("does not exist").doesNotContain("Exception");
        Run badToken = run("generate", "--model", TestModels.tiny().toString(), "--tokens", "1,999999", "--max-tokens", "1");
        assertThat(badToken.code()).isEqualTo(2);
        assertThat(badToken.err()).contains("999999").contains("vocabulary");
        Run badPreset = run("model", "create-random", "--preset", "huge", "--out", tmp.resolve("x").toString());
        assertThat(badPreset.code()).isEqualTo(2);
        assertThat(badPreset.err()).contains("unknown preset 'huge'");
        Run noPrompt = run("generate", "--model", TestModels.tiny().toString());
        assertThat(noPrompt.code()).isNotZero();
        assertThat(noPrompt.err()).contains("--prompt");
    }

    @Test
    void backendChoiceExplainsWhyCudaIsNotUsed() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.ossserve.engine.cuda.CudaBackends.unavailableReason(0).isPresent(),
                "a CUDA device is present: the refusal path is not exercised here");
        Run cuda = run("generate", "--model", TestModels.tiny().toString(), "--tokens", "1,2", "--max-tokens", "1", "--backend", "cuda");
        assertThat(cuda.code()).isNotZero();
        assertThat(cuda.err()).contains("error: ").containsIgnoringCase("cuda").doesNotContain("Exception\n\tat");
        Run auto = run("generate", "--model", TestModels.tiny().toString(), "--tokens", "1,2", "--max-tokens", "1", "--backend", "auto");
        assertThat(auto.code()).as(auto.err()).isZero();
        assertThat(auto.err()).contains("backend auto: using the CPU (");
        Run bad = run("generate", "--model", TestModels.tiny().toString(), "--tokens", "1,2", "--max-tokens", "1", "--backend", "tpu");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--backend must be cpu, cuda or auto");
    }

    @Test
    void weightsPlacementIsChosenAndReported() {
        for (String placement : List.of("mapped", "copied")) {
            Run r = run("bench", "engine", "--model", TestModels.tiny().toString(), "--prompt-len", "4", "--gen-len", "1",
                    "--repeats", "1", "--calibration-mb", "16", "--weights", placement);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("weights " + placement);
        }
        Run bad = run("generate", "--model", TestModels.tiny().toString(), "--tokens", "1,2", "--max-tokens", "1", "--weights", "heap");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--weights must be auto, mapped or copied, not 'heap'");
    }

    @Test
    void thePeakAroundEachPrefillRunIsNeverCountedBelowTheFirstPeak() {
        double[] readings = {105.5, 236.0, 250.1};
        int[] i = {0};
        java.util.function.DoubleSupplier peak = BenchEngineCommand.notBelow(() -> 236.4, () -> readings[i[0]++]);
        assertThat(peak.getAsDouble()).isEqualTo(236.4);
        assertThat(peak.getAsDouble()).isEqualTo(236.4);
        assertThat(peak.getAsDouble()).isEqualTo(250.1);
    }

    @Test
    void benchEngineReportsSpeedAgainstTheMachinesOwnFloors() {
        Run r = run("bench", "engine", "--model", TestModels.tiny().toString(), "--prompt-len", "8", "--gen-len", "2",
                "--repeats", "1", "--calibration-mb", "64", "--profile");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("streaming read").contains("FMA peak").contains("prefill").contains("tok/s")
                .contains("ms/step").contains("weights per token").contains("% of the streaming read after the warm-up");
        // the decode ratio against the floor measured around each run: one "x% (a of b GB/s)" per run (1 here)
        String vs = r.out().lines().filter(l -> l.startsWith("decode vs read")).findFirst().orElseThrow();
        assertThat(vs).matches("decode vs read +[0-9.]+% \\(median of the runs, .*: [0-9.]+% \\([0-9.]+ of [0-9.]+ GB/s\\)\\)");
        // the same for prefill against the FMA peak measured around each prefill run
        String pv = r.out().lines().filter(l -> l.startsWith("prefill vs peak")).findFirst().orElseThrow();
        assertThat(pv).matches("prefill vs peak +[0-9.]+% \\(median of the runs, .*: [0-9.]+% \\([0-9.]+ of [0-9.]+ GFLOP/s\\)\\)");
        // ... never counted below the peak measured after the warm-up
        String machine = r.out().lines().filter(l -> l.startsWith("machine")).findFirst().orElseThrow();
        double startPeak = Double.parseDouble(machine.replaceAll(".*FMA peak ([0-9.]+) GFLOP/s.*", "$1"));
        double runPeak = Double.parseDouble(pv.replaceAll(".*\\([0-9.]+ of ([0-9.]+) GFLOP/s\\)\\)$", "$1"));
        assertThat(runPeak).as(machine + " / " + pv).isGreaterThanOrEqualTo(startPeak - 0.05);
        // --profile: one line per phase; the phases are disjoint parts of the timed steps, so they add up to at most
        // the step time (less by whatever ran between steps, e.g. a GC pause)
        String profile = r.out().substring(r.out().indexOf("profile "));
        double step = Double.parseDouble(profile.replaceAll("(?s)^profile\\s+([0-9.]+) ms/step.*", "$1"));
        double sum = 0;
        for (String phase : List.of("qkv", "attention", "output projection", "experts", "unembedding", "sampling")) {
            String line = profile.lines().filter(l -> l.trim().startsWith(phase + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no '" + phase + "' line in " + profile));
            sum += Double.parseDouble(line.trim().substring(phase.length()).trim().split(" ")[0]);
        }
        assertThat(sum).isPositive().isLessThanOrEqualTo(step * 1.02 + 0.02);
        assertThat(r.err()).contains("warm-up");
    }

    @Test
    void withoutTheVectorModuleTheEngineFallsBackToScalarKernelsWithOneWarning() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "generate", "--model",
                TestModels.tiny().toString(), "--tokens", "200006,1428,200008", "--max-tokens", "3"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(err).contains("scalar kernels");
        assertThat(err.split("jdk.incubator.vector is not available", -1)).hasSize(2);   // exactly one warning
        Run vector = run("generate", "--model", TestModels.tiny().toString(), "--tokens", "200006,1428,200008", "--max-tokens", "3");
        assertThat(line(out, "tokens: ")).isEqualTo(line(vector.out(), "tokens: "));
    }
}
