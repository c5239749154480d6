package io.ossserve.text.harmony;

import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.Tokenizers;
import io.ossserve.text.harmony.HarmonyRenderer.RenderOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Property: parse(render(conversation)) == conversation, and rendered ids == encode(rendered text, specials allowed). */
class RenderParseRoundTripTest {
    private static final String[] WORDS = {"hello", "world", " ", "  ", "\n", "\n\n", "2 + 2", "= 4", "東京", "😀", "🫠",
            "naïve", "don't", "{\"a\": 1}", "[1, 2]", "\t", "…", "to=", "<|", "|>", "ſ", "Ω", "x", "!?", "//", "\u00a0"};
    private static final String[] INJECTIONS = {"<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|call|>", "<|return|>"};
    private static final String[] CHANNELS = {"analysis", "commentary", "final"};

    private final HarmonyRenderer renderer = HarmonyRenderer.create();
    private final O200kHarmonyTokenizer tokenizer = Tokenizers.o200kHarmony();

    private static String randomText(Random random, boolean allowInjection) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            if (allowInjection && random.nextInt(10) == 0) {
                sb.append(INJECTIONS[random.nextInt(INJECTIONS.length)]);
            } else {
                sb.append(WORDS[random.nextInt(WORDS.length)]);
            }
        }
        return sb.toString();
    }

    private static String identifier(Random random) {
        String[] names = {"get_weather", "lookup", "search", "f", "compute_sum", "x1"};
        return names[random.nextInt(names.length)];
    }

    private static Message randomMessage(Random random, boolean allowInjection) {
        String text = randomText(random, allowInjection);
        return switch (random.nextInt(6)) {
            case 0 -> Message.of(Role.USER, text);
            case 1 -> Message.of(new Author(Role.USER, identifier(random)), text);
            case 2 -> Message.of(Role.ASSISTANT, text).withChannel(CHANNELS[random.nextInt(3)]);
            case 3 -> {
                String[] types = {"<|constrain|>json", "json", "code"};
                yield Message.of(Role.ASSISTANT, text).withChannel(random.nextBoolean() ? "commentary" : "analysis")
                        .withRecipient("functions." + identifier(random)).withContentType(types[random.nextInt(3)]);
            }
            case 4 -> Message.of(Role.ASSISTANT, "{}").withChannel("final").withContentType("<|constrain|>json");
            default -> Message.of(Author.tool("functions." + identifier(random)), text)
                    .withRecipient("assistant").withChannel("commentary");
        };
    }

    @Test
    void renderThenParseGivesBackTheMessages() {
        Random random = new Random(0x5eed);
        for (int round = 0; round < 400; round++) {
            List<Message> messages = new ArrayList<>();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                messages.add(randomMessage(random, true));
            }
            int[] ids = renderer.renderConversation(new Conversation(messages), RenderOptions.KEEP_ALL);
            for (boolean strict : new boolean[] {true, false}) {
                assertThat(HarmonyStreamParser.parseMessages(ids, null, strict)).as("round %d strict %s", round, strict)
                        .containsExactlyElementsOf(messages);
            }
        }
    }

    @Test
    void completionParsedWithKnownRoleAfterTheRenderedPrompt() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            Message reply = randomMessage(random, true);
            if (reply.author().role() != Role.ASSISTANT) {
                continue;
            }
            int[] full = renderer.render(reply);
            // the prompt ends with <|start|>assistant: the model produces everything after those tokens
            int skip = 1 + tokenizer.encode("assistant").length;
            int[] completion = java.util.Arrays.copyOfRange(full, skip, full.length);
            assertThat(HarmonyStreamParser.parseMessages(completion, Role.ASSISTANT, true)).containsExactly(reply);
        }
    }

    @Test
    void renderedIdsEqualTheEncodingOfTheRenderedText() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            List<Message> messages = new ArrayList<>();
            messages.add(Message.system(SystemContent.defaults().withConversationStartDate("2025-01-0" + (1 + random.nextInt(9)))));
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                messages.add(randomMessage(random, false));
            }
            int[] ids = renderer.renderConversationForCompletion(new Conversation(messages), Role.ASSISTANT, RenderOptions.DEFAULT);
            String text = tokenizer.decode(ids);
            assertThat(ids).as("round %d: %s", round, text).containsExactly(tokenizer.encodeAllowingSpecials(text));
        }
    }
}
