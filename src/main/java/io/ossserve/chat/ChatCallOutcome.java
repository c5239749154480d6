package io.ossserve.chat;

import java.util.List;

/**
 * How a call ended.
 *
 * @param status          {@code completed}, {@code cancelled} (the client went away) or {@code failed}
 * @param usage           actual token usage (zeros where nothing ran)
 * @param finishReasons   per choice ({@code stop}, {@code length}, {@code tool_calls}); empty unless completed
 * @param toolNames       functions the model called
 * @param ttftNanos       send → first token, or -1 when no token came
 * @param durationNanos   accepted → done
 * @param error           the failure, or null
 */
public record ChatCallOutcome(String status, ChatUsage usage, List<String> finishReasons, List<String> toolNames,
                              long ttftNanos, long durationNanos, Throwable error) {}
