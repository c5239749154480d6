package io.ossserve.engine.constraint;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-sequence state of a {@link JsonGrammar}: which tokens may come next ({@link #fill}), and advancing by the
 * sampled token ({@link #accept}). Not thread-safe (the scheduler thread owns it).
 *
 * <p>Masks: a stack whose top is inside a free string takes the precomputed safe-token bitset in one OR, and walks only
 * the trie of token tails that close the string or escape; every other stack walks the vocabulary trie, pruned at the
 * first impossible byte. Budget: with {@code remaining} tokens left, a token is allowed only if the value can still be
 * closed in time (every byte is a token, and one more token is the terminator); when the budget is tight only single
 * bytes on a shortest completion are allowed, so a constrained output always ends valid before its token limit.
 */
public final class JsonMatcher {
    private static final int SLACK = 8;
    private static final int MAX_THREADS = 64;

    private final TokenVocabulary vocab;
    private final int[] terminators;
    private List<Pda.Stack> threads;
    private boolean terminated;

    JsonMatcher(JsonGrammar grammar, TokenVocabulary vocab, int[] terminators) {
        this.vocab = vocab;
        this.terminators = terminators.clone();
        this.threads = List.of(Pda.start(grammar.root));
    }

    /** Advances by a sampled token; false when it does not fit (the matcher is then unusable). */
    public boolean accept(int token) {
        for (int t : terminators) {
            if (t == token) {
                terminated = true;
                return canFinish();
            }
        }
        if (token < 0 || token >= vocab.size || vocab.bytes[token] == null || terminated) {
            return false;
        }
        List<Pda.Stack> s = threads;
        for (byte b : vocab.bytes[token]) {
            s = stepAll(s, b & 0xFF);
            if (s.isEmpty()) {
                return false;
            }
        }
        threads = s;
        return true;
    }

    /** Whether a terminator has been accepted. */
    public boolean terminated() {
        return terminated;
    }

    /** Whether the value so far is complete (a terminator may come). */
    public boolean canFinish() {
        for (Pda.Stack s : threads) {
            if (Pda.canFinish(s)) {
                return true;
            }
        }
        return false;
    }

    /** Fewest bytes that still complete the value. */
    public long minRemainingBytes() {
        long best = Long.MAX_VALUE;
        for (Pda.Stack s : threads) {
            best = Math.min(best, Pda.minClose(s));
        }
        return best;
    }

    /**
     * Sets the bits of the allowed next ids.
     *
     * @param remaining tokens that may still be generated, this one and the terminator included
     */
    public void fill(long[] bits, int remaining) {
        if (terminated) {
            return;
        }
        boolean finish = canFinish();
        if (finish) {
            for (int t : terminators) {
                bits[t >>> 6] |= 1L << t;
            }
        }
        boolean allDone = true;
        for (Pda.Stack s : threads) {
            allDone &= Pda.isDone(s);
        }
        if (allDone) {
            return;
        }
        long budget = remaining - 2L;
        if (budget < minRemainingBytes() + SLACK) {
            bytesOnly(bits, budget, finish);
            return;
        }
        for (Pda.Stack s : threads) {
            if (s.top() instanceof Pda.Str str && str.utf8() == 0 && str.esc() == 0 && Pda.minClose(s) + 3 <= budget) {
                inString(s, str, bits, budget);
            } else {
                walk(vocab.all, 0, List.of(s), bits, budget, null);
            }
        }
    }

    private void inString(Pda.Stack s, Pda.Str str, long[] bits, long budget) {
        Shape.Str shape = str.s();
        boolean bounded = shape.maxLength != Integer.MAX_VALUE || shape.minLength > 0;
        long room = (long) shape.maxLength - str.chars();
        if (room >= Integer.MAX_VALUE / 2) {
            or(bits, vocab.safe);
        } else {
            or(bits, vocab.safeUpTo[(int) Math.min(room, TokenVocabulary.SHORT_CHARS)]);
            for (int i = 0; i < vocab.longSafe.length; i++) {
                if (vocab.longSafeChars[i] <= room) {
                    int id = vocab.longSafe[i];
                    bits[id >>> 6] |= 1L << id;
                }
            }
        }
        walk(vocab.tails, 0, List.of(s), bits, budget, bounded ? s : null);
    }

    /**
     * Depth-first walk of a trie from {@code states}; sets tokens whose bytes keep a state alive within the budget.
     * With {@code verifyFrom}, each found token is checked again from that state with all its bytes (tails whose head
     * counts toward a length bound).
     */
    private void walk(TokenVocabulary.Trie t, int node, List<Pda.Stack> states, long[] bits, long budget, Pda.Stack verifyFrom) {
        for (int c = t.firstChild[node]; c >= 0; c = t.nextSibling[c]) {
            List<Pda.Stack> next = stepAll(states, t.label[c] & 0xFF);
            if (next.isEmpty()) {
                continue;
            }
            for (int k = t.tokenStart[c]; k < t.tokenStart[c + 1]; k++) {
                int id = t.tokenIds[k];
                List<Pda.Stack> after = next;
                if (verifyFrom != null) {
                    after = List.of(verifyFrom);
                    for (byte b : vocab.bytes[id]) {
                        after = stepAll(after, b & 0xFF);
                        if (after.isEmpty()) {
                            break;
                        }
                    }
                }
                if (!after.isEmpty() && minClose(after) <= budget) {
                    bits[id >>> 6] |= 1L << id;
                }
            }
            walk(t, c, next, bits, budget, verifyFrom);
        }
    }

    /** Tight budget: single bytes that keep a completion within the budget (the shortest ones if none does). */
    private void bytesOnly(long[] bits, long budget, boolean finish) {
        long best = Long.MAX_VALUE;
        long[] close = new long[256];
        for (int b = 0; b < 256; b++) {
            close[b] = Long.MAX_VALUE;
            if (vocab.byteToken[b] < 0) {
                continue;
            }
            List<Pda.Stack> next = stepAll(threads, b);
            if (!next.isEmpty()) {
                close[b] = minClose(next);
                best = Math.min(best, close[b]);
            }
        }
        boolean any = false;
        for (int b = 0; b < 256; b++) {
            if (close[b] != Long.MAX_VALUE && close[b] <= budget) {
                setByte(bits, b);
                any = true;
            }
        }
        if (!any && !finish) {
            for (int b = 0; b < 256; b++) {
                if (close[b] == best && best != Long.MAX_VALUE) {
                    setByte(bits, b);
                }
            }
        }
    }

    private void setByte(long[] bits, int b) {
        int id = vocab.byteToken[b];
        bits[id >>> 6] |= 1L << id;
    }

    private static long minClose(List<Pda.Stack> states) {
        long best = Long.MAX_VALUE;
        for (Pda.Stack s : states) {
            best = Math.min(best, Pda.minClose(s));
        }
        return best;
    }

    static List<Pda.Stack> stepAll(List<Pda.Stack> states, int b) {
        if (states.size() == 1) {
            List<Pda.Stack> out = new ArrayList<>(2);
            Pda.step(states.getFirst(), b, out);
            return out;
        }
        List<Pda.Stack> out = new ArrayList<>(states.size() + 1);
        for (Pda.Stack s : states) {
            Pda.step(s, b, out);
            if (out.size() > MAX_THREADS) {
                break;
            }
        }
        if (out.size() > 1) {
            List<Pda.Stack> unique = new ArrayList<>(out.size());
            for (Pda.Stack s : out) {
                if (!unique.contains(s)) {
                    unique.add(s);
                }
            }
            return unique;
        }
        return out;
    }

    private static void or(long[] bits, long[] add) {
        for (int i = 0; i < add.length; i++) {
            bits[i] |= add[i];
        }
    }
}
