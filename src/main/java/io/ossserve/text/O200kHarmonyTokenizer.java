package io.ossserve.text;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The o200k_harmony tokenizer of gpt-oss (spec §4): o200k_base byte-pair encoding with its exact
 * pre-tokenisation regex, plus the harmony special tokens at ids 199998..201087. Immutable and thread-safe;
 * obtain the shared instance with {@link Tokenizers#o200kHarmony()}.
 *
 * <p>{@link #encode(String)} is ordinary encoding: text that looks like a special token stays plain text.
 * Only {@link #encodeAllowingSpecials(String)} (for tests and tools) and the harmony renderer produce special ids.
 */
public final class O200kHarmonyTokenizer implements Tokenizer {

    /**
     * The o200k_base pre-tokenisation alternatives (§4), compiled so that {@code \s} is Unicode White_Space and
     * the {@code (?i:…)} contraction group folds case by Unicode rules (UNICODE_CHARACTER_CLASS implies UNICODE_CASE).
     */
    static final Pattern PRE_TOKEN_PATTERN = Pattern.compile(String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}",
            " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
            "\\s*[\\r\\n]+",
            "\\s+(?!\\S)",
            "\\s+"), Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNICODE_CASE);

    private final BpeRanks ranks;

    O200kHarmonyTokenizer(BpeRanks ranks) {
        this.ranks = ranks;
    }

    // ---------------------------------------------------------------- encoding

    @Override
    public int[] encode(String text) {
        IntArrayBuilder out = new IntArrayBuilder(Math.max(16, text.length() / 3));
        encodeOrdinary(text, out);
        return out.toArray();
    }

    /** Ordinary encoding of {@code text}, appended to {@code out}. */
    public void encodeOrdinary(CharSequence text, IntArrayBuilder out) {
        new PieceEncoder().encode(text, 0, text.length(), out);
    }

    /**
     * Encoding in which every literal special-token name ({@code <|start|>}, {@code <|reserved_200100|>}, …) becomes
     * its special id and the text between them is encoded ordinarily. For tests and offline tools only: never use
     * it on user content.
     */
    public int[] encodeAllowingSpecials(String text) {
        IntArrayBuilder out = new IntArrayBuilder(Math.max(16, text.length() / 3));
        PieceEncoder encoder = new PieceEncoder();
        int segmentStart = 0;
        int searchFrom = 0;
        while (true) {
            int open = text.indexOf("<|", searchFrom);
            if (open < 0) {
                break;
            }
            int close = text.indexOf("|>", open + 2);
            if (close < 0) {
                break;
            }
            OptionalInt id = SpecialTokens.idOf(text.substring(open, close + 2));
            if (id.isPresent()) {
                encoder.encode(text, segmentStart, open, out);
                out.add(id.getAsInt());
                segmentStart = close + 2;
                searchFrom = segmentStart;
            } else {
                searchFrom = open + 1;
            }
        }
        encoder.encode(text, segmentStart, text.length(), out);
        return out.toArray();
    }

    /** Per-call scratch (byte buffer and merger), so the tokenizer itself stays immutable. */
    private final class PieceEncoder {
        private byte[] pieceBytes = new byte[256];
        private BytePairMerger merger;

        void encode(CharSequence text, int from, int to, IntArrayBuilder out) {
            if (from >= to) {
                return;
            }
            Matcher matcher = PRE_TOKEN_PATTERN.matcher(text);
            matcher.region(from, to);
            while (matcher.find()) {
                int length = toUtf8(text, matcher.start(), matcher.end());
                int rank = ranks.rankOf(pieceBytes, 0, length);
                if (rank >= 0) {
                    out.add(rank);
                } else {
                    if (merger == null) {
                        merger = new BytePairMerger(ranks);
                    }
                    merger.merge(pieceBytes, length, out);
                }
            }
        }

        /** UTF-8 of {@code text[from, to)} into {@code pieceBytes}; lone surrogates become U+FFFD. Returns the length. */
        private int toUtf8(CharSequence text, int from, int to) {
            int maxLength = (to - from) * 3;
            if (pieceBytes.length < maxLength) {
                pieceBytes = new byte[Math.max(maxLength, pieceBytes.length * 2)];
            }
            byte[] b = pieceBytes;
            int n = 0;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    b[n++] = (byte) c;
                } else if (c < 0x800) {
                    b[n++] = (byte) (0xC0 | (c >> 6));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, text.charAt(++i));
                    b[n++] = (byte) (0xF0 | (cp >> 18));
                    b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[n++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    if (Character.isSurrogate(c)) {
                        c = '\uFFFD';
                    }
                    b[n++] = (byte) (0xE0 | (c >> 12));
                    b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            return n;
        }
    }

    // ---------------------------------------------------------------- decoding

    @Override
    public String decode(int[] tokenIds) {
        byte[] bytes = decodeBytes(tokenIds);
        return Utf8StreamDecoder.decodeLossy(bytes, 0, bytes.length);
    }

    /** Concatenated bytes of the tokens; special ids contribute the UTF-8 of their names. */
    public byte[] decodeBytes(int[] tokenIds) {
        int total = 0;
        for (int id : tokenIds) {
            total += tokenBytesShared(id).length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (int id : tokenIds) {
            byte[] b = tokenBytesShared(id);
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        return out;
    }

    /** A copy of the bytes of one token (the UTF-8 of its name for a special id). */
    public byte[] tokenBytes(int tokenId) {
        return tokenBytesShared(tokenId).clone();
    }

    byte[] tokenBytesShared(int tokenId) {
        if (tokenId >= 0 && tokenId < ranks.size()) {
            return ranks.bytesOf(tokenId);
        }
        if (SpecialTokens.isSpecial(tokenId)) {
            return SpecialTokens.nameOf(tokenId).getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("token id " + tokenId + " is outside the o200k_harmony vocabulary [0, "
                + SpecialTokens.VOCABULARY_SIZE + ")");
    }

    /** A streaming decoder: feed ids one by one, get text as soon as characters are complete. */
    public TokenStreamDecoder newStreamDecoder() {
        return new TokenStreamDecoder(this);
    }

    // ---------------------------------------------------------------- specials and vocabulary

    /** True for the special ids 199998..201087. */
    public boolean isSpecial(int tokenId) {
        return SpecialTokens.isSpecial(tokenId);
    }

    /** The id of a special token name such as {@code <|call|>}, or empty when it names none. */
    public OptionalInt specialTokenId(String name) {
        return SpecialTokens.idOf(name);
    }

    /** The name of a special id, e.g. 200014 → {@code <|reserved_200014|>}. */
    public String specialTokenName(int tokenId) {
        return SpecialTokens.nameOf(tokenId);
    }

    @Override
    public int vocabularySize() {
        return SpecialTokens.VOCABULARY_SIZE;
    }
}
