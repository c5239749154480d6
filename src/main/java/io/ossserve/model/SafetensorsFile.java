package io.ossserve.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A safetensors file mapped read-only into memory with the FFM API.
 *
 * <pre>
 * [u64 LE headerLength][headerLength bytes of JSON][data ...]
 * JSON: { "name": {"dtype": "BF16", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {...} }
 * offsets are relative to the first data byte.
 * </pre>
 * Every malformed input is a {@link CheckpointException} naming the file and, where it applies, the tensor.
 */
public final class SafetensorsFile {

    /** Headers larger than this are rejected (real ones are a few hundred KB). */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public Path file() {
        return file;
    }

    /** Tensors in header order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Maps {@code file} into {@code arena}; the tensors stay valid while the arena is open. */
    public static SafetensorsFile open(Path file, Arena arena) {
        long size;
        MemorySegment whole;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file + ": truncated safetensors file (" + size + " bytes; the 8-byte header length is missing)");
            }
            whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read safetensors file: " + e.getMessage(), e);
        }
        long headerLength = whole.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointException(file + ": safetensors header length " + Long.toUnsignedString(headerLength)
                    + " is not plausible (must be 1.." + MAX_HEADER_BYTES + ")");
        }
        if (8 + headerLength > size) {
            throw new CheckpointException(file + ": safetensors header length " + headerLength
                    + " runs past the end of the file (" + size + " bytes)");
        }
        byte[] headerBytes = whole.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new CheckpointException(file + ": malformed JSON header: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointException(file + ": JSON header is not an object");
        }
        MemorySegment data = whole.asSlice(8 + headerLength);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            String name = e.getKey();
            JsonNode node = e.getValue();
            if (name.equals("__metadata__")) {
                if (node.isObject()) {
                    node.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asString()));
                }
                continue;
            }
            tensors.put(name, parseTensor(file, name, node, data));
        }
        return new SafetensorsFile(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static Tensor parseTensor(Path file, String name, JsonNode node, MemorySegment data) {
        String where = file + ": tensor " + name;
        if (!node.isObject()) {
            throw new CheckpointException(where + ": header entry is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isString()) {
            throw new CheckpointException(where + ": missing or non-string \"dtype\"");
        }
        DType dtype = DType.parse(dtypeNode.stringValue());
        if (dtype == null) {
            throw new CheckpointException(where + ": unknown dtype \"" + dtypeNode.stringValue() + "\"");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CheckpointException(where + ": missing or non-array \"shape\"");
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || d.longValue() < 0) {
                throw new CheckpointException(where + ": shape entry " + i + " is not a non-negative integer: " + d);
            }
            shape[i] = d.longValue();
            numel = multiplyChecked(where, numel, shape[i]);
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
            throw new CheckpointException(where + ": \"data_offsets\" must be an array of two integers");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        long expected = multiplyChecked(where, numel, dtype.byteSize());
        if (begin < 0 || end < begin) {
            throw new CheckpointException(where + ": invalid data_offsets [" + begin + ", " + end + "]");
        }
        if (end - begin != expected) {
            throw new CheckpointException(where + ": data_offsets cover " + (end - begin) + " bytes but dtype "
                    + dtype + " and shape " + java.util.Arrays.toString(shape) + " need " + expected);
        }
        if (end > data.byteSize()) {
            throw new CheckpointException(where + ": data ends at byte " + end + " but the file holds only "
                    + data.byteSize() + " data bytes (truncated file?)");
        }
        return new Tensor(name, file, dtype, shape, data.asSlice(begin, end - begin));
    }

    private static long multiplyChecked(String where, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new CheckpointException(where + ": size overflows");
        }
    }
}
