package io.ossserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Structured outputs end to end with the official OpenAI Java SDK against the real engine (the random {@code tiny}
 * checkpoint): whatever the random weights prefer, the answer and the tool arguments are valid JSON for their schema.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "oss-serve.engine.threads=2", "oss-serve.engine.kv-cache-memory=64MB"})
class StructuredOutputsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, Object> SCHEMA = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string", "maxLength", 20),
                    "days", Map.of("type", "integer", "minimum", 1, "maximum", 14),
                    "units", Map.of("type", "string", "enum", List.of("metric", "imperial")),
                    "tags", Map.of("type", "array", "items", Map.of("type", "string", "maxLength", 8), "maxItems", 3)),
            "required", List.of("city", "days", "units", "tags"), "additionalProperties", false);

    static Path dataDir;
    static final String ADMIN_KEY = "test-admin-structured-" + Long.toHexString(new java.security.SecureRandom().nextLong());

    /** Own data directory and admin key file; the test then makes a tenant key through the admin API. */
    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        dataDir = Files.createTempDirectory("ossserve-structured-it");
        Path keyFile = dataDir.resolve("test-admin.key");
        Files.createFile(keyFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, ADMIN_KEY + "\n");
        registry.add("oss-serve.data-dir", dataDir::toString);
        registry.add("oss-serve.security.admin-key-file", keyFile::toString);
    }

    static String tenantKey;

    static String tenantKey(int port) throws Exception {
        if (tenantKey == null) {
            admin(port, "/admin/tenants", "{\"id\":\"structured\",\"limits\":{\"requests_per_minute\":0,"
                    + "\"tokens_per_minute\":0,\"tokens_per_day\":0,\"max_concurrent\":0}}");
            String body = admin(port, "/admin/tenants/structured/keys", "{\"name\":\"test\"}");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"key\":\"(oss_[^\"]+)\"").matcher(body);
            assertThat(m.find()).as(body).isTrue();
            tenantKey = m.group(1);
        }
        return tenantKey;
    }

    private static String admin(int port, String path, String json) throws Exception {
        var r = ScriptedServer.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(201);
        return r.body();
    }

    @LocalServerPort
    int port;

    OpenAIClient client;

    @BeforeEach
    void connect() throws Exception {
        ScriptedServer.awaitReady(port);
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(tenantKey(port))
                .timeout(Duration.ofSeconds(240)).maxRetries(0).build();
    }

    static List<String> problems(Map<String, Object> schema, String json) {
        JsonNode s = JSON.valueToTree(schema);
        JsonNode v = JSON.readTree(json);
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(s).validate(v)
                .stream().map(Object::toString).toList();
    }

    static Map<String, JsonValue> values(Map<String, Object> schema) {
        return schema.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> JsonValue.from(e.getValue())));
    }

    static ChatCompletionCreateParams.Builder base(long seed) {
        return ChatCompletionCreateParams.builder().model("tiny-random").addUserMessage("Plan a trip, as JSON.")
                .temperature(1.0).seed(seed).maxCompletionTokens(120);
    }

    @Test
    void responseFormatJsonSchemaAlwaysGivesValidJson() {
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("trip").strict(true).schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .additionalProperties(values(SCHEMA)).build()).build()).build();
        for (long seed = 1; seed <= 4; seed++) {
            ChatCompletion c = client.chat().completions().create(base(seed).responseFormat(format).build());
            String content = c.choices().getFirst().message().content().orElseThrow();
            assertThat(problems(SCHEMA, content)).as("seed %d: %s", seed, content).isEmpty();
            assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        }
    }

    @Test
    void jsonObjectGivesAnObject() {
        ChatCompletion c = client.chat().completions().create(base(9)
                .responseFormat(ResponseFormatJsonObject.builder().build()).build());
        assertThat(JSON.readTree(c.choices().getFirst().message().content().orElseThrow()).isObject()).isTrue();
    }

    @Test
    void strictToolCallsHaveValidArguments() {
        FunctionDefinition tool = FunctionDefinition.builder().name("plan_trip").description("Plans a trip").strict(true)
                .parameters(FunctionParameters.builder().additionalProperties(values(SCHEMA)).build())
                .build();
        for (long seed = 1; seed <= 4; seed++) {
            ChatCompletion c = client.chat().completions().create(base(seed).addFunctionTool(tool).parallelToolCalls(false)
                    .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.REQUIRED)).build());
            assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            List<?> calls = c.choices().getFirst().message().toolCalls().orElseThrow();
            assertThat(calls).hasSize(1);
            ChatCompletionMessageFunctionToolCall call = c.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
            assertThat(call.function().name()).isEqualTo("plan_trip");
            assertThat(problems(SCHEMA, call.function().arguments())).as("seed %d: %s", seed, call.function().arguments()).isEmpty();
        }
    }

    @Test
    void unsupportedKeywordIsA400NamingIt() {
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("bad").schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("a", Map.of("type", "array", "uniqueItems", true))))
                        .build()).build()).build();
        assertThatThrownBy(() -> client.chat().completions().create(base(1).responseFormat(format).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("uniqueItems")
                .hasMessageContaining("response_format.json_schema.schema");
    }
}
