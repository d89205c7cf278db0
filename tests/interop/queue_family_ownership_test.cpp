// SPDX-License-Identifier: MIT
// Queue-family ownership transfer (issue 15; docs/embedding.md, "Another queue family"): a host that samples
// a texture set's images on a queue of another family (here an async-compute family) transfers ownership
// as the Vulkan spec's "Queue Family Ownership Transfer" section describes, with the barriers the docs
// give: a release on ntex's family after the update (or ntex's deferred final barriers made the release),
// the acquire on its own family, and the way back before the slot's next update. Every frame's images
// read on the other family must equal the same images read back on ntex's family, on the host-copy and
// Vulkan compute paths, with the validation layer silent: it checks each barrier's families, that every
// acquire has its release queued before it, and the layouts.
//
// lavapipe (CI) has one queue family, so VK_LAYER_NTEX_test_queue_family_split (queue_family_split_layer.cpp),
// enabled below the validation layer, gives it a virtual compute family; on a device with two families
// (the H200 run) the test uses the real second family. AnAcquireWithoutItsReleaseIsReported shows that a
// broken transfer is caught, so a silent run means the transfers above are right.
#include "formats.h"
#include "load_generator.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

using ntex_test::VulkanHost;

constexpr const char* kSplitLayer = "VK_LAYER_NTEX_test_queue_family_split";
constexpr uint32_t kWidth = 64, kHeight = 32;
constexpr VkPipelineStageFlags kConsumer = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;   // the other family samples in compute

std::string model_path() { return std::string(NTEX_SOURCE_DIR) + "/models/material_v1.json"; }

// The test layer's manifest folder appended to the loader's extra layer paths (once).
void add_layer_path() {
    const char* have = std::getenv("VK_ADD_LAYER_PATH");
    const std::string mine = NTEX_TEST_LAYER_DIR;
    if (have != nullptr && std::string(have).find(mine) != std::string::npos) return;
    setenv("VK_ADD_LAYER_PATH", have == nullptr || *have == '\0' ? mine.c_str() : (std::string(have) + ":" + mine).c_str(), 1);
}

struct Case {
    NtexBackend backend;
    bool deferred;   // the release is ntex's deferred final barriers with the families filled in
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << (c.backend == NTEX_BACKEND_VULKAN ? "vulkan compute" : "host copies") << (c.deferred ? ", deferred final barriers" : ", own release");
}

class QueueFamilyOwnershipTest : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(model_path())) GTEST_SKIP() << "material_v1 is not in models/";
        add_layer_path();
        host = std::make_unique<VulkanHost>(false, true, false, kSplitLayer);
        ASSERT_TRUE(host->validation) << "VK_LAYER_KHRONOS_validation is not installed";
        ASSERT_NE(host->other_family, host->queue_family);
        create_handoff();
    }

    // A fresh timeline semaphore ordering the two queues (values from 1).
    void create_handoff() {
        VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
        type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
        VkSemaphoreCreateInfo sci{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
        sci.pNext = &type;
        ASSERT_EQ(vkCreateSemaphore(host->device, &sci, nullptr, &handoff), VK_SUCCESS);
    }

    // The context on `family`, material_v1 at kWidth x kHeight and a texture set of 2 slots sampled in
    // kConsumer (default_stages: without an NtexTextureSetSyncInfo), with `filter` and (deferred) its final
    // barriers left to the host.
    void open(NtexBackend backend, uint32_t family, bool deferred, NtexMipFilter filter = NTEX_MIP_FILTER_BLIT, bool default_stages = false) {
        ntex_test::ContextOptions options;
        options.queue_family = family;
        ASSERT_EQ(host->create_context(backend, &context, options), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_TRUE(ntex_test::load_generator(context, model_path(), kWidth, kHeight, &model, &generator));
        NtexTextureSetMipInfo mips{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO};
        mips.filter = filter;
        NtexTextureSetSyncInfo sync{NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO};
        sync.pNext = &mips;
        sync.consumerStageMask = kConsumer;
        sync.deferFinalBarriers = deferred ? VK_TRUE : VK_FALSE;
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = default_stages ? static_cast<const void*>(&mips) : &sync;
        si.generator = generator;
        si.ringSize = 2;
        ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }

    void TearDown() override {
        if (host) {
            vkDeviceWaitIdle(host->device);
            for (VulkanHost::HostBuffer& b : buffers) host->destroy(b);
            if (handoff) vkDestroySemaphore(host->device, handoff, nullptr);
        }
        ntex_test::destroy_in_order(set, generator, model, context);
        if (host) {
            EXPECT_EQ(host->errors.load(), 0) << "validation errors";
            EXPECT_EQ(host->warnings.load(), 0) << "validation warnings";
        }
    }

    VkCommandBuffer begin(VkCommandPool pool) const {
        VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        ai.commandPool = pool;
        ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        ai.commandBufferCount = 1;
        VkCommandBuffer cmd = VK_NULL_HANDLE;
        EXPECT_EQ(vkAllocateCommandBuffers(host->device, &ai, &cmd), VK_SUCCESS);
        VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
        EXPECT_EQ(vkBeginCommandBuffer(cmd, &bi), VK_SUCCESS);
        return cmd;
    }

    // Ends and submits `cmd` on `queue`, waiting for handoff >= wait (0: no wait) and signalling handoff =
    // signal, plus (ntex_value > 0) ntex's timeline to ntex_value.
    void submit(VkQueue queue, VkCommandBuffer cmd, uint64_t wait, uint64_t signal, uint64_t ntex_value = 0, VkSemaphore ntex = VK_NULL_HANDLE) const {
        ASSERT_EQ(vkEndCommandBuffer(cmd), VK_SUCCESS);
        const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
        VkSemaphore signals[2] = {handoff, ntex};
        uint64_t signal_values[2] = {signal, ntex_value};
        VkTimelineSemaphoreSubmitInfo ts{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
        ts.waitSemaphoreValueCount = wait > 0 ? 1 : 0;
        ts.pWaitSemaphoreValues = &wait;
        ts.signalSemaphoreValueCount = ntex_value > 0 ? 2 : 1;
        ts.pSignalSemaphoreValues = signal_values;
        VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        si.pNext = &ts;
        si.waitSemaphoreCount = wait > 0 ? 1 : 0;
        si.pWaitSemaphores = wait > 0 ? &handoff : nullptr;
        si.pWaitDstStageMask = wait > 0 ? &wait_stage : nullptr;
        si.commandBufferCount = 1;
        si.pCommandBuffers = &cmd;
        si.signalSemaphoreCount = ts.signalSemaphoreValueCount;
        si.pSignalSemaphores = signals;
        ASSERT_EQ(vkQueueSubmit(queue, 1, &si, VK_NULL_HANDLE), VK_SUCCESS);
    }

    void wait_host(uint64_t value) const {
        VkSemaphoreWaitInfo wi{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
        wi.semaphoreCount = 1;
        wi.pSemaphores = &handoff;
        wi.pValues = &value;
        ASSERT_EQ(vkWaitSemaphores(host->device, &wi, UINT64_MAX), VK_SUCCESS);
    }

    // One ownership barrier of every level of `image` in `layout` from family `from` to `to`: the release
    // (recorded on `from`, first scope `stages`) or the acquire (on `to`, second scope `stages`).
    static VkImageMemoryBarrier transfer(VkImage image, uint32_t levels, VkImageLayout layout, uint32_t from, uint32_t to) {
        VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
        b.oldLayout = b.newLayout = layout;
        b.srcQueueFamilyIndex = from;
        b.dstQueueFamilyIndex = to;
        b.image = image;
        b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, levels, 0, 1};
        return b;
    }
    static void release(VkCommandBuffer cmd, VkPipelineStageFlags stages, const std::vector<VkImageMemoryBarrier>& barriers) {
        vkCmdPipelineBarrier(cmd, stages, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0, nullptr, 0, nullptr, static_cast<uint32_t>(barriers.size()),
                             barriers.data());
    }
    static void acquire(VkCommandBuffer cmd, VkPipelineStageFlags stages, VkAccessFlags access, std::vector<VkImageMemoryBarrier> barriers) {
        for (VkImageMemoryBarrier& b : barriers) {
            b.srcAccessMask = 0;
            b.dstAccessMask = access;
        }
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, stages, 0, 0, nullptr, 0, nullptr, static_cast<uint32_t>(barriers.size()),
                             barriers.data());
    }

    // ntex's deferred final barriers as release barriers to the other family (sync1 form: their stages are
    // Vulkan 1.0 bits), and the matching acquires (same layouts and ranges).
    void deferred_transfer(std::vector<VkImageMemoryBarrier>& out, VkPipelineStageFlags& src_stages) const {
        uint32_t count = 0;
        ASSERT_EQ(ntexGetTextureSetFinalBarriers(set, &count, nullptr), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        std::vector<VkImageMemoryBarrier2> finals(count);
        ASSERT_EQ(ntexGetTextureSetFinalBarriers(set, &count, finals.data()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_GT(count, 0u);
        for (const VkImageMemoryBarrier2& f : finals) {
            VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
            b.srcAccessMask = static_cast<VkAccessFlags>(f.srcAccessMask);
            b.oldLayout = f.oldLayout;
            b.newLayout = f.newLayout;
            b.srcQueueFamilyIndex = host->queue_family;
            b.dstQueueFamilyIndex = host->other_family;
            b.image = f.image;
            b.subresourceRange = f.subresourceRange;
            src_stages |= static_cast<VkPipelineStageFlags>(f.srcStageMask);
            out.push_back(b);
        }
    }

    // One frame: ntex's update on its family with the release, the read on the other family between its
    // acquire and its release back, then the acquire back on ntex's family and the same read there.
    // Returns (other family's bytes, ntex family's bytes) per map of the slot written.
    void frame(uint32_t round, std::vector<std::vector<uint8_t>>& other, std::vector<std::vector<uint8_t>>& own) {
        const uint64_t base = 3 * uint64_t(round);
        VkCommandBuffer cmd = VK_NULL_HANDLE;
        uint64_t value = 0;
        NtexTextureSetImages images;
        record_update(host->pool, &cmd, &value, &images);
        if (HasFatalFailure()) return;
        ASSERT_EQ(images.slot, round % 2);
        // The release on ntex's family.
        std::vector<VkImageMemoryBarrier> to_other;
        if (GetParam().deferred) {
            VkPipelineStageFlags stages = 0;
            deferred_transfer(to_other, stages);
            release(cmd, stages, to_other);
        } else {
            for (uint32_t m = 0; m < images.mapCount; ++m) {
                to_other.push_back(transfer(images.images[m], images.mipLevels, images.layout, host->queue_family, host->other_family));
            }
            release(cmd, kConsumer, to_other);   // chained after ntex's final barrier, whose second scope is kConsumer
        }
        submit(host->queue, cmd, base, base + 1, value, images.semaphore);
        // The other family: acquire (the layouts the release left), read level 0 of every map, release back.
        if (buffers.empty()) {
            for (uint32_t m = 0; m < 2 * images.mapCount; ++m) {
                buffers.push_back(host->create_host_buffer(VkDeviceSize(kWidth) * kHeight * 8));
            }
        }
        cmd = begin(host->other_pool);
        if (drop != Drop::kAcquire) acquire(cmd, kConsumer, VK_ACCESS_SHADER_READ_BIT, to_other);
        std::vector<VkImageMemoryBarrier> back;
        for (uint32_t m = 0; m < images.mapCount; ++m) {
            VulkanHost::record_image_read(cmd, images.images[m], images.layout, 0, kWidth, kHeight, buffers[m].buffer, 0, kConsumer);
            back.push_back(transfer(images.images[m], images.mipLevels, images.layout, host->other_family, host->queue_family));
        }
        if (drop != Drop::kGiveBack) release(cmd, kConsumer, back);
        submit(host->other_queue, cmd, base + 1, base + 2);
        // Ownership back on ntex's family before the slot's next update, and the same read there.
        cmd = begin(host->pool);
        if (drop != Drop::kGiveBack) acquire(cmd, kConsumer, 0, back);   // ntex's next update waits for kConsumer before overwriting
        for (uint32_t m = 0; m < images.mapCount; ++m) {
            VulkanHost::record_image_read(cmd, images.images[m], images.layout, 0, kWidth, kHeight, buffers[images.mapCount + m].buffer, 0,
                                          kConsumer);
        }
        submit(host->queue, cmd, base + 2, base + 3);
        wait_host(base + 3);
        other.clear();
        own.clear();
        for (uint32_t m = 0; m < images.mapCount; ++m) {
            const std::size_t size = std::size_t(kWidth) * kHeight * ntex_test::texel_bytes(images.formats[m]);
            const auto* a = static_cast<const uint8_t*>(buffers[m].mapped);
            const auto* b = static_cast<const uint8_t*>(buffers[images.mapCount + m].mapped);
            other.emplace_back(a, a + size);
            own.emplace_back(b, b + size);
        }
    }

    // Records the set's update into a new command buffer of `pool`: *cmd, *value (the signal it asks for) and
    // the images it writes.
    void record_update(VkCommandPool pool, VkCommandBuffer* cmd, uint64_t* value, NtexTextureSetImages* images) {
        *cmd = begin(pool);
        ASSERT_EQ(ntexCmdUpdateTextureSet(set, *cmd, value), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        *images = NtexTextureSetImages{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetImages(set, images), NTEX_SUCCESS);
    }

    void next_result(uint32_t round) {
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = 7 + round;
        p.truncationPsi = 0.8f;
        ASSERT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        if (GetParam().backend == NTEX_BACKEND_CPU) {
            ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        }
    }

    std::unique_ptr<VulkanHost> host;
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    NtexTextureSet set = nullptr;
    VkSemaphore handoff = VK_NULL_HANDLE;   // the host's timeline ordering the two queues
    // What frame() leaves out (the negative tests): nothing, the acquire on the other family, or the way
    // back (its release and ntex's family's acquire).
    enum class Drop { kNothing, kAcquire, kGiveBack };
    Drop drop = Drop::kNothing;
    std::vector<VulkanHost::HostBuffer> buffers;
};

TEST_P(QueueFamilyOwnershipTest, TheOtherFamilyReadsEveryFrameAfterItsAcquire) {
    open(GetParam().backend, host->queue_family, GetParam().deferred);
    if (HasFatalFailure()) return;
    std::vector<uint8_t> previous;
    for (uint32_t round = 0; round < 3; ++round) {   // both ring slots, and slot 0 again after its way back
        next_result(round);
        std::vector<std::vector<uint8_t>> other, own;
        frame(round, other, own);
        if (HasFatalFailure()) return;
        ASSERT_EQ(other.size(), 4u);
        for (std::size_t m = 0; m < other.size(); ++m) EXPECT_EQ(other[m], own[m]) << "map " << m << ", frame " << round;
        EXPECT_NE(other[0], previous) << "frame " << round << " shows the previous frame's albedo";
        previous = other[0];
    }
}

INSTANTIATE_TEST_SUITE_P(Paths, QueueFamilyOwnershipTest,
                         ::testing::Values(Case{NTEX_BACKEND_CPU, false}, Case{NTEX_BACKEND_CPU, true}, Case{NTEX_BACKEND_VULKAN, false},
                                           Case{NTEX_BACKEND_VULKAN, true}));

// The harness can fail: an acquire on the other family whose release was never recorded is reported by the
// validation layer at submit (what a host forgetting the release would see).
class QueueFamilyOwnershipNegativeTest : public QueueFamilyOwnershipTest {};

TEST_P(QueueFamilyOwnershipNegativeTest, AnAcquireWithoutItsReleaseIsReported) {
    open(GetParam().backend, host->queue_family, GetParam().deferred);
    if (HasFatalFailure()) return;
    next_result(0);
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    uint64_t value = 0;
    NtexTextureSetImages images;
    record_update(host->pool, &cmd, &value, &images);
    if (HasFatalFailure()) return;
    submit(host->queue, cmd, 0, 1, value, images.semaphore);   // no release
    cmd = begin(host->other_pool);
    acquire(cmd, kConsumer, VK_ACCESS_SHADER_READ_BIT,
            {transfer(images.images[0], images.mipLevels, images.layout, host->queue_family, host->other_family)});
    const int before = host->errors.load();
    submit(host->other_queue, cmd, 1, 2);
    wait_host(2);
    EXPECT_GT(host->errors.load(), before) << "the validation layer did not report the acquire without a release";
    host->errors = 0;   // expected; TearDown checks that nothing else was reported
}

// The test layer's own checks (which the validation layer lacks): a frame without the acquire on the other
// family, or without the way back, is reported.
TEST_P(QueueFamilyOwnershipNegativeTest, AMissingAcquireOrWayBackIsReported) {
    for (const Drop d : {Drop::kAcquire, Drop::kGiveBack}) {
        SCOPED_TRACE(d == Drop::kAcquire ? "no acquire on the other family" : "no way back");
        open(GetParam().backend, host->queue_family, GetParam().deferred);
        if (HasFatalFailure()) return;
        drop = d;
        const int before = host->errors.load();
        for (uint32_t round = 0; round < 3; ++round) {
            next_result(round);
            std::vector<std::vector<uint8_t>> other, own;
            frame(round, other, own);
            if (HasFatalFailure()) return;
        }
        ntex_test::destroy_in_order(set, generator, model, context);   // a release never acquired is reported here at the latest
        set = nullptr;
        generator = nullptr;
        model = nullptr;
        context = nullptr;
        EXPECT_GT(host->errors.load() + host->warnings.load(), before) << "nothing reported";
        vkDeviceWaitIdle(host->device);
        for (VulkanHost::HostBuffer& b : buffers) host->destroy(b);
        buffers.clear();
        vkDestroySemaphore(host->device, handoff, nullptr);   // a fresh timeline for the next case
        create_handoff();
    }
    host->errors = 0;   // expected; TearDown checks that nothing else was reported
    host->warnings = 0;
}

INSTANTIATE_TEST_SUITE_P(Paths, QueueFamilyOwnershipNegativeTest, ::testing::Values(Case{NTEX_BACKEND_CPU, false}, Case{NTEX_BACKEND_VULKAN, true}));

// No transfer at all: ntex runs on a compute-only family (an engine's async-compute queue), the host-copy
// and Vulkan compute paths, with the material mip filter, which needs no graphics queue; every level
// equals a set's of the same generator parameters updated on the graphics family. Its default consumer
// stage is COMPUTE (graphics stages would be invalid there), and graphics stages asked for are refused.
class AsyncComputeFamilyTest : public QueueFamilyOwnershipTest {};

TEST_P(AsyncComputeFamilyTest, NtexRunsOnAComputeOnlyFamily) {
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(host->physical_device, &n, nullptr);
    std::vector<VkQueueFamilyProperties> families(n);
    vkGetPhysicalDeviceQueueFamilyProperties(host->physical_device, &n, families.data());
    ASSERT_EQ(families[host->other_family].queueFlags & VK_QUEUE_GRAPHICS_BIT, 0u) << "the second family is not compute-only";
    open(GetParam().backend, host->other_family, false, NTEX_MIP_FILTER_MATERIAL);
    if (HasFatalFailure()) return;
    next_result(0);
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    uint64_t value = 0;
    NtexTextureSetImages images;
    record_update(host->other_pool, &cmd, &value, &images);
    if (HasFatalFailure()) return;
    ASSERT_GT(images.mipLevels, 1u);
    struct Read {
        uint32_t map, level;
        std::size_t bytes;
    };
    std::vector<Read> reads;
    for (uint32_t m = 0; m < images.mapCount; ++m) {
        for (uint32_t level = 0; level < images.mipLevels; ++level) {
            const uint32_t w = std::max(kWidth >> level, 1u), h = std::max(kHeight >> level, 1u);
            buffers.push_back(host->create_host_buffer(VkDeviceSize(kWidth) * kHeight * 8));
            VulkanHost::record_image_read(cmd, images.images[m], images.layout, level, w, h, buffers.back().buffer, 0, kConsumer);
            reads.push_back({m, level, std::size_t(w) * h * ntex_test::texel_bytes(images.formats[m])});
        }
    }
    submit(host->other_queue, cmd, 0, 1, value, images.semaphore);
    wait_host(1);
    // The same parameters on the graphics family.
    NtexContext graphics_context = nullptr;
    NtexModel graphics_model = nullptr;
    NtexGenerator graphics_generator = nullptr;
    NtexTextureSet graphics_set = nullptr;
    ASSERT_EQ(host->create_context(GetParam().backend, &graphics_context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_TRUE(ntex_test::load_generator(graphics_context, model_path(), kWidth, kHeight, &graphics_model, &graphics_generator));
    NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
    p.seed = 7;
    p.truncationPsi = 0.8f;
    EXPECT_EQ(ntexSetGeneratorParams(graphics_generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    if (GetParam().backend == NTEX_BACKEND_CPU) {
        EXPECT_EQ(ntexGenerate(graphics_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    NtexTextureSetMipInfo mips{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO};
    mips.filter = NTEX_MIP_FILTER_MATERIAL;
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.pNext = &mips;
    si.generator = graphics_generator;
    si.ringSize = 2;
    EXPECT_EQ(ntexCreateTextureSet(graphics_context, &si, &graphics_set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(host->update_and_submit(graphics_set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages expected{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    EXPECT_EQ(ntexGetTextureSetImages(graphics_set, &expected), NTEX_SUCCESS);
    EXPECT_EQ(expected.mipLevels, images.mipLevels);
    for (std::size_t i = 0; i < reads.size() && expected.mipLevels == images.mipLevels; ++i) {
        const auto* got = static_cast<const uint8_t*>(buffers[i].mapped);
        const std::vector<uint8_t> want = host->read_image(expected.images[reads[i].map], kWidth, kHeight,
                                                           ntex_test::texel_bytes(expected.formats[reads[i].map]), reads[i].level);
        EXPECT_EQ(std::vector<uint8_t>(got, got + reads[i].bytes), want) << "map " << reads[i].map << " level " << reads[i].level;
    }
    ntex_test::destroy_in_order(graphics_set, graphics_generator, graphics_model, graphics_context);
}

TEST_P(AsyncComputeFamilyTest, BlitsAndGraphicsStagesAreNotUsedThere) {
    // The blit filter (one level on a compute-only family) and the default consumer stages (COMPUTE there:
    // the validation layer checks the update's barriers against the family).
    open(GetParam().backend, host->other_family, false, NTEX_MIP_FILTER_BLIT, true);
    if (HasFatalFailure()) return;
    next_result(0);
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    uint64_t value = 0;
    NtexTextureSetImages images;
    record_update(host->other_pool, &cmd, &value, &images);
    if (HasFatalFailure()) return;
    submit(host->other_queue, cmd, 0, 1, value, images.semaphore);
    wait_host(1);
    EXPECT_EQ(images.mipLevels, 1u);
    NtexTextureSetSyncInfo sync{NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO};
    sync.consumerStageMask = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.pNext = &sync;
    si.generator = generator;
    si.ringSize = 2;
    NtexTextureSet refused = nullptr;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &refused), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("compute-only queue family"), std::string::npos) << ntexGetLastErrorMessage();
    EXPECT_EQ(refused, nullptr);
}

INSTANTIATE_TEST_SUITE_P(Paths, AsyncComputeFamilyTest, ::testing::Values(Case{NTEX_BACKEND_CPU, false}, Case{NTEX_BACKEND_VULKAN, false}));

}  // namespace
