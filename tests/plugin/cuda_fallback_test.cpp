// SPDX-License-Identifier: MIT
// Backend resolution without a GPU (runs everywhere): select_device's reason, AUTO falling back to
// the CPU with that reason, CUDA refused with it, and NtexGeneratorPrecisionInfo parsing.
#include "backends/cuda/cuda_backend.h"
#include "test_support.h"

#include <ntex/ntex.h>

#include <gtest/gtest.h>

#include <string>

namespace ntex {
namespace {

int g_bad_precision = 777;   // a runtime int, as from a C caller

NtexContextCreateInfo context_info(NtexBackend backend) {
    NtexContextCreateInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    info.headerVersion = NTEX_HEADER_VERSION;
    info.backend = backend;
    info.threadCount = 1;
    return info;
}

NtexBackendInfo backend_info(NtexContext c) {
    NtexBackendInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_BACKEND_INFO;
    EXPECT_EQ(ntexGetContextBackendInfo(c, &info), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    return info;
}

TEST(CudaFallback, SelectDeviceGivesAOneLineReasonWithoutADevice) {
    const cuda::DeviceChoice choice = cuda::select_device(nullptr);
    if (choice.ordinal >= 0) GTEST_SKIP() << "a CUDA device is present: " << choice.name;
    EXPECT_FALSE(choice.reason.empty());
    EXPECT_EQ(choice.reason.find('\n'), std::string::npos) << choice.reason;
    if (!cuda::built_with_cuda()) {
        EXPECT_EQ(choice.reason, "this library was built without CUDA");
    }
}

TEST(CudaFallback, SelectDeviceByUnknownUuidGivesAReason) {
    const uint8_t uuid[16] = {0xde, 0xad, 0xbe, 0xef};
    const cuda::DeviceChoice choice = cuda::select_device(uuid);
    EXPECT_EQ(choice.ordinal, -1);
    EXPECT_FALSE(choice.reason.empty());
    EXPECT_EQ(choice.reason.find('\n'), std::string::npos) << choice.reason;
}

TEST(CudaFallback, PrecisionNames) {
    EXPECT_STREQ(cuda::precision_name(cuda::Precision::Fp32), "fp32");
    EXPECT_STREQ(cuda::precision_name(cuda::Precision::Fp16), "fp16");
}

TEST(CudaFallback, AutoFallsBackToTheCpuWithTheReason) {
    const cuda::DeviceChoice choice = cuda::select_device(nullptr);
    if (choice.ordinal >= 0) GTEST_SKIP() << "a CUDA device is present: " << choice.name;
    NtexContextCreateInfo info = context_info(NTEX_BACKEND_AUTO);
    NtexContext c = nullptr;
    ASSERT_EQ(ntexCreateContext(&info, &c), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(ntexGetContextBackend(c), NTEX_BACKEND_CPU);
    const NtexBackendInfo b = backend_info(c);
    EXPECT_EQ(b.backend, NTEX_BACKEND_CPU);
    EXPECT_NE(std::string(b.deviceName).find("CPU"), std::string::npos) << b.deviceName;
    EXPECT_STRNE(b.fallbackReason, "");
    EXPECT_EQ(std::string(b.fallbackReason), choice.reason.substr(0, sizeof b.fallbackReason - 1));
    ntexDestroyContext(c);
}

TEST(CudaFallback, CpuRequestedHasNoFallbackReason) {
    NtexContextCreateInfo info = context_info(NTEX_BACKEND_CPU);
    NtexContext c = nullptr;
    ASSERT_EQ(ntexCreateContext(&info, &c), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const NtexBackendInfo b = backend_info(c);
    EXPECT_EQ(b.backend, NTEX_BACKEND_CPU);
    EXPECT_STREQ(b.fallbackReason, "");
    ntexDestroyContext(c);
}

TEST(CudaFallback, CudaRequestedWithoutADeviceIsUnsupportedWithTheReason) {
    const cuda::DeviceChoice choice = cuda::select_device(nullptr);
    if (choice.ordinal >= 0) GTEST_SKIP() << "a CUDA device is present: " << choice.name;
    NtexContextCreateInfo info = context_info(NTEX_BACKEND_CUDA);
    NtexContext c = nullptr;
    EXPECT_EQ(ntexCreateContext(&info, &c), NTEX_ERROR_UNSUPPORTED);
    EXPECT_EQ(c, nullptr);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find(choice.reason), std::string::npos) << ntexGetLastErrorMessage();
}

TEST(CudaFallback, BackendInfoChecksItsArguments) {
    NtexContextCreateInfo info = context_info(NTEX_BACKEND_CPU);
    NtexContext c = nullptr;
    ASSERT_EQ(ntexCreateContext(&info, &c), NTEX_SUCCESS);
    EXPECT_EQ(ntexGetContextBackendInfo(c, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    NtexBackendInfo wrong{};
    wrong.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    EXPECT_EQ(ntexGetContextBackendInfo(c, &wrong), NTEX_ERROR_INVALID_ARGUMENT);
    NtexBackendInfo ok{};
    ok.sType = NTEX_STRUCTURE_TYPE_BACKEND_INFO;
    EXPECT_EQ(ntexGetContextBackendInfo(nullptr, &ok), NTEX_ERROR_INVALID_ARGUMENT);
    ntexDestroyContext(c);
}

class PrecisionInfo : public ::testing::Test {
protected:
    void SetUp() override {
        m_json = test::make_tiny_model().write(m_dir.path());
        NtexContextCreateInfo info = context_info(NTEX_BACKEND_AUTO);
        ASSERT_EQ(ntexCreateContext(&info, &m_context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexModelLoadInfo load{};
        load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
        const std::string p = m_json.string();
        load.pPath = p.c_str();
        ASSERT_EQ(ntexLoadModel(m_context, &load, &m_model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    void TearDown() override {
        ntexDestroyModel(m_model);
        ntexDestroyContext(m_context);
    }
    NtexResult create(const void* next) {
        NtexGeneratorCreateInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
        info.pNext = next;
        info.model = m_model;
        info.width = 32;
        info.height = 32;
        info.tilingMode = NTEX_TILING_MODE_TILEABLE;
        NtexGenerator g = nullptr;
        const NtexResult r = ntexCreateGenerator(m_context, &info, &g);
        if (r != NTEX_SUCCESS) {
            EXPECT_EQ(g, nullptr);
        }
        ntexDestroyGenerator(g);
        return r;
    }
    test::TempDir m_dir;
    std::filesystem::path m_json;
    NtexContext m_context = nullptr;
    NtexModel m_model = nullptr;
};

TEST_F(PrecisionInfo, EveryKnownPrecisionIsAccepted) {
    for (NtexPrecision p : {NTEX_PRECISION_DEFAULT, NTEX_PRECISION_FP32, NTEX_PRECISION_FP16}) {
        NtexGeneratorPrecisionInfo precision{};
        precision.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO;
        precision.precision = p;
        EXPECT_EQ(create(&precision), NTEX_SUCCESS) << "precision " << p << ": " << ntexGetLastErrorMessage();
    }
    EXPECT_EQ(create(nullptr), NTEX_SUCCESS) << ntexGetLastErrorMessage();
}

TEST_F(PrecisionInfo, AnUnknownPrecisionIsAnInvalidArgument) {
    NtexGeneratorPrecisionInfo precision{};
    precision.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO;
    precision.precision = static_cast<NtexPrecision>(g_bad_precision);
    EXPECT_EQ(create(&precision), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("precision"), std::string::npos) << ntexGetLastErrorMessage();
}

// A chain that loops back on itself ends in an error, not a hang (review robustness-2026-12 #16).
TEST_F(PrecisionInfo, ASelfLoopingChainIsAnInvalidArgument) {
    NtexGeneratorPrecisionInfo precision{};
    precision.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO;
    precision.precision = NTEX_PRECISION_FP32;
    precision.pNext = &precision;
    EXPECT_EQ(create(&precision), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("longer than"), std::string::npos) << ntexGetLastErrorMessage();
}

TEST_F(PrecisionInfo, AnUnknownSTypeInTheChainIsAnInvalidArgument) {
    NtexGeneratorPrecisionInfo precision{};
    precision.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;   // not an extension of NtexGeneratorCreateInfo
    precision.precision = NTEX_PRECISION_FP32;
    EXPECT_EQ(create(&precision), NTEX_ERROR_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace ntex
