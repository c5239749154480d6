package io.ossserve.text.bench;

import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.Tokenizers;

import java.nio.charset.StandardCharsets;

/**
 * Encoding throughput of English prose on one core (a harness, not a timed test).
 * Run: {@code java -cp target/classes:target/test-classes:<jtokkit.jar> io.ossserve.text.bench.EncodeBenchmark [seconds]}.
 * Prints MB/s of UTF-8 input and tokens/s after a warm-up.
 */
public final class EncodeBenchmark {
    private static final String PROSE = """
            The harbour town woke slowly that autumn morning. Fishermen who had been out since before dawn were \
            hauling their nets onto the quay, arguing about the price of mackerel and the weather that was \
            supposed to turn by the afternoon. In the bakery on the corner, Mrs. Hallworth had already sold \
            most of her bread, and she was wiping flour from the counter while the radio murmured the news: \
            a ferry strike in the north, a council meeting that had run until midnight, and a forecast of \
            gales that nobody believed. Children walked to school in twos and threes, kicking at the leaves \
            that the wind had piled against the low stone walls.
            It wasn't until nearly ten o'clock that the stranger arrived. He came on the early bus from the \
            city, carrying a battered leather suitcase and a long cardboard tube of the kind architects use \
            for drawings. He asked the driver, politely, where he might find a room for a week or two, and \
            the driver, who'd seen a great many visitors and remembered few of them, pointed him toward the \
            guest house above the chandlery. "Ask for Peter," he said. "He'll tell you it's full. It isn't."
            By lunchtime half the town knew that someone new had come, and by evening the other half had \
            invented reasons for his visit: a surveyor for the new road, an inspector from the ministry, a \
            writer looking for a quiet place to finish a novel. The truth, when it came out three days later, \
            was stranger than any of their guesses, and it would change the harbour for the next forty years.
            """;

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5.0;
        O200kHarmonyTokenizer tokenizer = Tokenizers.o200kHarmony();
        String text = PROSE.repeat(64); // ~128 KB per call
        long bytesPerCall = text.getBytes(StandardCharsets.UTF_8).length;
        int tokensPerCall = tokenizer.encode(text).length;

        runFor(tokenizer, text, 2.0); // warm-up (JIT)
        long start = System.nanoTime();
        long calls = runFor(tokenizer, text, seconds);
        double elapsedS = (System.nanoTime() - start) / 1e9;
        double megabytesPerS = calls * bytesPerCall / elapsedS / 1e6;
        double tokensPerS = calls * (double) tokensPerCall / elapsedS;
        System.out.printf("encode English prose, one thread: %.2f MB/s, %.0f tokens/s (%d calls of %d bytes / %d tokens in %.2f s)%n",
                megabytesPerS, tokensPerS, calls, bytesPerCall, tokensPerCall, elapsedS);
    }

    private static long runFor(O200kHarmonyTokenizer tokenizer, String text, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long calls = 0;
        long sink = 0;
        while (System.nanoTime() < deadline) {
            sink += tokenizer.encode(text).length;
            calls++;
        }
        if (sink == 42) {
            System.out.println();
        }
        return calls;
    }
}
