package io.ossserve.api;

import io.ossserve.text.openai.ChatMessage;
import io.ossserve.text.openai.ChatPromptRequest;
import io.ossserve.text.openai.FunctionTool;
import io.ossserve.text.openai.JsonSchemaFormat;
import io.ossserve.text.openai.MessageContent;
import io.ossserve.text.openai.PromptSettings;
import io.ossserve.text.openai.ToolCall;
import io.ossserve.text.harmony.ReasoningEffort;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads and checks an OpenAI chat request body field by field, so that every error names its field
 * ({@code messages[2].role}, {@code temperature}, …). Unknown fields are ignored.
 */
final class ChatRequestParser {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private ChatRequestParser() {}

    /** The sampling and output fields common to chat and completions. */
    record Sampling(Integer maxTokens, double temperature, double topP, int topK, Long seed, List<String> stop, int n,
                    boolean logprobs, int topLogprobs, boolean ignoreEos, boolean stream, boolean includeUsage,
                    String user) {}

    static JsonNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw OpenAiException.invalid(null, "The request body must be a JSON object");
        }
        return body;
    }

    static String model(JsonNode body) {
        JsonNode m = body.get("model");
        if (m == null || m.isNull()) {
            throw OpenAiException.invalid("model", "Missing required parameter: 'model'.");
        }
        if (!m.isString() || m.stringValue().isBlank()) {
            throw OpenAiException.invalid("model", "'model' must be a non-empty string");
        }
        return m.stringValue();
    }

    static ChatPromptRequest prompt(JsonNode body) {
        JsonNode msgs = body.get("messages");
        if (msgs == null || msgs.isNull()) {
            throw OpenAiException.invalid("messages", "Missing required parameter: 'messages'.");
        }
        if (!msgs.isArray() || msgs.isEmpty()) {
            throw OpenAiException.invalid("messages", "'messages' must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) {
            messages.add(message(msgs.get(i), "messages[" + i + "]"));
        }
        List<FunctionTool> tools = tools(body.get("tools"));
        String toolChoice = toolChoice(body.get("tool_choice"));
        optionalBoolean(body, "parallel_tool_calls", true);
        String effort = optionalString(body, "reasoning_effort");
        JsonNode reasoning = body.get("reasoning");
        if (effort == null && reasoning != null && reasoning.isObject() && reasoning.get("effort") != null) {
            if (!reasoning.get("effort").isString()) {
                throw OpenAiException.invalid("reasoning.effort", "'reasoning.effort' must be a string");
            }
            effort = reasoning.get("effort").stringValue();
        }
        if (effort != null && !Set.of("minimal", "low", "medium", "high").contains(effort)) {
            throw OpenAiException.invalid("reasoning_effort", "'reasoning_effort' must be one of low, medium, high (got '" + effort + "')");
        }
        JsonNode rf = body.get("response_format");
        boolean jsonObject = rf != null && rf.isObject() && "json_object".equals(optionalString(rf, "type"));
        return new ChatPromptRequest(messages, tools, toolChoice, effort, responseFormat(rf), jsonObject);
    }

    /**
     * The harmony system fields of one request, from {@code chat_template_kwargs}: {@code current_date}
     * (YYYY-MM-DD), {@code knowledge_cutoff}, {@code model_identity}, {@code reasoning_effort} (the default when the
     * request names none). Other keys are ignored (they belong to other models' templates).
     *
     * @return {@code base} when the request overrides nothing
     */
    static PromptSettings promptSettings(JsonNode body, PromptSettings base) {
        JsonNode kw = body.get("chat_template_kwargs");
        if (kw == null || kw.isNull()) {
            return base;
        }
        if (!kw.isObject()) {
            throw OpenAiException.invalid("chat_template_kwargs", "'chat_template_kwargs' must be an object");
        }
        LocalDate date = base.currentDate();
        String d = kwString(kw, "current_date");
        if (d != null) {
            try {
                date = LocalDate.parse(d);
            } catch (DateTimeParseException e) {
                throw OpenAiException.invalid("chat_template_kwargs.current_date",
                        "'chat_template_kwargs.current_date' must be a date YYYY-MM-DD (got '" + d + "')");
            }
        }
        String cutoff = kwString(kw, "knowledge_cutoff");
        String identity = kwString(kw, "model_identity");
        String effort = kwString(kw, "reasoning_effort");
        ReasoningEffort defaultEffort = base.defaultEffort();
        if (effort != null) {
            try {
                defaultEffort = ReasoningEffort.parse(effort);
            } catch (IllegalArgumentException e) {
                throw OpenAiException.invalid("chat_template_kwargs.reasoning_effort",
                        "'chat_template_kwargs.reasoning_effort' must be one of low, medium, high (got '" + effort + "')");
            }
        }
        if (d == null && cutoff == null && identity == null && effort == null) {
            return base;
        }
        return new PromptSettings(identity != null ? identity : base.modelIdentity(),
                cutoff != null ? cutoff : base.knowledgeCutoff(), date, defaultEffort, base.clock());
    }

    private static String kwString(JsonNode kw, String name) {
        JsonNode v = kw.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString() || v.stringValue().isBlank()) {
            throw OpenAiException.invalid("chat_template_kwargs." + name, "'chat_template_kwargs." + name
                    + "' must be a non-empty string");
        }
        return v.stringValue();
    }

    private static ChatMessage message(JsonNode m, String field) {
        if (m == null || !m.isObject()) {
            throw OpenAiException.invalid(field, "'" + field + "' must be an object");
        }
        JsonNode roleNode = m.get("role");
        if (roleNode == null || !roleNode.isString()) {
            throw OpenAiException.invalid(field + ".role", "'" + field + ".role' is required and must be a string");
        }
        String role = roleNode.stringValue();
        if (!ROLES.contains(role)) {
            throw OpenAiException.invalid(field + ".role", "'" + field + ".role' must be one of system, developer, user, "
                    + "assistant, tool (got '" + role + "')");
        }
        MessageContent content = content(m.get("content"), field + ".content");
        List<ToolCall> calls = new ArrayList<>();
        JsonNode tc = m.get("tool_calls");
        if (tc != null && !tc.isNull()) {
            if (!role.equals("assistant") || !tc.isArray()) {
                throw OpenAiException.invalid(field + ".tool_calls", "'" + field + ".tool_calls' must be an array on an assistant message");
            }
            for (int j = 0; j < tc.size(); j++) {
                String f = field + ".tool_calls[" + j + "]";
                JsonNode call = tc.get(j);
                JsonNode fn = call == null ? null : call.get("function");
                if (fn == null || !fn.isObject() || fn.get("name") == null || !fn.get("name").isString()) {
                    throw OpenAiException.invalid(f + ".function.name", "'" + f + ".function.name' is required");
                }
                JsonNode args = fn.get("arguments");
                String arguments = args == null || args.isNull() ? "{}" : args.isString() ? args.stringValue() : args.toString();
                calls.add(new ToolCall(optionalString(call, "id"), fn.get("name").stringValue(), arguments));
            }
        }
        if (content == null && calls.isEmpty() && !role.equals("assistant")) {
            throw OpenAiException.invalid(field + ".content", "'" + field + ".content' is required for role '" + role + "'");
        }
        String toolCallId = optionalString(m, "tool_call_id");
        if (role.equals("tool") && toolCallId == null && optionalString(m, "name") == null) {
            throw OpenAiException.invalid(field + ".tool_call_id", "'" + field + ".tool_call_id' is required for role 'tool'");
        }
        String reasoning = optionalString(m, "reasoning_content");
        if (reasoning == null) {
            reasoning = optionalString(m, "reasoning");
        }
        return new ChatMessage(role, content, optionalString(m, "name"), calls, toolCallId, reasoning);
    }

    private static MessageContent content(JsonNode c, String field) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isString()) {
            return new MessageContent.Text(c.stringValue());
        }
        if (!c.isArray()) {
            throw OpenAiException.invalid(field, "'" + field + "' must be a string or an array of content parts");
        }
        List<MessageContent.ContentPart> parts = new ArrayList<>();
        for (int j = 0; j < c.size(); j++) {
            JsonNode p = c.get(j);
            String f = field + "[" + j + "]";
            if (p == null || !p.isObject() || p.get("type") == null || !p.get("type").isString()) {
                throw OpenAiException.invalid(f + ".type", "'" + f + ".type' is required");
            }
            String type = p.get("type").stringValue();
            if (!type.equals("text") && !type.equals("input_text")) {
                throw OpenAiException.invalid(f + ".type", "'" + f + ".type' '" + type + "' is not supported: gpt-oss reads text parts only");
            }
            JsonNode text = p.get("text");
            if (text == null || !text.isString()) {
                throw OpenAiException.invalid(f + ".text", "'" + f + ".text' must be a string");
            }
            parts.add(new MessageContent.ContentPart(type, text.stringValue()));
        }
        return new MessageContent.Parts(parts);
    }

    private static List<FunctionTool> tools(JsonNode t) {
        if (t == null || t.isNull()) {
            return List.of();
        }
        if (!t.isArray()) {
            throw OpenAiException.invalid("tools", "'tools' must be an array");
        }
        List<FunctionTool> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            String f = "tools[" + i + "]";
            JsonNode tool = t.get(i);
            if (tool == null || !tool.isObject()) {
                throw OpenAiException.invalid(f, "'" + f + "' must be an object");
            }
            String type = optionalString(tool, "type");
            if (type != null && !type.equals("function")) {
                throw OpenAiException.invalid(f + ".type", "'" + f + ".type' must be 'function' (got '" + type + "')");
            }
            JsonNode fn = tool.get("function");
            if (fn == null || !fn.isObject()) {
                throw OpenAiException.invalid(f + ".function", "'" + f + ".function' is required");
            }
            String name = optionalString(fn, "name");
            if (name == null || !FUNCTION_NAME.matcher(name).matches()) {
                throw OpenAiException.invalid(f + ".function.name", "'" + f + ".function.name' must match [A-Za-z0-9_.-]{1,64}");
            }
            JsonNode params = fn.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw OpenAiException.invalid(f + ".function.parameters", "'" + f + ".function.parameters' must be a JSON schema object");
            }
            out.add(new FunctionTool(name, optionalString(fn, "description"), params == null || params.isNull() ? null : params,
                    optionalBoolean(fn, "strict", false)));
        }
        return out;
    }

    private static String toolChoice(JsonNode c) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isString()) {
            String v = c.stringValue();
            if (!Set.of("none", "auto", "required").contains(v)) {
                throw OpenAiException.invalid("tool_choice", "'tool_choice' must be none, auto, required or {\"type\": \"function\", "
                        + "\"function\": {\"name\": …}} (got '" + v + "')");
            }
            return v;
        }
        JsonNode fn = c.isObject() ? c.get("function") : null;
        if (fn == null || !fn.isObject() || fn.get("name") == null || !fn.get("name").isString()) {
            throw OpenAiException.invalid("tool_choice", "'tool_choice.function.name' is required when tool_choice is an object");
        }
        return fn.get("name").stringValue();
    }

    private static JsonSchemaFormat responseFormat(JsonNode r) {
        if (r == null || r.isNull()) {
            return null;
        }
        String type = r.isObject() ? optionalString(r, "type") : null;
        if (type == null || !Set.of("text", "json_object", "json_schema").contains(type)) {
            throw OpenAiException.invalid("response_format.type", "'response_format.type' must be text, json_object or json_schema");
        }
        if (!type.equals("json_schema")) {
            return null;
        }
        JsonNode js = r.get("json_schema");
        if (js == null || !js.isObject() || optionalString(js, "name") == null || js.get("schema") == null || !js.get("schema").isObject()) {
            throw OpenAiException.invalid("response_format.json_schema", "'response_format.json_schema' needs a name and a schema object");
        }
        return new JsonSchemaFormat(optionalString(js, "name"), optionalString(js, "description"), js.get("schema"));
    }

    static Sampling sampling(JsonNode body, int maxN, int maxStops) {
        return sampling(body, maxN, maxStops, false);
    }

    /**
     * The sampling fields; {@code textCompletion} reads them as {@code /v1/completions} does: {@code logprobs} is the
     * number of alternatives (0..20) rather than a boolean, and {@code max_tokens} defaults to 16.
     */
    static Sampling sampling(JsonNode body, int maxN, int maxStops, boolean textCompletion) {
        Integer maxTokens = textCompletion ? null : optionalInt(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) {
            maxTokens = optionalInt(body, "max_tokens", 1, Integer.MAX_VALUE);
        }
        if (textCompletion) {
            maxTokens = maxTokens == null ? 16 : maxTokens;
        }
        double temperature = optionalNumber(body, "temperature", 0, 2, 1.0);
        double topP = optionalNumber(body, "top_p", 0, 1, 1.0);
        if (topP <= 0) {
            throw OpenAiException.invalid("top_p", "'top_p' must be in (0, 1]");
        }
        Integer topK = optionalInt(body, "top_k", -1, Integer.MAX_VALUE);
        optionalNumber(body, "presence_penalty", -2, 2, 0);
        optionalNumber(body, "frequency_penalty", -2, 2, 0);
        Long seed = null;
        JsonNode s = body.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw OpenAiException.invalid("seed", "'seed' must be an integer");
            }
            seed = s.asLong();
        }
        List<String> stop = stop(body.get("stop"), maxStops);
        Integer n = optionalInt(body, "n", 1, maxN);
        boolean logprobs;
        Integer top;
        if (textCompletion) {
            top = optionalInt(body, "logprobs", 0, 20);
            logprobs = top != null;
        } else {
            logprobs = optionalBoolean(body, "logprobs", false);
            top = optionalInt(body, "top_logprobs", 0, 20);
        }
        if (top != null && top > 0 && !logprobs) {
            throw OpenAiException.invalid("top_logprobs", "'top_logprobs' requires 'logprobs' to be true");
        }
        boolean stream = optionalBoolean(body, "stream", false);
        boolean includeUsage = false;
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!so.isObject()) {
                throw OpenAiException.invalid("stream_options", "'stream_options' must be an object");
            }
            includeUsage = optionalBoolean(so, "include_usage", false);
        }
        return new Sampling(maxTokens, temperature, topP, topK == null || topK < 0 ? 0 : topK, seed, stop,
                n == null ? 1 : n, logprobs, top == null ? 0 : top, optionalBoolean(body, "ignore_eos", false), stream, includeUsage, optionalString(body, "user"));
    }

    private static List<String> stop(JsonNode s, int maxStops) {
        if (s == null || s.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (s.isString()) {
            out.add(s.stringValue());
        } else if (s.isArray()) {
            for (int i = 0; i < s.size(); i++) {
                if (!s.get(i).isString()) {
                    throw OpenAiException.invalid("stop", "'stop[" + i + "]' must be a string");
                }
                out.add(s.get(i).stringValue());
            }
        } else {
            throw OpenAiException.invalid("stop", "'stop' must be a string or an array of strings");
        }
        if (out.size() > maxStops) {
            throw OpenAiException.invalid("stop", "'stop' may hold at most " + maxStops + " sequences");
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw OpenAiException.invalid("stop", "'stop' sequences must not be empty");
        }
        return out;
    }

    static String optionalString(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw OpenAiException.invalid(name, "'" + name + "' must be a string");
        }
        return v.stringValue();
    }

    static boolean optionalBoolean(JsonNode node, String name, boolean dflt) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw OpenAiException.invalid(name, "'" + name + "' must be a boolean");
        }
        return v.asBoolean();
    }

    static Integer optionalInt(JsonNode node, String name, int min, int max) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw OpenAiException.invalid(name, "'" + name + "' must be an integer");
        }
        int i = v.asInt();
        if (i < min || i > max) {
            throw OpenAiException.invalid(name, "'" + name + "' must be in [" + min + ", " + max + "] (got " + i + ")");
        }
        return i;
    }

    static double optionalNumber(JsonNode node, String name, double min, double max, double dflt) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw OpenAiException.invalid(name, "'" + name + "' must be a number");
        }
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw OpenAiException.invalid(name, "'" + name + "' must be in [" + min + ", " + max + "] (got " + d + ")");
        }
        return d;
    }
}
