package io.ossserve.chat;

/** Token usage of a call, as OpenAI reports it. */
public record ChatUsage(int promptTokens, int completionTokens, int reasoningTokens, int cachedTokens) {
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
