package io.ossserve.engine.cuda;

import jcuda.driver.CUdeviceptr;

/** A device allocation whose raw address can be written into kernel argument structs. */
final class DevPtr extends CUdeviceptr {
    final long bytes;

    DevPtr(long bytes) {
        this.bytes = bytes;
    }

    long address() {
        return getNativePointer() + getByteOffset();
    }
}
