package io.ossserve.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.security.testapp.GovernanceContext;
import io.ossserve.security.testapp.Http;
import java.net.http.HttpRequest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * What auth + quota + audit add to a request: median latency of GET /v1/models (bearer key check, RPM count,
 * rate-limit headers, audit record) minus GET /v1/health/ready (same server, same fake controller style, none of the
 * three). Interleaved, sequential, keep-alive, loopback. Not part of the default suite (name does not end in Test);
 * run with {@code -Dtest=GovernanceOverheadBenchmark}.
 */
class GovernanceOverheadBenchmark extends GovernanceContext {
    static final int WARMUP = 2000;
    static final int N = 5000;

    @Test
    void overheadOfAuthQuotaAndAudit() {
        String key = tenantWithKey("bench", "\"limits\":{\"requests_per_minute\":0}");
        Http http = http();
        HttpRequest governed = http.builder("/v1/models", key).GET().build();
        HttpRequest bare = http.builder("/v1/health/ready", null).GET().build();
        for (int i = 0; i < WARMUP; i++) {
            http.send(governed);
            http.send(bare);
        }
        long[] g = new long[N];
        long[] b = new long[N];
        for (int i = 0; i < N; i++) {
            long t0 = System.nanoTime();
            assertThat(http.send(governed).statusCode()).isEqualTo(200);
            long t1 = System.nanoTime();
            assertThat(http.send(bare).statusCode()).isEqualTo(200);
            long t2 = System.nanoTime();
            g[i] = t1 - t0;
            b[i] = t2 - t1;
        }
        Arrays.sort(g);
        Arrays.sort(b);
        System.out.printf("governance overhead benchmark (%d interleaved requests each)%n", N);
        System.out.printf("  /v1/models (auth+quota+audit): median %.3f ms, p90 %.3f ms, p99 %.3f ms%n",
                g[N / 2] / 1e6, g[N * 9 / 10] / 1e6, g[N * 99 / 100] / 1e6);
        System.out.printf("  /v1/health/ready (none):       median %.3f ms, p90 %.3f ms, p99 %.3f ms%n",
                b[N / 2] / 1e6, b[N * 9 / 10] / 1e6, b[N * 99 / 100] / 1e6);
        System.out.printf("  median overhead: %.3f ms%n", (g[N / 2] - b[N / 2]) / 1e6);
    }
}
