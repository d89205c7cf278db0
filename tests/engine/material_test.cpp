// SPDX-License-Identifier: MIT
// material_test.cpp: each material map's engine format and neutral value (what a model without
// the map shows), and the staging texel sizes.
#include "engine/error.h"
#include "engine/material.h"
#include "engine/texture.h"

#include <gtest/gtest.h>

namespace {

using engine::MapKind;

TEST(Material, FormatsMatchWhatEnginesSample) {
    EXPECT_EQ(engine::map_format(MapKind::kAlbedo), VK_FORMAT_R8G8B8A8_SRGB);
    EXPECT_EQ(engine::map_format(MapKind::kNormal), VK_FORMAT_R8G8B8A8_UNORM);
    EXPECT_EQ(engine::map_format(MapKind::kRoughness), VK_FORMAT_R8_UNORM);
    EXPECT_EQ(engine::map_format(MapKind::kHeight), VK_FORMAT_R16_UNORM);
    EXPECT_EQ(engine::Texture::texel_size(VK_FORMAT_R8G8B8A8_SRGB), 4u);
    EXPECT_EQ(engine::Texture::texel_size(VK_FORMAT_R16_UNORM), 2u);
    EXPECT_EQ(engine::Texture::texel_size(VK_FORMAT_R8_UNORM), 1u);
    EXPECT_THROW(engine::Texture::texel_size(VK_FORMAT_R32_SFLOAT), engine::Error);
}

TEST(Material, NeutralValuesAreFlatAndMid) {
    const auto n = engine::map_neutral_value(MapKind::kNormal);
    EXPECT_FLOAT_EQ(n[0], 0.5f);   // decodes to (0, 0, 1): the surface normal itself
    EXPECT_FLOAT_EQ(n[1], 0.5f);
    EXPECT_FLOAT_EQ(n[2], 1.0f);
    EXPECT_FLOAT_EQ(engine::map_neutral_value(MapKind::kRoughness)[0], 0.6f);
    EXPECT_FLOAT_EQ(engine::map_neutral_value(MapKind::kHeight)[0], 0.5f);
}

}  // namespace
