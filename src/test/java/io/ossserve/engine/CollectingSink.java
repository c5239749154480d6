package io.ossserve.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** Collects a generation's tokens; {@link #done} completes with the completion (or fails with the error). */
final class CollectingSink implements TokenSink {
    final List<Integer> tokens = new ArrayList<>();
    final CompletableFuture<Completion> done = new CompletableFuture<>();
    final CountDownLatch firstTokens;

    CollectingSink(int signalAfter) {
        firstTokens = new CountDownLatch(signalAfter);
    }

    CollectingSink() {
        this(1);
    }

    @Override
    public synchronized void onToken(SampledToken token) {
        tokens.add(token.token());
        firstTokens.countDown();
    }

    @Override
    public void onFinish(Completion completion) {
        done.complete(completion);
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    synchronized int[] ids() {
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }
}
