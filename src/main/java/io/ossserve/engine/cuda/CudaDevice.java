package io.ossserve.engine.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;

/**
 * One CUDA device through the driver API: the primary context, the kernel module loaded from the fatbin
 * (cuModuleLoadData), one stream, every device allocation (all freed by {@link #close()}), kernel launches
 * with one argument struct each, optional per-kernel event timing, and graph capture.
 */
final class CudaDevice implements AutoCloseable {
    final int ordinal;
    final String name;
    final int ccMajor, ccMinor, smCount;
    final long totalMemory;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final CUstream stream = new CUstream();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final List<DevPtr> allocations = new ArrayList<>();
    private final List<CUgraphExec> graphs = new ArrayList<>();
    private long allocatedBytes;
    private boolean capturing;
    private Profile profile;
    private boolean closed;

    /** Opens device {@code ordinal} and loads {@code fatbin}; throws CudaUnavailableException with the reason. */
    CudaDevice(int ordinal, FatbinResource fatbin) {
        this.ordinal = ordinal;
        setExceptionsEnabled(true);
        cuInit(0);
        int[] count = {0};
        cuDeviceGetCount(count);
        if (ordinal >= count[0]) {
            throw new CudaUnavailableException("no CUDA device " + ordinal + " (the driver reports " + count[0] + ")");
        }
        cuDeviceGet(device, ordinal);
        byte[] nameBytes = new byte[256];
        cuDeviceGetName(nameBytes, nameBytes.length, device);
        String n = new String(nameBytes, java.nio.charset.StandardCharsets.US_ASCII);
        name = n.indexOf(0) >= 0 ? n.substring(0, n.indexOf(0)) : n;
        ccMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        ccMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        smCount = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        long[] total = {0};
        cuDeviceTotalMem(total, device);
        totalMemory = total[0];
        if (!fatbin.supports(ccMajor, ccMinor)) {
            throw new CudaUnavailableException("no kernels for sm_" + ccMajor + ccMinor + " (" + name + ") in this build: it has "
                    + fatbin.describe());
        }
        cuDevicePrimaryCtxRetain(context, device);
        try {
            cuCtxSetCurrent(context);
            cuModuleLoadData(module, fatbin.image());
            cuStreamCreate(stream, 0);
            for (String k : LaunchShapes.KERNELS) {
                function(k);                           // resolve all now: none is looked up during graph capture
            }
        } catch (RuntimeException e) {
            cuDevicePrimaryCtxRelease(device);
            throw new CudaUnavailableException("cannot load the CUDA kernels on " + name + ": " + e.getMessage(), e);
        }
    }

    private int attribute(int attr) {
        int[] v = {0};
        cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }

    String describe() {
        return name + " (sm_" + ccMajor + ccMinor + ", " + smCount + " SMs, " + (totalMemory >> 20) + " MiB)";
    }

    /** Makes this device's context current on the calling thread. */
    void bind() {
        cuCtxSetCurrent(context);
    }

    long freeMemory() {
        long[] free = {0}, total = {0};
        cuMemGetInfo(free, total);
        return free[0];
    }

    long allocatedBytes() {
        return allocatedBytes;
    }

    DevPtr alloc(long bytes) {
        DevPtr p = new DevPtr(Math.max(bytes, 16));
        cuMemAlloc(p, p.bytes);
        allocations.add(p);
        allocatedBytes += p.bytes;
        return p;
    }


    void upload(DevPtr base, long offset, Pointer host, long bytes) {
        cuMemcpyHtoD(base.withByteOffset(offset), host, bytes);
    }

    void download(Pointer host, DevPtr base, long offset, long bytes) {
        cuMemcpyDtoH(host, base.withByteOffset(offset), bytes);
    }

    void zero(DevPtr p) {
        cuMemsetD8(p, (byte) 0, p.bytes);
    }


    CUfunction function(String kernel) {
        return functions.computeIfAbsent(kernel, k -> {
            CUfunction f = new CUfunction();
            cuModuleGetFunction(f, module, k);
            return f;
        });
    }

    /** Launches {@code kernel} on the stream with one by-value argument struct. */
    void launch(String kernel, int gx, int gy, int bx, int smem, KernelArgs args) {
        CUfunction f = function(kernel);
        Pointer params = Pointer.to(Pointer.to(args.bytes()));
        if (profile != null && !capturing) {
            profile.before(kernel);
        }
        cuLaunchKernel(f, gx, gy, 1, bx, 1, 1, smem, stream, params, null);
        if (profile != null && !capturing) {
            profile.after();
        }
    }

    void synchronize() {
        cuStreamSynchronize(stream);
    }

    /** Records everything {@code body} launches into a graph and instantiates it. */
    CUgraphExec capture(Runnable body) {
        CUgraph graph = new CUgraph();
        cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        capturing = true;
        try {
            body.run();
        } finally {
            capturing = false;
            cuStreamEndCapture(stream, graph);
        }
        CUgraphExec exec = new CUgraphExec();
        try {
            cuGraphInstantiate(exec, graph, 0);
        } finally {
            cuGraphDestroy(graph);
        }
        graphs.add(exec);
        return exec;
    }

    void launchGraph(CUgraphExec exec) {
        cuGraphLaunch(exec, stream);
    }

    /** Starts (or stops, with false) per-kernel event timing of eager launches. */
    void profile(boolean on) {
        if (profile != null) {
            profile.close();
        }
        profile = on ? new Profile() : null;
    }

    /** Milliseconds per kernel name since profiling started (synchronizes). */
    Map<String, double[]> profileTable() {
        synchronize();
        return profile == null ? Map.of() : profile.table();
    }

    /** Event pairs around each launch; summed per kernel: {total ms, launches}. */
    private final class Profile {
        private final List<CUevent[]> pairs = new ArrayList<>();
        private final List<String> names = new ArrayList<>();

        void before(String kernel) {
            CUevent a = new CUevent(), b = new CUevent();
            cuEventCreate(a, 0);
            cuEventCreate(b, 0);
            pairs.add(new CUevent[] {a, b});
            names.add(kernel);
            cuEventRecord(a, stream);
        }

        void after() {
            cuEventRecord(pairs.get(pairs.size() - 1)[1], stream);
        }

        Map<String, double[]> table() {
            Map<String, double[]> t = new LinkedHashMap<>();
            float[] ms = {0};
            for (int i = 0; i < pairs.size(); i++) {
                cuEventElapsedTime(ms, pairs.get(i)[0], pairs.get(i)[1]);
                double[] acc = t.computeIfAbsent(names.get(i), k -> new double[2]);
                acc[0] += ms[0];
                acc[1] += 1;
            }
            return t;
        }

        void close() {
            for (CUevent[] p : pairs) {
                cuEventDestroy(p[0]);
                cuEventDestroy(p[1]);
            }
            pairs.clear();
            names.clear();
        }
    }

    /** Frees every allocation and graph, unloads the module, releases the context. Safe after a failure. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Throwable> errors = new ArrayList<>();
        try {
            cuCtxSetCurrent(context);
        } catch (RuntimeException e) {
            errors.add(e);
        }
        tryRun(errors, () -> profile(false));
        for (CUgraphExec g : graphs) {
            tryRun(errors, () -> cuGraphExecDestroy(g));
        }
        graphs.clear();
        for (DevPtr p : allocations) {
            tryRun(errors, () -> cuMemFree(p));
        }
        allocations.clear();
        allocatedBytes = 0;
        tryRun(errors, () -> cuStreamDestroy(stream));
        tryRun(errors, () -> cuModuleUnload(module));
        tryRun(errors, () -> cuDevicePrimaryCtxRelease(device));
        if (!errors.isEmpty()) {
            System.getLogger(CudaDevice.class.getName()).log(System.Logger.Level.WARNING,
                    "CUDA cleanup reported " + errors.size() + " error(s); first: " + errors.get(0));
        }
    }

    private static void tryRun(List<Throwable> errors, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            errors.add(e);
        }
    }
}
