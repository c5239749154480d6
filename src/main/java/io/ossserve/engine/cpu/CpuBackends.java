package io.ossserve.engine.cpu;

import io.ossserve.model.ModelWeights;

/** Builds CPU backends, choosing the Vector API kernels when the JVM has the module. */
public final class CpuBackends {
    private CpuBackends() {}

    private static final System.Logger LOG = System.getLogger(CpuBackends.class.getName());
    private static volatile boolean warned;

    /** Kernel choice: {@code auto} (vector when available), {@code vector}, {@code scalar}. */
    public enum Kernels { AUTO, VECTOR, SCALAR }

    /** True when {@code jdk.incubator.vector} is resolved in this JVM (java --add-modules jdk.incubator.vector). */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    public static CpuKernels kernels(Kernels choice, Parallel parallel) {
        if (choice == Kernels.SCALAR) {
            return new ScalarKernels(parallel);
        }
        if (vectorApiAvailable()) {
            try {
                // reflective so that this class links even where the module is absent
                return (CpuKernels) Class.forName("io.ossserve.engine.cpu.VectorKernels")
                        .getConstructor(Parallel.class).newInstance(parallel);
            } catch (ReflectiveOperationException | LinkageError e) {
                if (choice == Kernels.VECTOR) {
                    throw new IllegalStateException("Vector API kernels failed to load: " + e, e);
                }
            }
        } else if (choice == Kernels.VECTOR) {
            throw new IllegalStateException("Vector API kernels requested but the JVM lacks the module: "
                    + "start java with --add-modules jdk.incubator.vector");
        }
        if (!warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "jdk.incubator.vector is not available: the CPU engine uses its slow scalar "
                    + "kernels. Start java with --add-modules jdk.incubator.vector for the fast path.");
        }
        return new ScalarKernels(parallel);
    }

    /** A backend that owns a pool of {@code threads} workers (0 = all available processors). */
    public static CpuBackend create(ModelWeights weights, Kernels choice, int threads) {
        Parallel p = new Parallel(threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads);
        return new CpuBackend(weights, kernels(choice, p), p, true);
    }

    /**
     * A backend that owns its pool and its weights' placement ({@link ResidentWeights}: the file mapping, or a copy with
     * huge pages, unmapped when the backend closes).
     */
    public static CpuBackend create(ModelWeights weights, Kernels choice, int threads, ResidentWeights.Placement placement) {
        ResidentWeights placed = ResidentWeights.place(weights, placement);
        Parallel p = new Parallel(threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads);
        return new CpuBackend(placed, kernels(choice, p), p, true);
    }
}
