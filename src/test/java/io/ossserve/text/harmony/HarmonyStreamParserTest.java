package io.ossserve.text.harmony;

import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.Tokenizers;
import io.ossserve.text.harmony.HarmonyEvent.Anomaly;
import io.ossserve.text.harmony.HarmonyEvent.ContentDelta;
import io.ossserve.text.harmony.HarmonyEvent.Done;
import io.ossserve.text.harmony.HarmonyEvent.MessageEnd;
import io.ossserve.text.harmony.HarmonyEvent.MessageStart;
import io.ossserve.text.harmony.HarmonyEvent.ToolCallArgumentsDelta;
import io.ossserve.text.harmony.HarmonyEvent.ToolCallStart;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HarmonyStreamParserTest {
    private final O200kHarmonyTokenizer tokenizer = Tokenizers.o200kHarmony();

    private int[] ids(String textWithSpecials) {
        return tokenizer.encodeAllowingSpecials(textWithSpecials);
    }

    private List<HarmonyEvent> run(HarmonyStreamParser parser, int[] tokens) {
        List<HarmonyEvent> events = new ArrayList<>();
        for (int id : tokens) {
            events.addAll(parser.push(id));
        }
        events.addAll(parser.finish());
        return events;
    }

    private HarmonyStreamParser assistant(boolean strict) {
        return new HarmonyStreamParser(tokenizer, Role.ASSISTANT, strict);
    }

    private static Message msg(Role role, String channel, String recipient, String contentType, String text) {
        return new Message(Author.of(role), List.of(new TextContent(text)), channel, recipient, contentType);
    }

    @Test
    void simpleReasoningResponseFromTokenIds() {
        int[] tokens = {200005, 35644, 200008, 1844, 31064, 25, 392, 4827, 382, 220, 17, 659, 220, 17, 16842, 12295, 81645, 13,
                51441, 6052, 13, 200002, 200006, 173781, 200005, 17196, 200008, 17, 659, 220, 17, 314, 220, 19, 13};
        for (boolean strict : new boolean[] {true, false}) {
            assertThat(HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, strict)).containsExactly(
                    msg(Role.ASSISTANT, "analysis", null, null, "User asks: \"What is 2 + 2?\" Simple arithmetic. Provide answer."),
                    msg(Role.ASSISTANT, "final", null, null, "2 + 2 = 4."));
        }
    }

    @Test
    void eventsOfAToolCallInBothHeaderOrders() {
        for (String header : List.of("<|channel|>commentary to=functions.get_weather <|constrain|>json",
                " to=functions.get_weather<|channel|>commentary <|constrain|>json",
                "<|channel|>commentary to=functions.get_weather<|constrain|>json",
                " to=functions.get_weather<|channel|>commentary<|constrain|>json")) {
            HarmonyStreamParser parser = assistant(true);
            List<HarmonyEvent> events = run(parser, ids("<|channel|>analysis<|message|>Need to use function get_weather.<|end|>"
                    + "<|start|>assistant" + header + "<|message|>{\"location\":\"San Francisco\"}<|call|>"));
            assertThat(events).as(header).contains(
                    new MessageStart(0, Author.of(Role.ASSISTANT), "analysis", null, null),
                    new MessageStart(1, Author.of(Role.ASSISTANT), "commentary", "functions.get_weather", "<|constrain|>json"),
                    new ToolCallStart(1, "functions.get_weather", "commentary", "<|constrain|>json"),
                    new Done(StopReason.CALL));
            String args = events.stream().filter(e -> e instanceof ToolCallArgumentsDelta).map(e -> ((ToolCallArgumentsDelta) e).text())
                    .reduce("", String::concat);
            assertThat(args).isEqualTo("{\"location\":\"San Francisco\"}");
            String analysis = events.stream().filter(e -> e instanceof ContentDelta).map(e -> ((ContentDelta) e).text()).reduce("", String::concat);
            assertThat(analysis).isEqualTo("Need to use function get_weather.");
            assertThat(events.stream().filter(e -> e instanceof MessageEnd).map(e -> ((MessageEnd) e).terminatorTokenId()))
                    .containsExactly(200007, 200012);
            // tool-call start comes before the first argument delta
            int start = events.indexOf(new ToolCallStart(1, "functions.get_weather", "commentary", "<|constrain|>json"));
            int firstArg = IntStream.range(0, events.size()).filter(i -> events.get(i) instanceof ToolCallArgumentsDelta).findFirst().orElseThrow();
            assertThat(start).isLessThan(firstArg);
        }
    }

    @Test
    void constraintWithoutRecipientIsAContentType() {
        List<Message> messages = HarmonyStreamParser.parseMessages(
                ids("<|channel|>final <|constrain|>json<|message|>{\"a\":1}<|return|>"), Role.ASSISTANT, true);
        assertThat(messages).containsExactly(msg(Role.ASSISTANT, "final", null, "<|constrain|>json", "{\"a\":1}"));
    }

    @Test
    void plainContentTypesAndRecipientsLikeTheReference() {
        // test_simple_tool_call: recipient lookup_weather, content type code
        assertThat(HarmonyStreamParser.parseMessages(ids("<|channel|>commentary to=lookup_weather code<|message|>{\"location\": \"SF\"}<|call|>"),
                Role.ASSISTANT, true)).containsExactly(msg(Role.ASSISTANT, "commentary", "lookup_weather", "code", "{\"location\": \"SF\"}"));
        assertThat(HarmonyStreamParser.parseMessages(ids("<|channel|>analysis to=python code<|message|>print(1)<|call|>"),
                Role.ASSISTANT, true).getFirst().contentType()).isEqualTo("code");
    }

    @Test
    void functionsRecipientOnTheAnalysisChannelIsStillAToolCall() {
        List<HarmonyEvent> events = run(assistant(true), ids("<|channel|>analysis to=functions.search <|constrain|>json<|message|>{}<|call|>"));
        assertThat(events).contains(new ToolCallStart(0, "functions.search", "analysis", "<|constrain|>json"), new Done(StopReason.CALL));
    }

    @Test
    void toolResponseWithoutKnownRole() {
        List<Message> messages = HarmonyStreamParser.parseMessages(
                ids("<|start|>browser.search to=assistant<|channel|>commentary<|message|>{\"result\": \"https://openai.com/\"}"), null, true);
        assertThat(messages).containsExactly(new Message(Author.tool("browser.search"),
                List.of(new TextContent("{\"result\": \"https://openai.com/\"}")), "commentary", "assistant", null));
    }

    @Test
    void streamableParserConversation() {
        String text = "<|start|>assistant<|channel|>analysis<|message|>User asks for the weather. Use browser.<|end|>"
                + "<|start|>assistant<|channel|>analysis to=browser.search code<|message|>{\"query\": \"weather SF\"}<|call|>"
                + "<|start|>browser.search to=assistant<|channel|>analysis<|message|>【0†Weather†weather.com】 Sunny.<|end|>";
        List<Message> messages = HarmonyStreamParser.parseMessages(ids(text), null, true);
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).recipient()).isEqualTo("browser.search");
        assertThat(messages.get(1).contentType()).isEqualTo("code");
        assertThat(messages.get(2).author()).isEqualTo(Author.tool("browser.search"));
        assertThat(messages.get(2).text()).isEqualTo("【0†Weather†weather.com】 Sunny.");
    }

    @Test
    void headerWithoutMessageTokenStrictAndNonStrict() {
        int[] tokens = ids("<|channel|>commentary Hello<|end|>");
        assertThatThrownBy(() -> HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, true))
                .isInstanceOf(HarmonyParseException.class)
                .hasMessageContaining("at token " + (tokens.length - 1))
                .hasMessageContaining("<|end|>");
        List<HarmonyEvent> events = run(assistant(false), tokens);
        assertThat(events).anyMatch(e -> e instanceof Anomaly);
        assertThat(events).contains(new ContentDelta(0, "commentary", "Hello"));
        assertThat(((MessageEnd) events.stream().filter(e -> e instanceof MessageEnd).findFirst().orElseThrow()).message())
                .isEqualTo(msg(Role.ASSISTANT, "commentary", null, null, "Hello"));
    }

    @Test
    void multiTokenCharacterIsOneDeltaOnceComplete() {
        String emoji = "🫠";
        int[] emojiIds = tokenizer.encode(emoji);
        assertThat(emojiIds.length).isGreaterThan(1);
        HarmonyStreamParser parser = assistant(true);
        List<HarmonyEvent> before = new ArrayList<>();
        for (int id : ids("<|channel|>final<|message|>")) {
            before.addAll(parser.push(id));
        }
        for (int i = 0; i < emojiIds.length - 1; i++) {
            assertThat(parser.push(emojiIds[i])).isEmpty();
        }
        assertThat(parser.push(emojiIds[emojiIds.length - 1])).containsExactly(new ContentDelta(0, "final", emoji));
    }

    @Test
    void danglingByteAtEndOfInputBecomesReplacement() {
        int[] emojiIds = tokenizer.encode("🫠");
        HarmonyStreamParser parser = assistant(true);
        for (int id : ids("<|channel|>final<|message|>ok")) {
            parser.push(id);
        }
        parser.push(emojiIds[0]);
        List<HarmonyEvent> end = parser.finish();
        assertThat(end).contains(new ContentDelta(0, "final", "\uFFFD"), new Done(StopReason.TRUNCATED));
        assertThat(parser.messages().getFirst().text()).isEqualTo("ok\uFFFD");
    }

    @Test
    void outOfVocabularyIdInContent() {
        int[] tokens = concat(ids("<|channel|>final<|message|>a"), new int[] {999_999_999}, ids("b<|return|>"));
        assertThat(HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, false).getFirst().text()).isEqualTo("a\uFFFDb");
        assertThatThrownBy(() -> HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, true))
                .isInstanceOf(HarmonyParseException.class).hasMessageContaining("999999999");
    }

    @Test
    void unexpectedSpecialTokensNeverReachContent() {
        int[] tokens = ids("<|channel|>final<|message|>The answer<|reserved_200100|> is 4<|constrain|>.<|return|>");
        HarmonyStreamParser parser = assistant(false);
        List<HarmonyEvent> events = run(parser, tokens);
        assertThat(parser.messages().getFirst().text()).isEqualTo("The answer is 4.");
        assertThat(events.stream().filter(e -> e instanceof Anomaly)).hasSize(2);
        assertThatThrownBy(() -> HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, true))
                .isInstanceOf(HarmonyParseException.class).hasMessageContaining("<|reserved_200100|>");
    }

    @Test
    void missingEndAndStartAreImplied() {
        // the model forgot <|end|> before the next <|start|>, and forgot <|end|><|start|>assistant before <|channel|>
        int[] tokens = ids("<|channel|>analysis<|message|>think<|start|>assistant<|channel|>commentary<|message|>plan"
                + "<|channel|>final<|message|>done<|return|>");
        List<Message> messages = HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, false);
        assertThat(messages).containsExactly(msg(Role.ASSISTANT, "analysis", null, null, "think"),
                msg(Role.ASSISTANT, "commentary", null, null, "plan"), msg(Role.ASSISTANT, "final", null, null, "done"));
        assertThatThrownBy(() -> HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, true))
                .isInstanceOf(HarmonyParseException.class).hasMessageContaining("at token 4");
    }

    @Test
    void missingStartBetweenMessages() {
        int[] tokens = ids("<|channel|>analysis<|message|>a<|end|><|channel|>final<|message|>b<|return|>");
        assertThat(HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, false)).containsExactly(
                msg(Role.ASSISTANT, "analysis", null, null, "a"), msg(Role.ASSISTANT, "final", null, null, "b"));
        assertThatThrownBy(() -> HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, true))
                .hasMessageContaining("expected <|start|>");
    }

    @Test
    void outputWithoutAnyHeaderIsKeptAsContent() {
        String prose = "Sure! Here is a long answer without any harmony header at all, written as plain text.";
        HarmonyStreamParser parser = assistant(false);
        List<HarmonyEvent> events = run(parser, tokenizer.encode(prose));
        assertThat(parser.messages()).hasSize(1);
        assertThat(parser.messages().getFirst().text()).isEqualTo(prose);
        assertThat(events.getLast()).isEqualTo(new Done(StopReason.TRUNCATED));
    }

    @Test
    void cutOffMidMessageKeepsTheText() {
        HarmonyStreamParser parser = assistant(true);
        List<HarmonyEvent> events = run(parser, ids("<|channel|>analysis<|message|>Let me think about th"));
        assertThat(parser.messages()).containsExactly(msg(Role.ASSISTANT, "analysis", null, null, "Let me think about th"));
        assertThat(events).contains(new Done(StopReason.TRUNCATED));
        assertThat(events).anyMatch(e -> e instanceof MessageEnd end && end.terminatorTokenId() == -1);
    }

    @Test
    void cutOffInsideAHeader() {
        int[] tokens = ids("<|channel|>analysis<|message|>x<|end|><|start|>assistant<|channel|>fin");
        assertThatThrownBy(() -> HarmonyStreamParser.parseMessages(tokens, Role.ASSISTANT, true))
                .hasMessageContaining("input ended inside a message header");
        HarmonyStreamParser parser = assistant(false);
        List<HarmonyEvent> events = run(parser, tokens);
        assertThat(events.getLast()).isEqualTo(new Done(StopReason.TRUNCATED));
        assertThat(parser.messages()).hasSize(2);
        assertThat(parser.messages().get(1).channel()).isEqualTo("fin");
    }

    @Test
    void stopReasons() {
        assertThat(run(assistant(true), ids("<|channel|>final<|message|>4<|return|>")).getLast()).isEqualTo(new Done(StopReason.RETURN));
        assertThat(run(assistant(true), ids("<|channel|>final<|message|>4<|end|>")).getLast()).isEqualTo(new Done(StopReason.END_OF_MESSAGE));
        assertThat(run(assistant(true), new int[0]).getLast()).isEqualTo(new Done(StopReason.END_OF_MESSAGE));
    }

    @Test
    void strictErrorsNameThePosition() {
        assertThatThrownBy(() -> HarmonyStreamParser.parseMessages(ids("hello"), null, true))
                .isInstanceOf(HarmonyParseException.class)
                .satisfies(e -> assertThat(((HarmonyParseException) e).tokenIndex()).isEqualTo(0))
                .hasMessageContaining("expected <|start|>");
        HarmonyStreamParser parser = assistant(true);
        assertThatThrownBy(() -> run(parser, ids("<|channel|>final to=a b c<|message|>x"))).hasMessageContaining("unexpected words");
        assertThatThrownBy(() -> parser.push(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void roleWithNameAndRepeatedRoleWord() {
        assertThat(HarmonyStreamParser.parseMessages(ids("<|start|>user:alice<|message|>hi<|end|>"), null, true))
                .containsExactly(Message.of(new Author(Role.USER, "alice"), "hi"));
        assertThat(HarmonyStreamParser.parseMessages(ids("assistant<|channel|>final<|message|>hi<|end|>"), Role.ASSISTANT, true))
                .containsExactly(msg(Role.ASSISTANT, "final", null, null, "hi"));
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
