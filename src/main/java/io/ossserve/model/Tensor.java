package io.ossserve.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor of a memory-mapped safetensors file: a view, never a copy. {@code data} is little-endian,
 * row-major, exactly {@code numel * dtype.byteSize()} bytes.
 */
public record Tensor(String name, Path file, DType dtype, long[] shape, MemorySegment data) {

    public static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public int rank() {
        return shape.length;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** Element {@code i} (flat index) as a float; only for BF16, F16 and F32 tensors. */
    public float getFloat(long i) {
        return switch (dtype) {
            case BF16 -> Bf16.toFloat(data.get(SHORT_LE, i * 2));
            case F32 -> data.get(FLOAT_LE, i * 4);
            case F16 -> Float.float16ToFloat(data.get(SHORT_LE, i * 2));
            default -> throw new CheckpointException("tensor " + name + " in " + file + " has dtype " + dtype
                    + ", expected a floating-point dtype");
        };
    }

    /** Copies a small floating-point tensor into a float array (norm scales, biases, sinks). */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE) {
            throw new CheckpointException("tensor " + name + " in " + file + " is too large to copy (" + n + " values)");
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeString() + " (" + file.getFileName() + ")";
    }
}
