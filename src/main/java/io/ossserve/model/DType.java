package io.ossserve.model;

import java.util.Locale;

/** Safetensors element types this project reads or writes. */
public enum DType {
    F32(4), BF16(2), F16(2), U8(1), I8(1), I32(4), I64(8), F64(8), BOOL(1), I16(2), U16(2), U32(4), U64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int byteSize() {
        return bytes;
    }

    /** Parses a safetensors dtype string ("BF16", "F32", "U8", ...); null if unknown. */
    public static DType parse(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
