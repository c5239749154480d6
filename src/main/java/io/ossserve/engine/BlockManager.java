package io.ossserve.engine;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * KV block bookkeeping (no storage): reference counts, a free list, and the prefix cache. A full block is
 * published under a key chained from its parent's key, the cache salt and its tokens; a lookup verifies the stored
 * salt and tokens, so a hash collision is a miss and a tenant never reads another salt's blocks. Published blocks
 * that no sequence holds stay cached and are evicted least recently released first. Single-threaded (scheduler).
 */
final class BlockManager {
    private static final long SEED = 0x6F73732D73727665L;

    private final int numBlocks;
    private final int blockSize;
    private final boolean prefixCaching;
    private final int[] refs;
    private final long[] keyOf;
    private final String[] saltOf;
    private final int[][] tokensOf;
    private final long[] parentOf;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final LinkedHashSet<Integer> evictable = new LinkedHashSet<>();
    private final Map<Long, Integer> cached = new HashMap<>();

    BlockManager(int numBlocks, int blockSize, boolean prefixCaching) {
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.prefixCaching = prefixCaching;
        refs = new int[numBlocks];
        keyOf = new long[numBlocks];
        saltOf = new String[numBlocks];
        tokensOf = new int[numBlocks][];
        parentOf = new long[numBlocks];
        for (int b = 0; b < numBlocks; b++) {
            free.add(b);
        }
    }

    int blockSize() {
        return blockSize;
    }

    int numBlocks() {
        return numBlocks;
    }

    boolean prefixCaching() {
        return prefixCaching;
    }

    /** Blocks that can be handed out now (free, or cached and unreferenced). */
    int available() {
        return free.size() + evictable.size();
    }

    /** Blocks held by at least one sequence. */
    int used() {
        return numBlocks - available();
    }

    int cachedBlocks() {
        return cached.size();
    }

    int refCount(int block) {
        return refs[block];
    }

    /** A block for exclusive use (reference count 1); evicts the least recently released cached block if needed. */
    int allocate() {
        Integer b = free.pollFirst();
        if (b == null) {
            Iterator<Integer> it = evictable.iterator();
            if (!it.hasNext()) {
                throw new IllegalStateException("no KV block available");
            }
            b = it.next();
            it.remove();
            forget(b);
        }
        refs[b] = 1;
        return b;
    }

    void release(int block) {
        if (refs[block] <= 0) {
            throw new IllegalStateException("KV block " + block + " released more often than held");
        }
        if (--refs[block] == 0) {
            if (tokensOf[block] != null) {
                evictable.add(block);
            } else {
                free.addLast(block);
            }
        }
    }

    /** Key of the block after {@code parentKey} holding {@code tokens[from, from + blockSize)} under {@code salt}. */
    long key(long parentKey, String salt, int[] tokens, int from) {
        long h = SEED ^ parentKey * 0x9E3779B97F4A7C15L;
        h = mix(h ^ (salt == null ? 0x5A17L : salt.hashCode() * 31L + salt.length()));
        for (int i = 0; i < blockSize; i++) {
            h = mix(h ^ (tokens[from + i] & 0xFFFFFFFFL));
        }
        return h == 0 ? 1 : h;
    }

    private static long mix(long h) {
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }

    /**
     * Looks up the longest cached run of full blocks at the start of {@code tokens}, at most {@code maxBlocks}; takes
     * a reference to each one found and appends it to {@code table}, its key to {@code keys}.
     *
     * @return the number of blocks found
     */
    int matchPrefix(String salt, int[] tokens, int maxBlocks, BlockTable table, List<Long> keys) {
        if (!prefixCaching) {
            return 0;
        }
        long parent = 0;
        int found = 0;
        for (int i = 0; i < maxBlocks; i++) {
            long k = key(parent, salt, tokens, i * blockSize);
            Integer b = cached.get(k);
            if (b == null || !matches(b, parent, salt, tokens, i * blockSize)) {
                break;
            }
            if (refs[b]++ == 0) {
                evictable.remove(b);
            }
            table.add(b);
            keys.add(k);
            parent = k;
            found++;
        }
        return found;
    }

    private boolean matches(int b, long parent, String salt, int[] tokens, int from) {
        return parentOf[b] == parent && Objects.equals(saltOf[b], salt)
                && Arrays.equals(tokensOf[b], 0, blockSize, tokens, from, from + blockSize);
    }

    /** Publishes a full, computed block for later requests (no-op when the same content is already cached). */
    void publish(int block, long key, long parentKey, String salt, int[] tokens, int from) {
        if (!prefixCaching || cached.containsKey(key) || tokensOf[block] != null) {
            return;
        }
        cached.put(key, block);
        keyOf[block] = key;
        parentOf[block] = parentKey;
        saltOf[block] = salt;
        tokensOf[block] = Arrays.copyOfRange(tokens, from, from + blockSize);
    }

    private void forget(int b) {
        if (tokensOf[b] != null) {
            cached.remove(keyOf[b], b);
            tokensOf[b] = null;
            saltOf[b] = null;
            keyOf[b] = 0;
            parentOf[b] = 0;
        }
    }
}
