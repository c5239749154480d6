package io.ossserve.model;

import java.lang.foreign.MemorySegment;

/**
 * A dense row-major weight matrix {@code [rows, cols]} in BF16 or F32, viewed in mapped memory.
 * Row {@code r} starts at byte {@code r * cols * dtype.byteSize()}.
 */
public record Matrix(String name, DType dtype, int rows, int cols, MemorySegment data) {

    public Matrix {
        if (dtype != DType.BF16 && dtype != DType.F32) {
            throw new CheckpointException("tensor " + name + ": dtype " + dtype + " is not supported for a dense matrix (BF16 or F32)");
        }
        long need = (long) rows * cols * dtype.byteSize();
        if (data.byteSize() != need) {
            throw new CheckpointException("tensor " + name + ": " + data.byteSize() + " bytes for a [" + rows + ", " + cols + "] " + dtype + " matrix (need " + need + ")");
        }
    }

    public long rowBytes() {
        return (long) cols * dtype.byteSize();
    }

    public float get(int row, int col) {
        long i = (long) row * cols + col;
        return dtype == DType.BF16 ? Bf16.toFloat(data.get(Tensor.SHORT_LE, i * 2)) : data.get(Tensor.FLOAT_LE, i * 4);
    }

    /** Rows {@code [from, from + count)} as a matrix of their own (a view). */
    public Matrix rows(String sliceName, int from, int count) {
        return new Matrix(sliceName, dtype, count, cols, data.asSlice(from * rowBytes(), count * rowBytes()));
    }

    /** Copies one row into {@code out} as floats (embedding lookup). */
    public void copyRow(int row, float[] out, int outOffset) {
        for (int c = 0; c < cols; c++) {
            out[outOffset + c] = get(row, c);
        }
    }
}
