// SPDX-License-Identifier: MIT
// LoadedModel: a validated description plus its F32 weights, immutable once loaded.
#pragma once

#include "model/model_description.h"
#include "model/safetensors.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ntex {

class LoadedModel {
public:
    // Loads <json> and the safetensors its "weights" key names (beside the JSON).
    static std::shared_ptr<const LoadedModel> load(const std::filesystem::path& json_path);
    // The same from memory (what load does after reading both files): the JSON text, labelled
    // `json_label` in messages, and the safetensors bytes its "weights" key would name.
    static std::shared_ptr<const LoadedModel> parse(std::string_view json_text, const std::string& json_label,
                                                    std::vector<uint8_t> weights_bytes);
    // Checks `weights` against `description`: every declared tensor present, F32, same shape, finite.
    static std::shared_ptr<const LoadedModel> from_parts(ModelDescription description, const SafetensorsFile& weights);

    const ModelDescription& description() const noexcept { return m_description; }
    // Throws INVALID_MODEL if absent (cannot happen after validation for names in the description).
    const std::vector<float>& tensor(const std::string& name) const;
    uint64_t parameter_count() const noexcept;

private:
    ModelDescription m_description;
    std::map<std::string, std::vector<float>> m_tensors;
};

}  // namespace ntex
