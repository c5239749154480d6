package io.ossserve.text;

/**
 * Token ids ⇄ text for the gpt-oss vocabulary (o200k_harmony). The engine speaks ids; the CLI and the
 * chat layer use this to turn text into ids and back.
 */
public interface Tokenizer {

    /** Ordinary encoding: text that looks like a special token (e.g. {@code <|start|>}) stays plain text. */
    int[] encode(String text);

    /** Concatenated bytes of the tokens as UTF-8 (invalid sequences become U+FFFD); specials decode to their names. */
    String decode(int[] tokenIds);

    /** The vocabulary size the model was trained with (201088 rows for gpt-oss). */
    int vocabularySize();
}
