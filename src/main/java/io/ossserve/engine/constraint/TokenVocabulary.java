package io.ossserve.engine.constraint;

import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.SpecialTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the masks need to know about a vocabulary, computed once per tokenizer and shared by every request: a byte trie
 * over all ordinary tokens, the tokens that may appear anywhere inside a JSON string ({@link #safe}, by length in code
 * points), and a second trie over the tails of the tokens that end a string or start an escape (from their first
 * {@code "} or {@code \}). Special ids are never in the tries.
 */
public final class TokenVocabulary {
    static final int SHORT_CHARS = 32;
    private static final Map<O200kHarmonyTokenizer, TokenVocabulary> CACHE = new WeakHashMap<>();

    final int size;
    final byte[][] bytes;
    final Trie all;
    /** ordinary tokens that stay inside a string from a code point boundary (no quote, backslash or control byte) */
    final long[] safe;
    /** safeUpTo[k]: the safe tokens of at most k code points, k = 0..SHORT_CHARS */
    final long[][] safeUpTo;
    /** safe tokens longer than SHORT_CHARS code points, and their lengths */
    final int[] longSafe;
    final int[] longSafeChars;
    /** tails (from the first quote or backslash) of tokens whose head is safe text ending at a code point boundary */
    final Trie tails;
    /** per token: code points in the head before its tail */
    final int[] headChars;
    /** the token of each single byte, or -1 */
    final int[] byteToken = new int[256];
    /** every ordinary id */
    final long[] ordinary;

    /** @param tokens byte strings by id; null entries (special or unused ids) are never allowed by a JSON mask */
    public TokenVocabulary(byte[][] tokens) {
        size = tokens.length;
        bytes = tokens;
        int words = (size + 63) >>> 6;
        safe = new long[words];
        ordinary = new long[words];
        safeUpTo = new long[SHORT_CHARS + 1][words];
        headChars = new int[size];
        List<Integer> longIds = new ArrayList<>();
        List<Integer> tailIds = new ArrayList<>();
        byte[][] tailBytes = new byte[size][];
        for (int id = 0; id < size; id++) {
            byte[] b = tokens[id];
            if (b == null || b.length == 0) {
                continue;
            }
            ordinary[id >>> 6] |= 1L << id;
            int cut = 0;
            while (cut < b.length && b[cut] != '"' && b[cut] != '\\') {
                cut++;
            }
            int chars = safeChars(b, cut, cut < b.length);
            if (chars < 0) {
                continue;
            }
            if (cut == b.length) {
                safe[id >>> 6] |= 1L << id;
                if (chars <= SHORT_CHARS) {
                    for (int k = chars; k <= SHORT_CHARS; k++) {
                        safeUpTo[k][id >>> 6] |= 1L << id;
                    }
                } else {
                    longIds.add(id);
                }
            } else {
                headChars[id] = chars;
                tailBytes[id] = Arrays.copyOfRange(b, cut, b.length);
                tailIds.add(id);
            }
        }
        longSafe = longIds.stream().mapToInt(Integer::intValue).toArray();
        longSafeChars = new int[longSafe.length];
        for (int i = 0; i < longSafe.length; i++) {
            longSafeChars[i] = safeChars(tokens[longSafe[i]], tokens[longSafe[i]].length, false);
        }
        List<Integer> allIds = new ArrayList<>();
        for (int id = 0; id < size; id++) {
            if (tokens[id] != null && tokens[id].length > 0) {
                allIds.add(id);
            }
        }
        all = Trie.build(tokens, allIds);
        tails = Trie.build(tailBytes, tailIds);
        Arrays.fill(byteToken, -1);
        for (int c = all.firstChild[0]; c >= 0; c = all.nextSibling[c]) {
            int[] ids = all.tokensAt(c);
            if (ids.length > 0) {
                byteToken[all.label[c] & 0xFF] = ids[0];
            }
        }
    }

    /** The shared vocabulary of the o200k_harmony tokenizer, padded to its 201088 ids. */
    public static TokenVocabulary of(O200kHarmonyTokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer, t -> {
                byte[][] tokens = new byte[SpecialTokens.VOCABULARY_SIZE][];
                for (int id = 0; id < SpecialTokens.FIRST_ID; id++) {
                    tokens[id] = t.tokenBytes(id);
                }
                return new TokenVocabulary(tokens);
            });
        }
    }

    public int size() {
        return size;
    }

    /**
     * Code points of {@code b[0, len)} when it is string-safe text from a code point boundary (bytes >= 0x20, strict
     * UTF-8; it may end inside a code point unless {@code mustEndOnBoundary}), else -1.
     */
    static int safeChars(byte[] b, int len, boolean mustEndOnBoundary) {
        int chars = 0;
        int u = 0;
        for (int i = 0; i < len; i++) {
            int x = b[i] & 0xFF;
            if (u != 0) {
                int lo = u == 4 ? 0xA0 : u == 6 ? 0x90 : 0x80;
                int hi = u == 5 ? 0x9F : u == 7 ? 0x8F : 0xBF;
                if (x < lo || x > hi) {
                    return -1;
                }
                u = switch (u) {
                    case 1 -> 0;
                    case 2, 4, 5 -> 1;
                    default -> 2;
                };
                continue;
            }
            if (x < 0x20 || x == '"' || x == '\\') {
                return -1;
            }
            u = Strs.lead(x);
            if (u < 0) {
                return -1;
            }
            chars++;
        }
        return mustEndOnBoundary && u != 0 ? -1 : chars;
    }

    /** A byte trie in first-child / next-sibling arrays; node 0 is the root; tokens ending at a node in a flat list. */
    static final class Trie {
        final byte[] label;
        final int[] firstChild;
        final int[] nextSibling;
        final int[] tokenStart;
        final int[] tokenIds;

        private Trie(byte[] label, int[] firstChild, int[] nextSibling, int[] tokenStart, int[] tokenIds) {
            this.label = label;
            this.firstChild = firstChild;
            this.nextSibling = nextSibling;
            this.tokenStart = tokenStart;
            this.tokenIds = tokenIds;
        }

        int[] tokensAt(int node) {
            return Arrays.copyOfRange(tokenIds, tokenStart[node], tokenStart[node + 1]);
        }

        static Trie build(byte[][] bytes, List<Integer> ids) {
            Integer[] order = ids.toArray(Integer[]::new);
            Arrays.sort(order, (a, b) -> {
                int c = Arrays.compareUnsigned(bytes[a], bytes[b]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            int cap = 1024;
            byte[] label = new byte[cap];
            int[] first = new int[cap];
            int[] next = new int[cap];
            int[] last = new int[cap];
            int[] ownerNode = new int[order.length];
            Arrays.fill(first, -1);
            Arrays.fill(next, -1);
            Arrays.fill(last, -1);
            int nodes = 1;
            int[] path = new int[4096];
            byte[] prev = new byte[0];
            for (int k = 0; k < order.length; k++) {
                byte[] b = bytes[order[k]];
                int lcp = 0;
                while (lcp < b.length && lcp < prev.length && b[lcp] == prev[lcp]) {
                    lcp++;
                }
                for (int d = lcp; d < b.length; d++) {
                    if (nodes == cap) {
                        cap *= 2;
                        label = Arrays.copyOf(label, cap);
                        first = grow(first, cap);
                        next = grow(next, cap);
                        last = grow(last, cap);
                    }
                    int n = nodes++;
                    label[n] = b[d];
                    int parent = path[d];
                    if (last[parent] < 0) {
                        first[parent] = n;
                    } else {
                        next[last[parent]] = n;
                    }
                    last[parent] = n;
                    path[d + 1] = n;
                }
                ownerNode[k] = path[b.length];
                prev = b;
            }
            int[] start = new int[nodes + 1];
            for (int k = 0; k < order.length; k++) {
                start[ownerNode[k] + 1]++;
            }
            for (int i = 0; i < nodes; i++) {
                start[i + 1] += start[i];
            }
            int[] fill = Arrays.copyOf(start, nodes);
            int[] tokenIds = new int[order.length];
            for (int k = 0; k < order.length; k++) {
                tokenIds[fill[ownerNode[k]]++] = order[k];
            }
            return new Trie(Arrays.copyOf(label, nodes), Arrays.copyOf(first, nodes), Arrays.copyOf(next, nodes), start, tokenIds);
        }

        private static int[] grow(int[] a, int cap) {
            int old = a.length;
            int[] b = Arrays.copyOf(a, cap);
            Arrays.fill(b, old, cap, -1);
            return b;
        }

        int nodes() {
            return firstChild.length;
        }
    }
}
