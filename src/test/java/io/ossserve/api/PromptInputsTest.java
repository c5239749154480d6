package io.ossserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.Tokenizers;
import io.ossserve.text.harmony.ReasoningEffort;
import io.ossserve.text.openai.PromptSettings;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Completion prompts, token ids, {@code chat_template_kwargs} and the completions reading of the sampling fields. */
class PromptInputsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final O200kHarmonyTokenizer TOKENIZER = Tokenizers.o200kHarmony();

    static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    static String paramOf(Runnable r) {
        try {
            r.run();
        } catch (OpenAiException e) {
            return e.param;
        }
        throw new AssertionError("no OpenAiException");
    }

    @Test
    void promptsAreTextIdsOrAOneElementBatch() {
        int[] hello = TOKENIZER.encode("Hello <|start|>");
        assertThat(TokenInputs.prompt(json("\"Hello <|start|>\""), "prompt", TOKENIZER)).containsExactly(hello);
        assertThat(TokenInputs.prompt(json("[\"Hello <|start|>\"]"), "prompt", TOKENIZER)).containsExactly(hello);
        assertThat(TokenInputs.prompt(json("[200006, 13225]"), "prompt", TOKENIZER)).containsExactly(200006, 13225);
        assertThat(TokenInputs.prompt(json("[[200006, 13225]]"), "prompt", TOKENIZER)).containsExactly(200006, 13225);
        assertThat(paramOf(() -> TokenInputs.prompt(json("[[1], [2]]"), "prompt", TOKENIZER))).isEqualTo("prompt");
        assertThat(paramOf(() -> TokenInputs.prompt(json("[]"), "prompt", TOKENIZER))).isEqualTo("prompt");
        assertThat(paramOf(() -> TokenInputs.prompt(json("[1.5]"), "prompt", TOKENIZER))).isEqualTo("prompt");
        assertThat(paramOf(() -> TokenInputs.ids(json("[201088]"), "tokens", TOKENIZER))).isEqualTo("tokens");
        assertThat(TokenInputs.ids(json("[201087]"), "tokens", TOKENIZER)).containsExactly(201087);
    }

    @Test
    void chatTemplateKwargsOverrideTheSystemFields() {
        PromptSettings base = PromptSettings.defaults();
        assertThat(ChatRequestParser.promptSettings(json("{}"), base)).isSameAs(base);
        assertThat(ChatRequestParser.promptSettings(json("{\"chat_template_kwargs\":{\"enable_thinking\":false}}"), base))
                .isSameAs(base);
        PromptSettings s = ChatRequestParser.promptSettings(json("{\"chat_template_kwargs\":{\"current_date\":\"2001-02-03\","
                + "\"knowledge_cutoff\":\"2020-01\",\"model_identity\":\"You are Ossie.\",\"reasoning_effort\":\"low\"}}"), base);
        assertThat(s.currentDate()).isEqualTo(LocalDate.of(2001, 2, 3));
        assertThat(s.renderedDate()).isEqualTo("2001-02-03");
        assertThat(s.knowledgeCutoff()).isEqualTo("2020-01");
        assertThat(s.modelIdentity()).isEqualTo("You are Ossie.");
        assertThat(s.defaultEffort()).isEqualTo(ReasoningEffort.LOW);
        assertThat(paramOf(() -> ChatRequestParser.promptSettings(json("{\"chat_template_kwargs\":[]}"), base)))
                .isEqualTo("chat_template_kwargs");
        assertThat(paramOf(() -> ChatRequestParser.promptSettings(json("{\"chat_template_kwargs\":{\"current_date\":\"2001-13-01\"}}"), base)))
                .isEqualTo("chat_template_kwargs.current_date");
        assertThat(paramOf(() -> ChatRequestParser.promptSettings(json("{\"chat_template_kwargs\":{\"reasoning_effort\":\"max\"}}"), base)))
                .isEqualTo("chat_template_kwargs.reasoning_effort");
        assertThat(paramOf(() -> ChatRequestParser.promptSettings(json("{\"chat_template_kwargs\":{\"model_identity\":7}}"), base)))
                .isEqualTo("chat_template_kwargs.model_identity");
    }

    @Test
    void completionsReadLogprobsAsACountAndDefaultMaxTokensTo16() {
        ChatRequestParser.Sampling s = ChatRequestParser.sampling(json("{\"logprobs\":3}"), 8, 4, true);
        assertThat(s.logprobs()).isTrue();
        assertThat(s.topLogprobs()).isEqualTo(3);
        assertThat(s.maxTokens()).isEqualTo(16);
        ChatRequestParser.Sampling none = ChatRequestParser.sampling(json("{\"max_tokens\":5}"), 8, 4, true);
        assertThat(none.logprobs()).isFalse();
        assertThat(none.maxTokens()).isEqualTo(5);
        assertThat(ChatRequestParser.sampling(json("{\"logprobs\":0}"), 8, 4, true).logprobs()).isTrue();
        assertThat(paramOf(() -> ChatRequestParser.sampling(json("{\"logprobs\":true}"), 8, 4, true))).isEqualTo("logprobs");
        assertThat(ChatRequestParser.sampling(json("{\"logprobs\":true}"), 8, 4, false).logprobs()).isTrue();
        assertThat(ChatRequestParser.sampling(json("{}"), 8, 4, false).maxTokens()).isNull();
    }
}
