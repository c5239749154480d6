package io.ossserve.engine.cuda;

import io.ossserve.engine.StepChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a step into forward passes of at most {@code maxTokens} rows (no JCuda). A chunk longer than that
 * becomes consecutive pieces in consecutive passes; a cache appears at most once per pass.
 */
final class StepPlan {
    private StepPlan() {}

    /** Tokens [offset, offset+length) of chunk {@code chunk} (of {@code chunkLength} tokens). */
    record Piece(int chunk, int offset, int length, StepChunk.Logits mode, int chunkLength) {
        boolean wantsLogits(int j) {
            return switch (mode) {
                case ALL -> true;
                case LAST -> offset + j == chunkLength - 1;
                case NONE -> false;
            };
        }
    }

    record Pass(List<Piece> pieces) {
        int rows() {
            return pieces.stream().mapToInt(Piece::length).sum();
        }
    }

    static List<Pass> passes(List<StepChunk> chunks, int maxTokens) {
        List<Pass> out = new ArrayList<>();
        List<Piece> current = new ArrayList<>();
        int rows = 0;
        for (int ci = 0; ci < chunks.size(); ci++) {
            StepChunk ch = chunks.get(ci);
            int n = ch.tokens().length;
            boolean first = true;
            for (int off = 0; off < n; off += maxTokens) {
                int len = Math.min(maxTokens, n - off);
                if (!current.isEmpty() && (!first || rows + len > maxTokens)) {
                    out.add(new Pass(List.copyOf(current)));
                    current.clear();
                    rows = 0;
                }
                current.add(new Piece(ci, off, len, ch.logits(), n));
                rows += len;
                first = false;
            }
        }
        if (!current.isEmpty()) {
            out.add(new Pass(List.copyOf(current)));
        }
        return out;
    }
}
