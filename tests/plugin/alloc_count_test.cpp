// SPDX-License-Identifier: MIT
// Zero heap allocations per generation after warm-up. This executable replaces malloc, calloc,
// realloc, free, aligned_alloc, posix_memalign, memalign and operator new/delete: the definitions
// here take precedence over libc's for the whole process (the dynamic linker resolves libdnnl's,
// libgomp's and libstdc++'s calls to them), so allocations inside oneDNN and the OpenMP runtime
// are counted too, on every thread. Not built under sanitizers (they own malloc themselves).
// Each allocation is attributed by its call stack: "oneDNN" if any frame lies in libdnnl.so,
// else "ntex" (our code, libgomp regions we open, libstdc++ on our behalf).
// Every test runs twice:
// - ntex's own CPU kernels (the default where the CPU has AVX2+FMA or AVX-512F): zero allocations
//   per frame in the whole process, oneDNN and the OpenMP runtime included.
// - oneDNN's kernels (NTEX_CPU_KERNELS=onednn, the fallback on other CPUs): oneDNN 2.6 allocates
//   inside every dnnl_primitive_execute (its exec_args_t is a std::unordered_map built per call, a
//   scratchpad grantor is new'd per call, and parallel_nd wraps the kernel in a std::function),
//   which no public API avoids; those are checked to be a constant number per frame and all freed
//   within the frame. Everything else must be zero.
// NTEX_ALLOC_TRACE=1 prints a backtrace of each counted allocation (to find where it comes from).
#include "test_support.h"

#include <ntex/ntex.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <execinfo.h>
#include <link.h>
#include <unistd.h>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* p, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* p);
}

namespace {

std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};   // every allocation
std::atomic<long> g_in_dnnl{0};       // those with a libdnnl frame on the stack
std::atomic<long> g_frees{0};
bool g_trace = false;
thread_local bool t_in_trace = false;
// libdnnl.so's executable segments, found once with dl_iterate_phdr (which does not allocate).
struct Range {
    uintptr_t begin, end;
};
Range g_dnnl[8];
int g_dnnl_count = 0;

int find_dnnl(dl_phdr_info* info, std::size_t, void*) {
    if (info->dlpi_name == nullptr || std::strstr(info->dlpi_name, "libdnnl") == nullptr) return 0;
    for (int i = 0; i < info->dlpi_phnum && g_dnnl_count < 8; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) {
            g_dnnl[g_dnnl_count++] = {info->dlpi_addr + ph.p_vaddr, info->dlpi_addr + ph.p_vaddr + ph.p_memsz};
        }
    }
    return 0;
}

bool stack_in_dnnl() noexcept {
    void* frames[64];
    const int n = backtrace(frames, 64);
    for (int f = 0; f < n; ++f) {
        const auto pc = reinterpret_cast<uintptr_t>(frames[f]);
        for (int r = 0; r < g_dnnl_count; ++r) {
            if (pc >= g_dnnl[r].begin && pc < g_dnnl[r].end) return true;
        }
    }
    return false;
}

void note_free(void* p) noexcept {
    if (p != nullptr && g_counting.load(std::memory_order_relaxed)) g_frees.fetch_add(1, std::memory_order_relaxed);
}

void note_allocation() noexcept {
    if (!g_counting.load(std::memory_order_relaxed) || t_in_trace) return;
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    t_in_trace = true;
    if (stack_in_dnnl()) g_in_dnnl.fetch_add(1, std::memory_order_relaxed);
    t_in_trace = false;
    if (g_trace && !t_in_trace) {
        // backtrace() was called once before counting started, so libgcc is loaded and it does
        // not allocate here; backtrace_symbols_fd writes without malloc.
        t_in_trace = true;
        void* frames[32];
        int n = backtrace(frames, 32);
        static const char kSep[] = "---- allocation:\n";
        (void)!write(2, kSep, sizeof kSep - 1);
        backtrace_symbols_fd(frames, n, 2);
        t_in_trace = false;
    }
}

void* aligned(std::size_t alignment, std::size_t size) noexcept {
    note_allocation();
    return __libc_memalign(alignment, size);
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
    note_allocation();
    return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
    note_allocation();
    return __libc_calloc(count, size);
}
void* realloc(void* p, std::size_t size) {
    note_allocation();
    note_free(p);
    return __libc_realloc(p, size);
}
void free(void* p) {
    note_free(p);
    __libc_free(p);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) { return aligned(alignment, size); }
void* memalign(std::size_t alignment, std::size_t size) { return aligned(alignment, size); }
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
    void* p = aligned(alignment, size);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
}

}  // extern "C"

// operator new goes through malloc in libstdc++, but a replacement here makes the count independent
// of that detail (and of -fno-builtin quirks).
void* operator new(std::size_t size) {
    void* p = malloc(size == 0 ? 1 : size);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, std::align_val_t a) {
    void* p = aligned(static_cast<std::size_t>(a), size == 0 ? 1 : size);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}
void* operator new[](std::size_t size, std::align_val_t a) { return operator new(size, a); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, std::size_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t) noexcept { free(p); }
void operator delete(void* p, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { free(p); }

namespace ntex {
namespace {

struct Counts {
    long total = 0;
    long in_dnnl = 0;
    long frees = 0;
    long ntex() const { return total - in_dnnl; }
    long net() const { return total - frees; }
};

// Counts the allocations made by body() on any thread.
template <typename Body>
Counts count_allocations(Body&& body) {
    g_allocations.store(0);
    g_in_dnnl.store(0);
    g_frees.store(0);
    g_counting.store(true);
    body();
    g_counting.store(false);
    return Counts{g_allocations.load(), g_in_dnnl.load(), g_frees.load()};
}

class AllocationFree : public ::testing::TestWithParam<const char*> {
protected:
    bool native() const { return std::strcmp(GetParam(), "native") == 0; }
    void SetUp() override {
        // Read when the context and the generator's plan are built (cpu_kernels.h).
        ::setenv("NTEX_CPU_KERNELS", GetParam(), 1);
        void* frames[4];
        backtrace(frames, 4);  // loads libgcc's unwinder before any counting
        if (g_dnnl_count == 0) dl_iterate_phdr(find_dnnl, nullptr);
        ASSERT_GT(g_dnnl_count, 0) << "libdnnl.so not found among the loaded objects";
        g_trace = std::getenv("NTEX_ALLOC_TRACE") != nullptr;
        auto path = test::shipped_model_json();
        if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not present";
        NtexContextCreateInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
        info.headerVersion = NTEX_HEADER_VERSION;
        info.threadCount = 2;
        ASSERT_EQ(ntexCreateContext(&info, &m_context), NTEX_SUCCESS);
        NtexBackendInfo backend{};
        backend.sType = NTEX_STRUCTURE_TYPE_BACKEND_INFO;
        ASSERT_EQ(ntexGetContextBackendInfo(m_context, &backend), NTEX_SUCCESS);
        const bool runs_native = std::strstr(backend.deviceName, "ntex ") != nullptr;
        if (native() && !runs_native) GTEST_SKIP() << "this CPU runs oneDNN's kernels: " << backend.deviceName;
        ASSERT_EQ(runs_native, native()) << backend.deviceName;
        NtexModelLoadInfo load{};
        load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
        std::string p = path.string();
        load.pPath = p.c_str();
        ASSERT_EQ(ntexLoadModel(m_context, &load, &m_model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexGeneratorCreateInfo create{};
        create.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
        create.model = m_model;
        create.width = 256;
        create.height = 256;
        ASSERT_EQ(ntexCreateGenerator(m_context, &create, &m_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexModelInfo model_info{};
        model_info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
        ASSERT_EQ(ntexGetModelInfo(m_model, &model_info), NTEX_SUCCESS);
        m_z.assign(model_info.zDim, 0.25f);
        m_pixels.resize(256 * 256 * 4);
    }
    void TearDown() override {
        ntexDestroyGenerator(m_generator);
        ntexDestroyModel(m_model);
        ntexDestroyContext(m_context);
        ::unsetenv("NTEX_CPU_KERNELS");
    }
    void set_params(uint32_t seed, const float* z, float psi) {
        NtexGeneratorParams params{};
        params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
        params.seed = seed;
        params.pZ = z;
        params.zCount = z ? static_cast<uint32_t>(m_z.size()) : 0;
        params.truncationPsi = psi;
        ASSERT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    void generate_and_read() {
        ASSERT_EQ(ntexGenerate(m_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexHostImage image{};
        image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        image.format = NTEX_HOST_FORMAT_R8G8B8A8;
        image.pData = m_pixels.data();
        image.rowPitch = 256 * 4;
        image.size = m_pixels.size();
        ASSERT_EQ(ntexReadMap(m_generator, 0, &image), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    void warm_up() {
        for (int i = 0; i < 2; ++i) {
            set_params(1, nullptr, 0.8f);
            generate_and_read();
        }
    }

    NtexContext m_context = nullptr;
    NtexModel m_model = nullptr;
    NtexGenerator m_generator = nullptr;
    std::vector<float> m_z;
    std::vector<uint8_t> m_pixels;
};

// Five frames. With ntex's kernels: no allocation at all. With oneDNN's: none outside oneDNN,
// and oneDNN's per-execute allocations are the same every frame and freed within it.
template <typename Frame>
void expect_allocation_free(Frame&& frame, const char* what, bool strict) {
    long dnnl_per_frame = -1;
    for (int i = 0; i < 5; ++i) {
        Counts c = count_allocations([&] { frame(i); });
        EXPECT_EQ(c.ntex(), 0) << what << ", frame " << i << ": heap allocations outside oneDNN (NTEX_ALLOC_TRACE=1 shows where)";
        EXPECT_EQ(c.net(), 0) << what << ", frame " << i << ": allocations not freed within the frame";
        if (strict) {
            EXPECT_EQ(c.in_dnnl, 0) << what << ", frame " << i << ": oneDNN allocated, but ntex's kernels should not call it";
        }
        if (dnnl_per_frame >= 0) {
            EXPECT_EQ(c.in_dnnl, dnnl_per_frame) << what << ", frame " << i << ": oneDNN's count changed";
        }
        dnnl_per_frame = c.in_dnnl;
    }
    std::printf("[ info ] %s (%s kernels): 0 allocations in ntex, %ld inside oneDNN per frame (all freed within it)\n", what,
                strict ? "ntex" : "oneDNN", dnnl_per_frame);
}

TEST_P(AllocationFree, SameParams) {
    warm_up();
    expect_allocation_free(
        [&](int) {
            set_params(1, nullptr, 0.8f);
            generate_and_read();
        },
        "same parameters", native());
}

TEST_P(AllocationFree, NewSeedEveryFrame) {
    warm_up();
    expect_allocation_free(
        [&](int i) {
            set_params(static_cast<uint32_t>(2 + i), nullptr, 0.8f);
            generate_and_read();
        },
        "new seed every frame", native());
}

TEST_P(AllocationFree, NewZAndPsiEveryFrame) {
    warm_up();
    expect_allocation_free(
        [&](int i) {
            m_z[static_cast<std::size_t>(i)] += 0.5f;
            set_params(1, m_z.data(), 0.5f + 0.1f * static_cast<float>(i));
            generate_and_read();
        },
        "new z and psi every frame", native());
}

// The asynchronous path: the worker thread (started during warm-up) generates into the
// preallocated back buffer and swaps; requests, waits and reads allocate nothing either.
TEST_P(AllocationFree, AsyncNewSeedEveryFrame) {
    auto async_frame = [&](uint32_t seed) {
        set_params(seed, nullptr, 0.8f);
        ASSERT_EQ(ntexGenerateAsync(m_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(ntexWaitIdle(m_generator), NTEX_SUCCESS);
        uint64_t id = 0;
        ASSERT_EQ(ntexGetResultId(m_generator, &id), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexHostImage image{};
        image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        image.format = NTEX_HOST_FORMAT_R8G8B8A8;
        image.pData = m_pixels.data();
        image.rowPitch = 256 * 4;
        image.size = m_pixels.size();
        const uint32_t map = 0;
        ASSERT_EQ(ntexReadMaps(m_generator, 1, &map, &image, &id), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    };
    for (uint32_t i = 0; i < 2; ++i) async_frame(1 + i);
    expect_allocation_free([&](int i) { async_frame(static_cast<uint32_t>(10 + i)); }, "async, new seed every frame", native());
}

// The counter itself works: a generator creation allocates (guards against a silently
// non-interposed malloc making the tests above pass vacuously).
TEST_P(AllocationFree, CounterSeesAllocations) {
    Counts n = count_allocations([&] {
        NtexGeneratorCreateInfo create{};
        create.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
        create.model = m_model;
        create.width = 64;
        create.height = 64;
        NtexGenerator g = nullptr;
        ASSERT_EQ(ntexCreateGenerator(m_context, &create, &g), NTEX_SUCCESS);
        ntexDestroyGenerator(g);
    });
    EXPECT_GT(n.ntex(), 0);
    EXPECT_GT(n.in_dnnl, 0) << "no allocation attributed to libdnnl: interposition or attribution is broken";
}

INSTANTIATE_TEST_SUITE_P(Kernels, AllocationFree, ::testing::Values("native", "onednn"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace ntex
