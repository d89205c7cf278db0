// SPDX-License-Identifier: MIT
// LoadedModel: ties the JSON description to the safetensors weights.
#include "model/model.h"

#include "core/error.h"

#include <cmath>

namespace ntex {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        s += cat(i ? ", " : "", shape[i]);
    }
    return s + "]";
}

}  // namespace

std::shared_ptr<const LoadedModel> LoadedModel::load(const std::filesystem::path& json_path) {
    ModelDescription description = load_model_description(json_path);
    std::filesystem::path weights_path = json_path.parent_path() / description.weights;
    SafetensorsFile weights = SafetensorsFile::load(weights_path);
    return from_parts(std::move(description), weights);
}

std::shared_ptr<const LoadedModel> LoadedModel::parse(std::string_view json_text, const std::string& json_label,
                                                      std::vector<uint8_t> weights_bytes) {
    ModelDescription description = parse_model_description_text(json_text, json_label);
    const std::string weights_label = description.weights;
    SafetensorsFile weights = SafetensorsFile::parse(std::move(weights_bytes), weights_label);
    return from_parts(std::move(description), weights);
}

std::shared_ptr<const LoadedModel> LoadedModel::from_parts(ModelDescription description, const SafetensorsFile& weights) {
    auto model = std::shared_ptr<LoadedModel>(new LoadedModel());
    const std::string& file = weights.label();
    for (const auto& [name, shape] : description.tensors) {
        const SafetensorsTensor* t = weights.find(name);
        if (t == nullptr) {
            fail(NTEX_ERROR_INVALID_MODEL, file, ": tensor '", name, "' (declared in ", description.file, ") is missing");
        }
        if (t->dtype != "F32") {
            fail(NTEX_ERROR_INVALID_MODEL, file, ": tensor '", name, "': dtype ", t->dtype, ", expected F32");
        }
        if (t->shape != shape) {
            fail(NTEX_ERROR_INVALID_MODEL, file, ": tensor '", name, "': shape ", shape_text(t->shape), ", expected ",
                 shape_text(shape), " (from ", description.file, ")");
        }
        std::vector<float> values = weights.read_f32(*t);
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (!std::isfinite(values[i])) {
                fail(NTEX_ERROR_INVALID_MODEL, file, ": tensor '", name, "': non-finite value (",
                     std::isnan(values[i]) ? "NaN" : "Inf", ") at element ", i);
            }
        }
        model->m_tensors.emplace(name, std::move(values));
    }
    // Latent directions are unit vectors (their scale is sigma); a non-unit one is an exporter bug.
    for (std::size_t i = 0; i < description.directions.size(); ++i) {
        const std::vector<float>& v = model->m_tensors.at(description.directions[i].tensor);
        double norm2 = 0.0;
        for (float x : v) norm2 += static_cast<double>(x) * x;
        if (std::fabs(std::sqrt(norm2) - 1.0) > 1e-3) {
            fail(NTEX_ERROR_INVALID_MODEL, description.file, ": directions[", i, "].tensor: '", description.directions[i].tensor,
                 "' has norm ", std::sqrt(norm2), ", expected a unit vector");
        }
    }
    model->m_description = std::move(description);
    return model;
}

const std::vector<float>& LoadedModel::tensor(const std::string& name) const {
    auto it = m_tensors.find(name);
    if (it == m_tensors.end()) {
        fail(NTEX_ERROR_INVALID_MODEL, m_description.file, ": tensor '", name, "' is not loaded");
    }
    return it->second;
}

uint64_t LoadedModel::parameter_count() const noexcept {
    if (m_description.parameters != 0) {
        return m_description.parameters;
    }
    uint64_t n = 0;
    for (const auto& [name, values] : m_tensors) {
        if (name != m_description.w_avg) n += values.size();
    }
    return n;
}

}  // namespace ntex
