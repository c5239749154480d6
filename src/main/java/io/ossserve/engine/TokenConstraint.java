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
