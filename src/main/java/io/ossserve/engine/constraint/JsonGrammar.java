package io.ossserve.engine.constraint;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A compiled JSON schema: immutable, shared by every request that sends the same schema (cached by its canonical JSON,
 * members sorted). {@link #matcher} gives the per-sequence state.
 */
public final class JsonGrammar {
    private static final int CACHE_SIZE = 256;
    private static final Map<String, JsonGrammar> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonGrammar> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    private static final JsonGrammar ANY_OBJECT = new JsonGrammar(anyObjectShape());

    final Shape root;

    private JsonGrammar(Shape root) {
        this.root = root;
    }

    /**
     * Compiles (or finds in the cache) the grammar of {@code schema}.
     *
     * @throws UnsupportedSchemaException naming the first keyword outside the supported subset
     */
    public static JsonGrammar compile(JsonNode schema) {
        String key = JsonText.write(schema, true);
        synchronized (CACHE) {
            JsonGrammar g = CACHE.get(key);
            if (g != null) {
                return g;
            }
        }
        JsonGrammar g = new JsonGrammar(SchemaCompiler.compile(schema).rootShape);
        synchronized (CACHE) {
            CACHE.put(key, g);
        }
        return g;
    }

    /** Compiles without the cache (benchmarks). */
    static JsonGrammar compileUncached(JsonNode schema) {
        return new JsonGrammar(SchemaCompiler.compile(schema).rootShape);
    }

    /** Any JSON object ({@code response_format: json_object}). */
    public static JsonGrammar anyObject() {
        return ANY_OBJECT;
    }

    private static Shape anyObjectShape() {
        Shape.AnyObj o = new Shape.AnyObj();
        o.minLen = 2;
        return o;
    }

    /** Bytes of the shortest valid value (compact). */
    public int minLength() {
        return root.minLen;
    }

    /** A fresh matcher at the start of a value; {@code terminators} are the ids allowed once the value is complete. */
    public JsonMatcher matcher(TokenVocabulary vocabulary, int... terminators) {
        return new JsonMatcher(this, vocabulary, terminators);
    }
}
