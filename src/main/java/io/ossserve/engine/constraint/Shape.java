package io.ossserve.engine.constraint;

import java.util.List;

/**
 * A compiled schema node: what one JSON value may be. {@link #minLen} (the shortest valid compact encoding, in bytes)
 * is filled in by the compiler once every node, including recursive references, exists.
 */
abstract sealed class Shape {
    static final int INF = 1 << 28;
    int minLen = INF;

    /** An object with declared properties, written in declaration order; optional ones may be skipped. */
    static final class Obj extends Shape {
        final String[] names;
        /** {@code name":} as UTF-8 (the opening quote is matched before) */
        final byte[][] keyBytes;
        final Shape[] values;
        final boolean[] required;
        /** firstRequired[i]: the smallest required index >= i, or names.length */
        final int[] firstRequired;
        /** tail[i]: bytes that the required properties from i on need, each as {@code ,"name":value} (after minLen) */
        long[] tail;

        Obj(String[] names, byte[][] keyBytes, Shape[] values, boolean[] required) {
            this.names = names;
            this.keyBytes = keyBytes;
            this.values = values;
            this.required = required;
            firstRequired = new int[names.length + 1];
            firstRequired[names.length] = names.length;
            for (int i = names.length - 1; i >= 0; i--) {
                firstRequired[i] = required[i] ? i : firstRequired[i + 1];
            }
        }

        int size() {
            return names.length;
        }
    }

    /** Any object (free keys, any values): {@code json_object} and objects without declared properties. */
    static final class AnyObj extends Shape {}

    static final class Arr extends Shape {
        Shape item;
        final int minItems;
        final int maxItems;

        Arr(Shape item, int minItems, int maxItems) {
            this.item = item;
            this.minItems = minItems;
            this.maxItems = maxItems;
        }
    }

    /** A string, free or bounded in length (code points), or matching a pattern. */
    static final class Str extends Shape {
        final int minLength;
        final int maxLength;
        /** null, or the compiled pattern (anchored to the whole string) */
        final Regex pattern;

        Str(int minLength, int maxLength, Regex pattern) {
            this.minLength = minLength;
            this.maxLength = maxLength;
            this.pattern = pattern;
        }

        boolean free() {
            return pattern == null;
        }
    }

    /** A number (or integer) written as {@code -?(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?}, within optional bounds. */
    static final class Num extends Shape {
        final boolean integer;
        final java.math.BigDecimal min;
        final boolean minExclusive;
        final java.math.BigDecimal max;
        final boolean maxExclusive;

        Num(boolean integer, java.math.BigDecimal min, boolean minExclusive, java.math.BigDecimal max, boolean maxExclusive) {
            this.integer = integer;
            this.min = min;
            this.minExclusive = minExclusive;
            this.max = max;
            this.maxExclusive = maxExclusive;
        }
    }

    /** One of a fixed set of compact JSON encodings: enum, const, true/false, null. */
    static final class Lit extends Shape {
        final byte[][] values;

        Lit(byte[][] values) {
            this.values = values;
        }
    }

    static final class AnyOf extends Shape {
        final List<Shape> alternatives;

        AnyOf(List<Shape> alternatives) {
            this.alternatives = alternatives;
        }
    }

    /** Any JSON value. */
    static final class Any extends Shape {}

    /** A {@code $ref}, resolved after all definitions are compiled (allows recursion). */
    static final class Ref extends Shape {
        final String ref;
        Shape target;

        Ref(String ref) {
            this.ref = ref;
        }
    }
}
