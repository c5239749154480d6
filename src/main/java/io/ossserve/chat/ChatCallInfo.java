package io.ossserve.chat;

import java.time.Instant;

/**
 * What is known about a call before generation.
 *
 * @param requestId           the {@code x-request-id} (given by the client or minted)
 * @param endpoint            e.g. {@code /v1/chat/completions}
 * @param model               served model id
 * @param tenant              the authenticated principal's name, or null when the call is anonymous
 * @param user                the request's {@code user} field, or null
 * @param promptTokens        rendered prompt length
 * @param maxCompletionTokens most completion tokens over all choices ({@code n × max_tokens})
 * @param n                   choices
 * @param stream              SSE or one JSON body
 * @param startNanos          {@link System#nanoTime()} when the request was accepted
 */
public record ChatCallInfo(String requestId, String endpoint, String model, String tenant, String user,
                           int promptTokens, int maxCompletionTokens, int n, boolean stream, Instant startedAt,
                           long startNanos) {}
