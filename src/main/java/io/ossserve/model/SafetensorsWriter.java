package io.ossserve.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a safetensors file whose tensors are produced in place by fillers (no heap copy of the data):
 * the file is sized, mapped read-write, and each filler writes its own slice.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /** One tensor to write; {@code filler} receives exactly its byte range. */
    public record Entry(String name, DType dtype, long[] shape, Consumer<MemorySegment> filler) {
        long bytes() {
            long n = dtype.byteSize();
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    /** Header JSON for the entries in order, padded with spaces to a multiple of 8 bytes. */
    static byte[] header(List<Entry> entries, Map<String, String> metadata) {
        Map<String, Object> h = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            h.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Entry e : entries) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", e.dtype().name());
            t.put("shape", e.shape());
            t.put("data_offsets", new long[] {offset, offset + e.bytes()});
            h.put(e.name(), t);
            offset += e.bytes();
        }
        byte[] json = JsonText.write(h, false).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    /** Writes {@code file}; returns its size in bytes. */
    public static long write(Path file, List<Entry> entries, Map<String, String> metadata) throws IOException {
        byte[] header = header(entries, metadata);
        long dataBytes = 0;
        for (Entry e : entries) {
            dataBytes += e.bytes();
        }
        long size = 8 + header.length + dataBytes;
        Files.deleteIfExists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofShared()) {
            MemorySegment out = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            out.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, header.length);
            MemorySegment.copy(MemorySegment.ofArray(header), 0, out, 8, header.length);
            long offset = 8 + header.length;
            for (Entry e : entries) {
                e.filler().accept(out.asSlice(offset, e.bytes()));
                offset += e.bytes();
            }

        }
        return size;
    }
}
