package io.ossserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.models.Model;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The official OpenAI Java SDK against the server (scripted engine) over loopback HTTP. */
class OpenAiSdkIT extends ScriptedServer {
    @LocalServerPort
    int port;

    OpenAIClient client;

    @BeforeEach
    void connect() throws Exception {
        awaitReady(port);
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(apiKey(port))
                .timeout(Duration.ofSeconds(30)).maxRetries(0).build();
    }

    static FunctionDefinition weatherTool() {
        return FunctionDefinition.builder().name("get_weather").description("Current weather in a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    @Test
    void listsModels() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly("gpt-oss-test");
        assertThat(client.models().retrieve("gpt-oss-test").id()).isEqualTo("gpt-oss-test");
        assertThatThrownBy(() -> client.models().retrieve("other")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void chatNonStreaming() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-oss-test").addSystemMessage("Be brief.").addUserMessage("Hi").maxCompletionTokens(200).build());
        ChatCompletionMessage m = c.choices().getFirst().message();
        assertThat(m.content()).hasValue("Hello there! How can I help?");
        assertThat(m._additionalProperties().get("reasoning_content").asString()).hasValue("The user greets me.");
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage()).hasValueSatisfying(u -> {
            assertThat(u.completionTokens()).isEqualTo(ScriptedEngine.ids(ScriptedEngine.ANSWER).length);
            assertThat(u.completionTokensDetails().orElseThrow().reasoningTokens()).hasValueSatisfying(r -> assertThat(r).isPositive());
        });
    }

    @Test
    void chatStreamingWithUsage() {
        StringBuilder content = new StringBuilder();
        long[] usage = {-1};
        String[] finish = {null};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt-oss-test").addUserMessage("Hi")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
                for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                    ch.delta().content().ifPresent(content::append);
                    ch.finishReason().ifPresent(f -> finish[0] = f.asString());
                }
            });
        }
        assertThat(content.toString()).isEqualTo("Hello there! How can I help?");
        assertThat(finish[0]).isEqualTo("stop");
        assertThat(usage[0]).isEqualTo(ScriptedEngine.ids(ScriptedEngine.ANSWER).length);
    }

    @Test
    void forcedToolCallThenMultiTurnWithToolResult() {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("gpt-oss-test")
                .addUserMessage("What is the weather in Paris?").addFunctionTool(weatherTool())
                .toolChoice(ChatCompletionToolChoiceOption.ofNamedToolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build()))
                .build();
        ChatCompletion c = client.chat().completions().create(first);
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessage m = c.choices().getFirst().message();
        ChatCompletionMessageFunctionToolCall call = m.toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\": \"Paris\", \"unit\": \"c\"}");

        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.AUTO))
                .addMessage(m)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18C, sunny").build())
                .build());
        assertThat(answer.choices().getFirst().message().content()).hasValue("It is 18 degrees in Paris.");
    }

    @Test
    void assistantHistoryAsParamRoundTrips() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-oss-test")
                .addUserMessage("Hi").addMessage(ChatCompletionAssistantMessageParam.builder().content("Hello!").build())
                .addUserMessage("Hi again").build());
        assertThat(c.choices().getFirst().message().content()).hasValue("Hello there! How can I help?");
    }
}
