package io.ossserve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ossserve.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed checkpoint is a CheckpointException naming the file and the tensor or field. */
class CheckpointErrorsTest {

    @TempDir
    Path tmp;

    /** A copy of the tiny HF checkpoint whose safetensors file we can damage. */
    private Path copyOfTiny() throws IOException {
        Path src = TestModels.tiny();
        Path dst = Files.createDirectories(tmp.resolve("ck"));
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, dst.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dst;
    }

    /** Rewrites the safetensors header through {@code edit}, keeping the data bytes. */
    private static void editHeader(Path file, UnaryOperator<String> edit) throws IOException {
        byte[] all = Files.readAllBytes(file);
        long len = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(all, 8, (int) len, StandardCharsets.UTF_8);
        byte[] h = edit.apply(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + all.length - 8 - (int) len).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(all, 8 + (int) len, all.length - 8 - (int) len);
        Files.write(file, out.array());
    }

    private static void writeSafetensors(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h);
        Files.write(file, out.array());
    }

    @Test
    void tinyLoadsAndDescribesItself() {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny())) {
            assertThat(ck.layout()).isEqualTo(Checkpoint.Layout.HF);
            assertThat(ck.config()).isEqualTo(Presets.get("tiny"));
            assertThat(ck.weights().layers()).hasSize(4);
            assertThat(ck.weights().layers().get(0).sliding()).isTrue();
            assertThat(ck.weights().layers().get(1).sliding()).isFalse();
            // MXFP4 dequantisation of the first element agrees with the raw bytes
            Mxfp4Experts e = ck.weights().layers().get(0).mlp1();
            int b = e.blocks().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 0xFF;
            int s = e.scales().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 0xFF;
            assertThat(e.get(0, 0, 0)).isEqualTo(Mxfp4.FP4_VALUES[b & 0xF] * Mxfp4.scale(s));
            assertThat(e.get(0, 0, 1)).isEqualTo(Mxfp4.FP4_VALUES[b >>> 4] * Mxfp4.scale(s));
        }
    }

    @Test
    void mxfp4WorkedExampleFromTheSpec() {
        // byte 0x2B, scale 125: low nibble 0xB = -1.5 → -0.375; high nibble 0x2 = +1.0 → 0.25
        assertThat(Mxfp4.low(0x2B) * Mxfp4.scale(125)).isEqualTo(-0.375f);
        assertThat(Mxfp4.high(0x2B) * Mxfp4.scale(125)).isEqualTo(0.25f);
        assertThat(Bf16.fromFloat(-0.375f)).isEqualTo((short) 0xBEC0);
        assertThat(Bf16.fromFloat(0.25f)).isEqualTo((short) 0x3E80);
    }

    @Test
    void missingDirectoryAndConfig() {
        assertThatThrownBy(() -> Checkpoint.open(tmp.resolve("nope"))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Checkpoint.open(tmp)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no config.json");
    }

    @Test
    void missingTensor() throws IOException {
        Path ck = copyOfTiny();
        editHeader(ck.resolve("model.safetensors"), h -> h.replace("\"model.norm.weight\"", "\"model.norm.weightX\""));
        assertThatThrownBy(() -> Checkpoint.open(ck)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing tensor model.norm.weight");
    }

    @Test
    void unexpectedTensor() throws IOException {
        Path ck = copyOfTiny();
        editHeader(ck.resolve("model.safetensors"), h -> h.replace("\"lm_head.weight\"", "\"lm_head.weight\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]},\"model.extra.bias\""));
        // the original lm_head entry now carries the name model.extra.bias; lm_head itself is an empty U8
        assertThatThrownBy(() -> Checkpoint.open(ck)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("lm_head.weight").hasMessageContaining("shape");
        Path ck2 = tmp.resolve("ck2");
        Files.createDirectories(ck2);
        editHeader(copyOfTiny().resolve("model.safetensors"), h -> h.replace("{\"__metadata__\"", "{\"model.layers.9.mlp.router.bias\":{\"dtype\":\"BF16\",\"shape\":[0],\"data_offsets\":[0,0]},\"__metadata__\""));
        assertThatThrownBy(() -> Checkpoint.open(tmp.resolve("ck"))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("unexpected tensor model.layers.9.mlp.router.bias").hasMessageContaining("model.safetensors");
    }

    @Test
    void wrongShapeAndWrongDtype() throws IOException {
        Path ck = copyOfTiny();
        editHeader(ck.resolve("model.safetensors"), h -> h.replace("\"model.norm.weight\":{\"dtype\":\"BF16\",\"shape\":[64]",
                "\"model.norm.weight\":{\"dtype\":\"BF16\",\"shape\":[2,32]"));
        assertThatThrownBy(() -> Checkpoint.open(ck)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.norm.weight").hasMessageContaining("[2, 32]").hasMessageContaining("expected [64]");
        Path ck2 = copyOfTiny();
        editHeader(ck2.resolve("model.safetensors"), h -> h.replace("\"model.norm.weight\":{\"dtype\":\"BF16\",\"shape\":[64]",
                "\"model.norm.weight\":{\"dtype\":\"I16\",\"shape\":[64]"));
        assertThatThrownBy(() -> Checkpoint.open(ck2)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.norm.weight").hasMessageContaining("dtype I16");
    }

    @Test
    void truncatedFile() throws IOException {
        Path ck = copyOfTiny();
        Path f = ck.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 1000));
        assertThatThrownBy(() -> Checkpoint.open(ck)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("lm_head.weight").hasMessageContaining("truncated").hasMessageContaining("model.safetensors");
        Files.write(f, new byte[5]);
        assertThatThrownBy(() -> Checkpoint.open(ck)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("truncated safetensors file (5 bytes");
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put("{}      ".getBytes(StandardCharsets.US_ASCII));
        Files.write(f, b.array());
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            assertThatThrownBy(() -> SafetensorsFile.open(f, arena)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("bad.safetensors").hasMessageContaining("runs past the end of the file");
            Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array());
            assertThatThrownBy(() -> SafetensorsFile.open(f, arena)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("not plausible");
        }
    }

    @Test
    void malformedJsonHeaderAndEntries() throws IOException {
        Path f = tmp.resolve("m.safetensors");
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"{\"a\": {\"dtype\": \"BF16\",", "malformed JSON header"});
        cases.add(new String[] {"[1,2,3]", "not an object"});
        cases.add(new String[] {"{\"a\": 5}", "tensor a: header entry is not an object"});
        cases.add(new String[] {"{\"a\": {\"shape\": [2], \"data_offsets\": [0, 4]}}", "tensor a: missing or non-string \"dtype\""});
        cases.add(new String[] {"{\"a\": {\"dtype\": \"Q4\", \"shape\": [2], \"data_offsets\": [0, 4]}}", "unknown dtype \"Q4\""});
        cases.add(new String[] {"{\"a\": {\"dtype\": \"BF16\", \"shape\": [-2], \"data_offsets\": [0, 4]}}", "shape entry 0"});
        cases.add(new String[] {"{\"a\": {\"dtype\": \"BF16\", \"shape\": [2]}}", "data_offsets"});
        cases.add(new String[] {"{\"a\": {\"dtype\": \"BF16\", \"shape\": [3], \"data_offsets\": [0, 4]}}", "need 6"});
        cases.add(new String[] {"{\"a\": {\"dtype\": \"BF16\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 4]}}", "overflows"});
        for (String[] c : cases) {
            writeSafetensors(f, c[0], 4);
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                assertThatThrownBy(() -> SafetensorsFile.open(f, arena)).as(c[0]).isInstanceOf(CheckpointException.class)
                        .hasMessageContaining("m.safetensors").hasMessageContaining(c[1]);
            }
        }
    }

    @Test
    void malformedAndNonsensicalConfig() throws IOException {
        Path ck = copyOfTiny();
        Path cfg = ck.resolve("config.json");
        String good = Files.readString(cfg);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(good.substring(0, good.length() / 2), "malformed JSON");
        cases.put(good.replace("\"hidden_size\": 64", "\"hidden_size\": 70"), "hidden_size = 70: must be a multiple of 32");
        cases.put(good.replace("\"num_hidden_layers\": 4", "\"num_hidden_layers\": 0"), "num_hidden_layers = 0");
        cases.put(good.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"), "num_key_value_heads = 3");
        cases.put(good.replace("\"vocab_size\": 201088", "\"vocab_size\": \"big\""), "vocab_size = \"big\": expected an integer");
        cases.put(good.replace("\"vocab_size\": 201088,", ""), "vocab_size is missing");
        cases.put(good.replace("\"rope_theta\": 150000.0", "\"rope_theta\": -1"), "rope_theta");
        cases.put(good.replace("\"head_dim\": 16", "\"head_dim\": 15"), "head_dim = 15");
        cases.put(good.replace("\"model_type\": \"gpt_oss\"", "\"model_type\": \"llama\""), "model_type");
        cases.put(good.replaceAll("(?s)\"layer_types\": \\[[^\\]]*\\]", "\"layer_types\": [\"sliding_attention\"]"), "layer_types");
        cases.put(good.replace("\"experts_per_token\": 4", "\"experts_per_token\": 99").replace("\"num_experts_per_tok\": 4", "\"num_experts_per_tok\": 99"), "experts_per_token = 99");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(cfg, c.getKey());
            assertThatThrownBy(() -> Checkpoint.open(ck)).as(c.getValue()).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("config.json").hasMessageContaining(c.getValue());
        }
    }

    @Test
    void shardedCheckpointWithIndexLoadsAndChecksTheIndex() throws IOException {
        Path ck = copyOfTiny();
        // split: move lm_head into its own file by writing an index that points at a missing file
        Files.writeString(ck.resolve("model.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"lm_head.weight\":\"model-00002-of-00002.safetensors\"}}");
        assertThatThrownBy(() -> Checkpoint.open(ck)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("lm_head.weight").hasMessageContaining("missing file");
        Files.writeString(ck.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"lm_head.weight\":\"../../etc/passwd\"}}");
        assertThatThrownBy(() -> Checkpoint.open(ck)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("outside the checkpoint");
        Files.writeString(ck.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"lm_head.weight\":\"model.safetensors\"}}");
        try (Checkpoint ok = Checkpoint.open(ck)) {
            assertThat(ok.files()).hasSize(1);
        }
    }
}
