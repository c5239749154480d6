package io.ossserve.cli;

import io.ossserve.engine.EngineBenchmark;
import io.ossserve.engine.StepBackend;
import io.ossserve.engine.cpu.CpuBackends;
import io.ossserve.engine.cpu.CpuKernels;
import io.ossserve.engine.cpu.Parallel;
import io.ossserve.engine.cpu.ResidentWeights;
import io.ossserve.model.Checkpoint;
import io.ossserve.model.Presets;
import io.ossserve.model.RandomCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Engine speed: prefill and decode tok/s, bytes of weights per token, effective GB/s against the
 * machine's streaming-read bandwidth, prefill GFLOP/s against its FMA peak (both measured here).
 */
@Command(name = "engine", description = "Measure prefill and decode speed of the engine against this machine's own floors.")
final class BenchEngineCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model", description = "Checkpoint directory.")
        Path model;

        @Option(names = "--preset", description = "tiny | small | 20b | 120b: a random checkpoint (written once under --data-dir).")
        String preset;
    }

    @Option(names = "--data-dir", description = "Where preset checkpoints are cached (default ./data).")
    Path dataDir = Path.of("data");

    @Option(names = "--batch", description = "Sequences decoded together (default 1).")
    int batch = 1;

    @Option(names = "--prompt-len", description = "Prefill length (default 512).")
    int promptLength = 512;

    @Option(names = "--gen-len", description = "Decode steps (default 32).")
    int genLength = 32;

    @Option(names = "--repeats", description = "Timed runs; the median is reported (default 3).")
    int repeats = 3;

    @Option(names = "--synthetic", description = "With --backend cuda and --preset: random weights of the exact shapes generated on the device (no files).")
    boolean synthetic;

    @Option(names = "--profile", description = "CPU backend: after the measurement, one more decode run timed per phase "
            + "(QKV, attention, output projection, experts, unembedding + sampling), in ms per step.")
    boolean profile;

    @Option(names = "--calibration-mb", description = "Size of the streaming-read calibration buffer (default 1024 MB; larger than the caches).")
    int calibrationMb = 1024;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || promptLength < 1 || genLength < 1 || repeats < 1) {
            throw new IllegalArgumentException("--batch, --prompt-len, --gen-len and --repeats must be >= 1");
        }
        if (synthetic) {
            if (!engine.backend.equals("cuda") || source.preset == null) {
                throw new IllegalArgumentException("--synthetic needs --backend cuda and --preset");
            }
            var r = io.ossserve.engine.cuda.CudaBench.runSynthetic(source.preset,
                    io.ossserve.engine.cuda.CudaOptions.DEFAULTS.withKvCacheBytes(4L << 30), batch, promptLength, genLength,
                    System.err::println);
            System.out.print(io.ossserve.engine.cuda.CudaBench.format(r));
            return 0;
        }
        Path dir = source.model;
        if (dir == null) {
            dir = dataDir.resolve("models").resolve(source.preset + "-seed0");
            if (!Files.isRegularFile(dir.resolve("config.json"))) {
                System.err.printf("writing random %s checkpoint to %s (once) ...%n", source.preset, dir);
                RandomCheckpoint.write(Presets.get(source.preset), 0, dir, RandomCheckpoint.Layouts.HF);
            }
        }
        try (Checkpoint ck = Checkpoint.open(dir); StepBackend backend = engine.create(ck.weights(), ResidentWeights.Placement.AUTO)) {
            long bytesPerToken = ck.weights().bytesPerToken();
            if (!(backend instanceof io.ossserve.engine.cpu.CpuBackend)) {
                EngineBenchmark.Result r = EngineBenchmark.run(backend, batch, promptLength, genLength, repeats, 42,
                        msg -> System.err.println("  " + msg));
                System.out.printf("model               %s (%s)%n", dir, backend.description());
                System.out.printf("prefill             %d tokens: %.1f tok/s%n", promptLength, r.prefillTokPerS());
                System.out.printf("decode              batch %d, %d steps: %.2f tok/s, %.3f ms/step%n", batch, genLength,
                        r.decodeTokPerS(), r.msPerStep());
                System.out.printf("weights per token   %,d bytes; effective read %.1f GB/s%n", bytesPerToken,
                        bytesPerToken * (r.decodeTokPerS() / batch) / 1e9);
                return 0;
            }
            try (Parallel p = new Parallel(engine.threads <= 0 ? Runtime.getRuntime().availableProcessors() : engine.threads);
                 java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
                CpuKernels k = CpuBackends.kernels(engine.kernels, p);
                java.lang.foreign.MemorySegment probe = CpuKernels.streamBuffer(arena, (long) calibrationMb << 20, p);
                // the floors are first measured after the engine's warm-up (EngineBenchmark.run), not before it: run
                // first, the calibration loops changed what the JIT compiled for the engine's kernels
                double[] start = new double[2];                        // streaming read, FMA peak
                Runnable calibrate = () -> {
                    System.err.println("  calibrating: streaming read and FMA peak ...");
                    start[0] = k.streamReadGBs(probe, 5);
                    start[1] = k.fmaGflops(1500);
                };
                // the streaming-read floor is measured again around each decode run: this VM's memory bandwidth
                // drifts between about 30 and 60 GB/s within minutes (docs/benchmarks.md)
                // and the FMA peak around each prefill run, for the same reason (its clock moves too), but never below
                // the first peak (after the warm-up): on the Zen 4 VM the FMA loop alone fell to half its rate after about
                // 0.6 s of sustained FMA work while the prefill did not (105-108 GFLOP/s around prefill runs of 154)
                EngineBenchmark.Result r = EngineBenchmark.run(backend, batch, promptLength, genLength, repeats, 42,
                        msg -> System.err.println("  " + msg), () -> k.streamReadGBs(probe, 3),
                        notBelow(() -> start[1], () -> k.fmaGflops(500)), calibrate);
                double readGBs = start[0], peakGflops = start[1];
                double effGBs = bytesPerToken * (r.decodeTokPerS() / batch) / 1e9;
                double prefillGflops = r.prefillFlopsPerToken() * r.prefillTokPerS() / 1e9;
                java.util.List<Double> ratios = new java.util.ArrayList<>();
                StringBuilder runs = new StringBuilder();
                for (int i = 0; i < r.floors().length; i++) {
                    double runGBs = bytesPerToken * genLength / r.decodeRuns()[i] / 1e9;
                    ratios.add(runGBs / r.floors()[i]);
                    runs.append(String.format("%s%.1f%% (%.2f of %.2f GB/s)", i == 0 ? "" : ", ", 100 * ratios.get(i), runGBs, r.floors()[i]));
                }
                double medianRatio = EngineBenchmark.median(ratios);
                java.util.List<Double> computeRatios = new java.util.ArrayList<>();
                StringBuilder prefillRuns = new StringBuilder();
                for (int i = 0; i < r.prefillFloors().length; i++) {
                    double runGflops = r.prefillFlopsPerToken() * promptLength / r.prefillRuns()[i] / 1e9;
                    computeRatios.add(runGflops / r.prefillFloors()[i]);
                    prefillRuns.append(String.format("%s%.1f%% (%.1f of %.1f GFLOP/s)", i == 0 ? "" : ", ",
                            100 * computeRatios.get(i), runGflops, r.prefillFloors()[i]));
                }
                System.out.printf("model               %s (%s)%n", dir, backend.description());
                System.out.printf("machine             %d cores; streaming read %.2f GB/s (after the warm-up); FMA peak %.1f GFLOP/s%n",
                        Runtime.getRuntime().availableProcessors(), readGBs, peakGflops);
                System.out.printf("prefill             %d tokens: %.1f tok/s, %.2f s, %.1f GFLOP/s = %.1f%% of the FMA peak after the warm-up%n",
                        promptLength, r.prefillTokPerS(), r.prefillSeconds(), prefillGflops, 100 * prefillGflops / peakGflops);
                System.out.printf("prefill vs peak     %.1f%% (median of the runs, each against the FMA peak measured just before "
                        + "and after it: %s)%n", 100 * EngineBenchmark.median(computeRatios), prefillRuns);
                System.out.printf("decode              batch %d, %d steps: %.2f tok/s, %.2f ms/step%n",
                        batch, genLength, r.decodeTokPerS(), r.msPerStep());
                System.out.printf("weights per token   %,d bytes (batch 1)%n", bytesPerToken);
                System.out.printf("effective read      %.2f GB/s = %.1f%% of the streaming read after the warm-up%s%n", effGBs,
                        100 * effGBs / readGBs, batch > 1 ? " (per step; experts of other sequences not counted)" : "");
                System.out.printf("decode vs read      %.1f%% (median of the runs, each against the streaming read measured just before "
                        + "and after it: %s)%n", 100 * medianRatio, runs);
            }
            if (profile) {
                printProfile((io.ossserve.engine.cpu.CpuBackend) backend);
            }
        }
        return 0;
    }

    /** {@code probe}'s readings, raised to {@code floor} where they fall below it. */
    static java.util.function.DoubleSupplier notBelow(java.util.function.DoubleSupplier floor, java.util.function.DoubleSupplier probe) {
        return () -> Math.max(floor.getAsDouble(), probe.getAsDouble());
    }

    /** A separate decode run with phase timing on (so the timed runs above carry no clock reads). */
    private void printProfile(io.ossserve.engine.cpu.CpuBackend cpu) {
        System.err.println("  profile: decode " + genLength + " steps, batch " + batch);
        double seconds = EngineBenchmark.decodeSeconds(cpu, batch, Math.min(promptLength, 128), genLength, 7,
                () -> cpu.profile(true));                     // the prompt steps are not timed
        long[] ns = cpu.phaseNanos();
        cpu.profile(false);
        double stepMs = seconds * 1e3 / genLength;
        StringBuilder line = new StringBuilder();
        for (io.ossserve.engine.cpu.CpuBackend.Phase ph : io.ossserve.engine.cpu.CpuBackend.Phase.values()) {
            double ms = ns[ph.ordinal()] / 1e6 / genLength;
            line.append(String.format("%n  %-26s %7.2f ms (%4.1f%%)", ph.name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' '), ms, 100 * ms / stepMs));
        }
        System.out.printf("profile             %.2f ms/step in a separate run, by phase:%s%n",
                stepMs, line);
    }
}
