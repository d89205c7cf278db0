// SPDX-License-Identifier: MIT
// Texture sets on the Vulkan compute path (issue 12): with a VULKAN context on the host's own device,
// ntexCmdUpdateTextureSet records the whole network and the texel conversion into the host's command
// buffer. Every map and every mip level must equal the CPU path's texels within 1 LSB (floats: 1e-4;
// half floats: one binary16 step at [0.5, 1)), with the blit chain and with the material mip filter
// (computed on the device there, on the host on the CPU path),
// tileable and infinite, square and not; an update must never be recorded while an earlier one may
// still execute; the validation layer (with synchronization validation) must stay silent.
#include "formats.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

using ntex_test::texel_bytes;
using ntex_test::VulkanHost;

std::string model_path(const char* name) { return std::string(NTEX_SOURCE_DIR) + "/models/" + name + ".json"; }

enum Formats {
    kDefaultFormats,   // pFormats NULL: RGBA8 sRGB / RGBA8 / R8 / R16
    kFloatFormats,     // R32G32B32A32_SFLOAT / R32_SFLOAT
    kCompactFormats    // BGRA8 sRGB albedo, RG8 normal, R16F roughness, RGBA16F height (ntex_test::compact_format)
};

struct Case {
    const char* model;
    uint32_t width, height;
    NtexTilingMode mode;
    int32_t origin_x, origin_y;
    Formats formats;      // which VkFormats the set asks for
    bool bricks = false;  // a conditional model's category and brick layout (the layout-gain path)
    NtexMipFilter mips = NTEX_MIP_FILTER_BLIT;   // MATERIAL: the filter on the device (material_mips.comp) vs the host's
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.model << " " << c.width << "x" << c.height << (c.mode == NTEX_TILING_MODE_INFINITE ? " infinite" : " tileable")
        << (c.formats == kFloatFormats ? " float" : c.formats == kCompactFormats ? " compact" : "")
        << (c.mips == NTEX_MIP_FILTER_MATERIAL ? " material mips" : "");
}

// One context (CPU or VULKAN backend) on the host's device, with a generator and a texture set.
struct Side {
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    NtexTextureSet set = nullptr;
    ~Side() {
        ntexDestroyTextureSet(set);
        ntexDestroyGenerator(generator);
        ntexDestroyModel(model);
        ntexDestroyContext(context);
    }
};

class ComputeTextureSetTest : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(model_path(GetParam().model))) GTEST_SKIP() << "model " << GetParam().model << " is not in models/";
        host = std::make_unique<VulkanHost>();
        ASSERT_TRUE(host->validation) << "VK_LAYER_KHRONOS_validation is not installed";
    }

    void TearDown() override {
        cpu.reset();
        gpu.reset();
        if (host) {
            EXPECT_EQ(host->errors.load(), 0) << "validation errors";
            EXPECT_EQ(host->warnings.load(), 0) << "validation warnings";
        }
    }

    // fp16: NtexGeneratorPrecisionInfo FP16, and (declare_fp16) the host's NtexVulkanDeviceFeatures saying it
    // enabled shaderFloat16 and storageBuffer16BitAccess; `log` receives the context's messages.
    std::unique_ptr<Side> make_side(NtexBackend backend, uint32_t seed, bool fp16 = false, bool declare_fp16 = false,
                                    const ntex_test::ContextOptions& log = {}) {
        const Case& c = GetParam();
        auto side = std::make_unique<Side>();
        NtexVulkanDeviceFeatures features{NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_FEATURES};
        features.shaderFloat16 = host->fp16 ? VK_TRUE : VK_FALSE;
        features.storageBuffer16BitAccess = host->fp16 ? VK_TRUE : VK_FALSE;
        ntex_test::ContextOptions options = log;
        if (declare_fp16) options.next = &features;
        EXPECT_EQ(host->create_context(backend, &side->context, options), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        const std::string path = model_path(c.model);
        NtexModelLoadInfo li{NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO};
        li.pPath = path.c_str();
        EXPECT_EQ(ntexLoadModel(side->context, &li, &side->model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexGeneratorPrecisionInfo precision{NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO};
        precision.precision = NTEX_PRECISION_FP16;
        NtexGeneratorCreateInfo gi{NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO};
        gi.pNext = fp16 ? &precision : nullptr;
        gi.model = side->model;
        gi.width = c.width;
        gi.height = c.height;
        gi.tilingMode = c.mode;
        EXPECT_EQ(ntexCreateGenerator(side->context, &gi, &side->generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        set_params(*side, seed);
        NtexModelInfo info{NTEX_STRUCTURE_TYPE_MODEL_INFO};
        EXPECT_EQ(ntexGetModelInfo(side->model, &info), NTEX_SUCCESS);
        std::vector<VkFormat> formats;
        for (uint32_t i = 0; i < info.mapCount; ++i) {
            const bool one_channel = info.mapChannels[i] == 1;
            formats.push_back(c.formats == kCompactFormats ? ntex_test::compact_format(info.mapSemantics[i])
                              : one_channel                ? VK_FORMAT_R32_SFLOAT
                                                           : VK_FORMAT_R32G32B32A32_SFLOAT);
        }
        NtexTextureSetMipInfo mips{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO};
        mips.filter = c.mips;
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = &mips;
        si.generator = side->generator;
        si.ringSize = 2;
        si.pFormats = c.formats == kDefaultFormats ? nullptr : formats.data();
        EXPECT_EQ(ntexCreateTextureSet(side->context, &si, &side->set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        return side;
    }

    void set_params(Side& side, uint32_t seed, float psi = 0.8f) {
        const Case& c = GetParam();
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = seed;
        p.truncationPsi = psi;
        p.originX = c.origin_x;
        p.originY = c.origin_y;
        NtexConditioningParams cond{NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS};
        cond.category = 2;
        cond.pattern = NTEX_LAYOUT_PATTERN_BRICKS;
        cond.columns = 4;
        cond.rows = 4;
        cond.periodWidth = 64;
        cond.periodHeight = 64;
        cond.offset = 0.5f;
        cond.gap = 2.0f;
        cond.bevel = 1.5f;
        cond.jitter = 0.3f;
        cond.patternSeed = 5;
        if (c.bricks) p.pNext = &cond;
        ASSERT_EQ(ntexSetGeneratorParams(side.generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }

    // One update recorded and submitted (the host signals the returned value); the result of
    // ntexCmdUpdateTextureSet.
    NtexResult update(Side& side) {
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        EXPECT_EQ(ntexGetTextureSetImages(side.set, &images), NTEX_SUCCESS);
        NtexResult result = NTEX_SUCCESS;
        host->submit(
            [&](VkCommandBuffer cmd) -> uint64_t {
                uint64_t value = 0;
                result = ntexCmdUpdateTextureSet(side.set, cmd, &value);
                return result == NTEX_SUCCESS ? value : 0;
            },
            images.semaphore);
        return result;
    }

    // Largest difference between the two sets' newest images over every map and mip level, in LSBs
    // of the map's format (floats: absolute; r16_as_8bit: R16 differences in 8-bit LSBs, / 257).
    double max_difference(Side& a, Side& b, bool r16_as_8bit = false) {
        NtexTextureSetImages ia{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES}, ib{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        EXPECT_EQ(ntexGetTextureSetImages(a.set, &ia), NTEX_SUCCESS);
        EXPECT_EQ(ntexGetTextureSetImages(b.set, &ib), NTEX_SUCCESS);
        EXPECT_EQ(ia.mapCount, ib.mapCount);
        EXPECT_EQ(ia.mipLevels, ib.mipLevels);
        EXPECT_GT(ia.mipLevels, 1u);
        double worst = 0;
        for (uint32_t m = 0; m < ia.mapCount; ++m) {
            EXPECT_EQ(ia.formats[m], ib.formats[m]);
            const uint32_t bytes = texel_bytes(ia.formats[m]);
            for (uint32_t level = 0; level < ia.mipLevels; ++level) {
                const std::vector<uint8_t> pa = host->read_image(ia.images[m], ia.width, ia.height, bytes, level);
                const std::vector<uint8_t> pb = host->read_image(ib.images[m], ib.width, ib.height, bytes, level);
                EXPECT_EQ(pa.size(), pb.size());
                const std::size_t n = std::min(pa.size(), pb.size());
                if (level == 0) {   // real content, not two blank images
                    EXPECT_NE(std::count(pa.begin(), pa.end(), pa.front()), static_cast<std::ptrdiff_t>(pa.size())) << "map " << m << " is constant";
                }
                double level_worst = 0;
                switch (ia.formats[m]) {
                    case VK_FORMAT_R16_UNORM:
                        for (std::size_t i = 0; i + 1 < n; i += 2) {
                            uint16_t x, y;
                            std::memcpy(&x, &pa[i], 2);
                            std::memcpy(&y, &pb[i], 2);
                            level_worst = std::max(level_worst, std::abs(double(x) - double(y)) / (r16_as_8bit ? 257.0 : 1.0));
                        }
                        break;
                    case VK_FORMAT_R16_SFLOAT:
                    case VK_FORMAT_R16G16B16A16_SFLOAT:
                        // In units of a binary16 step at [0.5, 1) (2^-11), the coarsest in [0, 1].
                        for (std::size_t i = 0; i + 1 < n; i += 2) {
                            uint16_t x, y;
                            std::memcpy(&x, &pa[i], 2);
                            std::memcpy(&y, &pb[i], 2);
                            const float fx = ntex_test::half_value(x), fy = ntex_test::half_value(y);
                            level_worst = std::max(level_worst, std::abs(double(fx) - double(fy)) * 2048.0);
                            if (!std::isfinite(fx) || !std::isfinite(fy)) level_worst = 1e9;
                        }
                        break;
                    case VK_FORMAT_R32_SFLOAT:
                    case VK_FORMAT_R32G32B32A32_SFLOAT:
                        for (std::size_t i = 0; i + 3 < n; i += 4) {
                            float x, y;
                            std::memcpy(&x, &pa[i], 4);
                            std::memcpy(&y, &pb[i], 4);
                            level_worst = std::max(level_worst, std::abs(double(x) - double(y)));
                            if (!std::isfinite(x) || !std::isfinite(y)) level_worst = 1e9;
                        }
                        break;
                    default:
                        for (std::size_t i = 0; i < n; ++i) level_worst = std::max(level_worst, std::abs(double(pa[i]) - double(pb[i])));
                }
                std::fprintf(stderr, "  map %u level %u (%ux%u): max difference %g\n", m, level, std::max(1u, ia.width >> level),
                             std::max(1u, ia.height >> level), level_worst);
                worst = std::max(worst, level_worst);
            }
        }
        return worst;
    }

    std::unique_ptr<VulkanHost> host;
    std::unique_ptr<Side> cpu, gpu;
};

TEST_P(ComputeTextureSetTest, TexelsMatchTheCpuPathAtEveryMipLevel) {
    gpu = make_side(NTEX_BACKEND_VULKAN, 11);
    cpu = make_side(NTEX_BACKEND_CPU, 11);
    ASSERT_FALSE(HasFailure());
    NtexBackendInfo info{NTEX_STRUCTURE_TYPE_BACKEND_INFO};
    ASSERT_EQ(ntexGetContextBackendInfo(gpu->context, &info), NTEX_SUCCESS);
    ASSERT_EQ(info.backend, NTEX_BACKEND_VULKAN) << info.fallbackReason;

    ASSERT_EQ(ntexGenerate(cpu->generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(update(*cpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    // The compute path needs no ntexGenerate: the update itself runs the network on the device.
    ASSERT_EQ(update(*gpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetPathInfo path{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO};
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    images.pNext = &path;
    ASSERT_EQ(ntexGetTextureSetImages(cpu->set, &images), NTEX_SUCCESS);
    EXPECT_EQ(path.path, NTEX_TEXTURE_SET_PATH_HOST_COPIES);
    EXPECT_EQ(path.generatesOnUpdate, VK_FALSE);
    ASSERT_EQ(ntexGetTextureSetImages(gpu->set, &images), NTEX_SUCCESS);
    EXPECT_EQ(path.path, NTEX_TEXTURE_SET_PATH_VULKAN_COMPUTE);
    EXPECT_EQ(path.generatesOnUpdate, VK_TRUE);
    // The footprint: the same images on both paths; the compute path's staging (device-local: the texel
    // conversion writes it) is counted too.
    NtexTextureSetMemoryInfo cpu_memory{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MEMORY_INFO}, gpu_memory{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MEMORY_INFO};
    images.pNext = &cpu_memory;
    ASSERT_EQ(ntexGetTextureSetImages(cpu->set, &images), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    images.pNext = &gpu_memory;
    ASSERT_EQ(ntexGetTextureSetImages(gpu->set, &images), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_GT(gpu_memory.imageBytes, 0u);
    EXPECT_EQ(gpu_memory.imageBytes, cpu_memory.imageBytes);
    EXPECT_GT(gpu_memory.stagingBytes, 0u);
    EXPECT_EQ(gpu_memory.deviceMemoryAllocations, 2u);
    if (GetParam().mips == NTEX_MIP_FILTER_MATERIAL) {
        // The device filter's work buffer (every level's float material, at least 3 floats a texel) is
        // counted with staging; it is suballocated from the generator's blocks (no allocation of the set's).
        const VkDeviceSize work = VkDeviceSize(GetParam().width) * GetParam().height * 3 * sizeof(float);
        EXPECT_GE(gpu_memory.stagingBytes, cpu_memory.stagingBytes + work);
    }
    images.pNext = nullptr;
    EXPECT_EQ(images.resultId, 1u);
    EXPECT_EQ(images.layout, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    EXPECT_EQ(images.readySemaphore, VK_NULL_HANDLE);   // the work is in the host's own command buffer

    const double tolerance = GetParam().formats == kFloatFormats ? 1e-4 : 1.0;
    EXPECT_LE(max_difference(*cpu, *gpu), tolerance);

    // Unchanged parameters: nothing to record. A new seed: a new update, still matching.
    EXPECT_EQ(update(*gpu), NTEX_NOT_READY);
    set_params(*gpu, 12);
    set_params(*cpu, 12);
    ASSERT_EQ(update(*gpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGenerate(cpu->generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(update(*cpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGetTextureSetImages(gpu->set, &images), NTEX_SUCCESS);
    EXPECT_EQ(images.resultId, 2u);
    EXPECT_EQ(images.slot, 1u);
    EXPECT_LE(max_difference(*cpu, *gpu), tolerance);

    if (GetParam().mips == NTEX_MIP_FILTER_MATERIAL) {
        // A hot reload gives the generator a new plan: the next update rebinds the texel writer and the
        // mip filter to the new plan's final tensor (same weights: the same texels).
        ASSERT_EQ(ntexReloadModel(gpu->model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(update(*gpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_LE(max_difference(*cpu, *gpu), tolerance);
        // Reloaded while an update is pending: the descriptor sets every slot uses are rebound only once
        // it executed (NOT_READY until then), then the update records and matches.
        set_params(*gpu, 13);
        set_params(*cpu, 13);
        NtexResult first = NTEX_ERROR_UNKNOWN, second = NTEX_ERROR_UNKNOWN;
        host->submit(
            [&](VkCommandBuffer cmd) -> uint64_t {
                uint64_t v1 = 0, v2 = 0;
                first = ntexCmdUpdateTextureSet(gpu->set, cmd, &v1);
                EXPECT_EQ(ntexReloadModel(gpu->model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
                second = ntexCmdUpdateTextureSet(gpu->set, cmd, &v2);
                EXPECT_EQ(v2, 0u);
                return v1;
            },
            images.semaphore);
        EXPECT_EQ(first, NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_EQ(second, NTEX_NOT_READY) << "a new plan was bound while the previous update was pending";
        ASSERT_EQ(update(*gpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(ntexGenerate(cpu->generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(update(*cpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_LE(max_difference(*cpu, *gpu), tolerance);
    }
}

// Pipelined updates (the gate and the staged inputs do not depend on the model or size: one case).
class ComputeTextureSetGateTest : public ComputeTextureSetTest {};

TEST_P(ComputeTextureSetGateTest, UpdatesPipelineUpToTheRingAndKeepTheirOwnInputs) {
    gpu = make_side(NTEX_BACKEND_VULKAN, 3);
    cpu = make_side(NTEX_BACKEND_CPU, 3);
    ASSERT_FALSE(HasFailure());
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(gpu->set, &images), NTEX_SUCCESS);
    NtexResult first = NTEX_ERROR_BACKEND, second = NTEX_ERROR_BACKEND, third = NTEX_ERROR_BACKEND;
    host->submit(
        [&](VkCommandBuffer cmd) -> uint64_t {
            uint64_t v1 = 0, v2 = 0, v3 = 0;
            first = ntexCmdUpdateTextureSet(gpu->set, cmd, &v1);   // slot 0: seed 3, psi 0.8
            // New parameters before the first update executed: the ring's second slot is free, so it
            // is recorded too, its inputs staged apart from the first's. Only the style changes, so
            // its commands copy only the filters: the noise must persist from the first update's copy.
            set_params(*gpu, 3, 0.4f);
            second = ntexCmdUpdateTextureSet(gpu->set, cmd, &v2);
            // A third would reuse slot 0, whose update has not executed: nothing may be recorded.
            set_params(*gpu, 3, 0.6f);
            third = ntexCmdUpdateTextureSet(gpu->set, cmd, &v3);
            EXPECT_GT(v2, v1);
            return second == NTEX_SUCCESS ? v2 : v1;   // a timeline value covers the ones below it
        },
        images.semaphore);
    EXPECT_EQ(first, NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(second, NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(third, NTEX_NOT_READY);
    ASSERT_EQ(ntexGetTextureSetImages(gpu->set, &images), NTEX_SUCCESS);
    EXPECT_EQ(images.resultId, 2u);
    EXPECT_EQ(images.slot, 1u);
    // The second update's images hold exactly the second parameters.
    set_params(*cpu, 3, 0.4f);
    ASSERT_EQ(ntexGenerate(cpu->generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(update(*cpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_LE(max_difference(*cpu, *gpu), 1.0);
    // Once they executed, the pending change (psi 0.6) is recorded into slot 0 and matches too.
    EXPECT_EQ(update(*gpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    set_params(*cpu, 3, 0.6f);
    ASSERT_EQ(ntexGenerate(cpu->generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(update(*cpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_LE(max_difference(*cpu, *gpu), 1.0);
}

INSTANTIATE_TEST_SUITE_P(Cases, ComputeTextureSetTest,
                         ::testing::Values(Case{"albedo_v1", 64, 64, NTEX_TILING_MODE_TILEABLE, 0, 0, kDefaultFormats},
                                           Case{"material_v1", 96, 160, NTEX_TILING_MODE_TILEABLE, 0, 0, kDefaultFormats},
                                           Case{"material_v1", 64, 32, NTEX_TILING_MODE_INFINITE, 64, -128, kDefaultFormats},
                                           Case{"material_v1", 64, 64, NTEX_TILING_MODE_TILEABLE, 0, 0, kFloatFormats},
                                           Case{"material_v2", 64, 64, NTEX_TILING_MODE_INFINITE, -64, 32, kDefaultFormats, true},
                                           Case{"material_v2", 128, 64, NTEX_TILING_MODE_TILEABLE, 0, 0, kDefaultFormats, true},
                                           Case{"albedo_v1", 64, 64, NTEX_TILING_MODE_TILEABLE, 0, 0, kCompactFormats},
                                           Case{"material_v2", 64, 96, NTEX_TILING_MODE_INFINITE, 32, -64, kCompactFormats, true},
                                           // NTEX_MIP_FILTER_MATERIAL: odd halvings (5 -> 2, 3 -> 1), floats, compact
                                           // formats with a layout, and a model with neither normals nor roughness.
                                           Case{"material_v1", 96, 160, NTEX_TILING_MODE_TILEABLE, 0, 0, kDefaultFormats, false,
                                                NTEX_MIP_FILTER_MATERIAL},
                                           Case{"material_v1", 64, 64, NTEX_TILING_MODE_TILEABLE, 0, 0, kFloatFormats, false, NTEX_MIP_FILTER_MATERIAL},
                                           Case{"material_v2", 64, 96, NTEX_TILING_MODE_INFINITE, 32, -64, kCompactFormats, true,
                                                NTEX_MIP_FILTER_MATERIAL},
                                           Case{"albedo_v1", 64, 64, NTEX_TILING_MODE_TILEABLE, 0, 0, kDefaultFormats, false, NTEX_MIP_FILTER_MATERIAL}));

// FP16 on the host's device: with the features enabled and declared (NtexVulkanDeviceFeatures), an FP16
// generator's set is within 2 LSB of the CPU path's (R16 height: 2 LSB of 8 bits) at every map and mip
// level, and not identical to the FP32 result; without the declaration FP16 is not used (the log says
// why) and the texels are the FP32 ones (1 LSB).
class ComputeTextureSetFp16Test : public ComputeTextureSetTest {};

TEST_P(ComputeTextureSetFp16Test, DeclaredFeaturesGiveFp16WithinTwoLsb) {
    if (!host->fp16) GTEST_SKIP() << "the device has no shaderFloat16 + storageBuffer16BitAccess";
    struct Log {
        std::string text;
        static void on(NtexLogLevel, const char* message, void* user) { static_cast<Log*>(user)->text += std::string(message) + "\n"; }
    } log;
    ntex_test::ContextOptions logging;
    logging.log = &Log::on;
    logging.log_user = &log;
    gpu = make_side(NTEX_BACKEND_VULKAN, 21, true, true, logging);
    cpu = make_side(NTEX_BACKEND_CPU, 21);
    ASSERT_FALSE(HasFailure());
    EXPECT_NE(log.text.find("(Vulkan compute, fp16)"), std::string::npos) << log.text;
    ASSERT_EQ(ntexGenerate(cpu->generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(update(*cpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(update(*gpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const double fp16 = max_difference(*cpu, *gpu, true);
    std::fprintf(stderr, "fp16 texture set: max difference %g LSB (8-bit)\n", fp16);
    EXPECT_LE(fp16, 2.0);
    EXPECT_GT(fp16, 0.0) << "FP16 asked for and declared, but the texels are the FP32 ones";

    // Not declared: FP32, and the log says why.
    log.text.clear();
    gpu = make_side(NTEX_BACKEND_VULKAN, 21, true, false, logging);
    ASSERT_FALSE(HasFailure());
    EXPECT_NE(log.text.find("FP16 asked for, computing in FP32: the host did not declare"), std::string::npos) << log.text;
    ASSERT_EQ(update(*gpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_LE(max_difference(*cpu, *gpu), 1.0);
}

INSTANTIATE_TEST_SUITE_P(Cases, ComputeTextureSetFp16Test,
                         ::testing::Values(Case{"material_v1", 64, 64, NTEX_TILING_MODE_INFINITE, 64, -128, kDefaultFormats}));

INSTANTIATE_TEST_SUITE_P(Cases, ComputeTextureSetGateTest,
                         ::testing::Values(Case{"albedo_v1", 64, 64, NTEX_TILING_MODE_TILEABLE, 0, 0, kDefaultFormats}));

}  // namespace
