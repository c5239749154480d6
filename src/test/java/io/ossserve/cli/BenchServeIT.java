package io.ossserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.api.ScriptedServerAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code bench serve} against the scripted server: measures and writes the JSON result. */
class BenchServeIT extends ScriptedServerAccess {
    @LocalServerPort
    int port;

    @Test
    void measuresAndWritesTheResultFile() throws Exception {
        awaitServer(port);
        Path result = Files.createTempFile("bench", ".json");
        BenchServeCommand cmd = new BenchServeCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cmd.out = new PrintStream(out, true);
        int code = new CommandLine(cmd).execute("--url", "http://127.0.0.1:" + port, "--api-key", tenantKey(port), "--concurrency", "4",
                "--num-prompts", "8", "--input-len", "32", "--output-len", "8", "--no-progress",
                "--result-file", result.toString());
        assertThat(code).as(out.toString()).isZero();
        JsonNode r = JsonMapper.builder().build().readTree(Files.readString(result));
        assertThat(r.get("completed").asInt()).isEqualTo(8);
        assertThat(r.get("total_output_tokens").asInt()).isEqualTo(64);
        assertThat(r.get("mean_ttft_ms").asDouble()).isPositive();
        assertThat(r.get("p99_itl_ms").asDouble()).isPositive();
        assertThat(r.get("output_throughput").asDouble()).isPositive();
        assertThat(out.toString()).contains("Serving Benchmark Result");
    }
}
