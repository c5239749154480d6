package io.ossserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** Response records of {@code /v1/completions} (legacy text completions; wire names as in OpenAI's API). */
final class CompletionDtos {
    private CompletionDtos() {}

    /** A whole answer ({@code object: text_completion}), or one streamed chunk of it (same shape, usage last). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Completion(String id, String object, long created, String model,
                      @JsonProperty("system_fingerprint") String systemFingerprint, List<Choice> choices,
                      ChatDtos.Usage usage) {}

    record Choice(String text, int index,
                  @JsonInclude(JsonInclude.Include.ALWAYS) Logprobs logprobs,
                  @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason) {}

    /** Per generated token: its text, log probability, the alternatives asked for, and its offset in {@code text}. */
    record Logprobs(List<String> tokens,
                    @JsonProperty("token_logprobs") List<Double> tokenLogprobs,
                    @JsonProperty("top_logprobs") List<Map<String, Double>> topLogprobs,
                    @JsonProperty("text_offset") List<Integer> textOffset) {}
}
