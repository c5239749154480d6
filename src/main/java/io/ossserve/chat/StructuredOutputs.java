package io.ossserve.chat;

import io.ossserve.engine.TokenConstraint;
import io.ossserve.engine.constraint.JsonGrammar;
import io.ossserve.engine.constraint.StructuredConstraint;
import io.ossserve.engine.constraint.StructuredConstraint.Route;
import io.ossserve.engine.constraint.TokenVocabulary;
import io.ossserve.engine.constraint.UnsupportedSchemaException;
import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.SpecialTokens;
import io.ossserve.text.openai.ChatPromptRequest;
import io.ossserve.text.openai.FunctionTool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;

/**
 * The request → constraint mapping of structured outputs (docs/structured-outputs.md):
 * <ul>
 *   <li>{@code tool_choice} {@code required} / a named function: the turn must start with that tool-call header and its
 *       arguments follow the tool's schema, then {@code <|call|>}.</li>
 *   <li>{@code response_format} json_schema / json_object, or strict tools under {@code auto}: every message opens with
 *       a canonical header (analysis, final, commentary preamble, or a call); reasoning stays free text; the final
 *       answer follows the response schema (then {@code <|return|>}); a strict tool's arguments follow its schema.</li>
 *   <li>Otherwise: no constraint (the output is exactly what it was without this feature).</li>
 * </ul>
 * {@code <|call|>} ends a generation, so a turn holds at most one call ({@code parallel_tool_calls: false} holds).
 */
final class StructuredOutputs {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StructuredOutputs() {}

    static TokenConstraint constraint(ChatPromptRequest p, Function<String, int[]> toolHeader, O200kHarmonyTokenizer tokenizer) {
        String choice = p.toolChoice();
        List<FunctionTool> tools = "none".equals(choice) ? List.of() : p.tools();
        boolean forced = choice != null && !choice.equals("auto") && !choice.equals("none");
        if (forced) {
            List<Route> calls = new ArrayList<>();
            if (choice.equals("required")) {
                if (tools.isEmpty()) {
                    throw new ChatRequestException("tool_choice 'required' needs at least one tool in 'tools'", "tool_choice", null);
                }
                for (int i = 0; i < tools.size(); i++) {
                    calls.add(call(tools.get(i), i, toolHeader));
                }
            } else {
                int index = -1;
                for (int i = 0; i < tools.size(); i++) {
                    if (tools.get(i).name().equals(choice)) {
                        index = i;
                    }
                }
                if (index < 0) {
                    throw new ChatRequestException("tool_choice names function '" + choice + "', which is not in 'tools'",
                            "tool_choice", null);
                }
                calls.add(call(tools.get(index), index, toolHeader));
            }
            return new StructuredConstraint(vocabulary(tokenizer), calls, List.of(), restart(tokenizer), SpecialTokens.END, false);
        }
        JsonGrammar answer = null;
        if (p.jsonSchema() != null) {
            answer = compile(p.jsonSchema().schema(), "response_format.json_schema.schema");
        } else if (p.jsonObject()) {
            answer = JsonGrammar.anyObject();
        }
        boolean strictTools = tools.stream().anyMatch(FunctionTool::strict);
        if (answer == null && !strictTools) {
            return null;
        }
        List<Route> next = new ArrayList<>();
        next.add(new Route(header(tokenizer, "final"), answer, SpecialTokens.RETURN));
        for (int i = 0; i < tools.size(); i++) {
            FunctionTool t = tools.get(i);
            next.add(t.strict() ? call(t, i, toolHeader) : new Route(toolHeader.apply(t.name()), null, SpecialTokens.CALL));
        }
        List<Route> start = new ArrayList<>();
        start.add(new Route(header(tokenizer, "analysis"), null, SpecialTokens.END));
        if (!tools.isEmpty()) {
            start.add(new Route(header(tokenizer, "commentary"), null, SpecialTokens.END));
        }
        start.addAll(next);
        return new StructuredConstraint(vocabulary(tokenizer), start, next, restart(tokenizer), SpecialTokens.END, answer != null);
    }

    private static Route call(FunctionTool tool, int index, Function<String, int[]> toolHeader) {
        JsonGrammar args = tool.parameters() == null
                ? compile(JSON.readTree("{\"type\":\"object\",\"additionalProperties\":false}"), null)
                : compile(tool.parameters(), "tools[" + index + "].function.parameters");
        return new Route(toolHeader.apply(tool.name()), args, SpecialTokens.CALL);
    }

    private static JsonGrammar compile(tools.jackson.databind.JsonNode schema, String field) {
        try {
            return JsonGrammar.compile(schema);
        } catch (UnsupportedSchemaException e) {
            throw new ChatRequestException(field + ": " + e.getMessage()
                    + " (structured outputs support the subset listed in docs/structured-outputs.md)", field, null);
        }
    }

    /** {@code <|channel|>NAME<|message|>}. */
    private static int[] header(O200kHarmonyTokenizer tokenizer, String channel) {
        int[] name = tokenizer.encode(channel);
        int[] out = new int[name.length + 2];
        out[0] = SpecialTokens.CHANNEL;
        System.arraycopy(name, 0, out, 1, name.length);
        out[out.length - 1] = SpecialTokens.MESSAGE;
        return out;
    }

    /** {@code <|start|>assistant}. */
    private static int[] restart(O200kHarmonyTokenizer tokenizer) {
        int[] role = tokenizer.encode("assistant");
        int[] out = new int[role.length + 1];
        out[0] = SpecialTokens.START;
        System.arraycopy(role, 0, out, 1, role.length);
        return out;
    }

    private static TokenVocabulary vocabulary(O200kHarmonyTokenizer tokenizer) {
        return TokenVocabulary.of(tokenizer);
    }
}
