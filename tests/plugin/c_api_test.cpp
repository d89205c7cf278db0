// SPDX-License-Identifier: MIT
// C API misuse returns errors (never crashes), read-back formats, and the C++ wrapper.
#include "backends/cuda/cuda_backend.h"
#include "test_support.h"

#include <ntex/ntex.h>
#include <ntex/ntex.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ntex {
namespace {

// Out-of-range enum values come from a runtime int, as from a C caller.
int g_bad_enum = 12345;

class CApi : public ::testing::Test {
protected:
    void SetUp() override {
        m_json = test::make_tiny_model().write(m_dir.path());
        NtexContextCreateInfo info = context_info();
        ASSERT_EQ(ntexCreateContext(&info, &m_context), NTEX_SUCCESS);
        NtexModelLoadInfo load{};
        load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
        std::string p = m_json.string();
        load.pPath = p.c_str();
        ASSERT_EQ(ntexLoadModel(m_context, &load, &m_model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    void TearDown() override {
        ntexDestroyGenerator(m_generator);
        ntexDestroyModel(m_model);
        ntexDestroyContext(m_context);
    }
    static NtexContextCreateInfo context_info() {
        NtexContextCreateInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
        info.headerVersion = NTEX_HEADER_VERSION;
        info.backend = NTEX_BACKEND_AUTO;
        info.threadCount = 2;
        return info;
    }
    NtexResult create_generator(uint32_t w, uint32_t h) {
        NtexGeneratorCreateInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
        info.model = m_model;
        info.width = w;
        info.height = h;
        ntexDestroyGenerator(m_generator);
        m_generator = nullptr;
        return ntexCreateGenerator(m_context, &info, &m_generator);
    }

    test::TempDir m_dir;
    std::filesystem::path m_json;
    NtexContext m_context = nullptr;
    NtexModel m_model = nullptr;
    NtexGenerator m_generator = nullptr;
};

TEST_F(CApi, ResultStrings) {
    EXPECT_STREQ(ntexResultToString(NTEX_SUCCESS), "NTEX_SUCCESS");
    EXPECT_STREQ(ntexResultToString(NTEX_ERROR_INVALID_MODEL), "NTEX_ERROR_INVALID_MODEL");
    EXPECT_STREQ(ntexResultToString(static_cast<NtexResult>(g_bad_enum)), "NTEX_RESULT_UNRECOGNIZED");
}

TEST_F(CApi, ContextMisuse) {
    NtexContext c = nullptr;
    EXPECT_EQ(ntexCreateContext(nullptr, &c), NTEX_ERROR_INVALID_ARGUMENT);
    NtexContextCreateInfo info = context_info();
    EXPECT_EQ(ntexCreateContext(&info, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    info.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    EXPECT_EQ(ntexCreateContext(&info, &c), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("sType"), std::string::npos);
    info = context_info();
    info.headerVersion = 999;
    EXPECT_EQ(ntexCreateContext(&info, &c), NTEX_ERROR_VERSION_MISMATCH);
    // Without a CUDA device (CI), CUDA asked for explicitly is refused and AUTO resolves to the CPU; on a
    // GPU machine both are CUDA (review cuda-first-gpu.md #7: not an ntex failure there).
    const bool cuda_device = ntex::cuda::select_device(nullptr).ordinal >= 0;
    info = context_info();
    info.backend = NTEX_BACKEND_CUDA;
    if (!cuda_device) {
        EXPECT_EQ(ntexCreateContext(&info, &c), NTEX_ERROR_UNSUPPORTED);
    }
    info.backend = static_cast<NtexBackend>(g_bad_enum);
    EXPECT_EQ(ntexCreateContext(&info, &c), NTEX_ERROR_INVALID_ARGUMENT);
    info = context_info();
    info.threadCount = NTEX_MAX_THREADS + 1;   // review robustness-2026-12 #6: libgomp would exit the host
    EXPECT_EQ(ntexCreateContext(&info, &c), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("threadCount"), std::string::npos) << ntexGetLastErrorMessage();
    EXPECT_EQ(c, nullptr);
    EXPECT_EQ(ntexGetContextBackend(m_context), cuda_device ? NTEX_BACKEND_CUDA : NTEX_BACKEND_CPU);
    EXPECT_EQ(ntexGetContextBackend(nullptr), NTEX_BACKEND_AUTO);
}

TEST_F(CApi, DestroyAcceptsNull) {
    ntexDestroyContext(nullptr);
    ntexDestroyModel(nullptr);
    ntexDestroyGenerator(nullptr);
}

// A live handle of another type (a cast in C) is refused, never dereferenced or deleted as the wrong
// struct (review robustness-2026-12 #10: ntexGenerate on a model crashed).
TEST_F(CApi, AHandleOfAnotherTypeIsRefused) {
    ASSERT_EQ(create_generator(32, 32), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(ntexGenerate(reinterpret_cast<NtexGenerator>(m_model)), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("not a live ntex handle"), std::string::npos) << ntexGetLastErrorMessage();
    ntexDestroyGenerator(reinterpret_cast<NtexGenerator>(m_model));   // ignored: not a generator
    ntexDestroyModel(reinterpret_cast<NtexModel>(m_generator));       // ignored: not a model
    NtexModelInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
    EXPECT_EQ(ntexGetModelInfo(m_model, &info), NTEX_SUCCESS) << ntexGetLastErrorMessage();   // still alive
    EXPECT_EQ(ntexGenerate(m_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
}

TEST_F(CApi, ModelMisuse) {
    NtexModel m = nullptr;
    NtexModelLoadInfo load{};
    load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    EXPECT_EQ(ntexLoadModel(m_context, &load, &m), NTEX_ERROR_INVALID_ARGUMENT);  // NULL path
    EXPECT_EQ(ntexLoadModel(nullptr, &load, &m), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexLoadModel(m_context, nullptr, &m), NTEX_ERROR_INVALID_ARGUMENT);
    load.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    load.pPath = "x.json";
    EXPECT_EQ(ntexLoadModel(m_context, &load, &m), NTEX_ERROR_INVALID_ARGUMENT);
    NtexModelInfo info{};
    EXPECT_EQ(ntexGetModelInfo(m_model, &info), NTEX_ERROR_INVALID_ARGUMENT);  // sType 0
    EXPECT_EQ(ntexGetModelInfo(nullptr, &info), NTEX_ERROR_INVALID_ARGUMENT);
    float z[8];
    EXPECT_EQ(ntexLatentFromSeed(m_model, 1, z, 7), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexLatentFromSeed(m_model, 1, nullptr, 8), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexLatentFromSeed(m_model, 1, z, 8), NTEX_SUCCESS);
}

TEST_F(CApi, GeneratorSizes) {
    EXPECT_EQ(create_generator(0, 16), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(create_generator(16, 0), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(create_generator(18, 16), NTEX_ERROR_INVALID_ARGUMENT);  // cell size 4
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("multiple"), std::string::npos);
    EXPECT_EQ(create_generator(8196, 16), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(create_generator(16, 0xFFFFFFF0u), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(m_generator, nullptr);
    EXPECT_EQ(create_generator(16, 8), NTEX_SUCCESS);
    NtexGeneratorCreateInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    info.width = info.height = 16;
    NtexGenerator g = nullptr;
    EXPECT_EQ(ntexCreateGenerator(m_context, &info, &g), NTEX_ERROR_INVALID_ARGUMENT);  // NULL model
    info.model = m_model;
    info.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    EXPECT_EQ(ntexCreateGenerator(m_context, &info, &g), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexCreateGenerator(nullptr, &info, &g), NTEX_ERROR_INVALID_ARGUMENT);
}

// Absurd sizes are refused by the size check before any plan or buffer exists; a negative size
// from a C caller arrives as a huge uint32_t.
TEST_F(CApi, AbsurdSizesGiveClearErrors) {
    EXPECT_EQ(create_generator(1000000, 1000000), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_STREQ(ntexGetLastErrorMessage(), "width 1000000 out of range 1..8192");
    EXPECT_EQ(create_generator(static_cast<uint32_t>(-256), 16), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_STREQ(ntexGetLastErrorMessage(), "width 4294967040 out of range 1..8192");
    EXPECT_EQ(create_generator(16, 0), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_STREQ(ntexGetLastErrorMessage(), "height 0 out of range 1..8192");
    EXPECT_EQ(m_generator, nullptr);
}

TEST_F(CApi, ParamsMisuse) {
    ASSERT_EQ(create_generator(16, 16), NTEX_SUCCESS);
    NtexGeneratorParams params{};
    params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    params.truncationPsi = 1.0f;
    float z[8] = {0, 1, 2, 3, 4, 5, 6, NAN};
    params.pZ = z;
    params.zCount = 8;
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("z[7]"), std::string::npos);
    z[7] = 0;
    params.zCount = 3;
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_ERROR_INVALID_ARGUMENT);
    params.zCount = 8;
    params.truncationPsi = NAN;
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_ERROR_INVALID_ARGUMENT);
    // Bounded (3e38 gave a flat black texture; review robustness-2026-12): the limit itself is accepted.
    for (float psi : {3e38f, -1e30f, NTEX_MAX_ABS_TRUNCATION_PSI * 1.001f}) {
        params.truncationPsi = psi;
        EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_ERROR_INVALID_ARGUMENT) << psi;
        EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("truncationPsi"), std::string::npos);
    }
    params.truncationPsi = -NTEX_MAX_ABS_TRUNCATION_PSI;
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_SUCCESS);
    params.truncationPsi = 1.0f;
    params.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexSetGeneratorParams(nullptr, &params), NTEX_ERROR_INVALID_ARGUMENT);
    params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_SUCCESS);
    EXPECT_EQ(ntexGenerate(nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexGenerate(m_generator), NTEX_SUCCESS);
}

TEST_F(CApi, ReadMapFormatsAndMisuse) {
    ASSERT_EQ(create_generator(16, 8), NTEX_SUCCESS);
    std::vector<uint8_t> rgba(20 * 4 * 8, 0xAB);  // rowPitch 80 > 64: padding must stay untouched
    NtexHostImage image{};
    image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    image.format = NTEX_HOST_FORMAT_R8G8B8A8;
    image.pData = rgba.data();
    image.rowPitch = 80;
    image.size = rgba.size();
    EXPECT_EQ(ntexReadMap(m_generator, 0, &image), NTEX_NOT_READY);
    ASSERT_EQ(ntexGenerate(m_generator), NTEX_SUCCESS);
    EXPECT_EQ(ntexReadMap(m_generator, 1, &image), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexReadMap(m_generator, 0, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    image.rowPitch = 60;
    EXPECT_EQ(ntexReadMap(m_generator, 0, &image), NTEX_ERROR_INVALID_ARGUMENT);
    image.rowPitch = 80;
    image.size = 80 * 7;
    EXPECT_EQ(ntexReadMap(m_generator, 0, &image), NTEX_ERROR_INVALID_ARGUMENT);
    image.size = rgba.size();
    image.format = static_cast<NtexHostFormat>(g_bad_enum);
    EXPECT_EQ(ntexReadMap(m_generator, 0, &image), NTEX_ERROR_INVALID_ARGUMENT);
    image.format = NTEX_HOST_FORMAT_R8G8B8A8;
    image.pData = nullptr;
    EXPECT_EQ(ntexReadMap(m_generator, 0, &image), NTEX_ERROR_INVALID_ARGUMENT);
    image.pData = rgba.data();
    ASSERT_EQ(ntexReadMap(m_generator, 0, &image), NTEX_SUCCESS);

    std::vector<float> rgbaf(16 * 4 * 8);
    NtexHostImage fimage = image;
    fimage.format = NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT;
    fimage.pData = rgbaf.data();
    fimage.rowPitch = 16 * 16;
    fimage.size = rgbaf.size() * sizeof(float);
    ASSERT_EQ(ntexReadMap(m_generator, 0, &fimage), NTEX_SUCCESS);
    for (int y = 0; y < 8; ++y) {
        for (int x = 0; x < 16; ++x) {
            for (int c = 0; c < 4; ++c) {
                float f = rgbaf[static_cast<std::size_t>((y * 16 + x) * 4 + c)];
                uint8_t b = rgba[static_cast<std::size_t>(y * 80 + x * 4 + c)];
                if (c == 3) {
                    EXPECT_EQ(f, 1.0f);
                    EXPECT_EQ(b, 255);
                } else {
                    EXPECT_GE(f, 0.0f);
                    EXPECT_LE(f, 1.0f);
                    EXPECT_EQ(b, static_cast<uint8_t>(std::lround(f * 255.0f)));
                }
            }
        }
        for (int pad = 64; pad < 80; ++pad) EXPECT_EQ(rgba[static_cast<std::size_t>(y * 80 + pad)], 0xAB);
    }
}

TEST_F(CApi, ModelInfoV2Fields) {
    NtexModelInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
    ASSERT_EQ(ntexGetModelInfo(m_model, &info), NTEX_SUCCESS);
    EXPECT_EQ(info.mapCount, 1u);
    EXPECT_EQ(info.mapSemantics[0], NTEX_MAP_SEMANTIC_ALBEDO);   // legacy "rgb"
    EXPECT_EQ(info.mapChannels[0], 3u);
    EXPECT_EQ(info.haloPixels, 16u);   // tiny: radius 16 -> 16 (cell 4)
    EXPECT_EQ(info.heightScale, 1.0f);
    EXPECT_EQ(info.directionCount, 0u);

    test::TinyModelOptions o;
    o.material = true;
    auto json = test::make_tiny_model(o).write(m_dir.path(), "material");
    NtexModelLoadInfo load{};
    load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    std::string p = json.string();
    load.pPath = p.c_str();
    NtexModel material = nullptr;
    ASSERT_EQ(ntexLoadModel(m_context, &load, &material), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGetModelInfo(material, &info), NTEX_SUCCESS);
    ASSERT_EQ(info.mapCount, 4u);
    const NtexMapSemantic semantics[4] = {NTEX_MAP_SEMANTIC_ALBEDO, NTEX_MAP_SEMANTIC_NORMAL, NTEX_MAP_SEMANTIC_ROUGHNESS,
                                          NTEX_MAP_SEMANTIC_HEIGHT};
    const uint32_t channels[4] = {3, 3, 1, 1};
    const char* names[4] = {"albedo", "normal", "roughness", "height"};
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(info.mapSemantics[i], semantics[i]);
        EXPECT_EQ(info.mapChannels[i], channels[i]);
        EXPECT_STREQ(info.mapNames[i], names[i]);
    }
    EXPECT_EQ(info.haloPixels, 20u);
    EXPECT_EQ(info.heightScale, 3.0f);
    EXPECT_EQ(info.directionCount, 2u);
    EXPECT_STREQ(info.directionLabels[1], "direction 1");
    ntexDestroyModel(material);
}

TEST_F(CApi, TilingAndDirectionMisuse) {
    NtexGeneratorCreateInfo create{};
    create.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    create.model = m_model;
    create.width = create.height = 16;
    create.tilingMode = static_cast<NtexTilingMode>(g_bad_enum);
    NtexGenerator g = nullptr;
    EXPECT_EQ(ntexCreateGenerator(m_context, &create, &g), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("tilingMode 12345"), std::string::npos);
    EXPECT_EQ(g, nullptr);

    ASSERT_EQ(create_generator(16, 16), NTEX_SUCCESS);   // TILEABLE
    NtexGeneratorParams params{};
    params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    params.truncationPsi = 1.0f;
    params.originX = 16;
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_STREQ(ntexGetLastErrorMessage(), "originX 16 must be 0 in NTEX_TILING_MODE_TILEABLE");
    params.originX = 0;
    params.originY = -4;
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_ERROR_INVALID_ARGUMENT);
    params.originY = 0;
    float offsets[2] = {1.0f, NAN};
    params.pDirectionOffsets = offsets;
    params.directionCount = 1;   // the tiny model has no directions
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("directionCount 1 is above the model's 0"), std::string::npos);
    params.directionCount = 0;
    EXPECT_EQ(ntexSetGeneratorParams(m_generator, &params), NTEX_SUCCESS);

    // A material model in INFINITE mode.
    test::TinyModelOptions o;
    o.material = true;
    auto json = test::make_tiny_model(o).write(m_dir.path(), "material");
    NtexModelLoadInfo load{};
    load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    std::string p = json.string();
    load.pPath = p.c_str();
    NtexModel material = nullptr;
    ASSERT_EQ(ntexLoadModel(m_context, &load, &material), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    create.model = material;
    create.tilingMode = NTEX_TILING_MODE_INFINITE;
    ASSERT_EQ(ntexCreateGenerator(m_context, &create, &g), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    params.originX = -16;
    params.originY = 32;
    params.directionCount = 2;
    EXPECT_EQ(ntexSetGeneratorParams(g, &params), NTEX_ERROR_INVALID_ARGUMENT);   // NaN offset
    EXPECT_STREQ(ntexGetLastErrorMessage(), "pDirectionOffsets[1] is not finite");
    params.directionCount = 3;
    EXPECT_EQ(ntexSetGeneratorParams(g, &params), NTEX_ERROR_INVALID_ARGUMENT);
    params.pDirectionOffsets = nullptr;
    params.directionCount = 1;
    EXPECT_EQ(ntexSetGeneratorParams(g, &params), NTEX_ERROR_INVALID_ARGUMENT);
    offsets[1] = -2.0f;
    params.pDirectionOffsets = offsets;
    params.directionCount = 2;
    params.originX = 6;
    EXPECT_EQ(ntexSetGeneratorParams(g, &params), NTEX_ERROR_INVALID_ARGUMENT);   // not a multiple of 4
    params.originX = -16;
    ASSERT_EQ(ntexSetGeneratorParams(g, &params), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGenerate(g), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    // Every format for every map; texels of 1 to 16 bytes.
    std::vector<uint8_t> buffer(16 * 16 * 16);
    NtexHostImage image{};
    image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    image.pData = buffer.data();
    image.size = buffer.size();
    const std::pair<NtexHostFormat, std::size_t> formats[] = {{NTEX_HOST_FORMAT_R8G8B8A8, 4}, {NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT, 16},
                                                              {NTEX_HOST_FORMAT_R8_UNORM, 1}, {NTEX_HOST_FORMAT_R16_UNORM, 2},
                                                              {NTEX_HOST_FORMAT_R32_SFLOAT, 4}, {NTEX_HOST_FORMAT_R8G8_UNORM, 2},
                                                              {NTEX_HOST_FORMAT_B8G8R8A8, 4}, {NTEX_HOST_FORMAT_R16_SFLOAT, 2},
                                                              {NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT, 8}};
    for (uint32_t map = 0; map < 4; ++map) {
        for (auto [format, texel] : formats) {
            image.format = format;
            image.rowPitch = 16 * texel;
            EXPECT_EQ(ntexReadMap(g, map, &image), NTEX_SUCCESS) << ntexGetLastErrorMessage();
            image.rowPitch = 16 * texel - 1;
            EXPECT_EQ(ntexReadMap(g, map, &image), NTEX_ERROR_INVALID_ARGUMENT);
            image.rowPitch = 16 * texel;
            image.size = 16 * texel * 16 - 1;
            EXPECT_EQ(ntexReadMap(g, map, &image), NTEX_ERROR_INVALID_ARGUMENT);
            image.size = buffer.size();
        }
    }
    EXPECT_EQ(ntexReadMap(g, 4, &image), NTEX_ERROR_INVALID_ARGUMENT);
    ntexDestroyGenerator(g);
    ntexDestroyModel(material);
}

TEST_F(CApi, LogCallbackGetsErrors) {
    std::vector<std::string> logged;
    NtexContextCreateInfo info = context_info();
    info.pfnLog = [](NtexLogLevel, const char* message, void* user) { static_cast<std::vector<std::string>*>(user)->push_back(message); };
    info.pLogUserData = &logged;
    NtexContext c = nullptr;
    ASSERT_EQ(ntexCreateContext(&info, &c), NTEX_SUCCESS);
    NtexModelLoadInfo load{};
    load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    load.pPath = "/nonexistent/x.json";
    NtexModel m = nullptr;
    EXPECT_EQ(ntexLoadModel(c, &load, &m), NTEX_ERROR_FILE_NOT_FOUND);
    ASSERT_FALSE(logged.empty());
    EXPECT_NE(logged.back().find("NTEX_ERROR_FILE_NOT_FOUND"), std::string::npos);
    EXPECT_NE(logged.back().find("/nonexistent/x.json"), std::string::npos);
    ntexDestroyContext(c);
}

// NtexMessengerCreateInfo (issue 15): messages with their result code, filtered by severity, including
// ntexCreateContext's own errors; a messenger without a callback is refused.
TEST_F(CApi, MessengerGetsResultsAndSeverities) {
    struct Message {
        NtexLogLevel severity;
        NtexResult result;
        std::string text;
    };
    std::vector<Message> got;
    NtexMessengerCreateInfo messenger{};
    messenger.sType = NTEX_STRUCTURE_TYPE_MESSENGER_CREATE_INFO;
    messenger.minSeverity = NTEX_LOG_LEVEL_WARNING;
    messenger.pUserData = &got;
    messenger.pfnCallback = [](NtexLogLevel severity, NtexResult result, const char* message, void* user) {
        static_cast<std::vector<Message>*>(user)->push_back({severity, result, message});
    };
    NtexContextCreateInfo info = context_info();
    info.pNext = &messenger;
    NtexContext c = nullptr;
    info.threadCount = NTEX_MAX_THREADS + 1;   // the call's own error reaches the chained messenger
    EXPECT_EQ(ntexCreateContext(&info, &c), NTEX_ERROR_INVALID_ARGUMENT);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].severity, NTEX_LOG_LEVEL_ERROR);
    EXPECT_EQ(got[0].result, NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(got[0].text.find("threadCount"), std::string::npos) << got[0].text;
    got.clear();
    info.threadCount = 2;
    ASSERT_EQ(ntexCreateContext(&info, &c), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    for (const Message& m : got) EXPECT_GE(m.severity, NTEX_LOG_LEVEL_WARNING) << "below minSeverity: " << m.text;
    got.clear();
    NtexModelLoadInfo load{};
    load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    load.pPath = "/nonexistent/x.json";
    NtexModel m = nullptr;
    EXPECT_EQ(ntexLoadModel(c, &load, &m), NTEX_ERROR_FILE_NOT_FOUND);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].result, NTEX_ERROR_FILE_NOT_FOUND);
    EXPECT_NE(got[0].text.find("ntexLoadModel: NTEX_ERROR_FILE_NOT_FOUND: "), std::string::npos) << got[0].text;
    EXPECT_NE(got[0].text.find(ntexGetLastErrorMessage()), std::string::npos);
    ntexDestroyContext(c);

    // DEBUG and INFO reach a messenger that asks for them (the backend chosen is INFO).
    messenger.minSeverity = NTEX_LOG_LEVEL_DEBUG;
    got.clear();
    ASSERT_EQ(ntexCreateContext(&info, &c), NTEX_SUCCESS);
    EXPECT_TRUE(std::any_of(got.begin(), got.end(), [](const Message& x) { return x.severity == NTEX_LOG_LEVEL_INFO && x.result == NTEX_SUCCESS; }));
    ntexDestroyContext(c);

    messenger.pfnCallback = nullptr;
    EXPECT_EQ(ntexCreateContext(&info, &c), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("pfnCallback is NULL"), std::string::npos) << ntexGetLastErrorMessage();
    messenger.pfnCallback = [](NtexLogLevel, NtexResult, const char*, void*) {};
    messenger.minSeverity = static_cast<NtexLogLevel>(g_bad_enum);
    EXPECT_EQ(ntexCreateContext(&info, &c), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("minSeverity"), std::string::npos) << ntexGetLastErrorMessage();
}

// One context shared by two threads, each with its own generator (the documented contract).
TEST_F(CApi, GeneratorsOnTwoThreads) {
    ntex::Context::Options options;
    options.thread_count = 2;
    ntex::Context context(options);
    ntex::Model model(context, m_json.string());
    auto frames = [&](uint32_t first_seed) {
        ntex::Generator g(context, model, 32, 16);
        std::vector<std::vector<uint8_t>> out;
        for (uint32_t seed = first_seed; seed < first_seed + 4; ++seed) {
            g.set_params(seed, 0.9f);
            g.generate();
            out.push_back(g.read_rgba8(0));
        }
        return out;
    };
    auto expected_a = frames(1);
    auto expected_b = frames(100);
    std::vector<std::vector<uint8_t>> a, b;
    std::thread ta([&] { a = frames(1); });
    std::thread tb([&] { b = frames(100); });
    ta.join();
    tb.join();
    EXPECT_EQ(a, expected_a);
    EXPECT_EQ(b, expected_b);
    EXPECT_NE(a[0], b[0]);
}

// The contract's misuse (review robustness-2026-12 #17): a second thread calling into a generator while
// another thread is inside a call on it gets INVALID_ARGUMENT instead of racing it. Deterministic: thread
// A's ntexGenerate picks up a hot reload and logs it from inside the call; the log callback holds A there
// while thread B tries the generator (refused) and the model (any thread: allowed).
TEST_F(CApi, AGeneratorUsedByTwoThreadsAtOnceIsRefused) {
    struct Gate {
        std::mutex mutex;
        std::condition_variable cv;
        bool a_inside = false, b_done = false;
    } gate;
    NtexContextCreateInfo info = context_info();
    info.pfnLog = [](NtexLogLevel, const char* message, void* user) {
        if (std::string(message).find("now runs the reloaded model") == std::string::npos) return;   // inside ntexGenerate
        auto& g = *static_cast<Gate*>(user);
        std::unique_lock<std::mutex> lock(g.mutex);
        g.a_inside = true;
        g.cv.notify_all();
        g.cv.wait(lock, [&] { return g.b_done; });
    };
    info.pLogUserData = &gate;
    NtexContext c = nullptr;
    ASSERT_EQ(ntexCreateContext(&info, &c), NTEX_SUCCESS);
    NtexModelLoadInfo load{};
    load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    const std::string path = m_json.string();
    load.pPath = path.c_str();
    NtexModel m = nullptr;
    ASSERT_EQ(ntexLoadModel(c, &load, &m), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexGeneratorCreateInfo gi{};
    gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    gi.model = m;
    gi.width = 32;
    gi.height = 32;
    NtexGenerator g = nullptr;
    ASSERT_EQ(ntexCreateGenerator(c, &gi, &g), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexReloadModel(m), NTEX_SUCCESS) << ntexGetLastErrorMessage();

    NtexResult a_result = NTEX_ERROR_UNKNOWN;
    std::thread a([&] { a_result = ntexGenerate(g); });   // refreshes to the reloaded model and logs it
    NtexResult b_generator = NTEX_SUCCESS, b_model = NTEX_ERROR_UNKNOWN;
    std::string b_message;
    {
        std::unique_lock<std::mutex> lock(gate.mutex);
        gate.cv.wait(lock, [&] { return gate.a_inside; });
    }
    uint64_t id = 0;
    b_generator = ntexGetResultId(g, &id);
    b_message = ntexGetLastErrorMessage();
    b_model = ntexReloadModel(m);
    {
        std::lock_guard<std::mutex> lock(gate.mutex);
        gate.b_done = true;
    }
    gate.cv.notify_all();
    a.join();
    EXPECT_EQ(b_generator, NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(b_message.find("in use by another thread"), std::string::npos) << b_message;
    EXPECT_EQ(b_model, NTEX_SUCCESS) << "ntexReloadModel is any-thread";
    EXPECT_EQ(a_result, NTEX_SUCCESS);
    // Released: the same thread or another may use it now.
    EXPECT_EQ(ntexGetResultId(g, &id), NTEX_SUCCESS);
    NtexResult later = NTEX_ERROR_UNKNOWN;
    std::thread([&] { later = ntexWaitIdle(g); }).join();
    EXPECT_EQ(later, NTEX_SUCCESS);
    ntexDestroyGenerator(g);
    ntexDestroyModel(m);
    ntexDestroyContext(c);
}

TEST_F(CApi, CppWrapper) {
    ntex::Context::Options options;
    options.thread_count = 1;
    ntex::Context context(options);
    EXPECT_EQ(context.backend(), ntex::cuda::select_device(nullptr).ordinal >= 0 ? NTEX_BACKEND_CUDA : NTEX_BACKEND_CPU);
    try {
        ntex::Model bad(context, (m_dir / "missing.json").string());
        FAIL() << "no exception";
    } catch (const ntex::Exception& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_FILE_NOT_FOUND);
        EXPECT_NE(std::string(e.what()).find("missing.json"), std::string::npos);
    }
    ntex::Model model(context, m_json.string());
    EXPECT_EQ(model.info().zDim, 8u);
    EXPECT_EQ(model.latent_from_seed(3).size(), 8u);
    ntex::Generator generator(context, model, 8, 8);
    ntex::Generator moved = std::move(generator);
    EXPECT_FALSE(generator.get());
    moved.set_params(3, 0.7f);
    moved.generate();
    EXPECT_EQ(moved.read_rgba8(0).size(), 8u * 8u * 4u);
    EXPECT_THROW(moved.set_params(3, 1.0f, std::vector<float>(5, 0.0f)), ntex::Exception);
    EXPECT_THROW(ntex::Generator(context, model, 6, 8), ntex::Exception);

    // Header v2: tiling mode, full parameters, asynchronous generation, any host format.
    ntex::Generator infinite(context, model, 16, 8, NTEX_TILING_MODE_INFINITE);
    ntex::Generator::Params p;
    p.seed = 4;
    p.origin_x = -16;
    p.origin_y = 8;
    infinite.set_params(p);
    bool idle = false;
    EXPECT_EQ(infinite.result_id(&idle), 0u);
    EXPECT_TRUE(idle);
    infinite.generate_async();
    infinite.wait_idle();
    EXPECT_EQ(infinite.result_id(&idle), 1u);
    EXPECT_TRUE(idle);
    EXPECT_EQ(infinite.read_map(0, NTEX_HOST_FORMAT_R16_UNORM).size(), 16u * 8u * 2u);
    EXPECT_EQ(infinite.read_map(0, NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT).size(), 16u * 8u * 16u);
    p.origin_x = 2;
    EXPECT_THROW(infinite.set_params(p), ntex::Exception);
    p.origin_x = 0;
    p.direction_offsets = {1.0f};   // the tiny model has no directions
    EXPECT_THROW(infinite.set_params(p), ntex::Exception);
    EXPECT_EQ(ntex::host_format_texel_size(NTEX_HOST_FORMAT_R8_UNORM), 1u);
    EXPECT_EQ(ntex::host_format_texel_size(NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT), 8u);
    EXPECT_EQ(ntex::host_format_texel_size(static_cast<NtexHostFormat>(g_bad_enum)), 0u);
}

}  // namespace
}  // namespace ntex
