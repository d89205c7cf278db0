// SPDX-License-Identifier: MIT
// Structure-aware libFuzzer target for the model JSON (issue 14): the input is a model description,
// mutated as a JSON tree (json_mutator.h: ops duplicated, swapped, removed or copied into each other,
// shapes and references replaced by edge values and other types, unknown keys added), and loaded with
// the shipped weights its "weights" key names (albedo_v1's when it names none of them), through the code
// ntexLoadModel uses (LoadedModel::parse: description grammar, references, shapes, then the tensors).
// ntex::Error is the expected outcome for bad input; anything else (another exception, a sanitizer
// report, a crash, a hang) is a finding.
// Weights: the *.safetensors files of NTEX_FUZZ_MODELS_DIR (the environment, else the compiled-in
// models directory), read once.
#include "json_mutator.h"
#include "model/file_io.h"
#include "model/model.h"
#include "core/error.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::map<std::string, std::vector<uint8_t>>& weights_by_name() {
    static std::map<std::string, std::vector<uint8_t>> weights;
    return weights;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* env = std::getenv("NTEX_FUZZ_MODELS_DIR");
    const std::filesystem::path dir = env != nullptr ? env : NTEX_FUZZ_DEFAULT_MODELS_DIR;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".safetensors") weights_by_name()[entry.path().filename().string()] = ntex::read_file_bytes(entry.path());
    }
    if (weights_by_name().empty()) {
        std::fprintf(stderr, "model_json_fuzz: no .safetensors in %s\n", dir.c_str());
        std::abort();
    }
    return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(uint8_t* data, std::size_t size, std::size_t max_size, unsigned int seed) {
    return ntex::fuzz::mutate_json(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The weights the description names, else the first shipped model's (so a mutated description is
    // still checked against real tensors).
    const std::vector<uint8_t>* weights = &weights_by_name().begin()->second;
    const nlohmann::json peek = nlohmann::json::parse(text, nullptr, false);
    if (peek.is_object() && peek.contains("weights") && peek["weights"].is_string()) {
        const auto it = weights_by_name().find(peek["weights"].get<std::string>());
        if (it != weights_by_name().end()) weights = &it->second;
    }
    try {
        auto model = ntex::LoadedModel::parse(text, "fuzz.json", *weights);
        (void)model->parameter_count();
    } catch (const ntex::Error&) {
    }
    return 0;
}
