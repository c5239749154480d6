package io.ossserve.engine.constraint;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code oneOf} needs exactly one alternative to match. Generating from any alternative is only correct when no value
 * can match two, so alternatives must differ by JSON type, or be objects told apart by a required property whose
 * literal values do not overlap (a discriminator). Anything else is refused.
 */
final class Disjoint {
    private Disjoint() {}

    enum Kind { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL }

    static void check(List<Shape> alts, String path) {
        for (int i = 0; i < alts.size(); i++) {
            for (int j = i + 1; j < alts.size(); j++) {
                Shape a = deref(alts.get(i));
                Shape b = deref(alts.get(j));
                EnumSet<Kind> ka = kinds(a);
                EnumSet<Kind> kb = kinds(b);
                EnumSet<Kind> both = EnumSet.copyOf(ka);
                both.retainAll(kb);
                if (both.isEmpty()) {
                    continue;
                }
                if (a instanceof Shape.Lit la && b instanceof Shape.Lit lb && disjointLiterals(la, lb)) {
                    continue;
                }
                if (both.equals(EnumSet.of(Kind.OBJECT)) && a instanceof Shape.Obj oa && b instanceof Shape.Obj ob
                        && discriminated(oa, ob)) {
                    continue;
                }
                throw new UnsupportedSchemaException("oneOf", path, "alternatives " + i + " and " + j
                        + " may match the same value (use anyOf, or distinct types or a const discriminator)");
            }
        }
    }

    private static Shape deref(Shape s) {
        for (int i = 0; i < 64 && s instanceof Shape.Ref r && r.target != null; i++) {
            s = r.target;
        }
        return s;
    }

    private static boolean discriminated(Shape.Obj a, Shape.Obj b) {
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < b.size(); j++) {
                if (a.required[i] && b.required[j] && a.names[i].equals(b.names[j])
                        && deref(a.values[i]) instanceof Shape.Lit la && deref(b.values[j]) instanceof Shape.Lit lb
                        && disjointLiterals(la, lb)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean disjointLiterals(Shape.Lit a, Shape.Lit b) {
        Set<String> x = new HashSet<>();
        for (byte[] v : a.values) {
            x.add(Arrays.toString(v));
        }
        for (byte[] v : b.values) {
            if (x.contains(Arrays.toString(v))) {
                return false;
            }
        }
        return true;   // compact encodings of numbers could still be equal in value (1 vs 1.0): literals are rare there
    }

    static EnumSet<Kind> kinds(Shape s) {
        return switch (deref(s)) {
            case Shape.Obj o -> EnumSet.of(Kind.OBJECT);
            case Shape.AnyObj o -> EnumSet.of(Kind.OBJECT);
            case Shape.Arr a -> EnumSet.of(Kind.ARRAY);
            case Shape.Str str -> EnumSet.of(Kind.STRING);
            case Shape.Num n -> EnumSet.of(Kind.NUMBER);
            case Shape.Lit l -> {
                EnumSet<Kind> k = EnumSet.noneOf(Kind.class);
                for (byte[] v : l.values) {
                    k.add(switch (v[0]) {
                        case '{' -> Kind.OBJECT;
                        case '[' -> Kind.ARRAY;
                        case '"' -> Kind.STRING;
                        case 't', 'f' -> Kind.BOOLEAN;
                        case 'n' -> Kind.NULL;
                        default -> Kind.NUMBER;
                    });
                }
                yield k;
            }
            case Shape.AnyOf a -> {
                EnumSet<Kind> k = EnumSet.noneOf(Kind.class);
                for (Shape x : a.alternatives) {
                    k.addAll(kinds(x));
                }
                yield k;
            }
            case Shape.Any a -> EnumSet.allOf(Kind.class);
            case Shape.Ref r -> EnumSet.allOf(Kind.class);
        };
    }
}
