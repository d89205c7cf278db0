// SPDX-License-Identifier: MIT
// ModelDescription: the validated contents of a model's JSON (docs/model_format.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

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
    // output
    float scale = 1.0f;
    float shift = 0.0f;
};

struct OutputMap {
    std::string name;
    std::vector<int> channels;
    std::string semantics;
    float range_min = 0.0f;
    float range_max = 1.0f;
    std::string color_space;
};

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
    std::string w_avg;
    std::vector<SynthesisOp> ops;
    std::vector<OutputMap> outputs;
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
