package io.ossserve.text.harmony;

import io.ossserve.text.IntArrayBuilder;
import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.SpecialTokens;
import io.ossserve.text.Tokenizers;
import io.ossserve.text.Utf8StreamDecoder;
import io.ossserve.text.harmony.HarmonyEvent.Anomaly;
import io.ossserve.text.harmony.HarmonyEvent.ContentDelta;
import io.ossserve.text.harmony.HarmonyEvent.Done;
import io.ossserve.text.harmony.HarmonyEvent.MessageEnd;
import io.ossserve.text.harmony.HarmonyEvent.MessageStart;
import io.ossserve.text.harmony.HarmonyEvent.ToolCallArgumentsDelta;
import io.ossserve.text.harmony.HarmonyEvent.ToolCallStart;

import java.util.ArrayList;
import java.util.List;

/**
 * Streaming parser of model output (spec §5.11): token ids in, {@link HarmonyEvent}s out. States: expect
 * {@code <|start|>} → header (until {@code <|message|>}) → content (until {@code <|end|>}, {@code <|return|>} or
 * {@code <|call|>}). Content bytes are decoded incrementally: a character split over several tokens is emitted
 * once complete; invalid bytes become U+FFFD.
 *
 * <p><b>Strict mode</b> throws {@link HarmonyParseException} naming the token position at the first malformed
 * token. <b>Non-strict mode</b> never throws and never drops text: it recovers and reports an
 * {@link Anomaly} — a header without {@code <|message|>} is salvaged into content, a missing {@code <|start|>} or
 * {@code <|end|>} is implied, stray special tokens are skipped (markup never reaches content), ids outside the
 * vocabulary become U+FFFD. Not thread-safe: one parser per generation.
 */
public final class HarmonyStreamParser {
    /** A header longer than this (tokens), or one with a newline or many words, is not a header (non-strict). */
    static final int MAX_HEADER_TOKENS = 64;
    private static final int MAX_HEADER_WORDS = 8;

    private enum State { EXPECT_START, HEADER, CONTENT, FINISHED }

    private final O200kHarmonyTokenizer tokenizer;
    private final boolean strict;

    private State state;
    private int tokenIndex = -1;
    private Role headerKnownRole;                 // role rendered by the prompt, for the first header only
    private final IntArrayBuilder headerIds = new IntArrayBuilder(16);
    private Role lastRole = Role.ASSISTANT;       // fallback role for recovery

    private int messageCount;
    private Author author;
    private String channel;
    private String recipient;
    private String contentType;
    private boolean isCall;
    private StringBuilder contentText;
    private Utf8StreamDecoder decoder;

    private final List<Message> messages = new ArrayList<>();
    private int lastTerminator = -1;
    private boolean failed;

    /**
     * @param knownRole role already rendered by the prompt ({@code <|start|>assistant}): the first header is parsed
     *                  with it (so it may start with {@code <|channel|>}); null to expect {@code <|start|>} first
     * @param strict    throw on malformed output instead of recovering
     */
    public HarmonyStreamParser(O200kHarmonyTokenizer tokenizer, Role knownRole, boolean strict) {
        this.tokenizer = tokenizer;
        this.strict = strict;
        this.headerKnownRole = knownRole;
        this.state = knownRole != null ? State.HEADER : State.EXPECT_START;
        if (knownRole != null) {
            lastRole = knownRole;
        }
    }

    /** A non-strict parser for output sampled after {@code <|start|>assistant}. */
    public static HarmonyStreamParser forAssistantCompletion() {
        return new HarmonyStreamParser(Tokenizers.o200kHarmony(), Role.ASSISTANT, false);
    }

    /** Parses a whole token sequence and returns its messages. */
    public static List<Message> parseMessages(int[] tokenIds, Role knownRole, boolean strict) {
        HarmonyStreamParser parser = new HarmonyStreamParser(Tokenizers.o200kHarmony(), knownRole, strict);
        for (int id : tokenIds) {
            parser.push(id);
        }
        parser.finish();
        return parser.messages();
    }

    /** Completed messages so far. */
    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** Consumes one token id; returns the events it completes (often none). */
    public List<HarmonyEvent> push(int tokenId) {
        if (failed) {
            throw new IllegalStateException("parser already failed; create a new one");
        }
        if (state == State.FINISHED) {
            throw new IllegalStateException("push after finish()");
        }
        tokenIndex++;
        List<HarmonyEvent> events = new ArrayList<>(2);
        try {
            switch (state) {
                case EXPECT_START -> onExpectStart(tokenId, events);
                case HEADER -> onHeader(tokenId, events);
                case CONTENT -> onContent(tokenId, events);
                default -> throw new IllegalStateException(state.name());
            }
        } catch (HarmonyParseException e) {
            failed = true;
            throw e;
        }
        return events;
    }

    /** Ends the input: closes an open message (a truncated one keeps its text) and reports {@link Done}. */
    public List<HarmonyEvent> finish() {
        if (failed) {
            throw new IllegalStateException("parser already failed; create a new one");
        }
        List<HarmonyEvent> events = new ArrayList<>(3);
        StopReason reason;
        switch (state) {
            case CONTENT -> {
                closeMessage(-1, events);
                reason = StopReason.TRUNCATED;
            }
            case HEADER -> {
                if (headerIds.size() > 0) {
                    if (strict) {
                        failed = true;
                        throw new HarmonyParseException(tokenIndex + 1, -1, "input ended inside a message header (no <|message|>)");
                    }
                    salvageHeader(-1, events, "input ended inside a message header; its text is kept as content");
                    reason = StopReason.TRUNCATED;
                } else {
                    reason = stopFromTerminator();
                }
            }
            default -> reason = stopFromTerminator();
        }
        state = State.FINISHED;
        events.add(new Done(reason));
        return events;
    }

    private StopReason stopFromTerminator() {
        return switch (lastTerminator) {
            case SpecialTokens.RETURN -> StopReason.RETURN;
            case SpecialTokens.CALL -> StopReason.CALL;
            default -> StopReason.END_OF_MESSAGE;
        };
    }

    // ------------------------------------------------------------------ states

    private void onExpectStart(int id, List<HarmonyEvent> events) {
        if (id == SpecialTokens.START) {
            beginHeader(null);
            return;
        }
        if (strict) {
            throw error(id, "expected <|start|> but got " + describe(id));
        }
        if (isTerminator(id)) {
            lastTerminator = id;
            events.add(anomaly(id, "stray " + describe(id) + " between messages ignored"));
        } else if (id == SpecialTokens.CHANNEL || !isKnownSpecial(id)) {
            events.add(anomaly(id, "message without <|start|>; assuming " + lastRole.wireName()));
            beginHeader(lastRole);
            onHeader(id, events);
        } else {
            events.add(anomaly(id, "stray " + describe(id) + " between messages ignored"));
        }
    }

    private void onHeader(int id, List<HarmonyEvent> events) {
        if (id == SpecialTokens.MESSAGE) {
            startMessageFromHeader(events);
            return;
        }
        if (isTerminator(id)) {
            if (strict) {
                throw error(id, describe(id) + " before <|message|> in a header");
            }
            salvageHeader(id, events, "header without <|message|>; its text is kept as content");
            return;
        }
        if (id == SpecialTokens.START) {
            if (strict) {
                throw error(id, "<|start|> inside a message header");
            }
            if (headerIds.size() > 0) {
                salvageHeader(-1, events, "<|start|> inside a header; the unfinished header is kept as content");
            } else {
                events.add(anomaly(id, "repeated <|start|> ignored"));
            }
            beginHeader(null);
            return;
        }
        if (id == SpecialTokens.CHANNEL || id == SpecialTokens.CONSTRAIN || !isKnownSpecial(id)) {
            if (!isKnownSpecial(id) && !isInVocabulary(id)) {
                if (strict) {
                    throw error(id, "token id outside the vocabulary in a header");
                }
                events.add(anomaly(id, "token id " + id + " outside the vocabulary ignored in a header"));
                return;
            }
            headerIds.add(id);
            if (!strict && headerEndsOnCharacterBoundary() && looksLikeContent()) {
                salvageHeader(-2, events, "header text runs on without <|message|>; treated as content");
            }
            return;
        }
        if (strict) {
            throw error(id, "unexpected " + describe(id) + " in a header");
        }
        events.add(anomaly(id, "unexpected " + describe(id) + " in a header ignored"));
    }

    private void onContent(int id, List<HarmonyEvent> events) {
        if (isTerminator(id)) {
            closeMessage(id, events);
            return;
        }
        if (isInVocabulary(id) && !SpecialTokens.isSpecial(id)) {
            appendContent(decoder.push(tokenizer.tokenBytes(id)), events);
            return;
        }
        if (strict) {
            throw error(id, "unexpected " + describe(id) + " inside message content");
        }
        if (id == SpecialTokens.START) {
            events.add(anomaly(id, "<|start|> inside content: message closed without <|end|>"));
            closeMessage(-1, events);
            beginHeader(null);
        } else if (id == SpecialTokens.CHANNEL) {
            events.add(anomaly(id, "<|channel|> inside content: message closed, new " + author.role().wireName() + " message"));
            Role role = author.role();
            closeMessage(-1, events);
            beginHeader(role);
            headerIds.add(id);
        } else if (!isInVocabulary(id)) {
            events.add(anomaly(id, "token id " + id + " outside the vocabulary became U+FFFD"));
            appendContent(decoder.push(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD}), events);
        } else {
            events.add(anomaly(id, "special token " + describe(id) + " inside content skipped"));
        }
    }

    // ------------------------------------------------------------------ transitions

    private void beginHeader(Role knownRole) {
        state = State.HEADER;
        headerKnownRole = knownRole;
        headerIds.clear();
    }

    private void startMessageFromHeader(List<HarmonyEvent> events) {
        String text = tokenizer.decode(headerIds.toArray());
        HeaderParser.Header header = HeaderParser.parse(text, headerKnownRole, lastRole);
        if (!header.problems().isEmpty()) {
            if (strict) {
                throw error(SpecialTokens.MESSAGE, header.problems().getFirst() + " (header: '" + text + "')");
            }
            for (String problem : header.problems()) {
                events.add(anomaly(SpecialTokens.MESSAGE, problem + " (header: '" + text + "')"));
            }
        }
        openMessage(header.author(), header.channel(), header.recipient(), header.contentType(), events);
    }

    private void salvageHeader(int terminator, List<HarmonyEvent> events, String why) {
        String text = tokenizer.decode(headerIds.toArray());
        HeaderParser.Salvage salvage = HeaderParser.salvage(text, headerKnownRole, lastRole);
        events.add(anomaly(terminator >= 0 ? terminator : -1, why + " (header: '" + text + "')"));
        openMessage(salvage.author(), salvage.channel(), salvage.recipient(), null, events);
        appendContent(salvage.content(), events);
        if (terminator != -2) {
            closeMessage(terminator, events);
        }
    }

    private void openMessage(Author newAuthor, String newChannel, String newRecipient, String newContentType,
                             List<HarmonyEvent> events) {
        author = newAuthor;
        channel = newChannel;
        recipient = newRecipient;
        contentType = newContentType;
        lastRole = newAuthor.role();
        isCall = newAuthor.role() == Role.ASSISTANT && newRecipient != null && !newRecipient.equals("all");
        contentText = new StringBuilder();
        decoder = new Utf8StreamDecoder();
        headerIds.clear();
        headerKnownRole = null;
        state = State.CONTENT;
        events.add(new MessageStart(messageCount, author, channel, recipient, contentType));
        if (isCall) {
            events.add(new ToolCallStart(messageCount, recipient, channel, contentType));
        }
    }

    private void appendContent(String text, List<HarmonyEvent> events) {
        if (text.isEmpty()) {
            return;
        }
        contentText.append(text);
        events.add(isCall ? new ToolCallArgumentsDelta(messageCount, recipient, text)
                : new ContentDelta(messageCount, channel, text));
    }

    private void closeMessage(int terminator, List<HarmonyEvent> events) {
        appendContent(decoder.finish(), events);
        Message message = new Message(author, List.of(new TextContent(contentText.toString())), channel, recipient, contentType);
        messages.add(message);
        events.add(new MessageEnd(messageCount, message, terminator));
        messageCount++;
        if (terminator >= 0) {
            lastTerminator = terminator;
        }
        state = State.EXPECT_START;
    }

    // ------------------------------------------------------------------ helpers

    private boolean headerEndsOnCharacterBoundary() {
        Utf8StreamDecoder probe = new Utf8StreamDecoder();
        probe.push(tokenizer.decodeBytes(headerIds.toArray()));
        return !probe.hasPending();
    }

    private boolean looksLikeContent() {
        if (headerIds.size() > MAX_HEADER_TOKENS) {
            return true;
        }
        String text = tokenizer.decode(headerIds.toArray());
        return text.indexOf('\n') >= 0 || text.strip().split("\\s+").length > MAX_HEADER_WORDS;
    }

    private static boolean isTerminator(int id) {
        return id == SpecialTokens.END || id == SpecialTokens.RETURN || id == SpecialTokens.CALL;
    }

    private static boolean isKnownSpecial(int id) {
        return SpecialTokens.isSpecial(id);
    }

    private static boolean isInVocabulary(int id) {
        return id >= 0 && id < SpecialTokens.VOCABULARY_SIZE;
    }

    private String describe(int id) {
        if (SpecialTokens.isSpecial(id)) {
            return SpecialTokens.nameOf(id) + " (" + id + ")";
        }
        if (!isInVocabulary(id)) {
            return "out-of-vocabulary id " + id;
        }
        return "text token " + id + " '" + tokenizer.decode(new int[] {id}) + "'";
    }

    private HarmonyParseException error(int id, String message) {
        return new HarmonyParseException(tokenIndex, id, message);
    }

    private Anomaly anomaly(int id, String description) {
        return new Anomaly(tokenIndex, id, description);
    }
}
