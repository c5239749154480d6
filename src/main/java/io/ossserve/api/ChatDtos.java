package io.ossserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Response records of {@code /v1/chat/completions} (wire names as in OpenAI's API). */
final class ChatDtos {
    private ChatDtos() {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChatCompletion(String id, String object, long created, String model,
                          @JsonProperty("system_fingerprint") String systemFingerprint, List<Choice> choices,
                          Usage usage) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Choice(int index, Message message,
                  @JsonInclude(JsonInclude.Include.ALWAYS) Logprobs logprobs,
                  @JsonProperty("finish_reason") String finishReason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Message(String role,
                   @JsonInclude(JsonInclude.Include.ALWAYS) String content,
                   @JsonInclude(JsonInclude.Include.ALWAYS) String refusal,
                   @JsonProperty("reasoning_content") String reasoningContent,
                   String reasoning,
                   @JsonProperty("tool_calls") List<ToolCall> toolCalls) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ToolCall(Integer index, String id, String type, Function function) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Function(String name, String arguments) {}

    record Logprobs(List<LogprobEntry> content, List<LogprobEntry> refusal) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LogprobEntry(String token, double logprob, int[] bytes,
                        @JsonProperty("top_logprobs") List<LogprobEntry> topLogprobs) {}

    record Usage(@JsonProperty("prompt_tokens") int promptTokens,
                 @JsonProperty("completion_tokens") int completionTokens,
                 @JsonProperty("total_tokens") int totalTokens,
                 @JsonProperty("prompt_tokens_details") PromptDetails promptTokensDetails,
                 @JsonProperty("completion_tokens_details") CompletionDetails completionTokensDetails) {}

    record PromptDetails(@JsonProperty("cached_tokens") int cachedTokens) {}

    record CompletionDetails(@JsonProperty("reasoning_tokens") int reasoningTokens) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Chunk(String id, String object, long created, String model,
                 @JsonProperty("system_fingerprint") String systemFingerprint, List<ChunkChoice> choices,
                 Usage usage) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChunkChoice(int index, Delta delta, Logprobs logprobs,
                       @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content,
                 @JsonProperty("reasoning_content") String reasoningContent,
                 String reasoning,
                 @JsonProperty("tool_calls") List<ToolCall> toolCalls) {}
}
