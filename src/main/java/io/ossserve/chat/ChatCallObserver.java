package io.ossserve.chat;

/**
 * Hook around every generation call (chat and completions), for quota, audit and metrics. Implement it as a Spring
 * bean; all beans of this type are called, in {@code @Order}. With none registered nothing happens.
 * <ul>
 * <li>{@link #beforeGeneration} runs on the request thread after validation and prompt rendering, before the engine
 *     is called: it knows the prompt tokens and the most completion tokens the call may use ({@code n × max_tokens}),
 *     so a quota can pre-charge them. Throwing refuses the call: the exception reaches the HTTP layer unchanged (give
 *     it its own handler, e.g. 429 with Retry-After), and no later hook runs for this call.</li>
 * <li>{@link #onStart} runs on the request thread once the engine accepted the call, with a handle that ends the
 *     call early with an error (e.g. a time limit): every choice is cancelled and the error reaches the client.</li>
 * <li>{@link #onToken} runs on the request thread for every generated token (keep it cheap).</li>
 * <li>{@link #afterGeneration} runs exactly once for every call that passed {@link #beforeGeneration}: completed,
 *     cancelled (client gone) or failed, with the actual usage, so a quota can settle and audit can record. When a
 *     later observer refused the call in its {@code beforeGeneration}, the observers that had already passed get
 *     {@code afterGeneration} with status {@code rejected} (and that exception), so none of them leaks state.</li>
 * </ul>
 */
public interface ChatCallObserver {

    default void beforeGeneration(ChatCallInfo call) {
    }

    default void onStart(ChatCallInfo call, ChatAbort abort) {
    }

    default void onToken(ChatCallInfo call, int choice, long nanoTime) {
    }

    default void afterGeneration(ChatCallInfo call, ChatCallOutcome outcome) {
    }
}
