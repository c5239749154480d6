package io.ossserve.chat;

import java.util.List;

/**
 * How a call ended.
 *
 * @param status          {@code completed}, {@code cancelled} (the client went away), {@code failed}, or
 *                        {@code rejected} (a later observer refused the call before generation)
 * @param usage           actual token usage (zeros where nothing ran)
 * @param finishReasons   per choice ({@code stop}, {@code length}, {@code tool_calls}); empty unless completed
 * @param toolNames       functions the model called
 * @param ttftNanos       send → first token, or -1 when no token came
 * @param durationNanos   accepted → done
 * @param error           the failure, or null
 * @param completionText  what the choices produced (reasoning, content, tool calls), only when the command asked
 *                        to keep texts; else null
 */
public record ChatCallOutcome(String status, ChatUsage usage, List<String> finishReasons, List<String> toolNames,
                              long ttftNanos, long durationNanos, Throwable error,
                              String completionText) {}
