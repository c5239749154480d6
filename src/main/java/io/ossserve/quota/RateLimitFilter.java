package io.ossserve.quota;

import io.ossserve.security.OpenAiErrors;
import io.ossserve.security.TenantContext;
import io.ossserve.security.TenantPrincipal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs after Spring Security on /v1/*, /tokenize and /detokenize: counts the request against the tenant's RPM, adds the
 * {@code x-ratelimit-*} headers to every response and answers 429 with an OpenAI body when the minute is used up.
 */
final class RateLimitFilter extends OncePerRequestFilter {
    private final QuotaService quota;

    RateLimitFilter(QuotaService quota) {
        this.quota = quota;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/v1/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<TenantPrincipal> principal = TenantContext.of(request);
        if (principal.isPresent()) {
            try {
                quota.onRequest(principal.get(), response);
            } catch (QuotaException e) {
                reject(request, response, e);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    static void reject(HttpServletRequest request, HttpServletResponse response, QuotaException e) throws IOException {
        request.setAttribute(QuotaAttributes.REJECTION, e.code());
        RateLimitHeaders.retry(response, e.retryAfterMs());
        OpenAiErrors.write(response, e.status(), e.type(), e.code(), e.getMessage());
    }
}
