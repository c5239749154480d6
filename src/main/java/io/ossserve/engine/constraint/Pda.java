package io.ossserve.engine.constraint;

import java.util.List;

/**
 * The byte-level pushdown recogniser of compact JSON for a {@link Shape} graph. A state is an immutable stack of
 * frames; a byte may fork it ({@code anyOf}, a number that may end or go on), so callers hold a list of stacks.
 * Every stack kept alive can still be completed: each step only accepts bytes after which a valid value exists.
 */
final class Pda {
    private Pda() {}

    sealed interface Frame {}

    /** Expects the first byte of a value of {@code shape}. */
    record Value(Shape shape) implements Frame {}

    /** Inside an object with declared properties. phase 0: after '{'; 1: after a value; 2: after ','. */
    record Obj(Shape.Obj o, int next, int phase) implements Frame {}

    /** Matching a property name (after its opening quote), on top of its {@link Obj}. */
    record Key(Shape.Obj o, int[] cands, int pos) implements Frame {}

    /** Inside a free object. phase 0: after '{'; 1: after a key; 2: after a value; 3: after ','. */
    record AnyObj(int phase) implements Frame {}

    /** Inside an array with {@code count} items begun. phase 0: after '['; 1: after an item. */
    record Arr(Shape.Arr a, int count, int phase) implements Frame {}

    /** Inside a string: code points so far, pending UTF-8 state, escape state. */
    record Str(Shape.Str s, int chars, int utf8, int esc) implements Frame {}

    /** Inside a pattern string: the regex states. */
    record Pat(Shape.Str s, long[] set, int chars) implements Frame {}

    record Num(Shape.Num n, String text) implements Frame {}

    record Lit(byte[][] cands, int pos) implements Frame {}

    record Done() implements Frame {}

    record Stack(Frame top, Stack rest) {
        Stack push(Frame f) {
            return new Stack(f, this);
        }
    }

    static final Shape.Any ANY = new Shape.Any();
    static final Shape.Str FREE_STRING = new Shape.Str(0, Integer.MAX_VALUE, null);
    static final Shape.Arr ANY_ARRAY = new Shape.Arr(ANY, 0, Integer.MAX_VALUE);
    static final Shape.Num ANY_NUMBER = new Shape.Num(false, null, false, null, false);
    static final Shape.Lit WORDS = new Shape.Lit(new byte[][] {SchemaCompiler.bytes("true"), SchemaCompiler.bytes("false"),
            SchemaCompiler.bytes("null")});
    static final Stack DONE = new Stack(new Done(), null);

    static {
        ANY.minLen = 1;
        FREE_STRING.minLen = 2;
        ANY_ARRAY.minLen = 2;
        ANY_NUMBER.minLen = 1;
        WORDS.minLen = 4;
    }

    static Stack start(Shape root) {
        return DONE.push(new Value(root));
    }

    /** Adds to {@code out} every stack reached from {@code st} by byte {@code b} (0..255). */
    static void step(Stack st, int b, List<Stack> out) {
        switch (st.top()) {
            case Done d -> { }
            case Value v -> dispatch(v.shape(), st.rest(), b, out);
            case Obj o -> obj(o, st, b, out);
            case Key k -> key(k, st, b, out);
            case AnyObj a -> anyObj(a, st, b, out);
            case Arr a -> arr(a, st, b, out);
            case Str s -> {
                Stack next = Strs.step(s, st.rest(), b);
                if (next != null) {
                    out.add(next);
                }
            }
            case Pat p -> pat(p, st, b, out);
            case Num n -> {
                String t = n.text() + (char) b;
                if (b < 128 && Numbers.minExtra(n.n(), t) >= 0) {
                    out.add(st.rest().push(new Num(n.n(), t)));
                }
                if (Numbers.minExtra(n.n(), n.text()) == 0) {
                    step(st.rest(), b, out);
                }
            }
            case Lit l -> {
                int alive = 0;
                boolean complete = false;
                for (byte[] c : l.cands()) {
                    complete |= c.length == l.pos();
                    if (c.length > l.pos() && (c[l.pos()] & 0xFF) == b) {
                        alive++;
                    }
                }
                if (alive > 0) {
                    byte[][] keep = new byte[alive][];
                    int i = 0;
                    for (byte[] c : l.cands()) {
                        if (c.length > l.pos() && (c[l.pos()] & 0xFF) == b) {
                            keep[i++] = c;
                        }
                    }
                    out.add(st.rest().push(new Lit(keep, l.pos() + 1)));
                }
                if (complete) {
                    step(st.rest(), b, out);
                }
            }
        }
    }

    private static void dispatch(Shape shape, Stack rest, int b, List<Stack> out) {
        switch (shape) {
            case Shape.Obj o -> {
                if (b == '{') {
                    out.add(rest.push(new Obj(o, 0, 0)));
                }
            }
            case Shape.AnyObj a -> {
                if (b == '{') {
                    out.add(rest.push(new AnyObj(0)));
                }
            }
            case Shape.Arr a -> {
                if (b == '[') {
                    out.add(rest.push(new Arr(a, 0, 0)));
                }
            }
            case Shape.Str s -> {
                if (b == '"') {
                    out.add(rest.push(s.free() ? new Str(s, 0, 0, 0) : new Pat(s, s.pattern.start, 0)));
                }
            }
            case Shape.Num n -> {
                if ((b == '-' || (b >= '0' && b <= '9')) && Numbers.minExtra(n, String.valueOf((char) b)) >= 0) {
                    out.add(rest.push(new Num(n, String.valueOf((char) b))));
                }
            }
            case Shape.Lit l -> step(rest.push(new Lit(l.values, 0)), b, out);
            case Shape.AnyOf a -> {
                for (Shape alt : a.alternatives) {
                    dispatch(alt, rest, b, out);
                }
            }
            case Shape.Any a -> {
                switch (b) {
                    case '{' -> out.add(rest.push(new AnyObj(0)));
                    case '[' -> out.add(rest.push(new Arr(ANY_ARRAY, 0, 0)));
                    case '"' -> out.add(rest.push(new Str(FREE_STRING, 0, 0, 0)));
                    case 't', 'f', 'n' -> dispatch(WORDS, rest, b, out);
                    default -> dispatch(ANY_NUMBER, rest, b, out);
                }
            }
            case Shape.Ref r -> dispatch(r.target, rest, b, out);
        }
    }

    /** Property indexes that may come next from {@code from}: up to and including the first required one. */
    static int[] candidates(Shape.Obj o, int from) {
        int last = Math.min(o.firstRequired[from], o.size() - 1);
        if (last < from) {
            return null;
        }
        int[] c = new int[last - from + 1];
        for (int i = 0; i < c.length; i++) {
            c[i] = from + i;
        }
        return c;
    }

    private static void obj(Obj f, Stack st, int b, List<Stack> out) {
        Shape.Obj o = f.o();
        boolean canClose = o.firstRequired[f.next()] == o.size();
        switch (f.phase()) {
            case 0, 2 -> {
                if (b == '"') {
                    int[] c = candidates(o, f.next());
                    if (c != null) {
                        out.add(st.push(new Key(o, c, 0)));
                    }
                } else if (b == '}' && f.phase() == 0 && canClose) {
                    out.add(st.rest());
                }
            }
            default -> {
                if (b == ',' && candidates(o, f.next()) != null) {
                    out.add(st.rest().push(new Obj(o, f.next(), 2)));
                } else if (b == '}' && canClose) {
                    out.add(st.rest());
                }
            }
        }
    }

    private static void key(Key k, Stack st, int b, List<Stack> out) {
        Shape.Obj o = k.o();
        int pos = k.pos();
        int alive = 0;
        for (int j : k.cands()) {
            byte[] kb = o.keyBytes[j];
            if (kb.length > pos && (kb[pos] & 0xFF) == b) {
                if (kb.length == pos + 1) {
                    out.add(st.rest().rest().push(new Obj(o, j + 1, 1)).push(new Value(o.values[j])));
                } else {
                    alive++;
                }
            }
        }
        if (alive > 0) {
            int[] keep = new int[alive];
            int i = 0;
            for (int j : k.cands()) {
                byte[] kb = o.keyBytes[j];
                if (kb.length > pos + 1 && (kb[pos] & 0xFF) == b) {
                    keep[i++] = j;
                }
            }
            out.add(st.rest().push(new Key(o, keep, pos + 1)));
        }
    }

    private static void anyObj(AnyObj a, Stack st, int b, List<Stack> out) {
        Stack rest = st.rest();
        switch (a.phase()) {
            case 0, 3 -> {
                if (b == '"') {
                    out.add(rest.push(new AnyObj(1)).push(new Str(FREE_STRING, 0, 0, 0)));
                } else if (b == '}' && a.phase() == 0) {
                    out.add(rest);
                }
            }
            case 1 -> {
                if (b == ':') {
                    out.add(rest.push(new AnyObj(2)).push(new Value(ANY)));
                }
            }
            default -> {
                if (b == ',') {
                    out.add(rest.push(new AnyObj(3)));
                } else if (b == '}') {
                    out.add(rest);
                }
            }
        }
    }

    private static void arr(Arr f, Stack st, int b, List<Stack> out) {
        Shape.Arr a = f.a();
        if (f.phase() == 0) {
            if (b == ']' && a.minItems == 0) {
                out.add(st.rest());
            } else if (a.maxItems > 0) {
                dispatch(a.item, st.rest().push(new Arr(a, 1, 1)), b, out);
            }
        } else if (b == ',' && f.count() < a.maxItems) {
            out.add(st.rest().push(new Arr(a, f.count() + 1, 1)).push(new Value(a.item)));
        } else if (b == ']' && f.count() >= a.minItems) {
            out.add(st.rest());
        }
    }

    private static void pat(Pat p, Stack st, int b, List<Stack> out) {
        Regex r = p.s().pattern;
        if (b == '"') {
            if (r.accepts(p.set()) && p.chars() >= p.s().minLength) {
                out.add(st.rest());
            }
            return;
        }
        if (p.chars() >= p.s().maxLength) {
            return;
        }
        long[] next = r.step(p.set(), b);
        if (next != null) {
            out.add(st.rest().push(new Pat(p.s(), next, p.chars() + 1)));
        }
    }

    /** Whether the value is complete: the stack is done, or only ending frames (a number, a literal) are left. */
    static boolean canFinish(Stack st) {
        for (Stack s = st; s != null; s = s.rest()) {
            switch (s.top()) {
                case Done d -> {
                    return true;
                }
                case Num n -> {
                    if (Numbers.minExtra(n.n(), n.text()) != 0) {
                        return false;
                    }
                }
                case Lit l -> {
                    boolean complete = false;
                    for (byte[] c : l.cands()) {
                        complete |= c.length == l.pos();
                    }
                    if (!complete) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    static boolean isDone(Stack st) {
        return st.top() instanceof Done;
    }

    /** The fewest bytes that complete the value from {@code st}. */
    static long minClose(Stack st) {
        long total = 0;
        for (Stack s = st; s != null; s = s.rest()) {
            total += switch (s.top()) {
                case Done d -> 0L;
                case Value v -> (long) v.shape().minLen;
                case Obj o -> objClose(o);
                case Key k -> {
                    s = s.rest();   // the object under the key is counted here
                    long best = Shape.INF;
                    for (int j : k.cands()) {
                        best = Math.min(best, k.o().keyBytes[j].length - k.pos() + (long) k.o().values[j].minLen + k.o().tail[j + 1]);
                    }
                    yield best + 1;
                }
                case AnyObj a -> switch (a.phase()) {
                    case 0, 2 -> 1L;
                    case 1 -> 3L;
                    default -> 5L;
                };
                case Arr a -> a.phase() == 0
                        ? (a.a().minItems == 0 ? 1L : (long) a.a().minItems * (a.a().item.minLen + 1))
                        : 1L + Math.max(0, a.a().minItems - a.count()) * (1L + a.a().item.minLen);
                case Str x -> Strs.minClose(x);
                case Pat p -> 1L + Math.max(p.s().pattern.minRemaining(p.set()), p.s().minLength - p.chars());
                case Num n -> (long) Numbers.minExtra(n.n(), n.text());
                case Lit l -> {
                    long best = Shape.INF;
                    for (byte[] c : l.cands()) {
                        best = Math.min(best, c.length - l.pos());
                    }
                    yield best;
                }
            };
        }
        return total;
    }

    private static long objClose(Obj f) {
        Shape.Obj o = f.o();
        return switch (f.phase()) {
            case 0 -> 1 + o.tail[0] - (o.firstRequired[0] < o.size() ? 1 : 0);
            case 1 -> 1 + o.tail[f.next()];
            default -> {
                long best = Shape.INF;
                int[] c = candidates(o, f.next());
                for (int j : c) {
                    best = Math.min(best, 1L + o.keyBytes[j].length + o.values[j].minLen + o.tail[j + 1]);
                }
                yield best + 1;
            }
        };
    }
}
