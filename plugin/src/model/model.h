// SPDX-License-Identifier: MIT
// LoadedModel: a validated description plus its F32 weights, immutable once loaded.
#pragma once

#include "model/model_description.h"
#include "model/safetensors.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ntex {

class LoadedModel {
public:
    // Loads <json> and the safetensors its "weights" key names (beside the JSON).
    static std::shared_ptr<const LoadedModel> load(const std::filesystem::path& json_path);
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
