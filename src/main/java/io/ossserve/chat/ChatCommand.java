package io.ossserve.chat;

import io.ossserve.text.openai.ChatPromptRequest;
import io.ossserve.text.openai.PromptSettings;
import java.util.List;
import java.util.Objects;

/**
 * A validated chat request, independent of HTTP.
 *
 * @param prompt            messages, tools, tool choice, effort, response format (the text layer's request)
 * @param maxTokens         requested output limit, or null for the server default (bounded by the context)
 * @param temperature       0 = greedy
 * @param topP              (0, 1]
 * @param topK              0 = off
 * @param seed              null = random
 * @param stop              stop strings (cut from the content; the generation ends)
 * @param n                 choices
 * @param topLogprobs       alternatives per token (0..20); only used when {@code logprobs}
 * @param ignoreEos         keep generating past the end-of-answer tokens (benchmarks: fixed output length)
 * @param tenant            authenticated tenant id: prefix-cache salt and observer tenant; null = anonymous
 * @param keepTexts         give observers the prompt and completion text (the tenant opted in to prompt logging)
 * @param promptSettings    harmony system fields of this request ({@code chat_template_kwargs}); null = the server's
 */
public record ChatCommand(ChatPromptRequest prompt, Integer maxTokens, double temperature, double topP, int topK,
                          Long seed, List<String> stop, int n, boolean logprobs, int topLogprobs,
                          boolean ignoreEos, String user, String tenant, boolean keepTexts, boolean stream,
                          String requestId, String endpoint, PromptSettings promptSettings) {
    public ChatCommand {
        Objects.requireNonNull(prompt, "prompt");
        stop = stop == null ? List.of() : List.copyOf(stop);
    }
}
