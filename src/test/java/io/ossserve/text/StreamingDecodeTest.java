package io.ossserve.text;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamingDecodeTest {
    private final O200kHarmonyTokenizer tokenizer = Tokenizers.o200kHarmony();

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void holdsBackIncompleteCharactersUntilComplete() {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        assertThat(decoder.push(bytes(0x61, 0xF0))).isEqualTo("a");
        assertThat(decoder.hasPending()).isTrue();
        assertThat(decoder.push(bytes(0x9F))).isEmpty();
        assertThat(decoder.push(bytes(0x98))).isEmpty();
        assertThat(decoder.push(bytes(0x80, 0x62))).isEqualTo("😀b");
        assertThat(decoder.finish()).isEmpty();
    }

    @Test
    void invalidBytesBecomeOneReplacementPerMaximalSubpart() {
        assertThat(Utf8StreamDecoder.decodeLossy(bytes(0xC3, 0x28), 0, 2)).isEqualTo("\uFFFD(");
        assertThat(Utf8StreamDecoder.decodeLossy(bytes(0xE2, 0x82, 0x41), 0, 3)).isEqualTo("\uFFFDA");
        assertThat(Utf8StreamDecoder.decodeLossy(bytes(0xFF, 0xC0, 0x80), 0, 3)).isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(Utf8StreamDecoder.decodeLossy(bytes(0xED, 0xA0, 0x80), 0, 3)).isEqualTo("\uFFFD\uFFFD\uFFFD"); // surrogate
        assertThat(Utf8StreamDecoder.decodeLossy(bytes(0xF4, 0x90, 0x80, 0x80), 0, 4)).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD");
        assertThat(Utf8StreamDecoder.decodeLossy(bytes(0xE6, 0x97), 0, 2)).isEqualTo("\uFFFD");
    }

    @Test
    void danglingBytesAtEndOfStreamBecomeReplacement() {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        assertThat(decoder.push(bytes(0xE6, 0x97))).isEmpty();
        assertThat(decoder.finish()).isEqualTo("\uFFFD");
        assertThat(decoder.hasPending()).isFalse();
    }

    @Test
    void multiTokenCharacterIsEmittedOnlyWhenComplete() {
        String character = null;
        int[] ids = null;
        for (String candidate : List.of("🫠", "𝔘", "🦩", "𓀀", "🜲")) {
            int[] encoded = tokenizer.encode(candidate);
            if (encoded.length > 1) {
                character = candidate;
                ids = encoded;
                break;
            }
        }
        assertThat(ids).as("some character spans several tokens").isNotNull();
        TokenStreamDecoder decoder = tokenizer.newStreamDecoder();
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(decoder.push(id));
        }
        assertThat(pieces.subList(0, pieces.size() - 1)).allMatch(String::isEmpty);
        assertThat(pieces.get(pieces.size() - 1)).isEqualTo(character);
        assertThat(decoder.finish()).isEmpty();
    }

    @Test
    void specialsDecodeToNamesAndBadIdsAreRejected() {
        TokenStreamDecoder decoder = tokenizer.newStreamDecoder();
        assertThat(decoder.push(200006)).isEqualTo("<|start|>");
        assertThatThrownBy(() -> decoder.push(201088)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("201088");
    }
}
