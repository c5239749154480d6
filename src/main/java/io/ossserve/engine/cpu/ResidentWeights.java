package io.ossserve.engine.cpu;

import io.ossserve.model.LayerWeights;
import io.ossserve.model.Matrix;
import io.ossserve.model.ModelWeights;
import io.ossserve.model.Mxfp4Experts;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the CPU backend reads the weights it streams every step: from the checkpoint's file mapping, or from a copy in
 * anonymous memory backed by 2 MB transparent huge pages.
 * <p>
 * A decode step reads every matrix (and the chosen experts) once. From the file mapping those reads go through 4 KB
 * page-cache pages, physically scattered, one TLB entry per 4 KB; the copy is one anonymous mapping that Linux backs with
 * 2 MB pages. AMD Zen 5, 2 cores, `small`, two backends alternating in one JVM (12 rounds of 48 decode steps): median
 * 22.63 → 17.04 ms per step, the experts 9.09 → 5.80 ms (docs/benchmarks.md, sixth session).
 * <p>
 * The copy costs resident memory (the weights' size, off the Java heap) and a read of the checkpoint at start; the
 * file's page-cache pages can then be dropped by the kernel. The token embedding stays mapped (a step reads only its
 * tokens' rows), and so do the small per-layer vectors (already on the heap).
 */
public final class ResidentWeights implements AutoCloseable {

    /** Where the weights are read from. */
    public enum Placement {
        /** {@link #COPIED} on Linux with transparent huge pages enabled and enough available memory, else {@link #MAPPED}. */
        AUTO,
        /** The checkpoint's file mapping, as loaded. */
        MAPPED,
        /** A copy in anonymous memory with huge pages (where the kernel grants them). */
        COPIED
    }

    private static final System.Logger LOG = System.getLogger(ResidentWeights.class.getName());
    private static final long HUGE_PAGE = 2L << 20;
    /** Offsets of tensors inside the copy: cache-line and page aligned. */
    private static final long ALIGN = 4096;
    /** Linux mmap/madvise constants (the same on x86-64 and aarch64). */
    private static final int PROT_READ_WRITE = 0x1 | 0x2, MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20, MADV_HUGEPAGE = 14;

    private final ModelWeights weights;
    private final Arena arena;                  // owns the anonymous mapping (munmap on close), or null
    private final String description;

    private ResidentWeights(ModelWeights weights, Arena arena, String description) {
        this.weights = weights;
        this.arena = arena;
        this.description = description;
    }

    /** The weights to compute with: {@code source} itself, or its copy. */
    public ModelWeights weights() {
        return weights;
    }

    /** E.g. {@code "weights copied (1186 MiB, huge pages)"} or {@code "weights mapped"}. */
    public String description() {
        return description;
    }

    /** Weights read from the file mapping as they are. */
    public static ResidentWeights mapped(ModelWeights source) {
        return new ResidentWeights(source, null, "weights mapped");
    }

    /**
     * The weights placed as asked. {@link Placement#AUTO} copies only where {@link #autoCopies} says so, and falls back to
     * the mapping (with a warning) if the copy cannot be made; {@link Placement#COPIED} throws then.
     */
    public static ResidentWeights place(ModelWeights source, Placement placement) {
        if (placement == Placement.MAPPED) {
            return mapped(source);
        }
        long bytes = copiedBytes(source);
        if (placement == Placement.AUTO) {
            Optional<String> why = autoCopies(linux(), thpSetting(), available(), bytes);
            if (why.isPresent()) {
                LOG.log(System.Logger.Level.INFO, "CPU weights stay mapped: " + why.get());
                return mapped(source);
            }
        }
        try {
            return copy(source, bytes);
        } catch (RuntimeException | LinkageError e) {
            if (placement == Placement.COPIED) {
                throw new IllegalStateException("cannot copy the weights into anonymous memory (" + (bytes >> 20)
                        + " MiB): " + e.getMessage() + "; use the mapped placement instead", e);
            }
            LOG.log(System.Logger.Level.WARNING, "CPU weights stay mapped: the copy failed (" + e.getMessage() + ")");
            return mapped(source);
        }
    }

    /**
     * Why {@link Placement#AUTO} keeps the weights mapped, or empty when it copies them: on Linux, with transparent huge
     * pages not {@code never}, and with available memory ({@link #available}) of at least the copy plus a quarter of it
     * plus 1 GiB (the KV cache and other work keep room).
     *
     * @param thp          the bracketed word of /sys/kernel/mm/transparent_hugepage/enabled, or null when unknown
     * @param memAvailable bytes available, or -1 when unknown
     */
    static Optional<String> autoCopies(boolean linux, String thp, long memAvailable, long bytes) {
        if (!linux) {
            return Optional.of("huge-page copies are made on Linux only");
        }
        if (thp == null || thp.equals("never")) {
            return Optional.of("transparent huge pages are " + (thp == null ? "not available" : "disabled (never)"));
        }
        long needed = bytes + bytes / 4 + (1L << 30);
        if (memAvailable < needed) {
            return Optional.of("available memory " + (memAvailable < 0 ? "unknown" : (memAvailable >> 20) + " MiB")
                    + " is below the " + (needed >> 20) + " MiB a copy of " + (bytes >> 20) + " MiB would want");
        }
        return Optional.empty();
    }

    /** Bytes a copy holds: the unembedding and every layer's matrices and experts (not the token embedding). */
    static long copiedBytes(ModelWeights w) {
        long total = padded(w.unembedding().data());
        for (LayerWeights l : w.layers()) {
            for (Matrix m : List.of(l.q(), l.k(), l.v(), l.o(), l.router())) {
                total += padded(m.data());
            }
            total += padded(l.mlp1().blocks()) + padded(l.mlp1().scales()) + padded(l.mlp2().blocks()) + padded(l.mlp2().scales());
        }
        return total;
    }

    private static long padded(MemorySegment s) {
        return (s.byteSize() + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static ResidentWeights copy(ModelWeights w, long bytes) {
        Linker linker = Linker.nativeLinker();
        MethodHandle mmap = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MethodHandle madvise = linker.downcallHandle(linker.defaultLookup().find("madvise").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        MethodHandle munmap = linker.downcallHandle(linker.defaultLookup().find("munmap").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        long size = bytes + HUGE_PAGE;                  // room to start on a 2 MB boundary
        MemorySegment raw;
        int advised;
        try {
            raw = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, size, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (raw.address() == -1L) {
            throw new IllegalStateException("mmap of " + (size >> 20) + " MiB failed");
        }
        // the mapping belongs to a shared arena: every access checks that it is still open (an access after close
        // throws instead of touching unmapped memory), and closing it runs munmap
        Arena arena = Arena.ofShared();
        raw = raw.reinterpret(size, arena, s -> unmap(munmap, s.address(), size));
        MemorySegment region = raw.asSlice(((raw.address() + HUGE_PAGE - 1) & -HUGE_PAGE) - raw.address(), bytes);
        try {
            // advised before the first touch, so that the copy's page faults take 2 MB pages
            advised = (int) madvise.invokeExact(region, bytes / HUGE_PAGE * HUGE_PAGE, MADV_HUGEPAGE);
        } catch (Throwable t) {
            advised = -1;
        }
        ModelWeights copied;
        try {
            Copier c = new Copier(region);
            Matrix unembedding = c.matrix(w.unembedding());
            List<LayerWeights> layers = new ArrayList<>();
            for (LayerWeights l : w.layers()) {
                layers.add(new LayerWeights(l.index(), l.sliding(), l.attnNorm(), c.matrix(l.q()), l.qBias(), c.matrix(l.k()),
                        l.kBias(), c.matrix(l.v()), l.vBias(), l.sinks(), c.matrix(l.o()), l.oBias(), l.mlpNorm(),
                        c.matrix(l.router()), l.routerBias(), c.experts(l.mlp1()), l.mlp1Bias(), c.experts(l.mlp2()), l.mlp2Bias()));
            }
            copied = new ModelWeights(w.config(), w.embedding(), layers, w.finalNorm(), unembedding);
        } catch (RuntimeException | Error e) {
            arena.close();                              // a failed copy leaves no mapping behind
            throw e;
        }
        String pages = advised == 0 ? "huge pages advised" : "huge pages refused by madvise";
        return new ResidentWeights(copied, arena, String.format(Locale.ROOT, "weights copied (%d MiB, %s)", bytes >> 20, pages));
    }

    /** Carves tensors out of the region in order and copies them in. */
    private static final class Copier {
        private final MemorySegment region;
        private long next;

        Copier(MemorySegment region) {
            this.region = region;
        }

        MemorySegment copy(MemorySegment src) {
            MemorySegment dst = region.asSlice(next, src.byteSize());
            dst.copyFrom(src);
            next += padded(src);
            return dst;
        }

        Matrix matrix(Matrix m) {
            return new Matrix(m.name(), m.dtype(), m.rows(), m.cols(), copy(m.data()));
        }

        Mxfp4Experts experts(Mxfp4Experts e) {
            return new Mxfp4Experts(e.name(), e.experts(), e.rows(), e.cols(), copy(e.blocks()), copy(e.scales()));
        }
    }

    /**
     * Unmaps the copy; nothing for mapped weights. A step still reading the copy then fails with an exception (the arena
     * is closed), never touches unmapped memory.
     */
    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }

    private static void unmap(MethodHandle munmap, long address, long size) {
        try {
            int rc = (int) munmap.invokeExact(MemorySegment.ofAddress(address), size);
            if (rc != 0) {
                LOG.log(System.Logger.Level.WARNING, "munmap of the weights' copy returned " + rc);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "munmap of the weights' copy failed: " + t);
        }
    }

    private static boolean linux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    /** The active setting of /sys/kernel/mm/transparent_hugepage/enabled ({@code always}, {@code madvise}, {@code never}). */
    static String thpSetting() {
        try {
            String s = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            int a = s.indexOf('['), b = s.indexOf(']');
            return a >= 0 && b > a ? s.substring(a + 1, b) : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Bytes this process can still take: MemAvailable of /proc/meminfo, bounded by the memory cgroup's limit less its
     * anonymous memory (in a container MemAvailable is the host's), less what the Java heap may still grow by; -1 when
     * unknown.
     */
    static long available() {
        long mem = memAvailable();
        if (mem < 0) {
            return -1;
        }
        long cgroup = cgroupRoom(readOrNull("/sys/fs/cgroup/memory.max"), readOrNull("/sys/fs/cgroup/memory.stat"), "anon ");
        if (cgroup < 0) {
            cgroup = cgroupRoom(readOrNull("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
                    readOrNull("/sys/fs/cgroup/memory/memory.stat"), "total_rss ");
        }
        Runtime rt = Runtime.getRuntime();
        long heapGrowth = rt.maxMemory() == Long.MAX_VALUE ? 0 : rt.maxMemory() - rt.totalMemory();
        return Math.max(0, (cgroup < 0 ? mem : Math.min(mem, cgroup)) - heapGrowth);
    }

    /**
     * A memory cgroup's limit less its anonymous memory ({@code stat}'s line starting with {@code anonKey}); -1 when there is
     * no limit (v2 {@code max}, v1 a number near 2^63) or the files are unreadable.
     */
    static long cgroupRoom(String limit, String stat, String anonKey) {
        if (limit == null || stat == null) {
            return -1;
        }
        try {
            String l = limit.trim();
            if (l.equals("max") || Long.parseLong(l) >= (1L << 60)) {
                return -1;
            }
            long anon = stat.lines().filter(s -> s.startsWith(anonKey)).mapToLong(s -> Long.parseLong(s.substring(anonKey.length()).trim()))
                    .findFirst().orElse(0);
            return Math.max(0, Long.parseLong(l) - anon);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String readOrNull(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** MemAvailable of /proc/meminfo in bytes, or -1. */
    static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] f = line.trim().split("\\s+");
                    return Long.parseLong(f[1]) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }
}
