package io.ossserve.quota;

import io.ossserve.chat.ChatAbort;
import io.ossserve.chat.ChatCallInfo;
import io.ossserve.chat.ChatCallObserver;
import io.ossserve.chat.ChatCallOutcome;
import io.ossserve.chat.ChatRequestException;
import io.ossserve.engine.EngineOverloadedException;
import io.ossserve.security.TenantContext;
import io.ossserve.security.TenantPrincipal;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Governs every generation of the chat layer: admits it against the tenant's quota (pre-charge prompt +
 * n × max_tokens, concurrency slot, per-request limits, allowed models) and the {@link GenerationGuard}
 * (bulkhead, compute circuit breaker, time limit), then settles the ticket on the actual usage and reports the
 * outcome to the breaker when the call ends: completed, cancelled by a client that went away, or failed.
 * A refusal is a {@link QuotaException}, which {@link QuotaErrorAdvice} turns into the OpenAI error with its
 * headers. Runs after the audit observer, so the audit record of a refused call still names its model.
 */
@Component
@Order(QuotaChatObserver.ORDER)
class QuotaChatObserver implements ChatCallObserver {
    static final int ORDER = 0;

    private final QuotaService quota;
    private final GenerationGuard guard;
    /** Calls between admission and their end, by identity (a client may reuse its x-request-id). */
    private final Map<ChatCallInfo, Admission> admitted = Collections.synchronizedMap(new IdentityHashMap<>());

    QuotaChatObserver(QuotaService quota, GenerationGuard guard) {
        this.quota = quota;
        this.guard = guard;
    }

    /** One admitted call: its quota ticket, guard permit, and how to end it when the time limit passes. */
    private static final class Admission {
        final TenantPrincipal principal;
        final QuotaTicket ticket;
        final AtomicReference<ChatAbort> abort = new AtomicReference<>();
        final AtomicBoolean timedOut = new AtomicBoolean();
        GenerationGuard.Permit permit;

        Admission(TenantPrincipal principal, QuotaTicket ticket) {
            this.principal = principal;
            this.ticket = ticket;
        }

        void timeout() {
            timedOut.set(true);
            ChatAbort a = abort.get();
            if (a != null) {
                a.abort(timeoutError());
            }
        }
    }

    static GenerationRejectedException timeoutError() {
        return new GenerationRejectedException(504, "timeout", "The generation exceeded its time limit.", 0);
    }

    @Override
    public void beforeGeneration(ChatCallInfo call) {
        TenantPrincipal principal = TenantContext.current().orElse(null);
        if (principal == null) {
            return; // not an HTTP call (every /v1 call is authenticated): nothing to account
        }
        int perChoice = call.maxCompletionTokens() / Math.max(1, call.n());
        QuotaTicket ticket = quota.admit(principal, call.model(), call.promptTokens(), perChoice, call.n());
        Admission a = new Admission(principal, ticket);
        try {
            a.permit = guard.begin(a::timeout);
        } catch (RuntimeException e) {
            ticket.settle(0, 0);
            ticket.close();
            quota.refreshTokenHeaders(principal);
            throw e;
        }
        admitted.put(call, a);
    }

    @Override
    public void onStart(ChatCallInfo call, ChatAbort abort) {
        Admission a = admitted.get(call);
        if (a != null) {
            a.abort.set(abort);
            if (a.timedOut.get()) {
                abort.abort(timeoutError());
            }
        }
    }

    @Override
    public void afterGeneration(ChatCallInfo call, ChatCallOutcome outcome) {
        Admission a = admitted.remove(call);
        if (a == null) {
            return;
        }
        try {
            boolean ran = outcome.ttftNanos() >= 0 || outcome.usage().completionTokens() > 0
                    || "completed".equals(outcome.status());
            if (ran) {
                a.ticket.settle(outcome.usage().promptTokens(), outcome.usage().completionTokens());
            } else {
                a.ticket.settle(0, 0); // refused by the engine or failed before any work: nothing to bill
            }
            if ("completed".equals(outcome.status())) {
                a.permit.success();
            } else if ("failed".equals(outcome.status()) && isBackendFailure(outcome.error())) {
                a.permit.failure(outcome.error());
            }
        } finally {
            a.permit.close();
            a.ticket.close();
        }
        quota.refreshTokenHeaders(a.principal);
    }

    /** Client mistakes, overload and our own time limit (already reported) are not failures of the backend. */
    private static boolean isBackendFailure(Throwable error) {
        return error != null && !(error instanceof QuotaException) && !(error instanceof ChatRequestException)
                && !(error instanceof IllegalArgumentException) && !(error instanceof EngineOverloadedException);
    }
}
