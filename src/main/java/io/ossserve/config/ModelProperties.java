package io.ossserve.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code oss-serve.model.*}: which checkpoint is served and how it is named.
 *
 * @param path             a gpt-oss checkpoint directory (Hugging Face or original layout); empty serves the embedded
 *                         random {@code preset} checkpoint generated under {@code ${oss-serve.data-dir}/models}
 * @param preset           shape of the embedded random checkpoint ({@code tiny} by default)
 * @param servedModelName  model id in the API; empty = from the checkpoint (directory name) or {@code <preset>-random}
 * @param maxModelLen      most tokens of prompt + output; 0 = the model's maximum (bounded by the KV memory)
 * @param identity         first line of the harmony system message
 */
@Validated
@ConfigurationProperties("oss-serve.model")
public record ModelProperties(
        Path path,
        @DefaultValue("tiny") @NotBlank String preset,
        String servedModelName,
        @DefaultValue("0") @Min(0) int maxModelLen,
        @DefaultValue("You are ChatGPT, a large language model trained by OpenAI.") @NotBlank String identity) {}
