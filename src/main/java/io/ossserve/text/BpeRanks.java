package io.ossserve.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The o200k_base mergeable ranks: byte strings ⇄ ranks, with an open-addressing hash table keyed by byte
 * ranges so that lookups during BPE allocate nothing.
 *
 * <p>Loaded from the {@code o200k_base.tiktoken} file bundled in the jtokkit jar (SHA-256
 * 446a9538…1a2d, 199,998 lines of {@code base64(bytes) SPACE rank}); no network is ever used.
 */
final class BpeRanks {
    static final int RANK_COUNT = 199_998;
    private static final String RESOURCE = "/com/knuddels/jtokkit/o200k_base.tiktoken";

    private final byte[][] bytesByRank;       // [RANK_COUNT] token byte strings
    private final int[] slots;                // open addressing: rank or -1; length is a power of two
    private final int slotMask;

    private BpeRanks(byte[][] bytesByRank) {
        this.bytesByRank = bytesByRank;
        int capacity = Integer.highestOneBit(bytesByRank.length * 3) << 1; // load factor < 0.33
        this.slots = new int[capacity];
        this.slotMask = capacity - 1;
        Arrays.fill(slots, -1);
        for (int rank = 0; rank < bytesByRank.length; rank++) {
            byte[] b = bytesByRank[rank];
            int slot = hash(b, 0, b.length) & slotMask;
            while (slots[slot] != -1) {
                slot = (slot + 1) & slotMask;
            }
            slots[slot] = rank;
        }
    }

    /** Loads the bundled rank file; fails with a clear message when the jar lacks it or it is corrupt. */
    static BpeRanks loadBundled() {
        try (InputStream in = com.knuddels.jtokkit.api.Encoding.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("o200k_base ranks not found on the class path at " + RESOURCE
                        + " (the jtokkit jar must be present)");
            }
            return parse(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read o200k_base ranks from " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    static BpeRanks parse(InputStream in) throws IOException {
        byte[][] bytesByRank = new byte[RANK_COUNT][];
        Base64.Decoder base64 = Base64.getDecoder();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
        String line;
        int lineNumber = 0;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0) {
                throw new IllegalStateException("o200k_base ranks line " + lineNumber + " has no space: " + line);
            }
            int rank = Integer.parseInt(line, space + 1, line.length(), 10);
            if (rank < 0 || rank >= RANK_COUNT || bytesByRank[rank] != null) {
                throw new IllegalStateException("o200k_base ranks line " + lineNumber + " has a bad or repeated rank " + rank);
            }
            bytesByRank[rank] = base64.decode(line.substring(0, space));
        }
        for (int rank = 0; rank < RANK_COUNT; rank++) {
            if (bytesByRank[rank] == null) {
                throw new IllegalStateException("o200k_base ranks file lacks rank " + rank);
            }
        }
        return new BpeRanks(bytesByRank);
    }

    int size() {
        return bytesByRank.length;
    }

    /** The bytes of a rank (shared array: callers must not modify it). */
    byte[] bytesOf(int rank) {
        return bytesByRank[rank];
    }

    /** Rank of {@code bytes[from, to)} or -1 when it is not a vocabulary entry. */
    int rankOf(byte[] bytes, int from, int to) {
        int length = to - from;
        int slot = hash(bytes, from, to) & slotMask;
        while (true) {
            int rank = slots[slot];
            if (rank == -1) {
                return -1;
            }
            byte[] candidate = bytesByRank[rank];
            if (candidate.length == length && Arrays.equals(candidate, 0, length, bytes, from, to)) {
                return rank;
            }
            slot = (slot + 1) & slotMask;
        }
    }

    private static int hash(byte[] bytes, int from, int to) {
        int h = 0x811c9dc5 ^ (to - from);
        for (int i = from; i < to; i++) {
            h = (h ^ (bytes[i] & 0xff)) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }
}
