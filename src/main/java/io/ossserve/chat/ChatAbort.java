package io.ossserve.chat;

/**
 * Ends a running call early (given to observers in {@link ChatCallObserver#onStart}). Every choice is cancelled,
 * which frees its KV blocks, and {@code error} is what the client gets: the HTTP error of a JSON call, or a final
 * SSE error event of a stream. Safe to call from any thread, any number of times; only the first call counts, and
 * none after the call ended.
 */
@FunctionalInterface
public interface ChatAbort {

    void abort(RuntimeException error);
}
