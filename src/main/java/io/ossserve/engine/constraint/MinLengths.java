package io.ossserve.engine.constraint;

import java.util.List;

/** The shortest compact encoding of every shape, by fixpoint iteration (references may be recursive). */
final class MinLengths {
    private MinLengths() {}

    static void compute(List<Shape> shapes) {
        boolean changed = true;
        for (int round = 0; changed && round < 10_000; round++) {
            changed = false;
            for (Shape s : shapes) {
                int v = Math.min(Shape.INF, of(s));
                if (v < s.minLen) {
                    s.minLen = v;
                    changed = true;
                }
            }
        }
        for (Shape s : shapes) {
            if (s instanceof Shape.Obj o) {
                o.tail = new long[o.size() + 1];
                for (int i = o.size() - 1; i >= 0; i--) {
                    o.tail[i] = o.tail[i + 1] + (o.required[i] ? 2L + o.keyBytes[i].length + o.values[i].minLen : 0);
                }
            }
        }
    }

    private static int of(Shape s) {
        return switch (s) {
            case Shape.Obj o -> {
                long total = 2;
                int k = 0;
                for (int i = 0; i < o.size(); i++) {
                    if (o.required[i]) {
                        total += 1 + o.keyBytes[i].length + (long) o.values[i].minLen;
                        k++;
                    }
                }
                yield (int) Math.min(Shape.INF, total + Math.max(0, k - 1));
            }
            case Shape.AnyObj a -> 2;
            case Shape.Arr a -> (int) Math.min(Shape.INF, 2 + (long) a.minItems * a.item.minLen + Math.max(0, a.minItems - 1));
            case Shape.Str str -> 2 + (str.pattern != null ? Math.max(str.pattern.minLength(), str.minLength) : str.minLength);
            case Shape.Num n -> Numbers.minExtra(n, "");
            case Shape.Lit l -> {
                int m = Shape.INF;
                for (byte[] v : l.values) {
                    m = Math.min(m, v.length);
                }
                yield m;
            }
            case Shape.AnyOf a -> {
                int m = Shape.INF;
                for (Shape x : a.alternatives) {
                    m = Math.min(m, x.minLen);
                }
                yield m;
            }
            case Shape.Any a -> 1;
            case Shape.Ref r -> r.target == null ? Shape.INF : r.target.minLen;
        };
    }
}
