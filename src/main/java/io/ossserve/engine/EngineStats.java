package io.ossserve.engine;

/**
 * Engine counters and gauges.
 *
 * @param waiting              requests queued (not yet in the batch, including preempted ones)
 * @param running              sequences in the batch
 * @param kvBlocksUsed         blocks held by sequences
 * @param kvBlocksTotal        blocks in the budget
 * @param prefixQueryTokens    prompt tokens looked up in the prefix cache
 * @param prefixHitTokens      of which found
 * @param preemptions          sequences preempted (blocks freed, recomputed later)
 * @param promptTokens         prompt tokens admitted
 * @param generatedTokens      tokens generated
 * @param steps                forward steps run
 * @param lastProgressNanos    {@link System#nanoTime()} of the last completed step (or of the start)
 * @param idle                 true when there is no work
 */
public record EngineStats(int waiting, int running, int kvBlocksUsed, int kvBlocksTotal, long prefixQueryTokens,
                          long prefixHitTokens, long preemptions, long promptTokens, long generatedTokens, long steps,
                          long lastProgressNanos, boolean idle) {

    public double kvUsage() {
        return kvBlocksTotal == 0 ? 0 : (double) kvBlocksUsed / kvBlocksTotal;
    }
}
