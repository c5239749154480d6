package io.ossserve.quota;

import io.ossserve.config.QuotaProperties;
import io.ossserve.security.Tenant;
import io.ossserve.security.TenantDirectory;
import io.ossserve.security.TenantPrincipal;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Per-tenant quotas. The rate-limit filter counts every /v1 request ({@link #onRequest}); the chat layer calls
 * {@link #admit} before generating and settles the returned ticket on actual usage.
 */
@Service
public class QuotaService {
    private final QuotaStore store;
    private final TenantDirectory directory;
    private final QuotaProperties props;
    private final Clock clock;

    QuotaService(QuotaStore store, TenantDirectory directory, QuotaProperties props, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.props = props;
        this.clock = clock;
    }

    /** The tenant's effective limits. */
    public QuotaLimits limitsOf(TenantPrincipal principal) {
        Tenant tenant = null;
        try {
            tenant = directory.tenant(principal.tenantId()).orElse(null);
        } catch (RuntimeException e) {
            // directory unreachable and nothing cached: the configured defaults apply
        }
        return QuotaLimits.of(tenant != null ? tenant.limits() : null, props.defaults());
    }

    /**
     * Counts one request against the tenant's RPM and writes the six rate-limit headers.
     *
     * @throws QuotaException 429 when the minute's requests are used up
     */
    void onRequest(TenantPrincipal principal, HttpServletResponse response) {
        QuotaLimits limits = limitsOf(principal);
        long now = clock.millis();
        QuotaStore.Window requests = store.hitRequests(principal.tenantId(), limits.requestsPerMinute(), now);
        QuotaStore.Window tokens = store.peekTokens(principal.tenantId(), limits.tokensPerMinute(), now);
        RateLimitHeaders.requests(response, requests);
        RateLimitHeaders.tokens(response, tokens);
        if (!requests.allowed()) {
            throw QuotaException.rateLimited("Rate limit reached for requests: limit " + limits.requestsPerMinute()
                    + " per minute. Retry after the window resets.", requests.resetMs());
        }
    }

    /**
     * Admits one generation: checks the model and per-request limits, takes a concurrency slot and pre-charges
     * {@code promptTokens + maxTokens} to the minute and day token windows.
     *
     * @param principal    the caller ({@code TenantContext})
     * @param model        requested model id
     * @param promptTokens tokens of the rendered prompt
     * @param maxTokens    the request's max (completion) tokens, after defaults were applied
     * @return a ticket to settle with real usage and close when the generation ends
     * @throws QuotaException 403 {@code model_not_allowed}, 400 {@code max_tokens_exceeded} /
     *                        {@code context_length_exceeded}, 429 {@code rate_limit_exceeded} /
     *                        {@code insufficient_quota}, 503 when the quota store is unavailable (policy reject)
     */
    public QuotaTicket admit(TenantPrincipal principal, String model, int promptTokens, int maxTokens) {
        return admit(principal, model, promptTokens, maxTokens, 1);
    }

    /**
     * Admits a generation of {@code choices} completions of at most {@code maxTokens} each: the per-request limits
     * apply to one choice (prompt + max tokens), the pre-charge is {@code promptTokens + choices × maxTokens}.
     *
     * @see #admit(TenantPrincipal, String, int, int)
     */
    public QuotaTicket admit(TenantPrincipal principal, String model, int promptTokens, int maxTokens, int choices) {
        if (promptTokens < 0 || maxTokens < 0 || choices < 1) {
            throw new QuotaException(400, "invalid_request_error", "invalid_value",
                    "max_tokens and the prompt length must not be negative.", 0);
        }
        QuotaLimits limits = limitsOf(principal);
        String tenant = principal.tenantId();
        if (!limits.allowsModel(model)) {
            throw new QuotaException(403, "permission_error", "model_not_allowed",
                    "Your tenant is not allowed to use the model " + model + ".", 0);
        }
        if (limits.maxTokensPerRequest() > 0 && maxTokens > limits.maxTokensPerRequest()) {
            throw new QuotaException(400, "invalid_request_error", "max_tokens_exceeded", "max_tokens " + maxTokens
                    + " exceeds your tenant's limit of " + limits.maxTokensPerRequest() + ".", 0);
        }
        long context = (long) promptTokens + maxTokens;
        if (limits.maxContextTokens() > 0 && context > limits.maxContextTokens()) {
            throw new QuotaException(400, "invalid_request_error", "context_length_exceeded", "Prompt ("
                    + promptTokens + ") plus max_tokens (" + maxTokens + ") exceeds your tenant's limit of "
                    + limits.maxContextTokens() + " tokens.", 0);
        }
        long cost = (long) promptTokens + (long) choices * maxTokens;
        if (limits.tokensPerMinute() > 0 && cost > limits.tokensPerMinute()) {
            throw QuotaException.rateLimited("Request too large: " + cost + " tokens requested, limit "
                    + limits.tokensPerMinute() + " tokens per minute. Reduce the prompt or max_tokens.", 0);
        }
        long now = clock.millis();
        String ticketId = UUID.randomUUID().toString();
        boolean slot = limits.maxConcurrent() > 0;
        if (slot && !store.acquireSlot(tenant, ticketId, limits.maxConcurrent(), now,
                props.concurrencyLease().toMillis())) {
            throw QuotaException.rateLimited("Too many concurrent requests: limit " + limits.maxConcurrent() + ".",
                    1000);
        }
        QuotaStore.Charge charge;
        try {
            charge = store.chargeTokens(tenant, cost, limits.tokensPerMinute(), limits.tokensPerDay(), now);
        } catch (RuntimeException e) {
            if (slot) {
                store.releaseSlot(tenant, ticketId);
            }
            throw e;
        }
        updateTokenHeaders(charge.minute());
        if (!charge.allowed()) {
            if (slot) {
                store.releaseSlot(tenant, ticketId);
            }
            if (charge.dailyExceeded()) {
                throw QuotaException.insufficientQuota("You exceeded your daily token budget of "
                        + limits.tokensPerDay() + " tokens.", charge.dayResetMs());
            }
            throw QuotaException.rateLimited("Rate limit reached for tokens: limit " + limits.tokensPerMinute()
                    + " per minute, requested " + cost + ".", charge.minute().resetMs());
        }
        return new QuotaTicket(store, tenant, ticketId, charge.minuteWindow(), charge.dayWindow(), cost, slot);
    }

    /**
     * Rewrites the token headers of the current response from the store (after a ticket was settled), unless the
     * response is already committed (a stream: its headers showed the state after the pre-charge).
     */
    public void refreshTokenHeaders(TenantPrincipal principal) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs
                && attrs.getResponse() != null && !attrs.getResponse().isCommitted()) {
            try {
                QuotaLimits limits = limitsOf(principal);
                RateLimitHeaders.tokens(attrs.getResponse(),
                        store.peekTokens(principal.tenantId(), limits.tokensPerMinute(), clock.millis()));
            } catch (RuntimeException e) {
                // the headers already show the pre-charge; a store hiccup must not fail a finished call
            }
        }
    }

    private static void updateTokenHeaders(QuotaStore.Window tokens) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs
                && attrs.getResponse() != null) {
            RateLimitHeaders.tokens(attrs.getResponse(), tokens);
        }
    }
}
