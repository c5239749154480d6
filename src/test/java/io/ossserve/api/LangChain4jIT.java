package io.ossserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A second, independent OpenAI client library (LangChain4j's OpenAI module) against the server. */
class LangChain4jIT extends ScriptedServer {
    @LocalServerPort
    int port;

    @BeforeEach
    void ready() throws Exception {
        awaitReady(port);
    }

    String base() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    @Test
    void chatAndToolCall() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(base()).apiKey(apiKey(port)).modelName("gpt-oss-test")
                .timeout(Duration.ofSeconds(30)).maxRetries(0).build();
        assertThat(model.chat("Hi")).isEqualTo("Hello there! How can I help?");
        ToolSpecification weather = ToolSpecification.builder().name("get_weather").description("Current weather")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("weather in Paris?"))
                .toolSpecifications(weather).toolChoice(ToolChoice.REQUIRED).build());
        AiMessage ai = r.aiMessage();
        assertThat(ai.hasToolExecutionRequests()).isTrue();
        assertThat(ai.toolExecutionRequests().getFirst().name()).isEqualTo("get_weather");
        assertThat(ai.toolExecutionRequests().getFirst().arguments()).contains("Paris");
    }

    @Test
    void streaming() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(base()).apiKey(apiKey(port))
                .modelName("gpt-oss-test").timeout(Duration.ofSeconds(30)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("Hi", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse r = done.get(30, TimeUnit.SECONDS);
        assertThat(partial.toString()).isEqualTo("Hello there! How can I help?");
        assertThat(r.aiMessage().text()).isEqualTo("Hello there! How can I help?");
        assertThat(r.tokenUsage().outputTokenCount()).isPositive();
    }
}
