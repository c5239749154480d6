package io.ossserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ossserve.chat.ChatService;
import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.openai.PromptSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The prompt as the model sees it, without generating: {@code POST /v1/chat/completions/render} (the harmony prompt
 * of a chat request as text and ids), {@code POST /tokenize} and {@code POST /detokenize} (vLLM's bodies).
 */
@RestController
class PromptController {
    private final ChatService chat;
    private final ServedModels models;

    PromptController(ChatService chat, ServedModels models) {
        this.chat = chat;
        this.models = models;
    }

    record Rendered(String model, String prompt, @JsonProperty("prompt_token_ids") int[] promptTokenIds, int count,
                    @JsonProperty("max_model_len") int maxModelLen) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Tokenized(int count, @JsonProperty("max_model_len") int maxModelLen, int[] tokens,
                     @JsonProperty("token_strs") List<String> tokenStrs) {}

    record Detokenized(String prompt) {}

    @PostMapping(path = "/v1/chat/completions/render", consumes = MediaType.APPLICATION_JSON_VALUE)
    Rendered render(@RequestBody JsonNode body) {
        ChatRequestParser.object(body);
        String model = models.check(ChatRequestParser.model(body));
        int[] ids = renderChat(body);
        return new Rendered(model, chat.tokenizer().decode(ids), ids, ids.length, models.maxContext());
    }

    /** {@code {"prompt": "text"}} or a chat body ({@code messages}, tools, {@code chat_template_kwargs}, …). */
    @PostMapping(path = "/tokenize", consumes = MediaType.APPLICATION_JSON_VALUE)
    Tokenized tokenize(@RequestBody JsonNode body) {
        ChatRequestParser.object(body);
        optionalModel(body);
        ChatRequestParser.optionalBoolean(body, "add_special_tokens", true);
        boolean strs = ChatRequestParser.optionalBoolean(body, "return_token_strs", false);
        JsonNode prompt = body.get("prompt");
        int[] ids;
        if (body.get("messages") != null && !body.get("messages").isNull()) {
            if (prompt != null && !prompt.isNull()) {
                throw OpenAiException.invalid("prompt", "give either 'prompt' or 'messages', not both");
            }
            ids = renderChat(body);
        } else if (prompt == null || prompt.isNull()) {
            throw OpenAiException.invalid("prompt", "Missing required parameter: 'prompt' (or 'messages').");
        } else if (!prompt.isString()) {
            throw OpenAiException.invalid("prompt", "'prompt' must be a string");
        } else {
            ids = chat.tokenizer().encode(prompt.stringValue());
        }
        return new Tokenized(ids.length, models.maxContext(), ids, strs ? tokenStrings(ids) : null);
    }

    @PostMapping(path = "/detokenize", consumes = MediaType.APPLICATION_JSON_VALUE)
    Detokenized detokenize(@RequestBody JsonNode body) {
        ChatRequestParser.object(body);
        optionalModel(body);
        return new Detokenized(chat.tokenizer().decode(TokenInputs.ids(body.get("tokens"), "tokens", chat.tokenizer())));
    }

    private int[] renderChat(JsonNode body) {
        PromptSettings settings = ChatRequestParser.promptSettings(body, chat.promptSettings());
        return chat.renderPrompt(ChatRequestParser.prompt(body), settings);
    }

    private void optionalModel(JsonNode body) {
        if (body.get("model") != null && !body.get("model").isNull()) {
            models.check(ChatRequestParser.model(body));
        }
    }

    private List<String> tokenStrings(int[] ids) {
        O200kHarmonyTokenizer tokenizer = chat.tokenizer();
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(new String(tokenizer.tokenBytes(id), StandardCharsets.UTF_8));
        }
        return out;
    }
}
