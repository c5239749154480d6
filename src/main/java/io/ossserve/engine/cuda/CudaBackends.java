package io.ossserve.engine.cuda;

import io.ossserve.model.GptOssConfig;
import io.ossserve.model.ModelWeights;
import java.util.Optional;

/**
 * Builds CUDA backends, or explains why not: no JCuda driver library / NVIDIA driver, no device, no
 * kernels in this build (built without nvcc), no kernels for the device's architecture, or a model
 * shape the kernels do not handle. Every refusal is a {@link CudaUnavailableException} with the reason.
 */
public final class CudaBackends {
    private CudaBackends() {}

    /** Why a CUDA backend cannot be created on device {@code device} here, or empty when it can. */
    public static Optional<String> unavailableReason(int device) {
        try {
            CudaDevice d = open(device);
            d.close();
            return Optional.empty();
        } catch (CudaUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Uploads {@code weights} to the device (MXFP4 stays compressed, the rest bf16 / float32). */
    public static CudaBackend create(ModelWeights weights, CudaOptions options) {
        GptOssConfig c = weights.config();
        checkShape(c);
        CudaDevice d = open(options.device());
        try {
            return new CudaBackend(d, DeviceWeights.upload(d, weights), options, "checkpoint weights");
        } catch (RuntimeException | Error e) {
            d.close();
            throw e;
        }
    }

    /** A backend over random weights of {@code config}'s exact shapes, generated on the device (benchmarks). */
    public static CudaBackend createSynthetic(GptOssConfig config, CudaOptions options, long seed) {
        checkShape(config);
        CudaDevice d = open(options.device());
        try {
            return new CudaBackend(d, DeviceWeights.synthetic(d, config, seed), options, "synthetic weights, seed " + seed);
        } catch (RuntimeException | Error e) {
            d.close();
            throw e;
        }
    }

    private static void checkShape(GptOssConfig c) {
        String why = LaunchShapes.unsupportedReason(c.hiddenSize(), c.qWidth(), c.kvWidth(), c.headDim(), c.intermediateSize());
        if (why != null) {
            throw new CudaUnavailableException("the CUDA kernels do not support this model shape: " + why);
        }
    }

    /** The first failure to load the JCuda driver library (a JVM cannot retry it), or null. */
    private static volatile String driverFailure;

    static CudaDevice open(int device) {
        FatbinResource fatbin = FatbinResource.load();
        if (driverFailure != null) {
            throw new CudaUnavailableException(driverFailure);
        }
        try {
            Class.forName("jcuda.driver.JCudaDriver");
        } catch (ClassNotFoundException e) {
            throw new CudaUnavailableException("no CUDA driver bindings: JCuda is not on the class path", e);
        } catch (LinkageError e) {
            driverFailure = "no CUDA driver: the JCuda driver library could not be loaded (" + firstLine(rootMessage(e))
                    + "); a GPU host needs the NVIDIA driver (libcuda.so.1)";
            throw new CudaUnavailableException(driverFailure, e);
        }
        try {
            jcuda.driver.JCudaDriver.setExceptionsEnabled(true);
            jcuda.driver.JCudaDriver.cuInit(0);
            int[] count = {0};
            jcuda.driver.JCudaDriver.cuDeviceGetCount(count);
            if (count[0] == 0) {
                throw new CudaUnavailableException("no CUDA device: the driver reports none");
            }
        } catch (jcuda.CudaException e) {
            throw new CudaUnavailableException("no CUDA device: " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw new CudaUnavailableException("no CUDA driver: " + rootMessage(e), e);
        }
        if (fatbin == null) {
            throw new CudaUnavailableException("no CUDA kernels in this build: it was built without nvcc "
                    + "(the cuda-kernels Maven profile needs nvcc at /usr/local/cuda/bin/nvcc or -Dnvcc.path)");
        }
        try {
            return new CudaDevice(device, fatbin);
        } catch (jcuda.CudaException e) {
            throw new CudaUnavailableException("CUDA device " + device + " cannot be opened: " + e.getMessage(), e);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
