package io.ossserve.engine.constraint;

import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.Tokenizers;

/** The shared real vocabulary for the tests. */
final class Vocab {
    static final O200kHarmonyTokenizer TOKENIZER = Tokenizers.o200kHarmony();
    static final TokenVocabulary VOCAB = TokenVocabulary.of(TOKENIZER);
    static final int END = io.ossserve.text.SpecialTokens.RETURN;

    private Vocab() {}
}
