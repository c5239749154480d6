package io.ossserve.chat;

import java.time.Instant;

/**
 * What is known about a call before generation.
 *
 * @param requestId           the {@code x-request-id} (given by the client or minted)
 * @param endpoint            e.g. {@code /v1/chat/completions}
 * @param model               served model id
 * @param tenant              the authenticated tenant id, or null when the call is anonymous
 * @param user                the request's {@code user} field, or null
 * @param promptTokens        rendered prompt length
 * @param maxCompletionTokens most completion tokens over all choices ({@code n × max_tokens})
 * @param n                   choices
 * @param stream              SSE or one JSON body
 * @param startedAt           wall-clock time the request was accepted
 * @param startNanos          {@link System#nanoTime()} when the request was accepted
 * @param promptText          the rendered prompt as text, only when the command asked to keep texts; else null
 */
public record ChatCallInfo(String requestId, String endpoint, String model, String tenant, String user,
                           int promptTokens, int maxCompletionTokens, int n, boolean stream, Instant startedAt,
                           long startNanos, String promptText) {}
