package io.ossserve.audit;

import io.ossserve.quota.QuotaAttributes;
import io.ossserve.security.SecurityAttributes;
import io.ossserve.security.TenantContext;
import io.ossserve.security.TenantPrincipal;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Outermost filter (before Spring Security): assigns the request id and writes exactly one audit record per
 * /v1, /admin and /tenant call, and per authentication failure anywhere, when the response completes (for
 * streamed responses, when the async request completes). Health probes are not audited.
 */
final class AuditFilter extends OncePerRequestFilter {
    static final String CALL_ATTRIBUTE = AuditCall.class.getName();
    static final int ORDER = -200;

    private final AuditRecorder recorder;
    private final int maxTextChars;

    AuditFilter(AuditRecorder recorder, int maxTextChars) {
        this.recorder = recorder;
        this.maxTextChars = maxTextChars;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return uri.startsWith("/v1/health/") || uri.startsWith("/actuator/health");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long startMs = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        String requestId = RequestIds.accept(request.getHeader(RequestIds.HEADER));
        request.setAttribute(RequestIds.ATTRIBUTE, requestId);
        response.setHeader(RequestIds.HEADER, requestId);
        AuditCall call = new AuditCall();
        request.setAttribute(CALL_ATTRIBUTE, call);
        AtomicBoolean written = new AtomicBoolean();
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        finish(request, response, call, requestId, startMs, startNanos, written, null);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                        finish(request, response, call, requestId, startMs, startNanos, written, "async timeout");
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                        finish(request, response, call, requestId, startMs, startNanos, written, "async error");
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                        // keep listening on the new cycle
                        event.getAsyncContext().addListener(this);
                    }
                });
            } else {
                finish(request, response, call, requestId, startMs, startNanos, written, null);
            }
        }
    }

    private void finish(HttpServletRequest request, HttpServletResponse response, AuditCall call, String requestId,
            long startMs, long startNanos, AtomicBoolean written, String note) {
        if (!written.compareAndSet(false, true)) {
            return;
        }
        String uri = request.getRequestURI();
        int status = response.getStatus();
        Object authFailure = request.getAttribute(SecurityAttributes.AUTH_FAILURE);
        Object rejection = request.getAttribute(QuotaAttributes.REJECTION);
        AuditKind kind;
        String detail = call.detail;
        if (authFailure != null || status == 401) {
            kind = AuditKind.AUTH_FAILURE;
            detail = authFailure != null ? authFailure.toString() : "unauthenticated";
        } else if (rejection != null && status == 429) {
            kind = AuditKind.QUOTA_REJECTION;
            detail = rejection.toString();
        } else if (uri.startsWith("/admin/")) {
            kind = AuditKind.ADMIN_ACTION;
            Object action = request.getAttribute(SecurityAttributes.ADMIN_ACTION);
            detail = action != null ? action.toString() : detail;
        } else if (uri.startsWith("/v1/") || uri.startsWith("/tenant/") || uri.equals("/tokenize") || uri.equals("/detokenize")) {
            kind = AuditKind.API_CALL;
        } else {
            return; // an ordinary unauthenticated-path call that is not ours to audit
        }
        if (note != null) {
            detail = detail == null ? note : detail + "; " + note;
        }
        TenantPrincipal p = TenantContext.of(request).orElse(null);
        boolean texts = p != null && p.promptLogging();
        recorder.record(new AuditEvent(UUID.randomUUID().toString(), startMs, kind, requestId,
                p != null ? p.tenantId() : null, p != null ? p.keyId() : null, p != null ? p.subject() : null,
                request.getRemoteAddr(), request.getMethod(), cut(uri, 300), cut(call.model, 200), status,
                call.promptTokens, call.completionTokens, call.reasoningTokens, call.cachedTokens,
                (System.nanoTime() - startNanos) / 1_000_000, call.ttftMs, cut(call.finishReason, 32), call.tools,
                cut(detail, 500), texts ? cut(call.promptText, maxTextChars) : null,
                texts ? cut(call.completionText, maxTextChars) : null));
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
