package io.ossserve.engine.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Packs one kernel argument struct of {@code cuda-kernels/ossserve_args.h} into bytes with the C layout:
 * pointers 8-byte aligned, int/float 4-byte aligned, total size rounded up to 8. Fields must be added in
 * the header's declaration order. No JCuda here: the layout is testable without a GPU.
 */
final class KernelArgs {
    private final ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);

    KernelArgs ptr(long address) {
        align(8);
        b.putLong(address);
        return this;
    }

    KernelArgs i32(int v) {
        align(4);
        b.putInt(v);
        return this;
    }

    KernelArgs u64(long v) {
        align(8);
        b.putLong(v);
        return this;
    }

    KernelArgs f32(float v) {
        align(4);
        b.putFloat(v);
        return this;
    }

    private void align(int n) {
        while (b.position() % n != 0) {
            b.put((byte) 0);
        }
    }

    /** The struct bytes, padded to a multiple of 8. */
    byte[] bytes() {
        align(8);
        byte[] out = new byte[b.position()];
        b.duplicate().flip().get(out);
        return out;
    }
}
