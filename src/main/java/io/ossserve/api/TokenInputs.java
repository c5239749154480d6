package io.ossserve.api;

import io.ossserve.text.O200kHarmonyTokenizer;
import tools.jackson.databind.JsonNode;

/** Reads prompts given as text or as token ids, checking ids against the o200k_harmony vocabulary. */
final class TokenInputs {
    private TokenInputs() {}

    /**
     * A completion prompt: a string (encoded ordinarily: text that looks like {@code <|start|>} stays text), an array
     * of token ids, or a one-element batch of either. Larger batches are refused.
     */
    static int[] prompt(JsonNode p, String field, O200kHarmonyTokenizer tokenizer) {
        if (p == null || p.isNull()) {
            throw OpenAiException.invalid(field, "Missing required parameter: '" + field + "'.");
        }
        if (p.isArray() && !p.isEmpty() && (p.get(0).isString() || p.get(0).isArray())) {
            if (p.size() > 1) {
                throw OpenAiException.invalid(field, "'" + field + "' holds " + p.size() + " prompts; batched prompts are "
                        + "not supported, send one prompt per request");
            }
            p = p.get(0);
        }
        int[] ids;
        if (p.isString()) {
            ids = tokenizer.encode(p.stringValue());
        } else if (p.isArray()) {
            ids = ids(p, field, tokenizer);
        } else {
            throw OpenAiException.invalid(field, "'" + field + "' must be a string or an array of token ids");
        }
        if (ids.length == 0) {
            throw OpenAiException.invalid(field, "'" + field + "' must not be empty");
        }
        return ids;
    }

    /** An array of token ids, each in [0, vocabulary size). */
    static int[] ids(JsonNode a, String field, O200kHarmonyTokenizer tokenizer) {
        if (a == null || a.isNull()) {
            throw OpenAiException.invalid(field, "Missing required parameter: '" + field + "'.");
        }
        if (!a.isArray()) {
            throw OpenAiException.invalid(field, "'" + field + "' must be an array of token ids");
        }
        int[] ids = new int[a.size()];
        int vocab = tokenizer.vocabularySize();
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = a.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 0 || t.asInt() >= vocab) {
                throw OpenAiException.invalid(field, "'" + field + "[" + i + "]' must be a token id in [0, " + vocab
                        + ") (got " + t + ")");
            }
            ids[i] = t.asInt();
        }
        return ids;
    }
}
