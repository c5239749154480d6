package io.ossserve.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ossserve.engine.StepChunk;
import io.ossserve.engine.cpu.CpuBackends;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What the CUDA backend computes on the host: runs everywhere, no GPU needed. */
class CudaHostSideTest {

    @Test
    void fatbinResourceHoldsEveryKernelForEveryTargetWhenBuiltWithNvcc() {
        FatbinResource fb = FatbinResource.load();
        Assumptions.assumeTrue(fb != null, "built without nvcc: no kernels.fatbin resource in this build");
        assertThat(fb.image().length).isGreaterThan(10_000);
        assertThat(fb.archs()).contains("sm_80", "sm_90a").isSubsetOf("sm_80", "sm_86", "sm_89", "sm_90a", "sm_100a", "sm_120a");
        assertThat(fb.ptx()).isEqualTo("compute_90");
        String text = new String(fb.image(), java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String k : LaunchShapes.KERNELS) {
            assertThat(text).as("kernel %s in the fatbin", k).contains(k);
        }
    }

    @Test
    void architectureMatchingFollowsCubinAndPtxRules() {
        List<String> archs = List.of("sm_80", "sm_86", "sm_89", "sm_90a", "sm_100a", "sm_120a");
        assertThat(FatbinResource.supports(archs, "compute_90", 9, 0)).isTrue();     // H100/H200: sm_90a
        assertThat(FatbinResource.supports(archs, "compute_90", 8, 7)).isTrue();     // Orin: sm_86 cubin
        assertThat(FatbinResource.supports(archs, "compute_90", 10, 3)).isTrue();    // B300: compute_90 PTX
        assertThat(FatbinResource.supports(archs, "", 10, 3)).isFalse();             // sm_100a is 10.0 only
        assertThat(FatbinResource.supports(archs, "compute_90", 7, 5)).isFalse();    // Turing: nothing
        assertThat(FatbinResource.supports(List.of("sm_90a"), "", 9, 0)).isTrue();
    }

    @Test
    void refusesWithAClearReasonWhereThereIsNoDevice() {
        Optional<String> reason = CudaBackends.unavailableReason(0);
        Assumptions.assumeTrue(reason.isPresent(), "a CUDA device is present: the refusal path is not reachable here");
        assertThat(reason.get()).startsWith("no CUDA");
        var tiny = io.ossserve.model.Checkpoint.open(io.ossserve.TestModels.tiny());
        try (tiny) {
            assertThatThrownBy(() -> CudaBackends.create(tiny.weights(), CudaOptions.DEFAULTS))
                    .isInstanceOf(CudaUnavailableException.class)
                    .hasMessage(reason.get());
            // the CPU engine still works in the same JVM
            try (var cpu = CpuBackends.create(tiny.weights(), CpuBackends.Kernels.AUTO, 1);
                    var cache = cpu.newCache(4)) {
                cpu.step(List.of(new StepChunk(cache, new int[] {1, 2}, StepChunk.Logits.LAST)), (c, t, l) -> { });
                assertThat(cache.length()).isEqualTo(2);
            }
        }
    }

    @Test
    void argumentStructsMatchTheCLayoutOfTheHeader() {
        // sizeof(...) printed by a host program compiled with nvcc against cuda-kernels/ossserve_args.h
        KernelArgs embed = new KernelArgs().ptr(1).ptr(2).ptr(3).i32(4).i32(5);
        assertThat(embed.bytes()).hasSize(32);
        KernelArgs norm = new KernelArgs().ptr(1).ptr(2).ptr(3).ptr(4).ptr(5).i32(1).i32(2).f32(3);
        assertThat(norm.bytes()).hasSize(56);
        KernelArgs gemv = new KernelArgs().ptr(1).ptr(2).ptr(3).ptr(4).i32(1).i32(2).i32(3).i32(4).i32(5);
        assertThat(gemv.bytes()).hasSize(56);
        KernelArgs rope = new KernelArgs().ptr(1).ptr(2).ptr(3).ptr(4).ptr(5).ptr(6);
        for (int i = 0; i < 8; i++) {
            rope.i32(i);
        }
        assertThat(rope.f32(1f).bytes()).hasSize(88);
        KernelArgs attn = new KernelArgs().ptr(1).ptr(2).ptr(3).ptr(4).ptr(5).ptr(6).ptr(7);
        for (int i = 0; i < 10; i++) {
            attn.i32(i);
        }
        assertThat(attn.f32(1f).bytes()).hasSize(104);
        assertThat(new KernelArgs().ptr(1).ptr(2).ptr(3).ptr(4).ptr(5).i32(1).i32(2).i32(3).i32(4).bytes()).hasSize(56);
        assertThat(new KernelArgs().ptr(1).ptr(2).ptr(3).ptr(4).ptr(5).ptr(6).i32(1).i32(2).i32(3).i32(4).f32(1).f32(2).bytes()).hasSize(72);
        assertThat(new KernelArgs().ptr(1).ptr(2).ptr(3).ptr(4).ptr(5).ptr(6).ptr(7).i32(1).i32(2).i32(3).i32(4).bytes()).hasSize(72);
        KernelArgs sample = new KernelArgs();
        for (int i = 0; i < 10; i++) {
            sample.ptr(i);
        }
        assertThat(sample.i32(1).i32(2).i32(3).bytes()).hasSize(96);
        assertThat(new KernelArgs().ptr(1).u64(2).u64(3).f32(1).i32(2).i32(3).bytes()).hasSize(40);
        // padding: a pointer after an int starts at the next multiple of 8, little-endian
        byte[] b = new KernelArgs().i32(7).ptr(0x0102030405060708L).bytes();
        assertThat(b).hasSize(16);
        assertThat(b[0]).isEqualTo((byte) 7);
        assertThat(b[8]).isEqualTo((byte) 8);
        assertThat(b[15]).isEqualTo((byte) 1);
    }

    @Test
    void launchShapesAndBuckets() {
        assertThat(LaunchShapes.gemvRowsPerBlock(1)).isEqualTo(1);
        assertThat(LaunchShapes.gemvRowsPerBlock(2)).isEqualTo(2);
        assertThat(LaunchShapes.gemvRowsPerBlock(3)).isEqualTo(4);
        assertThat(LaunchShapes.gemvRowsPerBlock(5)).isEqualTo(8);
        assertThat(LaunchShapes.gemvRowsPerBlock(2048)).isEqualTo(8);
        assertThat(List.of(1, 2, 3, 5, 8, 9, 64).stream().map(LaunchShapes::bucket)).containsExactly(1, 2, 4, 8, 8, 16, 64);
        assertThat(LaunchShapes.ceilDiv(201088, LaunchShapes.WARPS)).isEqualTo(25136);
        assertThat(LaunchShapes.unsupportedReason(2880, 4096, 512, 64, 2880)).isNull();     // gpt-oss
        assertThat(LaunchShapes.unsupportedReason(64, 64, 32, 16, 64)).isNull();            // tiny
        assertThat(LaunchShapes.unsupportedReason(2880, 4096, 512, 96, 2880)).contains("head_dim");
        assertThat(LaunchShapes.unsupportedReason(2884, 4096, 512, 64, 2880)).contains("multiples of 8");
    }

    @Test
    void kvPagesAccountForEveryPageAndSlot() {
        assertThat(KvPages.pageBytes(24, 512, 16)).isEqualTo(4L * 24 * 2 * 16 * 512);   // 1.5 MiB per 16 positions of 20b
        KvPages p = new KvPages(16, 4, 3, 131072);
        assertThat(p.maxPagesPerSeq).isEqualTo(8192);
        assertThat(p.freePageCount()).isEqualTo(3);                                    // page 0 is the scratch page
        int a = p.takeSlot(), b = p.takeSlot();
        assertThat(List.of(a, b)).doesNotContain(0);
        assertThatThrownBy(p::takeSlot).hasMessageContaining("slots are in use");
        p.takePage();
        p.takePage();
        int last = p.takePage();
        assertThat(last).isNotZero();
        assertThatThrownBy(p::takePage).hasMessageContaining("KV cache is full");
        p.returnPage(last);
        assertThat(p.takePage()).isEqualTo(last);
        assertThatThrownBy(() -> new KvPages(16, 1, 2, 100)).hasMessageContaining("at least 2");
    }

    @Test
    void stepPlanSplitsLongChunksIntoOrderedPasses() {
        var cache = new io.ossserve.engine.KvCache() {
            public int length() { return 0; }
            public int capacity() { return 100; }
            public void truncate(int l) { }
            public void close() { }
        };
        var other = new io.ossserve.engine.KvCache() {
            public int length() { return 0; }
            public int capacity() { return 100; }
            public void truncate(int l) { }
            public void close() { }
        };
        List<StepChunk> chunks = List.of(new StepChunk(cache, new int[10], StepChunk.Logits.LAST),
                new StepChunk(other, new int[] {1}, StepChunk.Logits.ALL));
        List<StepPlan.Pass> passes = StepPlan.passes(chunks, 4);
        assertThat(passes).hasSize(3);
        assertThat(passes.get(0).rows()).isEqualTo(4);
        assertThat(passes.get(2).pieces()).hasSize(2);                               // last piece of chunk 0 + chunk 1
        StepPlan.Piece tail = passes.get(2).pieces().get(0);
        assertThat(tail.offset()).isEqualTo(8);
        assertThat(tail.wantsLogits(1)).isTrue();
        assertThat(tail.wantsLogits(0)).isFalse();
        assertThat(passes.get(0).pieces().get(0).wantsLogits(3)).isFalse();
        assertThat(StepPlan.passes(chunks, 64)).hasSize(1);
    }

    @Test
    void bytesPerTokenMatchesThePerformanceFloor() {
        double b = CudaBench.bytesPerToken(io.ossserve.model.Presets.get("20b"));
        assertThat(b / 1e9).isBetween(3.6, 3.8);                                     // performance.md: 3.71 GB
        assertThat(DeviceWeights.toBf16(1.00390625f)).isEqualTo((short) 0x3F80);       // tie → even
        assertThat(DeviceWeights.toBf16(1.01171875f)).isEqualTo((short) 0x3F82);       // tie → even (up)
    }
}
