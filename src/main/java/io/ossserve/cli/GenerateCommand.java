package io.ossserve.cli;

import io.ossserve.engine.Generator;
import io.ossserve.engine.SamplingParams;
import io.ossserve.engine.StepBackend;
import io.ossserve.engine.cpu.ResidentWeights;
import io.ossserve.model.Checkpoint;
import io.ossserve.model.DType;
import io.ossserve.model.SafetensorsWriter;
import io.ossserve.model.Tensor;
import io.ossserve.text.Tokenizer;
import io.ossserve.text.Tokenizers;
import io.ossserve.text.openai.ChatMessage;
import io.ossserve.text.openai.ChatPromptRequest;
import io.ossserve.text.openai.OpenAiToHarmony;
import io.ossserve.text.openai.PromptSettings;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the engine on one prompt and prints the generated token ids and text. */
@Command(name = "generate", description = "Generate tokens from a prompt with the engine (no server).")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Checkpoint directory (HF or original layout).")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptInput input;

    static final class PromptInput {
        @Option(names = "--prompt", description = "Prompt text (ordinary tokenization; with --chat, a user message).")
        String text;

        @Option(names = "--tokens", split = ",", description = "Prompt token ids, comma-separated.")
        int[] tokens;
    }

    @Option(names = "--chat", description = "Render --prompt as a harmony chat (user message) and stop at <|return|>/<|call|>.")
    boolean chat;

    @Option(names = "--max-tokens", description = "Tokens to generate (default 32).")
    int maxTokens = 32;

    @Option(names = "--temperature", description = "0 = greedy (default).")
    double temperature = 0;

    @Option(names = "--top-p", description = "Nucleus mass (default 1).")
    double topP = 1;

    @Option(names = "--top-k", description = "Keep the k most likely tokens (default 0 = off).")
    int topK = 0;

    @Option(names = "--seed", description = "Random seed (default 0): same seed, same tokens.")
    long seed = 0;

    @Option(names = "--stop-ids", split = ",", description = "Token ids that end generation (included in the output).")
    int[] stopIds = new int[0];

    @Option(names = "--logprobs", description = "Print the log-probability of each token and this many alternatives.")
    int logprobs = -1;

    @Option(names = "--logits-out", description = "Write the prompt's teacher-forced logits as safetensors (F32 'logits' [promptLength, vocab]).")
    Path logitsOut;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("--max-tokens must be >= 0");
        }
        Tokenizer tokenizer = input.text != null || maxTokens > 0 ? Tokenizers.o200kHarmony() : null;
        int[] prompt;
        Set<Integer> stops = new HashSet<>();
        Arrays.stream(stopIds).forEach(stops::add);
        if (input.tokens != null) {
            if (chat) {
                throw new IllegalArgumentException("--chat needs --prompt, not --tokens");
            }
            prompt = input.tokens;
        } else if (chat) {
            prompt = OpenAiToHarmony.create().renderPrompt(ChatPromptRequest.of(List.of(ChatMessage.user(input.text))),
                    PromptSettings.defaults());
            stops.add(200002);   // <|return|>
            stops.add(200012);   // <|call|>
        } else {
            prompt = tokenizer.encode(input.text);
        }
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        SamplingParams params = new SamplingParams(temperature, topP, topK, seed, Math.max(0, logprobs));
        try (Checkpoint ck = Checkpoint.open(model); StepBackend backend = engine.create(ck.weights(), ResidentWeights.Placement.MAPPED)) {
            int vocab = ck.config().vocabSize();
            for (int t : prompt) {
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException("prompt token id " + t + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            System.err.printf("model %s, %s, prompt %d tokens%n", model, backend.description(), prompt.length);
            Generator.Result[] result = new Generator.Result[1];
            if (logitsOut != null) {
                SafetensorsWriter.write(logitsOut, List.of(new SafetensorsWriter.Entry("logits", DType.F32,
                        new long[] {prompt.length, vocab}, seg -> result[0] = Generator.generate(backend, prompt, params,
                        maxTokens, stops, (row, logits) -> MemorySegment.copy(logits, 0, seg, Tensor.FLOAT_LE,
                                (long) row * vocab * 4, vocab), null))), Map.of("format", "pt"));
            } else {
                result[0] = Generator.generate(backend, prompt, params, maxTokens, stops, null, null);
            }
            Generator.Result r = result[0];
            System.out.println("tokens: " + Arrays.stream(r.tokens()).mapToObj(Integer::toString).collect(Collectors.joining(",")));
            if (tokenizer != null) {
                System.out.println("text: " + tokenizer.decode(r.tokens()));
            }
            if (logprobs >= 0) {
                r.sampled().forEach(s -> System.out.printf("logprob %d %.5f %s%n", s.token(), s.logprob(), s.top()));
            }
            System.err.printf("finish %s; prefill %.1f ms; decode %.2f ms/token%n", r.reason(), r.prefillNanos() / 1e6,
                    r.tokens().length > 1 ? r.decodeNanos() / 1e6 / (r.tokens().length - 1) : 0.0);
        }
        return 0;
    }
}
