// SPDX-License-Identifier: MIT
// material_generator.h: RAII over the public ntex C API (context, model, generator) for the demo.
#pragma once

#include <ntex/ntex.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace demo {

// An ntex call failed; the message is ntexGetLastErrorMessage() (or the result's name).
class NtexFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class MaterialGenerator {
public:
    // Loads the model (JSON + safetensors beside it) and creates a size x size generator.
    MaterialGenerator(const std::string& model_path, uint32_t size);
    ~MaterialGenerator();
    MaterialGenerator(const MaterialGenerator&) = delete;
    MaterialGenerator& operator=(const MaterialGenerator&) = delete;

    const NtexModelInfo& info() const { return m_info; }
    uint32_t size() const { return m_size; }
    const char* backend_name() const;

    std::vector<float> latent_from_seed(uint32_t seed) const;
    // Recreates the generator for a new output size (its plan is built per size).
    void resize(uint32_t size);
    // ntexSetGeneratorParams -> ntexGenerate -> ntexReadMap(0, RGBA8) into `dst`
    // (size() rows of row_pitch bytes). Returns the wall time in milliseconds.
    double generate(uint32_t seed, const std::vector<float>& z, float psi, void* dst, size_t row_pitch,
                    size_t bytes);

private:
    NtexContext m_context = nullptr;
    NtexModel m_model = nullptr;
    NtexGenerator m_generator = nullptr;
    NtexModelInfo m_info{};
    uint32_t m_size = 0;
};

}  // namespace demo
