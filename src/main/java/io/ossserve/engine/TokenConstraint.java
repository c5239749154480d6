package io.ossserve.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Restricts the first output tokens: at each step {@link #allowed} lists the ids that may come next, or returns
 * null once the output is free. Used to force a tool-call header ({@code tool_choice} {@code required} or a named
 * function). Implementations are immutable; state is the output so far.
 */
@FunctionalInterface
public interface TokenConstraint {

    /**
     * @param output the tokens generated so far
     * @param count  how many of {@code output} are valid
     * @return the allowed next ids (non-empty), or null when unconstrained
     */
    int[] allowed(int[] output, int count);

    /**
     * A per-sequence matcher that writes the allowed ids as a bitset (grammars whose allowed sets are large), or null
     * to use {@link #allowed}. The scheduler creates one per sequence and samples from the masked logits.
     */
    default Matcher newMatcher() {
        return null;
    }

    /** Mutable per-sequence state of a bitset constraint; called by one thread at a time (the scheduler, or a backend worker sampling this sequence during a step). */
    interface Matcher {
        /**
         * @param tokens    the sequence's tokens (prompt and output)
         * @param from      where the output starts in {@code tokens}
         * @param to        end of the output so far (the matcher catches up with the tokens it has not seen)
         * @param remaining how many tokens may still be generated, this one included
         * @param allowed   bitset over the vocabulary, cleared by the caller; set bits are allowed next
         * @return false when the output is free at this step ({@code allowed} is ignored)
         */
        boolean mask(int[] tokens, int from, int to, int remaining, long[] allowed);
    }

    /** The output must start with one of {@code choices} (token sequences); free afterwards. */
    static TokenConstraint oneOf(List<int[]> choices) {
        List<int[]> copy = new ArrayList<>();
        for (int[] c : choices) {
            if (c.length == 0) {
                throw new IllegalArgumentException("a forced token sequence must not be empty");
            }
            copy.add(c.clone());
        }
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a choice constraint needs at least one choice");
        }
        return (output, count) -> {
            int[] next = new int[copy.size()];
            int n = 0;
            for (int[] choice : copy) {
                if (count >= choice.length) {
                    boolean done = true;
                    for (int i = 0; i < choice.length; i++) {
                        done &= output[i] == choice[i];
                    }
                    if (done) {
                        return null;
                    }
                    continue;
                }
                boolean prefix = true;
                for (int i = 0; i < count && prefix; i++) {
                    prefix = output[i] == choice[i];
                }
                if (prefix) {
                    int id = choice[count];
                    boolean seen = false;
                    for (int j = 0; j < n; j++) {
                        seen |= next[j] == id;
                    }
                    if (!seen) {
                        next[n++] = id;
                    }
                }
            }
            return n == 0 ? null : java.util.Arrays.copyOf(next, n);
        };
    }
}
