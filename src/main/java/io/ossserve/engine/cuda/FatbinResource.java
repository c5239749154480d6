package io.ossserve.engine.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The kernels built by nvcc into {@code io/ossserve/engine/cuda/kernels.fatbin} with the list of
 * architectures in {@code kernels.properties} (written by cuda-kernels/build-fatbin.sh). No JCuda here.
 *
 * @param archs cubin targets, e.g. sm_80, sm_90a
 * @param ptx   PTX target ("compute_90") or empty
 */
record FatbinResource(byte[] image, List<String> archs, String ptx, String nvccVersion) {

    static final String FATBIN = "kernels.fatbin";
    static final String PROPERTIES = "kernels.properties";

    /** The resource, or null when this build has none (built without nvcc). */
    static FatbinResource load() {
        try (InputStream fb = FatbinResource.class.getResourceAsStream(FATBIN);
                InputStream pr = FatbinResource.class.getResourceAsStream(PROPERTIES)) {
            if (fb == null || pr == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(pr);
            List<String> archs = new ArrayList<>();
            for (String a : p.getProperty("archs", "").split(",")) {
                if (!a.isBlank()) {
                    archs.add(a.trim());
                }
            }
            return new FatbinResource(fb.readAllBytes(), List.copyOf(archs), p.getProperty("ptx", "").trim(),
                    p.getProperty("nvcc", "?"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CUDA kernel resource", e);
        }
    }

    /**
     * Whether a device of compute capability major.minor can run this image: an sm_XY cubin runs on
     * XY' with the same major and minor >= Y; an "a" (arch-specific) cubin only on exactly XY; compute_XY
     * PTX is JIT-compiled by the driver for any device >= XY.
     */
    static boolean supports(List<String> archs, String ptx, int major, int minor) {
        for (String a : archs) {
            boolean specific = a.endsWith("a");
            int cc = Integer.parseInt(a.substring(3, specific ? a.length() - 1 : a.length()));
            int aMajor = cc / 10, aMinor = cc % 10;
            if (specific ? (aMajor == major && aMinor == minor) : (aMajor == major && aMinor <= minor)) {
                return true;
            }
        }
        if (ptx != null && ptx.startsWith("compute_")) {
            int cc = Integer.parseInt(ptx.substring(8).replace("a", ""));
            return major * 10 + minor >= cc;
        }
        return false;
    }

    boolean supports(int major, int minor) {
        return supports(archs, ptx, major, minor);
    }

    String describe() {
        return String.join(", ", archs) + (ptx.isEmpty() ? "" : " + " + ptx + " PTX") + " (nvcc " + nvccVersion + ")";
    }
}
