package io.ossserve.text.openai;

import io.ossserve.text.harmony.HarmonyEvent;
import io.ossserve.text.harmony.Role;
import io.ossserve.text.harmony.StopReason;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Parser events → OpenAI message parts, incrementally (one instance per generation, not thread-safe).
 * {@code analysis} → reasoning; {@code final} and recipient-less {@code commentary} (preambles) → content;
 * an assistant message to a recipient (normally {@code functions.NAME}, on any channel) → a tool call named
 * without the {@code functions.} prefix, with an id {@code call_…} and its arguments (leading whitespace trimmed,
 * {@code {}} when empty). Messages the model writes as another author (a hallucinated tool result) go to reasoning,
 * never to content. Harmony markup never reaches content: the parser only delivers decoded text.
 */
public final class HarmonyToOpenAi {
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Supplier<String> toolCallIds;
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder content = new StringBuilder();
    private final List<String> callIds = new ArrayList<>();
    private final List<String> callNames = new ArrayList<>();
    private final List<StringBuilder> callArguments = new ArrayList<>();
    private final Map<Integer, Integer> callIndexByMessage = new HashMap<>();
    private final Map<Integer, Role> roleByMessage = new HashMap<>();
    private StopReason stopReason;

    /** With random ids {@code call_} + 24 alphanumerics. */
    public HarmonyToOpenAi() {
        this(randomIds());
    }

    /** Shared (thread-safe): constructing a SecureRandom per call showed up on the request path. */
    private static final SecureRandom RANDOM = new SecureRandom();

    /** With ids from {@code toolCallIds} (e.g. deterministic ones in tests). */
    public HarmonyToOpenAi(Supplier<String> toolCallIds) {
        this.toolCallIds = toolCallIds;
    }

    public static Supplier<String> randomIds() {
        SecureRandom random = RANDOM;
        return () -> {
            StringBuilder sb = new StringBuilder("call_");
            for (int i = 0; i < 24; i++) {
                sb.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
            }
            return sb.toString();
        };
    }

    /** Consumes one parser event; returns the OpenAI deltas it produces (often none). */
    public List<ChatDelta> accept(HarmonyEvent event) {
        List<ChatDelta> out = new ArrayList<>(1);
        switch (event) {
            case HarmonyEvent.MessageStart start -> roleByMessage.put(start.messageIndex(), start.author().role());
            case HarmonyEvent.ToolCallStart start -> {
                int index = callIds.size();
                String id = toolCallIds.get();
                String name = start.recipient().startsWith("functions.")
                        ? start.recipient().substring("functions.".length()) : start.recipient();
                callIds.add(id);
                callNames.add(name);
                callArguments.add(new StringBuilder());
                callIndexByMessage.put(start.messageIndex(), index);
                out.add(new ChatDelta.ToolCallFragment(index, id, name, ""));
            }
            case HarmonyEvent.ToolCallArgumentsDelta delta -> {
                int index = callIndexByMessage.get(delta.messageIndex());
                StringBuilder arguments = callArguments.get(index);
                String text = arguments.isEmpty() ? delta.text().stripLeading() : delta.text();
                if (!text.isEmpty()) {
                    arguments.append(text);
                    out.add(new ChatDelta.ToolCallFragment(index, null, null, text));
                }
            }
            case HarmonyEvent.ContentDelta delta -> {
                boolean assistant = roleByMessage.getOrDefault(delta.messageIndex(), Role.ASSISTANT) == Role.ASSISTANT;
                if (!assistant || "analysis".equals(delta.channel())) {
                    reasoning.append(delta.text());
                    out.add(new ChatDelta.Reasoning(delta.text()));
                } else {
                    content.append(delta.text());
                    out.add(new ChatDelta.Content(delta.text()));
                }
            }
            case HarmonyEvent.MessageEnd end -> {
                Integer index = callIndexByMessage.get(end.messageIndex());
                if (index != null && callArguments.get(index).isEmpty()) {
                    callArguments.get(index).append("{}");
                    out.add(new ChatDelta.ToolCallFragment(index, null, null, "{}"));
                }
            }
            case HarmonyEvent.Done done -> stopReason = done.stopReason();
            case HarmonyEvent.Anomaly anomaly -> { /* the caller may log it; nothing reaches the client */ }
        }
        return out;
    }

    /** Consumes several events. */
    public List<ChatDelta> acceptAll(List<HarmonyEvent> events) {
        List<ChatDelta> out = new ArrayList<>();
        for (HarmonyEvent event : events) {
            out.addAll(accept(event));
        }
        return out;
    }

    /** The message assembled so far (arguments right-trimmed). */
    public AssistantOutput output() {
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < callIds.size(); i++) {
            String arguments = callArguments.get(i).toString().strip();
            calls.add(new ToolCall(callIds.get(i), callNames.get(i), arguments.isEmpty() ? "{}" : arguments));
        }
        return new AssistantOutput(reasoning.isEmpty() ? null : reasoning.toString(),
                content.isEmpty() ? null : content.toString(), calls, stopReason);
    }
}
