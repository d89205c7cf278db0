// SPDX-License-Identifier: MIT
// NtexGeneratorParams::animationTime: t = 0 is the seed's latent, t = 1 the next seed's (with the
// first seed's noise), t = 0.5 lies between with a typical norm; bad times are errors.
#include "runtime/hash_noise.h"
#include "runtime/latent_animation.h"

#include <ntex/ntex.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

double norm(const std::vector<float>& v) {
    double s = 0.0;
    for (float x : v) s += double{x} * x;
    return std::sqrt(s);
}

TEST(LatentAnimation, EndpointsAreTheSeedLatentsAndTheMiddleKeepsTheNorm) {
    const int n = 64;
    std::vector<float> z(n);
    ntex::animated_latent(5, 0.0, n, z.data());
    EXPECT_EQ(z, ntex::latent_from_seed(5, n));
    ntex::animated_latent(5, 1.0, n, z.data());
    EXPECT_EQ(z, ntex::latent_from_seed(6, n));
    ntex::animated_latent(5, 2.0, n, z.data());
    EXPECT_EQ(z, ntex::latent_from_seed(7, n));
    ntex::animated_latent(5, 0.5, n, z.data());
    const double a = norm(ntex::latent_from_seed(5, n)), b = norm(ntex::latent_from_seed(6, n));
    EXPECT_NEAR(norm(z), 0.5 * (a + b), 1e-3) << "slerp keeps the length (lerp of the two norms)";
    EXPECT_NE(z, ntex::latent_from_seed(5, n));
}

TEST(LatentAnimation, ThroughTheCApi) {
    NtexContextCreateInfo ci{};
    ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    ci.headerVersion = NTEX_HEADER_VERSION;
    ci.threadCount = 2;
    NtexContext context = nullptr;
    ASSERT_EQ(ntexCreateContext(&ci, &context), NTEX_SUCCESS);
    const std::string path = std::string(NTEX_SOURCE_DIR) + "/models/albedo_v1.json";
    NtexModelLoadInfo li{};
    li.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    li.pPath = path.c_str();
    NtexModel model = nullptr;
    ASSERT_EQ(ntexLoadModel(context, &li, &model), NTEX_SUCCESS);
    NtexGeneratorCreateInfo gi{};
    gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    gi.model = model;
    gi.width = gi.height = 32;
    NtexGenerator generator = nullptr;
    ASSERT_EQ(ntexCreateGenerator(context, &gi, &generator), NTEX_SUCCESS);
    const auto texels = [&](const NtexGeneratorParams& p) {
        EXPECT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_EQ(ntexGenerate(generator), NTEX_SUCCESS);
        std::vector<float> out(32 * 32 * 4);
        NtexHostImage im{};
        im.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        im.format = NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT;
        im.pData = out.data();
        im.rowPitch = 32 * 16;
        im.size = out.size() * 4;
        EXPECT_EQ(ntexReadMap(generator, 0, &im), NTEX_SUCCESS);
        return out;
    };
    NtexGeneratorParams p{};
    p.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    p.seed = 3;
    p.truncationPsi = 1.0f;
    const std::vector<float> at0 = texels(p);
    p.animationTime = 1.0f;
    const std::vector<float> at1 = texels(p);
    // Same as an explicit z of seed 4 with seed 3's noise.
    std::vector<float> z4(64);
    ASSERT_EQ(ntexLatentFromSeed(model, 4, z4.data(), 64), NTEX_SUCCESS);
    NtexGeneratorParams q = p;
    q.animationTime = 0.0f;
    q.pZ = z4.data();
    q.zCount = 64;
    EXPECT_EQ(texels(q), at1);
    EXPECT_NE(at0, at1);
    p.animationTime = 0.5f;
    const std::vector<float> mid = texels(p);
    EXPECT_NE(mid, at0);
    EXPECT_NE(mid, at1);
    for (float bad : {-1.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(), 3e7f}) {
        p.animationTime = bad;
        EXPECT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_ERROR_INVALID_ARGUMENT) << bad;
        EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("animationTime"), std::string::npos);
    }
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
}

}  // namespace

namespace {

// Destroyed and made-up handles are errors, not crashes; destroying twice is harmless.
TEST(Handles, DestroyedOrUnknownHandlesAreErrors) {
    NtexContextCreateInfo ci{};
    ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    ci.headerVersion = NTEX_HEADER_VERSION;
    NtexContext context = nullptr;
    ASSERT_EQ(ntexCreateContext(&ci, &context), NTEX_SUCCESS);
    const std::string path = std::string(NTEX_SOURCE_DIR) + "/models/albedo_v1.json";
    NtexModelLoadInfo li{};
    li.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    li.pPath = path.c_str();
    NtexModel model = nullptr;
    ASSERT_EQ(ntexLoadModel(context, &li, &model), NTEX_SUCCESS);
    NtexGeneratorCreateInfo gi{};
    gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    gi.model = model;
    gi.width = gi.height = 16;
    NtexGenerator generator = nullptr;
    ASSERT_EQ(ntexCreateGenerator(context, &gi, &generator), NTEX_SUCCESS);
    ntexDestroyGenerator(generator);
    EXPECT_EQ(ntexGenerate(generator), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("not a live ntex handle"), std::string::npos);
    uint64_t id = 0;
    EXPECT_EQ(ntexGetResultId(generator, &id), NTEX_ERROR_INVALID_ARGUMENT);
    ntexDestroyGenerator(generator);   // twice: ignored
    int not_a_handle = 0;
    EXPECT_EQ(ntexGenerate(reinterpret_cast<NtexGenerator>(&not_a_handle)), NTEX_ERROR_INVALID_ARGUMENT);
    ntexDestroyModel(model);
    EXPECT_EQ(ntexCreateGenerator(context, &gi, &generator), NTEX_ERROR_INVALID_ARGUMENT) << "gi.model was destroyed";
    NtexModelInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
    EXPECT_EQ(ntexGetModelInfo(model, &info), NTEX_ERROR_INVALID_ARGUMENT);
    ntexDestroyContext(context);
    EXPECT_EQ(ntexLoadModel(context, &li, &model), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexGetContextBackend(context), NTEX_BACKEND_AUTO);
    ntexDestroyContext(context);   // twice: ignored
}

}  // namespace
