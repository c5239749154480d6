package io.ossserve.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The MXFP4 weights of all experts of one projection, viewed in mapped memory:
 * <pre>
 * blocks [experts, rows, cols/32, 16] u8   (E2M1 codes, element 2j low nibble, 2j+1 high nibble)
 * scales [experts, rows, cols/32]     u8   (E8M0, bias 127)
 * </pre>
 * {@code rows} is the output width, {@code cols} the input width.
 */
public record Mxfp4Experts(String name, int experts, int rows, int cols, MemorySegment blocks, MemorySegment scales) {

    public int blocksPerRow() {
        return cols / Mxfp4.BLOCK;
    }

    /** Byte offset of row {@code row} of expert {@code e} in {@link #blocks()}. */
    public long blockOffset(int e, int row) {
        return ((long) e * rows + row) * blocksPerRow() * Mxfp4.BYTES_PER_BLOCK;
    }

    /** Byte offset of row {@code row} of expert {@code e} in {@link #scales()}. */
    public long scaleOffset(int e, int row) {
        return ((long) e * rows + row) * blocksPerRow();
    }

    /** Bytes read for one expert (codes and scales). */
    public long bytesPerExpert() {
        return (long) rows * Mxfp4.rowBytes(cols);
    }

    /** Dequantised element (exact in float). */
    public float get(int e, int row, int col) {
        int b = blocks.get(ValueLayout.JAVA_BYTE, blockOffset(e, row) + col / 2) & 0xFF;
        int s = scales.get(ValueLayout.JAVA_BYTE, scaleOffset(e, row) + col / Mxfp4.BLOCK) & 0xFF;
        float v = (col & 1) == 0 ? Mxfp4.low(b) : Mxfp4.high(b);
        return v * Mxfp4.scale(s);
    }
}
