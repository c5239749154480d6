package io.ossserve.chat;

import java.util.List;

/** OpenAI {@code logprobs.content[]} entry: a token's text, log-probability, UTF-8 bytes and alternatives. */
public record TokenLogprob(String token, double logprob, int[] bytes, List<TokenLogprob> topLogprobs) {}
