package io.ossserve.engine.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SchemaCompilerTest {
    static JsonNode json(String s) {
        return RandomSchemas.JSON.readTree(s);
    }

    @Test
    void unsupportedKeywordsAreNamedNeverIgnored() {
        for (String kw : new String[] {"allOf", "not", "patternProperties", "uniqueItems", "multipleOf", "prefixItems",
                "if", "minProperties"}) {
            JsonNode schema = json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"" + kw + "\":[]}}}");
            assertThatThrownBy(() -> JsonGrammar.compile(schema)).isInstanceOf(UnsupportedSchemaException.class)
                    .hasMessageContaining("'" + kw + "'").hasMessageContaining("#/properties/a")
                    .satisfies(e -> assertThat(((UnsupportedSchemaException) e).keyword()).isEqualTo(kw));
        }
        assertThatThrownBy(() -> JsonGrammar.compile(json("{\"type\":\"string\",\"format\":\"iri\"}")))
                .hasMessageContaining("'format'");
        assertThatThrownBy(() -> JsonGrammar.compile(json("{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}")))
                .hasMessageContaining("'oneOf'");
        assertThatThrownBy(() -> JsonGrammar.compile(json("{\"$ref\":\"https://example.com/s.json\"}")))
                .hasMessageContaining("'$ref'");
        assertThatThrownBy(() -> JsonGrammar.compile(json("{\"$defs\":{\"n\":{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/n\"}},"
                + "\"required\":[\"x\"]}},\"$ref\":\"#/$defs/n\"}"))).hasMessageContaining("recursion");
    }

    @Test
    void compiledSchemasAreCachedByCanonicalForm() {
        JsonGrammar a = JsonGrammar.compile(json("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}},\"required\":[\"x\"]}"));
        JsonGrammar b = JsonGrammar.compile(json("{\"required\":[\"x\"],\"properties\":{\"x\":{\"type\":\"string\"}},\"type\":\"object\"}"));
        assertThat(b).isSameAs(a);
        assertThat(a.minLength()).isEqualTo("{\"x\":\"\"}".length());
    }

    @Test
    void recursiveDefinitionsWithAnExitWork() {
        JsonNode schema = json("{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},"
                + "\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"},\"maxItems\":2}},\"required\":[\"v\",\"kids\"],"
                + "\"additionalProperties\":false}},\"$ref\":\"#/$defs/node\"}");
        JsonGrammar g = JsonGrammar.compile(schema);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10; i++) {
            String out = JsonMatcherPropertyTest.generate(g, r, 80, true);
            assertThat(SchemaValidator.problems(schema, out)).as(out).isEmpty();
        }
    }

    @Test
    void tightBudgetsStillCloseTheValue() {
        JsonNode schema = json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\"},\"minItems\":2},\"c\":{\"type\":\"integer\",\"minimum\":1000}},"
                + "\"required\":[\"a\",\"b\",\"c\"],\"additionalProperties\":false}");
        JsonGrammar g = JsonGrammar.compile(schema);
        SplittableRandom r = new SplittableRandom(9);
        for (int budget = g.minLength() + 1; budget < g.minLength() + 12; budget++) {
            String out = JsonMatcherPropertyTest.generate(g, r, budget, false);
            assertThat(out).as("budget %d", budget).isNotNull();
            assertThat(SchemaValidator.problems(schema, out)).as(out).isEmpty();
        }
    }
}
