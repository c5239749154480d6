package io.ossserve.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.config.SecurityProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Repeated authentication failures from one address are throttled with 429, other addresses are not. */
class AuthFailureThrottleTest {

    @Test
    void throttlesAnAddressAfterRepeatedFailures() throws Exception {
        SecurityProperties props = new SecurityProperties(null, Duration.ofSeconds(5), Duration.ofMinutes(10), false,
                new SecurityProperties.AuthFailures(3, Duration.ofSeconds(60), Duration.ofSeconds(30)),
                new SecurityProperties.Jwt(false, null, null, List.of(), "tenant", "roles", "admin",
                        Duration.ofSeconds(30), true));
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        AuthFailureThrottle throttle = new AuthFailureThrottle(props, clock);
        AuthThrottleFilter filter = new AuthThrottleFilter(throttle);
        for (int i = 0; i < 3; i++) {
            assertThat(run(filter, "10.0.0.1").getStatus()).isEqualTo(200);
            throttle.recordFailure("10.0.0.1");
        }
        MockHttpServletResponse blocked = run(filter, "10.0.0.1");
        assertThat(blocked.getStatus()).isEqualTo(429);
        assertThat(blocked.getContentAsString()).contains("too_many_auth_failures");
        assertThat(blocked.getHeader("Retry-After")).isEqualTo("30");
        assertThat(run(filter, "10.0.0.2").getStatus()).isEqualTo(200);
    }

    private static MockHttpServletResponse run(AuthThrottleFilter filter, String address) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/models");
        request.setRemoteAddr(address);
        request.addHeader("Authorization", "Bearer guess");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }
}
