// SPDX-License-Identifier: MIT
// Safetensors reader: every offset and size is checked before any data is touched.
#include "model/safetensors.h"

#include "core/error.h"
#include "model/file_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

namespace ntex {

namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& label, const std::string& what) {
    fail(NTEX_ERROR_INVALID_MODEL, label, ": ", what);
}

}  // namespace

int64_t SafetensorsTensor::element_count() const {
    int64_t n = 1;
    for (int64_t d : shape) {
        n *= d;
    }
    return n;
}

std::size_t safetensors_dtype_size(const std::string& dtype) noexcept {
    static const std::map<std::string, std::size_t> kSizes = {
        {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2},
        {"F16", 2},  {"BF16", 2}, {"I32", 4}, {"U32", 4},     {"F32", 4},     {"F64", 8}, {"I64", 8},
        {"U64", 8}};
    auto it = kSizes.find(dtype);
    return it == kSizes.end() ? 0 : it->second;
}

SafetensorsFile SafetensorsFile::load(const std::filesystem::path& path) {
    // The path as the model names it (folder included): a bare file name hid which copy was bad.
    return parse(read_file_bytes(path), path.string());
}

SafetensorsFile SafetensorsFile::parse(std::vector<uint8_t> bytes, const std::string& label) {
    SafetensorsFile file;
    file.m_label = label;
    if (bytes.size() < 8) {
        invalid(label, cat("truncated file: ", bytes.size(), " bytes, shorter than the 8-byte header length"));
    }
    uint64_t header_size = 0;
    for (int i = 7; i >= 0; --i) {
        header_size = (header_size << 8) | bytes[static_cast<std::size_t>(i)];
    }
    if (header_size > bytes.size() - 8) {
        invalid(label, cat("header length ", header_size, " exceeds the file (", bytes.size() - 8,
                           " bytes after the length field)"));
    }
    std::size_t data_start = 8 + static_cast<std::size_t>(header_size);
    std::size_t data_size = bytes.size() - data_start;

    json header;
    try {
        header = json::parse(bytes.begin() + 8, bytes.begin() + static_cast<std::ptrdiff_t>(data_start));
    } catch (const json::exception& e) {
        invalid(label, cat("header is not valid JSON: ", e.what()));
    }
    if (!header.is_object()) {
        invalid(label, "header is not a JSON object");
    }

    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const json& entry = it.value();
        if (name == "__metadata__") {
            if (!entry.is_object()) {
                invalid(label, "__metadata__ is not an object");
            }
            for (auto m = entry.begin(); m != entry.end(); ++m) {
                if (!m.value().is_string()) {
                    invalid(label, cat("__metadata__.", m.key(), ": value is not a string"));
                }
                file.m_metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        std::string where = cat("tensor '", name, "'");
        if (!entry.is_object()) {
            invalid(label, cat(where, ": entry is not an object"));
        }
        SafetensorsTensor t;
        t.name = name;
        if (!entry.contains("dtype") || !entry["dtype"].is_string()) {
            invalid(label, cat(where, ": missing or non-string dtype"));
        }
        t.dtype = entry["dtype"].get<std::string>();
        std::size_t elem = safetensors_dtype_size(t.dtype);
        if (elem == 0) {
            invalid(label, cat(where, ": unknown dtype '", t.dtype, "'"));
        }
        if (!entry.contains("shape") || !entry["shape"].is_array()) {
            invalid(label, cat(where, ": missing or non-array shape"));
        }
        uint64_t count = 1;
        for (const json& d : entry["shape"]) {
            if (!d.is_number_integer() || d.get<int64_t>() < 0) {
                invalid(label, cat(where, ": shape entries must be non-negative integers"));
            }
            uint64_t dim = d.get<uint64_t>();
            if (dim != 0 && count > std::numeric_limits<uint32_t>::max() / dim) {
                invalid(label, cat(where, ": shape is too large"));
            }
            count *= dim;
            t.shape.push_back(static_cast<int64_t>(dim));
        }
        const json& offsets = entry.contains("data_offsets") ? entry["data_offsets"] : json();
        if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
            !offsets[1].is_number_unsigned()) {
            invalid(label, cat(where, ": data_offsets must be two non-negative integers"));
        }
        uint64_t begin = offsets[0].get<uint64_t>();
        uint64_t end = offsets[1].get<uint64_t>();
        if (begin > end || end > data_size) {
            invalid(label, cat(where, ": data_offsets [", begin, ", ", end, "] out of range (data section is ",
                               data_size, " bytes)"));
        }
        if (end - begin != count * elem) {
            // Names the dtype: a tensor retyped to I64 with its F32 offsets is a dtype problem first.
            invalid(label, cat(where, ": data size ", end - begin, " bytes does not match its shape and dtype ", t.dtype,
                               " (", count * elem, " bytes)", t.dtype != "F32" ? "; ntex reads F32 tensors only" : ""));
        }
        t.begin = static_cast<std::size_t>(begin);
        t.end = static_cast<std::size_t>(end);
        file.m_tensors.push_back(std::move(t));
    }

    // Overlap check on the tensors sorted by start offset (empty tensors cannot overlap).
    std::vector<const SafetensorsTensor*> sorted;
    for (const auto& t : file.m_tensors) {
        if (t.end > t.begin) {
            sorted.push_back(&t);
        }
    }
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
    for (std::size_t i = 1; i < sorted.size(); ++i) {
        if (sorted[i]->begin < sorted[i - 1]->end) {
            invalid(label, cat("tensors '", sorted[i - 1]->name, "' and '", sorted[i]->name, "' have overlapping data_offsets"));
        }
    }
    file.m_bytes = std::move(bytes);
    file.m_data_start = data_start;
    for (std::size_t i = 0; i < file.m_tensors.size(); ++i) file.m_index.emplace(file.m_tensors[i].name, i);
    return file;
}

const SafetensorsTensor* SafetensorsFile::find(const std::string& name) const noexcept {
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

std::vector<float> SafetensorsFile::read_f32(const SafetensorsTensor& tensor) const {
    if (tensor.dtype != "F32") {
        invalid(m_label, cat("tensor '", tensor.name, "': dtype ", tensor.dtype, ", expected F32"));
    }
    std::vector<float> values(static_cast<std::size_t>(tensor.element_count()));
    // memcpy: the data need not be 4-byte aligned in the file; safetensors is little-endian like x86/ARM hosts.
    std::memcpy(values.data(), data(tensor), values.size() * sizeof(float));
    return values;
}

std::vector<uint8_t> serialize_safetensors(const std::vector<SafetensorsWriteTensor>& tensors,
                                           const std::map<std::string, std::string>& metadata) {
    json header = json::object();
    if (!metadata.empty()) {
        header["__metadata__"] = metadata;
    }
    std::size_t offset = 0;
    for (const auto& t : tensors) {
        std::size_t bytes = t.values.size() * sizeof(float);
        header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    while ((text.size() + 8) % 8 != 0) {
        text.push_back(' ');  // keeps the data section 8-byte aligned, as the reference writer does
    }
    std::vector<uint8_t> out(8 + text.size() + offset);
    uint64_t n = text.size();
    for (int i = 0; i < 8; ++i) {
        out[static_cast<std::size_t>(i)] = static_cast<uint8_t>(n >> (8 * i));
    }
    std::memcpy(out.data() + 8, text.data(), text.size());
    std::size_t pos = 8 + text.size();
    for (const auto& t : tensors) {
        std::memcpy(out.data() + pos, t.values.data(), t.values.size() * sizeof(float));
        pos += t.values.size() * sizeof(float);
    }
    return out;
}

}  // namespace ntex
