// SPDX-License-Identifier: MIT
// Writes the fuzz seed corpus from a model: ntex_fuzz_seeds <model.json> <out dir>.
//   full.bin    the JSON + its safetensors (a valid model)
//   header.bin  the JSON + the safetensors header with no tensor data
//   small.bin   the JSON + a safetensors holding only the small tensors (biases, w_avg, ...), so the
//               fuzzer starts close to a valid model without megabytes of weights to mutate
#include "fuzz_input.h"
#include "model/file_io.h"
#include "model/model.h"
#include "model/safetensors.h"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <model.json> <out dir>\n", argv[0]);
        return 2;
    }
    try {
        const std::filesystem::path json_path = argv[1];
        const std::filesystem::path out = argv[2];
        std::filesystem::create_directories(out);
        const std::string json = ntex::read_file_text(json_path);
        const ntex::ModelDescription d = ntex::load_model_description(json_path);
        const std::vector<uint8_t> weights = ntex::read_file_bytes(json_path.parent_path() / d.weights);
        auto write = [&](const char* name, const std::vector<uint8_t>& w) {
            std::vector<uint8_t> bytes(json.begin(), json.end());
            bytes.insert(bytes.end(), ntex::fuzz::kSplit.begin(), ntex::fuzz::kSplit.end());
            bytes.insert(bytes.end(), w.begin(), w.end());
            ntex::write_file_atomic(out / name, bytes.data(), bytes.size());
        };
        write("full.bin", weights);
        uint64_t header = 0;
        for (int i = 7; i >= 0; --i) header = (header << 8) | weights.at(static_cast<std::size_t>(i));
        write("header.bin", std::vector<uint8_t>(weights.begin(), weights.begin() + static_cast<std::ptrdiff_t>(8 + header)));
        const ntex::SafetensorsFile f = ntex::SafetensorsFile::parse(weights, d.weights);
        std::vector<ntex::SafetensorsWriteTensor> small;
        for (const auto& t : f.tensors()) {
            if (t.element_count() <= 256) small.push_back({t.name, t.shape, f.read_f32(t)});
        }
        write("small.bin", ntex::serialize_safetensors(small));
        std::printf("ntex_fuzz_seeds: wrote full.bin, header.bin, small.bin (%zu small tensors) to %s\n", small.size(), out.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ntex_fuzz_seeds: %s\n", e.what());
        return 1;
    }
    return 0;
}
