// SPDX-License-Identifier: MIT
// Asynchronous generation through the C API: results are never torn (every read is one whole
// result, all maps from the same one), queued requests are superseded, ids and idle states.
#include "core/error.h"
#include "runtime/async_generator.h"
#include "test_support.h"

#include <ntex/ntex.h>
#include <ntex/ntex.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace ntex {
namespace {

constexpr uint32_t kSize = 128;
// An out-of-range enum value from a runtime int, as from a C caller.
int g_format_99 = 99;
constexpr uint32_t kMaps = 4;
// One format per map, so every host format goes through the concurrent path.
constexpr NtexHostFormat kFormats[kMaps] = {NTEX_HOST_FORMAT_R8G8B8A8, NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT, NTEX_HOST_FORMAT_R16_UNORM,
                                            NTEX_HOST_FORMAT_R32_SFLOAT};
constexpr std::size_t kTexel[kMaps] = {4, 16, 2, 4};

// All maps of one read, each a tightly packed host image.
struct Snapshot {
    std::vector<uint8_t> maps[kMaps];
    uint64_t id = 0;
    bool operator==(const Snapshot& o) const {
        for (uint32_t i = 0; i < kMaps; ++i) {
            if (maps[i] != o.maps[i]) return false;
        }
        return true;
    }
};

class Async : public ::testing::Test {
protected:
    void SetUp() override {
        test::TinyModelOptions o;
        o.material = true;
        m_json = test::make_tiny_model(o).write(m_dir.path());
        // NTEX_TEST_THREADS=1 keeps OpenMP single-threaded (for ThreadSanitizer runs: libgomp's own
        // synchronisation is invisible to it).
        const char* threads = std::getenv("NTEX_TEST_THREADS");
        ASSERT_NO_FATAL_FAILURE(test::open_generator(m_json, threads != nullptr ? static_cast<uint32_t>(std::atoi(threads)) : 2u, kSize, &m_context,
                                                     &m_model, &m_generator));
        for (uint32_t i = 0; i < kMaps; ++i) {
            m_images[i] = NtexHostImage{};
            m_images[i].sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
            m_images[i].format = kFormats[i];
            m_images[i].rowPitch = kSize * kTexel[i];
            m_images[i].size = m_images[i].rowPitch * kSize;
            m_indices[i] = i;
        }
    }
    void TearDown() override {
        ntexDestroyGenerator(m_generator);
        ntexDestroyModel(m_model);
        ntexDestroyContext(m_context);
    }
    void set_seed(uint32_t seed) {
        NtexGeneratorParams params{};
        params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
        params.seed = seed;
        params.truncationPsi = 0.9f;
        ASSERT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    NtexResult read(Snapshot& s) {
        NtexHostImage images[kMaps];
        for (uint32_t i = 0; i < kMaps; ++i) {
            s.maps[i].resize(m_images[i].size);
            images[i] = m_images[i];
            images[i].pData = s.maps[i].data();
        }
        return ntexReadMaps(m_generator, kMaps, m_indices, images, &s.id);
    }
    Snapshot generate_sync(uint32_t seed) {
        set_seed(seed);
        EXPECT_EQ(ntexGenerate(m_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        Snapshot s;
        EXPECT_EQ(read(s), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        return s;
    }

    test::TempDir m_dir;
    std::filesystem::path m_json;
    NtexContext m_context = nullptr;
    NtexModel m_model = nullptr;
    NtexGenerator m_generator = nullptr;
    NtexHostImage m_images[kMaps];
    uint32_t m_indices[kMaps];
};

// Generations with alternating seeds run on the worker while this thread reads in a tight loop:
// every read equals one of the two known complete results, all maps from the same one.
TEST_F(Async, ReadsAreNeverTorn) {
    const Snapshot a = generate_sync(1);
    const Snapshot b = generate_sync(2);
    ASSERT_FALSE(a == b);
    for (uint32_t i = 0; i < kMaps; ++i) ASSERT_NE(a.maps[i], b.maps[i]) << "map " << i << " does not depend on the seed";
    long reads = 0, reads_while_busy = 0, seen_a = 0, seen_b = 0;
    uint64_t last_id = 0;
    Snapshot s;
    for (uint32_t job = 0; job < 40; ++job) {
        set_seed(job % 2 ? 1 : 2);
        ASSERT_EQ(ntexGenerateAsync(m_generator), NTEX_SUCCESS);
        for (;;) {
            uint64_t id = 0;
            const NtexResult status = ntexGetResultId(m_generator, &id);
            ASSERT_TRUE(status == NTEX_SUCCESS || status == NTEX_NOT_READY) << ntexResultToString(status);
            ASSERT_EQ(read(s), NTEX_SUCCESS) << ntexGetLastErrorMessage();
            ++reads;
            if (status == NTEX_NOT_READY) ++reads_while_busy;
            const bool is_a = s == a, is_b = s == b;
            if (!is_a && !is_b) {
                for (uint32_t i = 0; i < kMaps; ++i) {
                    ADD_FAILURE() << "read " << reads << " (result " << s.id << "), map " << i << ": equals A " << (s.maps[i] == a.maps[i])
                                  << ", equals B " << (s.maps[i] == b.maps[i]);
                }
                return;
            }
            seen_a += is_a;
            seen_b += is_b;
            EXPECT_GE(s.id, last_id) << "result ids go backwards";
            last_id = s.id;
            if (status == NTEX_SUCCESS) break;
        }
        // Sometimes request the next generation before this one finished, so results land while reading.
        if (job % 3 == 0) {
            set_seed(job % 2 ? 2 : 1);
            ASSERT_EQ(ntexGenerateAsync(m_generator), NTEX_SUCCESS);
        }
    }
    ASSERT_EQ(ntexWaitIdle(m_generator), NTEX_SUCCESS);
    std::printf("[ info ] %ld reads (%ld while a generation ran): %ld equal result A, %ld result B, none torn; %llu results\n", reads,
                reads_while_busy, seen_a, seen_b, static_cast<unsigned long long>(last_id));
    EXPECT_GT(reads_while_busy, 0) << "no read overlapped a generation: the test proves nothing";
    EXPECT_GT(seen_a, 0);
    EXPECT_GT(seen_b, 0);
}

// Many requests in a row: a queued request is replaced by the next, so far fewer generations run,
// and the final result is the last parameters'.
TEST_F(Async, NewerRequestsSupersedeQueuedOnes) {
    const Snapshot expected = generate_sync(100);
    const Snapshot other = generate_sync(5);
    ASSERT_FALSE(expected == other);
    uint64_t before = 0;
    ASSERT_EQ(ntexGetResultId(m_generator, &before), NTEX_SUCCESS);
    const uint32_t requests = 100;
    for (uint32_t i = 1; i <= requests; ++i) {
        set_seed(i);
        ASSERT_EQ(ntexGenerateAsync(m_generator), NTEX_SUCCESS);
    }
    ASSERT_EQ(ntexWaitIdle(m_generator), NTEX_SUCCESS);
    uint64_t after = 0;
    ASSERT_EQ(ntexGetResultId(m_generator, &after), NTEX_SUCCESS);
    const uint64_t generations = after - before;
    std::printf("[ info ] %u requests -> %llu generations\n", requests, static_cast<unsigned long long>(generations));
    EXPECT_GE(generations, 1u);
    EXPECT_LE(generations, 10u);
    Snapshot s;
    ASSERT_EQ(read(s), NTEX_SUCCESS);
    EXPECT_TRUE(s == expected) << "the final result is not the last request's";
    EXPECT_EQ(s.id, after);
}

TEST_F(Async, ResultIdsAndIdleStates) {
    uint64_t id = 77;
    EXPECT_EQ(ntexGetResultId(m_generator, &id), NTEX_SUCCESS);
    EXPECT_EQ(id, 0u);
    Snapshot s;
    EXPECT_EQ(read(s), NTEX_NOT_READY);
    EXPECT_EQ(ntexWaitIdle(m_generator), NTEX_SUCCESS);   // idle without a worker
    set_seed(3);
    ASSERT_EQ(ntexGenerateAsync(m_generator), NTEX_SUCCESS);
    const NtexResult status = ntexGetResultId(m_generator, &id);
    EXPECT_TRUE(status == NTEX_NOT_READY || (status == NTEX_SUCCESS && id == 1u));
    ASSERT_EQ(ntexWaitIdle(m_generator), NTEX_SUCCESS);
    EXPECT_EQ(ntexGetResultId(m_generator, &id), NTEX_SUCCESS);
    EXPECT_EQ(id, 1u);
    // A synchronous generation after an asynchronous request waits for it, then runs: two results.
    ASSERT_EQ(ntexGenerateAsync(m_generator), NTEX_SUCCESS);
    ASSERT_EQ(ntexGenerate(m_generator), NTEX_SUCCESS);
    EXPECT_EQ(ntexGetResultId(m_generator, &id), NTEX_SUCCESS);
    EXPECT_EQ(id, 3u);
    ASSERT_EQ(read(s), NTEX_SUCCESS);
    EXPECT_EQ(s.id, 3u);
    // Misuse.
    EXPECT_EQ(ntexGetResultId(m_generator, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexGetResultId(nullptr, &id), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexGenerateAsync(nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexWaitIdle(nullptr), NTEX_ERROR_INVALID_ARGUMENT);
}

TEST_F(Async, DestroyWhileGenerating) {
    for (int i = 0; i < 3; ++i) {
        set_seed(static_cast<uint32_t>(i));
        ASSERT_EQ(ntexGenerateAsync(m_generator), NTEX_SUCCESS);
        ASSERT_EQ(ntexGenerateAsync(m_generator), NTEX_SUCCESS);
    }
    ntexDestroyGenerator(m_generator);   // joins the worker
    m_generator = nullptr;
}

TEST_F(Async, ReadMapsChecksEveryImageBeforeWriting) {
    generate_sync(1);
    Snapshot s;
    NtexHostImage images[kMaps];
    for (uint32_t i = 0; i < kMaps; ++i) {
        s.maps[i].assign(m_images[i].size, 0xCD);
        images[i] = m_images[i];
        images[i].pData = s.maps[i].data();
    }
    images[1].rowPitch = kSize * 16 - 1;
    EXPECT_EQ(ntexReadMaps(m_generator, kMaps, m_indices, images, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(s.maps[0], std::vector<uint8_t>(m_images[0].size, 0xCD)) << "map 0 written although image 1 is invalid";
    images[1].rowPitch = kSize * 16;
    images[2].format = static_cast<NtexHostFormat>(g_format_99);
    EXPECT_EQ(ntexReadMaps(m_generator, kMaps, m_indices, images, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("pImages[2]->format 99"), std::string::npos) << ntexGetLastErrorMessage();
    images[2].format = NTEX_HOST_FORMAT_R16_UNORM;
    images[3].sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    EXPECT_EQ(ntexReadMaps(m_generator, kMaps, m_indices, images, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    images[3].sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    const uint32_t bad_index[kMaps] = {0, 1, 2, 4};
    EXPECT_EQ(ntexReadMaps(m_generator, kMaps, bad_index, images, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexReadMaps(m_generator, kMaps, nullptr, images, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexReadMaps(m_generator, kMaps, m_indices, nullptr, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexReadMaps(m_generator, 9, m_indices, images, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexReadMaps(nullptr, kMaps, m_indices, images, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    uint64_t id = 0;
    EXPECT_EQ(ntexReadMaps(m_generator, 0, nullptr, nullptr, &id), NTEX_SUCCESS);
    EXPECT_EQ(id, 1u);
    EXPECT_EQ(ntexReadMaps(m_generator, kMaps, m_indices, images, &id), NTEX_SUCCESS);
    EXPECT_NE(s.maps[0], std::vector<uint8_t>(m_images[0].size, 0xCD));
    // The same map twice into two formats is fine.
    const uint32_t twice[2] = {3, 3};
    NtexHostImage two[2] = {images[3], images[3]};
    std::vector<uint8_t> r8(kSize * kSize);
    two[1].format = NTEX_HOST_FORMAT_R8_UNORM;
    two[1].pData = r8.data();
    two[1].rowPitch = kSize;
    two[1].size = r8.size();
    EXPECT_EQ(ntexReadMaps(m_generator, 2, twice, two, nullptr), NTEX_SUCCESS);
}

// A 16x16 AsyncGenerator of the tiny material model on one thread.
std::unique_ptr<AsyncGenerator> make_tiny_material_generator() {
    test::TinyModelOptions o;
    o.material = true;
    GeneratorSettings s;
    s.threads = 1;
    return std::make_unique<AsyncGenerator>(test::load_in_memory(test::make_tiny_model(o)), 16, 16, s);
}

// A failed worker generation is reported once, by the next poll (ntexGetResultId); the previous
// result stays readable and the generator keeps working.
TEST(AsyncGenerator, WorkerErrorReportedByNextPoll) {
    const std::unique_ptr<AsyncGenerator> owner = make_tiny_material_generator();
    AsyncGenerator& g = *owner;
    GeneratorParams p;
    p.seed = 2;
    g.set_params(p);
    g.generate_async();
    g.wait_idle();
    uint64_t id = 0;
    EXPECT_FALSE(g.poll(&id));
    EXPECT_EQ(id, 1u);
    g.inject_failure_for_test();
    g.generate_async();
    g.wait_idle();
    try {
        g.poll(&id);
        FAIL() << "no error reported";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_BACKEND);
        EXPECT_STREQ(e.what(), "injected failure");
    }
    EXPECT_EQ(id, 1u);   // written before the error is rethrown
    EXPECT_FALSE(g.poll(&id));   // reported once
    std::vector<float> r32(16 * 16);
    const uint32_t map = 2;
    HostImageView view{NTEX_HOST_FORMAT_R32_SFLOAT, r32.data(), 16 * 4, r32.size() * 4, std::nullopt};
    g.read_maps(1, &map, &view, &id);
    EXPECT_EQ(id, 1u);
    g.generate_async();
    g.wait_idle();
    EXPECT_FALSE(g.poll(&id));
    EXPECT_EQ(id, 2u);
}

// Result listeners run once per published result, on the generating thread, before wait_idle returns;
// one that throws is dropped without affecting the generator; a removed one is never called again.
TEST(AsyncGenerator, ResultListenersRunBeforeIdle) {
    const std::unique_ptr<AsyncGenerator> owner = make_tiny_material_generator();
    AsyncGenerator& g = *owner;
    std::vector<uint64_t> seen;
    std::thread::id listener_thread;
    const uint64_t a = g.add_result_listener([&](uint64_t id) {
        seen.push_back(id);
        listener_thread = std::this_thread::get_id();
        // A listener may read the result it was told about.
        std::vector<float> r32(16 * 16);
        const uint32_t map = 2;
        HostImageView view{NTEX_HOST_FORMAT_R32_SFLOAT, r32.data(), 16 * 4, r32.size() * 4, std::nullopt};
        uint64_t read = 0;
        g.read_maps(1, &map, &view, &read);
        EXPECT_EQ(read, id);
    });
    g.add_result_listener([](uint64_t) { throw Error(NTEX_ERROR_BACKEND, "listener failure"); });
    GeneratorParams p;
    p.seed = 4;
    g.set_params(p);
    g.generate();
    EXPECT_EQ(seen, std::vector<uint64_t>({1}));
    EXPECT_EQ(listener_thread, std::this_thread::get_id()) << "generate() runs listeners on the calling thread";
    g.generate_async();
    g.wait_idle();
    EXPECT_EQ(seen, std::vector<uint64_t>({1, 2})) << "wait_idle returned before the listener ran";
    EXPECT_NE(listener_thread, std::this_thread::get_id()) << "the worker runs listeners";
    uint64_t id = 0;
    EXPECT_FALSE(g.poll(&id)) << "a listener's exception must not become the generator's error";
    EXPECT_EQ(id, 2u);
    g.remove_result_listener(a);
    g.remove_result_listener(12345);   // unknown: ignored
    g.generate();
    EXPECT_EQ(seen.size(), 2u);
}

}  // namespace
}  // namespace ntex
