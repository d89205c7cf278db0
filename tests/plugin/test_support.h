// SPDX-License-Identifier: MIT
// Test helpers: temp dirs, a tiny random model built in memory (JSON + safetensors), and the
// paths of shipped models and fixtures.
#pragma once

#include "model/model.h"
#include "model/safetensors.h"
#include "runtime/texture_generator.h"

#include <ntex/ntex.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ntex::test {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const noexcept { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

struct TinyModelOptions {
    uint32_t seed = 1;
    bool tanh_last = false;       // last conv uses tanh instead of linear
    bool noise_before_output = false;  // last conv injects noise (output op then runs in our own loop)
    bool output_after_upsample = false;  // the output op follows an upsample (standalone output step)
    bool material = false;        // 5 output channels and material_v1's outputs (albedo, derived normal,
                                  // roughness, height), height_scale 3 and 2 latent directions
    // Format v2 conditioning: `categories` > 0 adds a class embedding (embed_dim 4, categories + 1
    // rows, "c0", "c1", ...) and a w_avg per row; `layout_channels` K > 0 adds
    // latent.layout_channels K and a random layout_gain [out, K] on every modconv (the runtime's
    // layouts have 2 channels; plans take any K).
    int categories = 0;
    int layout_channels = 0;
};

// A small model in memory: description JSON and F32 tensors.
struct TinyModel {
    nlohmann::json description;
    std::vector<SafetensorsWriteTensor> tensors;

    // Writes "<name>.json" and "<name>.safetensors" into dir; returns the JSON's path.
    std::filesystem::path write(const std::filesystem::path& dir, const std::string& name = "tiny") const;
    SafetensorsWriteTensor* find(const std::string& name);
};

TinyModel make_tiny_model(const TinyModelOptions& options = {});
// Adds a layout prior (docs/model_format.md, "Layout prior") to a model made with categories = 3 and
// layout_channels = 2: c0 bricks 4 x 8 (count 3) and tiles 4 x 4 (count 1), c1 only "none", c2
// Voronoi 8 x 8 (count 5); period 256, gap 4, bevel 2, jitter 0.5.
void add_layout_prior(TinyModel& model);

// Runs f and expects it to throw ntex::Error with `result` and a message containing `needle`
// (gtest failures otherwise, naming the needle).
void expect_error(const std::function<void()>& f, NtexResult result, const std::string& needle);

// Through the C API: a context with `threads` threads, the model at `json` and a size x size generator.
// Fails the calling test (wrap in ASSERT_NO_FATAL_FAILURE) with ntex's message on an error.
void open_generator(const std::filesystem::path& json, uint32_t threads, uint32_t size, NtexContext* context, NtexModel* model,
                    NtexGenerator* generator);

// An output map for descriptions made by hand (range [lo, hi]; derived_from >= 0: a derived normal).
OutputMap output_map(const char* name, MapSemantic semantic, std::vector<int> channels, float lo, float hi, int derived_from = -1);

// material_v1's "outputs" block (docs/model_format.md): albedo [0,1,2], normal derived from
// height, roughness [4], height [3].
nlohmann::json material_outputs();
// `count` random unit vectors of length w_dim as tensors "directions.<i>" plus the JSON list.
void add_directions(TinyModel& model, int count, int w_dim, uint32_t seed);

// albedo_v1 (shipped JSON + weights) turned into a 5-channel material model in memory: the last
// 1x1 modconv gets two random extra output rows (height, roughness), the outputs block of
// material_v1, height_scale 3 and 3 random latent directions. Throws if albedo_v1 is absent.
TinyModel make_shipped_material_variant(uint32_t seed = 5);
// Loads a TinyModel in memory (no files).
std::shared_ptr<const LoadedModel> load_in_memory(const TinyModel& model, const std::string& label = "test.json");

void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> read_bytes(const std::filesystem::path& path);

std::filesystem::path source_dir();
std::filesystem::path shipped_model_json();  // models/albedo_v1.json
std::filesystem::path fixtures_dir();        // tests/fixtures

// A random seed for parity tests, or $NTEX_TEST_SEED to replay a failure.
uint32_t fresh_seed();
// Normalised MSE of `a` against `ref` (sum of squared errors / sum of squares of ref; NaN propagates).
double nmse(const float* a, const float* ref, std::size_t n);

// Sets seed 3, `category` and `layout` (may be null) on gen, generates, and returns a copy of the output.
std::vector<float> generate_conditioned(TextureGenerator& gen, int category, const LayoutSpec* layout);

}  // namespace ntex::test
