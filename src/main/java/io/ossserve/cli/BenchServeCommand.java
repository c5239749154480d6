package io.ossserve.cli;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench serve}: the vLLM serving benchmark's measurements against any OpenAI-compatible server. Sends
 * {@code --num-prompts} streaming chat requests of about {@code --input-len} prompt tokens and exactly
 * {@code --output-len} output tokens ({@code ignore_eos}), at most {@code --concurrency} at a time, and reports TTFT
 * (send → first streamed token), TPOT ((e2e − TTFT)/(output tokens − 1)), ITL (gaps between streamed chunks), e2e
 * latency (mean, median, p99), output / total token throughput and request throughput; writes a JSON result file.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Benchmark a running OpenAI-compatible server (TTFT, TPOT, ITL, e2e, throughput).")
final class BenchServeCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8000", description = "server base URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--api-key", defaultValue = "", description = "bearer token, if the server wants one")
    String apiKey;

    @Option(names = "--model", description = "model id (default: the first of /v1/models)")
    String model;

    @Option(names = "--concurrency", defaultValue = "8", description = "requests in flight (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--num-prompts", defaultValue = "64", description = "requests to send (default: ${DEFAULT-VALUE})")
    int numPrompts;

    @Option(names = "--input-len", defaultValue = "1024", description = "prompt words ≈ tokens (default: ${DEFAULT-VALUE})")
    int inputLen;

    @Option(names = "--output-len", defaultValue = "128", description = "output tokens per request (default: ${DEFAULT-VALUE})")
    int outputLen;

    @Option(names = "--seed", defaultValue = "0", description = "prompt generator seed")
    long seed;

    @Option(names = "--result-file", defaultValue = "bench-serve-result.json", description = "JSON result (default: ${DEFAULT-VALUE})")
    Path resultFile;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    PrintStream out = System.out;
    PrintStream err = System.err;

    /** One request's measurements (nanoseconds). */
    record Sample(boolean ok, long ttft, long e2e, int promptTokens, int outputTokens, List<Long> itl, String error) {}

    private static final String[] WORDS = ("time person year way day thing man world life hand part child eye woman place "
            + "work week case point government company number group problem fact river mountain ocean cloud stone garden "
            + "window letter market music paper story table water light sound color night morning").split(" ");

    String prompt(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.max(1, inputLen); i++) {
            sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
        }
        return sb.toString();
    }

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1 || numPrompts < 1 || outputLen < 1 || inputLen < 1) {
            throw new IllegalArgumentException("--concurrency, --num-prompts, --input-len and --output-len must be >= 1");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (model == null) {
            HttpResponse<String> r = http.send(request(base + "/v1/models").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalArgumentException("GET /v1/models answered " + r.statusCode() + ": " + r.body());
            }
            model = JSON.readTree(r.body()).get("data").get(0).get("id").stringValue();
        }
        Random random = new Random(seed);
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < numPrompts; i++) {
            prompts.add(prompt(random));
        }
        Semaphore slots = new Semaphore(concurrency);
        AtomicInteger finished = new AtomicInteger();
        List<Future<Sample>> futures = new ArrayList<>();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String p : prompts) {
                slots.acquire();
                futures.add(pool.submit(() -> {
                    try {
                        return one(http, base, p);
                    } finally {
                        slots.release();
                        progress(finished.incrementAndGet());
                    }
                }));
            }
        }
        long duration = System.nanoTime() - start;
        List<Sample> samples = new ArrayList<>();
        for (Future<Sample> f : futures) {
            samples.add(f.get());
        }
        if (!noProgress) {
            err.println();
        }
        Map<String, Object> result = summarize(samples, duration);
        Files.writeString(resultFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        print(result);
        return samples.stream().anyMatch(Sample::ok) ? 0 : 1;
    }

    private HttpRequest.Builder request(String target) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofMinutes(30));
        if (!apiKey.isEmpty()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    private Sample one(HttpClient http, String base, String prompt) {
        String body = JSON.writeValueAsString(Map.of("model", model, "stream", true, "max_tokens", outputLen,
                "ignore_eos", true, "temperature", 0, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", prompt))));
        long t0 = System.nanoTime();
        try {
            HttpResponse<java.util.stream.Stream<String>> r = http.send(request(base + "/v1/chat/completions")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                String text = String.join("\n", r.body().toList());
                return new Sample(false, 0, 0, 0, 0, List.of(), r.statusCode() + " " + text);
            }
            long[] first = {-1}, last = {-1};
            int[] usage = {0, 0};
            List<Long> itl = new ArrayList<>();
            r.body().forEach(line -> {
                if (!line.startsWith("data: {")) {
                    return;
                }
                JsonNode e = JSON.readTree(line.substring(6));
                JsonNode u = e.get("usage");
                if (u != null && !u.isNull()) {
                    usage[0] = u.get("prompt_tokens").asInt();
                    usage[1] = u.get("completion_tokens").asInt();
                }
                JsonNode choices = e.get("choices");
                if (choices == null || choices.isEmpty()) {
                    return;
                }
                JsonNode d = choices.get(0).get("delta");
                boolean token = d != null && (has(d, "content") || has(d, "reasoning_content") || d.has("tool_calls"));
                if (token) {
                    long now = System.nanoTime();
                    if (first[0] < 0) {
                        first[0] = now;
                    } else {
                        itl.add(now - last[0]);
                    }
                    last[0] = now;
                }
            });
            long end = System.nanoTime();
            return new Sample(first[0] >= 0, first[0] - t0, end - t0, usage[0], usage[1], itl, first[0] < 0 ? "no tokens" : null);
        } catch (Exception e) {
            return new Sample(false, 0, 0, 0, 0, List.of(), e.toString());
        }
    }

    private static boolean has(JsonNode d, String field) {
        return d.get(field) != null && d.get(field).isString() && !d.get(field).stringValue().isEmpty();
    }

    private void progress(int done) {
        if (noProgress) {
            return;
        }
        int width = 40, filled = (int) ((long) done * width / numPrompts);
        synchronized (this) {
            err.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + numPrompts);
            err.flush();
        }
    }

    Map<String, Object> summarize(List<Sample> samples, long durationNanos) {
        List<Sample> ok = samples.stream().filter(Sample::ok).toList();
        double seconds = durationNanos / 1e9;
        long input = ok.stream().mapToLong(Sample::promptTokens).sum();
        long output = ok.stream().mapToLong(Sample::outputTokens).sum();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("url", url);
        m.put("concurrency", concurrency);
        m.put("num_prompts", numPrompts);
        m.put("input_len", inputLen);
        m.put("output_len", outputLen);
        m.put("completed", ok.size());
        m.put("failed", samples.size() - ok.size());
        samples.stream().filter(s -> !s.ok()).findFirst().ifPresent(s -> m.put("first_error", s.error()));
        m.put("duration_s", round(seconds));
        m.put("total_input_tokens", input);
        m.put("total_output_tokens", output);
        m.put("request_throughput", round(ok.size() / seconds));
        m.put("output_throughput", round(output / seconds));
        m.put("total_token_throughput", round((input + output) / seconds));
        stats(m, "ttft_ms", ok.stream().mapToDouble(s -> s.ttft() / 1e6).toArray());
        stats(m, "tpot_ms", ok.stream().filter(s -> s.outputTokens() > 1)
                .mapToDouble(s -> (s.e2e() - s.ttft()) / 1e6 / (s.outputTokens() - 1)).toArray());
        stats(m, "itl_ms", ok.stream().flatMap(s -> s.itl().stream()).mapToDouble(n -> n / 1e6).toArray());
        stats(m, "e2el_ms", ok.stream().mapToDouble(s -> s.e2e() / 1e6).toArray());
        return m;
    }

    static void stats(Map<String, Object> m, String name, double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        m.put("mean_" + name, round(v.length == 0 ? 0 : Arrays.stream(v).average().orElse(0)));
        m.put("median_" + name, round(percentile(v, 50)));
        m.put("p99_" + name, round(percentile(v, 99)));
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank), hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    private void print(Map<String, Object> r) {
        out.println("============ Serving Benchmark Result ============");
        r.forEach((k, v) -> out.printf("%-28s %s%n", k, v));
        out.println("result written to " + resultFile.toAbsolutePath());
    }
}
