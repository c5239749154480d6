package io.ossserve.engine;

/**
 * The keys and values one sequence has accumulated, owned by a backend. {@link #length()} is the number
 * of positions already stored (the next token's position).
 */
public interface KvCache extends AutoCloseable {
    int length();

    /** Most positions this cache can hold. */
    int capacity();

    /** Forgets positions {@code >= length} (e.g. to re-run from a shared prefix). */
    void truncate(int length);

    @Override
    void close();
}
