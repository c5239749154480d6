package io.ossserve.engine.constraint;

import io.ossserve.engine.TokenConstraint;
import java.util.ArrayList;
import java.util.List;

/**
 * Structured output over a whole assistant turn, as a sequence of messages: each message starts with one of a set of
 * forced headers ({@link Route#header}, e.g. {@code <|channel|>final<|message|>}), then its content is either free
 * text or JSON of a {@link JsonGrammar}, and ends with the route's terminator. A message that ends with the
 * {@code restart} terminator ({@code <|end|>}: reasoning, a preamble) is followed by the forced {@code restart} tokens
 * ({@code <|start|>assistant}) and a header of {@code next}; any other terminator ends the turn.
 *
 * <p>Budget: free messages before a JSON answer end early enough for the longest minimal answer to fit; with
 * {@code capFreeText} they also stop after half of the tokens the answer does not need, so a model that would reason
 * until the limit still answers. The JSON itself always closes before the token limit ({@link JsonMatcher}).
 */
public final class StructuredConstraint implements TokenConstraint {
    private static final int MARGIN = 16;

    /**
     * @param header     forced tokens that open the message (empty: content at once; only for a single route)
     * @param grammar    the content's grammar, or null for free text
     * @param terminator the token that ends the content
     */
    public record Route(int[] header, JsonGrammar grammar, int terminator) {
        public Route {
            header = header.clone();
        }
    }

    private final TokenVocabulary vocab;
    private final List<Route> start;
    private final List<Route> next;
    private final int[] restart;
    private final int restartTerminator;
    private final boolean capFreeText;
    private final long reserve;

    public StructuredConstraint(TokenVocabulary vocab, List<Route> start, List<Route> next, int[] restart,
                                int restartTerminator, boolean capFreeText) {
        if (start.isEmpty()) {
            throw new IllegalArgumentException("a structured constraint needs at least one route");
        }
        for (List<Route> routes : List.of(start, next)) {
            for (Route r : routes) {
                if (r.header().length == 0 && routes.size() > 1) {
                    throw new IllegalArgumentException("only a single route may have an empty header");
                }
            }
        }
        this.vocab = vocab;
        this.start = List.copyOf(start);
        this.next = List.copyOf(next);
        this.restart = restart.clone();
        this.restartTerminator = restartTerminator;
        this.capFreeText = capFreeText;
        long r = 0;
        for (Route route : next) {
            r = Math.max(r, this.restart.length + route.header().length + 1L
                    + (route.grammar() == null ? 0 : route.grammar().minLength()));
        }
        this.reserve = r + 1;
    }

    /** A bitset constraint: {@link #newMatcher} is used; this list form leaves the output free. */
    @Override
    public int[] allowed(int[] output, int count) {
        return null;
    }

    @Override
    public Matcher newMatcher() {
        return new Turn();
    }

    private enum Phase { HEADER, CONTENT, RESTART, DONE, BROKEN }

    /** Per-sequence state. */
    private final class Turn implements Matcher {
        Phase phase = Phase.HEADER;
        List<Route> routes = start;
        List<Route> alive = new ArrayList<>(start);
        int pos;
        Route route;
        JsonMatcher json;
        int contentTokens;
        int seen;
        long capAt = -1;

        Turn() {
            enterHeaderIfEmpty();
        }

        private void enterHeaderIfEmpty() {
            if (alive.size() == 1 && alive.getFirst().header().length == 0) {
                enter(alive.getFirst());
            }
        }

        private void enter(Route r) {
            route = r;
            phase = Phase.CONTENT;
            contentTokens = 0;
            json = r.grammar() == null ? null : r.grammar().matcher(vocab, r.terminator());
        }

        @Override
        public boolean mask(int[] tokens, int from, int to, int remaining, long[] allowed) {
            for (; seen < to - from; seen++) {
                advance(tokens[from + seen]);
            }
            if (capAt < 0) {
                capAt = capFreeText ? Math.max(0, (remaining - reserve) / 2) : Long.MAX_VALUE;
            }
            switch (phase) {
                case HEADER -> {
                    for (Route r : alive) {
                        set(allowed, r.header()[pos]);
                    }
                    return true;
                }
                case RESTART -> {
                    set(allowed, restart[pos]);
                    return true;
                }
                case CONTENT -> {
                    if (json != null) {
                        json.fill(allowed, remaining);
                        return true;
                    }
                    boolean mustEnd = route.terminator() == restartTerminator && !next.isEmpty()
                            && (remaining <= reserve + MARGIN || contentTokens >= capAt);
                    if (!mustEnd) {
                        System.arraycopy(vocab.ordinary, 0, allowed, 0, Math.min(allowed.length, vocab.ordinary.length));
                    }
                    set(allowed, route.terminator());
                    return true;
                }
                default -> {
                    return false;
                }
            }
        }

        private void advance(int token) {
            switch (phase) {
                case HEADER -> {
                    List<Route> keep = new ArrayList<>();
                    for (Route r : alive) {
                        if (r.header()[pos] == token) {
                            keep.add(r);
                        }
                    }
                    alive = keep;
                    pos++;
                    if (keep.isEmpty()) {
                        phase = Phase.BROKEN;
                        return;
                    }
                    for (Route r : keep) {
                        if (r.header().length == pos) {
                            enter(r);
                            return;
                        }
                    }
                }
                case CONTENT -> {
                    contentTokens++;
                    if (json != null) {
                        if (!json.accept(token)) {
                            phase = Phase.BROKEN;
                        } else if (json.terminated()) {
                            phase = Phase.DONE;
                        }
                    } else if (token == route.terminator()) {
                        if (token == restartTerminator && !next.isEmpty()) {
                            phase = Phase.RESTART;
                            pos = 0;
                        } else {
                            phase = Phase.DONE;
                        }
                    }
                }
                case RESTART -> {
                    if (restart[pos] != token) {
                        phase = Phase.BROKEN;
                        return;
                    }
                    pos++;
                    if (pos == restart.length) {
                        phase = Phase.HEADER;
                        routes = next;
                        alive = new ArrayList<>(next);
                        pos = 0;
                        enterHeaderIfEmpty();
                    }
                }
                default -> { }
            }
        }
    }

    private static void set(long[] bits, int id) {
        bits[id >>> 6] |= 1L << id;
    }
}
