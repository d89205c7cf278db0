// SPDX-License-Identifier: MIT
// Test helpers: temp dirs, a tiny random model built in memory (JSON + safetensors), and the
// paths of shipped models and fixtures.
#pragma once

#include "model/model.h"
#include "model/safetensors.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
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

void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> read_bytes(const std::filesystem::path& path);

std::filesystem::path source_dir();
std::filesystem::path shipped_model_json();  // models/albedo_v1.json
std::filesystem::path fixtures_dir();        // tests/fixtures

}  // namespace ntex::test
