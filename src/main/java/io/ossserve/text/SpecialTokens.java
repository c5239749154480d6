package io.ossserve.text;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The special tokens of o200k_harmony (gpt-oss spec §4): ids 199998..201087, each with its literal name.
 * Ids without a harmony meaning are named {@code <|reserved_N|>}.
 */
public final class SpecialTokens {
    public static final int STARTOFTEXT = 199_998;
    public static final int ENDOFTEXT = 199_999;
    public static final int RETURN = 200_002;
    public static final int CONSTRAIN = 200_003;
    public static final int CHANNEL = 200_005;
    public static final int START = 200_006;
    public static final int END = 200_007;
    public static final int MESSAGE = 200_008;
    public static final int CALL = 200_012;
    /** Inherited from o200k_base; the same id is also named {@code <|reserved_200018|>}. */
    public static final int ENDOFPROMPT = 200_018;

    /** First special id (all ids below are BPE ranks). */
    public static final int FIRST_ID = BpeRanks.RANK_COUNT;
    /** The vocabulary size the model was trained with (padded embedding rows). */
    public static final int VOCABULARY_SIZE = 201_088;

    private static final String[] NAMES = buildNames();
    private static final Map<String, Integer> IDS_BY_NAME = buildIds();

    private SpecialTokens() {}

    /** True for ids in [199998, 201088). */
    public static boolean isSpecial(int tokenId) {
        return tokenId >= FIRST_ID && tokenId < VOCABULARY_SIZE;
    }

    /** The literal name of a special id, e.g. {@code <|start|>}; throws naming the id when it is not special. */
    public static String nameOf(int tokenId) {
        if (!isSpecial(tokenId)) {
            throw new IllegalArgumentException("token id " + tokenId + " is not a special token id (special ids are "
                    + FIRST_ID + ".." + (VOCABULARY_SIZE - 1) + ")");
        }
        return NAMES[tokenId - FIRST_ID];
    }

    /** The id of a special token name (also accepts {@code <|endofprompt|>} for 200018). */
    public static OptionalInt idOf(String name) {
        Integer id = IDS_BY_NAME.get(name);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    private static String[] buildNames() {
        String[] names = new String[VOCABULARY_SIZE - FIRST_ID];
        for (int id = FIRST_ID; id < VOCABULARY_SIZE; id++) {
            names[id - FIRST_ID] = "<|reserved_" + id + "|>";
        }
        names[STARTOFTEXT - FIRST_ID] = "<|startoftext|>";
        names[ENDOFTEXT - FIRST_ID] = "<|endoftext|>";
        names[RETURN - FIRST_ID] = "<|return|>";
        names[CONSTRAIN - FIRST_ID] = "<|constrain|>";
        names[CHANNEL - FIRST_ID] = "<|channel|>";
        names[START - FIRST_ID] = "<|start|>";
        names[END - FIRST_ID] = "<|end|>";
        names[MESSAGE - FIRST_ID] = "<|message|>";
        names[CALL - FIRST_ID] = "<|call|>";
        return names;
    }

    private static Map<String, Integer> buildIds() {
        Map<String, Integer> ids = new HashMap<>(NAMES.length * 2);
        for (int i = 0; i < NAMES.length; i++) {
            ids.put(NAMES[i], FIRST_ID + i);
        }
        ids.put("<|endofprompt|>", ENDOFPROMPT);
        return Map.copyOf(ids);
    }
}
