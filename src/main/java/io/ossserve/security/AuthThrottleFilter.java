package io.ossserve.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/** Answers 429 to credentialed requests from an address the {@link AuthFailureThrottle} has blocked. */
final class AuthThrottleFilter extends OncePerRequestFilter {
    private final AuthFailureThrottle throttle;

    AuthThrottleFilter(AuthFailureThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
            long ms = throttle.blockedForMs(request.getRemoteAddr());
            if (ms > 0) {
                request.setAttribute(SecurityAttributes.AUTH_FAILURE, "too many failed authentications");
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString((ms + 999) / 1000));
                response.setHeader("retry-after-ms", Long.toString(ms));
                OpenAiErrors.write(response, 429, "rate_limit_error", "too_many_auth_failures",
                        "Too many failed authentication attempts from this address; retry later.");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
