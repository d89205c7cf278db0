// SPDX-License-Identifier: MIT
// libFuzzer entry for the model loader: the input is "<model JSON>" + kSplit + "<safetensors bytes>"
// (no split: the whole input is tried as both). Both go through the code ntexLoadModel uses
// (LoadedModel::parse = parse_model_description_text + SafetensorsFile::parse + from_parts), in
// memory. ntex::Error is the expected outcome for bad input; anything else (another exception, a
// sanitizer report, a crash) is a finding.
#include "fuzz_input.h"
#include "model/model.h"
#include "core/error.h"

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const ntex::fuzz::Parts parts = ntex::fuzz::split(data, size);
    // The safetensors reader on its own (the path golden fixtures take).
    try {
        ntex::SafetensorsFile f = ntex::SafetensorsFile::parse(std::vector<uint8_t>(parts.weights, parts.weights + parts.weights_size), "fuzz.safetensors");
        for (const auto& t : f.tensors()) {
            if (t.dtype == "F32") (void)f.read_f32(t);
        }
    } catch (const ntex::Error&) {
    }
    // The whole loader.
    try {
        auto model = ntex::LoadedModel::parse(std::string_view(reinterpret_cast<const char*>(parts.json), parts.json_size), "fuzz.json",
                                              std::vector<uint8_t>(parts.weights, parts.weights + parts.weights_size));
        (void)model->parameter_count();
    } catch (const ntex::Error&) {
    }
    return 0;
}
