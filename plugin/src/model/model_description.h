// SPDX-License-Identifier: MIT
// ModelDescription: the validated contents of a model's JSON (docs/model_format.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/layout_prior.h"

#include <nlohmann/json_fwd.hpp>

namespace ntex {

enum class Activation { Linear, LRelu, Tanh };

constexpr float kLReluSlope = 0.2f;

struct MappingLayer {
    std::string weight;   // tensor [out, in]
    std::string bias;     // tensor [out]
    int in = 0;
    int out = 0;
    Activation activation = Activation::LRelu;
};

enum class OpKind { NoiseInput, Upsample, ModConv, Output };

struct SynthesisOp {
    OpKind kind = OpKind::NoiseInput;
    // noise_input
    int channels = 0;
    // upsample
    int factor = 2;
    // modconv
    int in = 0;
    int out = 0;
    int kernel = 0;
    bool demodulate = true;
    Activation activation = Activation::Linear;
    bool noise = false;
    std::string weight, bias, affine_weight, affine_bias, noise_strength;
    // Layout injection (format v2): y += layout_gain [out, layout_channels] x layout at this op's
    // resolution, before the activation; empty when the op has none.
    std::string layout_gain;
    // output
    float scale = 1.0f;
    float shift = 0.0f;
};

// What a map means; the values equal NtexMapSemantic's.
enum class MapSemantic { Other = 0, Albedo = 1, Normal = 2, Roughness = 3, Height = 4 };

struct OutputMap {
    std::string name;
    std::vector<int> channels;   // channels of the final tensor; empty for a derived map
    std::string semantics;       // as written ("rgb" is the legacy name of "albedo")
    MapSemantic semantic = MapSemantic::Other;
    float range_min = 0.0f;
    float range_max = 1.0f;
    std::string color_space;
    // A normal map derived from a height map (docs/model_format.md, "Derived normal maps"):
    // the index of that map in `outputs`, else -1.
    int derived_from = -1;
    // Channels this map has in the material tensor: channels.size(), or 3 for a derived normal.
    int channel_count() const noexcept { return derived_from >= 0 ? 3 : static_cast<int>(channels.size()); }
};

// A latent direction (GANSpace): w += offset * sigma * tensor, after truncation.
struct LatentDirection {
    std::string label;           // at most 63 characters
    std::string tensor;          // [w_dim] F32 unit vector
    float sigma = 1.0f;          // > 0: the standard deviation of w along the direction
};

// Synthesis ops in one model (the shipped ones have about 20). With kernels <= 15 and cell_size <=
// 8192 it keeps every size derived from the op list (the receptive-field radius, the halo) far
// inside int (review robustness-2026-12 #1: 174,762 ops overflowed the halo sum).
constexpr std::size_t kMaxOps = 256;
constexpr std::size_t kMaxMaps = 8;
constexpr std::size_t kMaxDirections = 16;
constexpr std::size_t kMaxCategories = 16;
constexpr int kMaxLayoutChannels = 8;

struct ModelDescription {
    std::string file;          // the JSON's file name, for messages
    std::string name;
    std::string version;
    std::string description;
    int z_dim = 0;
    int w_dim = 0;
    int noise_channels = 0;
    int cell_size = 0;
    bool normalize_z = true;
    std::vector<MappingLayer> mapping_layers;
    std::string w_avg;          // [w_dim], or [categories + 1, w_dim] for a conditional model
    // Category conditioning (format v2; docs/model_format.md, "Conditional mapping"): names of the
    // categories; the embedding table has categories.size() + 1 rows, the last meaning "any".
    std::vector<std::string> categories;
    std::string class_embed;    // tensor [categories + 1, embed_dim]; empty without categories
    int embed_dim = 0;
    // Layout conditioning (format v2): channels of the layout map (0 = none).
    int layout_channels = 0;
    // Optional (docs/model_format.md, "Layout prior"): per category, the procedural layouts the AUTO
    // layout draws from; empty without one. Needs categories and layout_channels.
    LayoutPrior layout_prior;
    int format_version = 1;
    std::vector<SynthesisOp> ops;
    std::vector<OutputMap> outputs;
    float height_scale = 1.0f;  // texels of depth per unit of height (derived normals' strength)
    std::vector<LatentDirection> directions;
    std::string weights;       // safetensors file name, relative to the JSON
    std::map<std::string, std::vector<int64_t>> tensors;
    uint64_t parameters = 0;
    double flops_per_megapixel = 0.0;
    int final_channels = 0;    // channels of the tensor after the last op
};

// Validates every key of the spec; throws Error(INVALID_MODEL) with "<file>: <field>: <cause>".
ModelDescription parse_model_description(const nlohmann::json& root, const std::string& file);
// Parses JSON text (any bytes); INVALID_MODEL for bad JSON or a bad description. `file` names the
// source in messages.
ModelDescription parse_model_description_text(std::string_view text, const std::string& file);
// Reads and parses; FILE_NOT_FOUND when missing, INVALID_MODEL for bad JSON.
ModelDescription load_model_description(const std::filesystem::path& path);

const char* activation_name(Activation a) noexcept;

}  // namespace ntex
