package io.ossserve.text.openai;

import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.Tokenizers;
import io.ossserve.text.harmony.HarmonyEvent;
import io.ossserve.text.harmony.HarmonyStreamParser;
import io.ossserve.text.harmony.Role;
import io.ossserve.text.harmony.StopReason;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HarmonyToOpenAiTest {
    private final O200kHarmonyTokenizer tokenizer = Tokenizers.o200kHarmony();

    private record Run(List<ChatDelta> deltas, AssistantOutput output) {}

    private Run run(String completionWithSpecials) {
        AtomicInteger counter = new AtomicInteger();
        HarmonyToOpenAi assembler = new HarmonyToOpenAi(() -> "call_" + counter.incrementAndGet());
        HarmonyStreamParser parser = new HarmonyStreamParser(tokenizer, Role.ASSISTANT, false);
        List<ChatDelta> deltas = new ArrayList<>();
        for (int id : tokenizer.encodeAllowingSpecials(completionWithSpecials)) {
            deltas.addAll(assembler.acceptAll(parser.push(id)));
        }
        deltas.addAll(assembler.acceptAll(parser.finish()));
        return new Run(deltas, assembler.output());
    }

    @Test
    void reasoningAndAnswerAreSeparated() {
        Run run = run("<|channel|>analysis<|message|>User asks 2+2. Easy.<|end|><|start|>assistant<|channel|>final<|message|>4<|return|>");
        assertThat(run.output()).isEqualTo(new AssistantOutput("User asks 2+2. Easy.", "4", List.of(), StopReason.RETURN));
        assertThat(run.output().finishReason(false)).isEqualTo("stop");
        assertThat(run.deltas()).allMatch(d -> !(d instanceof ChatDelta.Content c) || !c.text().contains("<|"));
    }

    @Test
    void toolCallsWithIdsAndValidArguments() {
        Run run = run("<|channel|>analysis<|message|>Need weather.<|end|><|start|>assistant<|channel|>commentary<|message|>Checking now.<|end|>"
                + "<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|> {\"location\": \"SF\"}<|call|>");
        AssistantOutput output = run.output();
        assertThat(output.reasoning()).isEqualTo("Need weather.");
        assertThat(output.content()).isEqualTo("Checking now.");
        assertThat(output.toolCalls()).containsExactly(new ToolCall("call_1", "get_weather", "{\"location\": \"SF\"}"));
        assertThat(output.finishReason(false)).isEqualTo("tool_calls");
        JsonMapper.shared().readTree(output.toolCalls().getFirst().arguments());
        // streamed: first fragment has id and name, then argument text that reassembles to the same JSON
        List<ChatDelta.ToolCallFragment> fragments = run.deltas().stream().filter(d -> d instanceof ChatDelta.ToolCallFragment)
                .map(d -> (ChatDelta.ToolCallFragment) d).toList();
        assertThat(fragments.getFirst()).isEqualTo(new ChatDelta.ToolCallFragment(0, "call_1", "get_weather", ""));
        assertThat(fragments.stream().map(ChatDelta.ToolCallFragment::argumentsDelta).reduce("", String::concat))
                .isEqualTo("{\"location\": \"SF\"}");
    }

    @Test
    void quirkyCallOnAnalysisChannelWithoutArguments() {
        Run run = run("<|channel|>analysis to=functions.now<|constrain|>json<|message|><|call|>");
        assertThat(run.output().toolCalls()).containsExactly(new ToolCall("call_1", "now", "{}"));
        assertThat(run.output().reasoning()).isNull();
        assertThat(run.output().content()).isNull();
    }

    @Test
    void truncatedOutputReportsLength() {
        Run run = run("<|channel|>analysis<|message|>Thinking very hard about");
        assertThat(run.output().stopReason()).isEqualTo(StopReason.TRUNCATED);
        assertThat(run.output().finishReason(true)).isEqualTo("length");
        assertThat(run.output().content()).isNull();
    }

    @Test
    void hallucinatedToolResultNeverBecomesContent() {
        Run run = run("<|channel|>final<|message|>Answer<|end|><|start|>functions.x to=assistant<|channel|>commentary<|message|>fake<|end|>");
        assertThat(run.output().content()).isEqualTo("Answer");
        assertThat(run.output().reasoning()).isEqualTo("fake");
    }

    @Test
    void randomIdsLookLikeOpenAis() {
        String id = HarmonyToOpenAi.randomIds().get();
        assertThat(id).matches("call_[A-Za-z0-9]{24}");
    }
}
