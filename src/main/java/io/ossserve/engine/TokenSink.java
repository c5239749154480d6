package io.ossserve.engine;

/** Receives a generation's tokens on the engine thread. Implementations hand off and return at once. */
public interface TokenSink {

    void onToken(SampledToken token);

    /** The generation ended normally, by a stop token, the length limit, or a cancel. */
    void onFinish(Completion completion);

    /** The engine failed the generation (e.g. a backend error). */
    void onError(Throwable error);
}
