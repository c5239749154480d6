package io.ossserve.engine;

/**
 * Paged KV storage of a backend: {@code numBlocks} blocks of {@code blockSize} positions shared by all sequences.
 * The scheduler decides which blocks a sequence uses ({@link BlockTable}); blocks holding the same prefix can be
 * shared by several sequences (prefix caching), since a step only appends to blocks past a sequence's length.
 */
public interface KvBlockStore extends AutoCloseable {

    int numBlocks();

    int blockSize();

    /** Bytes of keys and values one block holds over all layers. */
    long bytesPerBlock();

    /**
     * A cache view of one sequence over {@code table} whose first {@code length} positions are already filled
     * (a prefix-cache hit); the view reads the table afresh at every step.
     */
    KvCache sequence(BlockTable table, int length, int capacity);

    @Override
    void close();
}
