package io.ossserve.engine;

/**
 * How a generation ended.
 *
 * @param promptTokens     prompt length
 * @param completionTokens tokens generated
 * @param cachedTokens     prompt tokens whose keys/values came from the prefix cache (at first admission)
 * @param preemptions      how often the request was preempted and recomputed
 */
public record Completion(FinishReason reason, int promptTokens, int completionTokens, int cachedTokens, int preemptions) {}
