// SPDX-License-Identifier: MIT
// Safetensors reader (and a small writer for tests and tools): 8-byte LE header length,
// JSON header {name: {dtype, shape, data_offsets}} + optional __metadata__, then raw data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ntex {

struct SafetensorsTensor {
    std::string name;
    std::string dtype;            // "F32", "F16", ... (validated against the known set)
    std::vector<int64_t> shape;
    std::size_t begin = 0;        // byte offsets relative to the start of the data section
    std::size_t end = 0;

    int64_t element_count() const;
};

class SafetensorsFile {
public:
    // Reads and validates a file. Throws Error: FILE_NOT_FOUND if it cannot be opened,
    // INVALID_MODEL (message starts with the file name) for any structural problem.
    static SafetensorsFile load(const std::filesystem::path& path);
    // Validates an in-memory image; `label` names the source in messages.
    static SafetensorsFile parse(std::vector<uint8_t> bytes, const std::string& label);

    const std::string& label() const noexcept { return m_label; }
    const std::vector<SafetensorsTensor>& tensors() const noexcept { return m_tensors; }
    const std::map<std::string, std::string>& metadata() const noexcept { return m_metadata; }
    // nullptr when absent.
    const SafetensorsTensor* find(const std::string& name) const noexcept;
    // The tensor's values as float32; throws INVALID_MODEL unless its dtype is F32.
    std::vector<float> read_f32(const SafetensorsTensor& tensor) const;
    // Raw bytes of the tensor.
    const uint8_t* data(const SafetensorsTensor& tensor) const noexcept { return m_bytes.data() + m_data_start + tensor.begin; }

private:
    std::string m_label;
    std::vector<uint8_t> m_bytes;
    std::size_t m_data_start = 0;
    std::vector<SafetensorsTensor> m_tensors;
    // name -> index into m_tensors: find() is O(log n), so a model naming 200k tensors loads in
    // O(n log n) (a linear scan per lookup took 75 s: review robustness-2026-12 #7).
    std::map<std::string, std::size_t> m_index;
    std::map<std::string, std::string> m_metadata;
};

// Bytes per element of a safetensors dtype, 0 if unknown.
std::size_t safetensors_dtype_size(const std::string& dtype) noexcept;

struct SafetensorsWriteTensor {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<float> values;    // written as F32
};

// Serializes F32 tensors (data packed in the given order) with optional metadata.
std::vector<uint8_t> serialize_safetensors(const std::vector<SafetensorsWriteTensor>& tensors,
                                           const std::map<std::string, std::string>& metadata = {});

}  // namespace ntex
