// SPDX-License-Identifier: MIT
// ntex.hpp: header-only C++17 RAII wrapper over the C API in ntex.h. Handles are move-only;
// every failing call throws ntex::Exception carrying the result code and the library's message.
#ifndef NTEX_HPP_
#define NTEX_HPP_ 1

#include <ntex/ntex.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ntex {

class Exception : public std::runtime_error {
public:
    Exception(NtexResult result, const std::string& message)
        : std::runtime_error(std::string(ntexResultToString(result)) + ": " + message), m_result(result) {}
    NtexResult result() const noexcept { return m_result; }

private:
    NtexResult m_result;
};

// Throws on errors (< 0); statuses (> 0, e.g. NTEX_NOT_READY) are returned.
inline NtexResult check(NtexResult result) {
    if (result < 0) throw Exception(result, ntexGetLastErrorMessage());
    return result;
}

namespace detail {
// A move-only owner of one handle type; Destroy is the C destroy function.
template <typename Handle, void (*Destroy)(Handle)>
class UniqueHandle {
public:
    UniqueHandle() noexcept = default;
    explicit UniqueHandle(Handle h) noexcept : m_handle(h) {}
    ~UniqueHandle() { Destroy(m_handle); }
    UniqueHandle(UniqueHandle&& other) noexcept : m_handle(std::exchange(other.m_handle, nullptr)) {}
    UniqueHandle& operator=(UniqueHandle&& other) noexcept {
        if (this != &other) {
            Destroy(m_handle);
            m_handle = std::exchange(other.m_handle, nullptr);
        }
        return *this;
    }
    UniqueHandle(const UniqueHandle&) = delete;
    UniqueHandle& operator=(const UniqueHandle&) = delete;

    Handle get() const noexcept { return m_handle; }
    explicit operator bool() const noexcept { return m_handle != nullptr; }

private:
    Handle m_handle = nullptr;
};
}  // namespace detail

class Context {
public:
    struct Options {
        NtexBackend backend = NTEX_BACKEND_AUTO;
        uint32_t thread_count = 0;
        PFN_ntexLogCallback log = nullptr;
        void* log_user_data = nullptr;
    };

    Context() = default;
    explicit Context(const Options& options) {
        NtexContextCreateInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
        info.headerVersion = NTEX_HEADER_VERSION;
        info.backend = options.backend;
        info.threadCount = options.thread_count;
        info.pfnLog = options.log;
        info.pLogUserData = options.log_user_data;
        NtexContext handle = nullptr;
        check(ntexCreateContext(&info, &handle));
        m_handle = Owner(handle);
    }
    NtexContext get() const noexcept { return m_handle.get(); }
    NtexBackend backend() const noexcept { return ntexGetContextBackend(m_handle.get()); }

private:
    using Owner = detail::UniqueHandle<NtexContext, ntexDestroyContext>;
    Owner m_handle;
};

class Model {
public:
    Model() = default;
    Model(const Context& context, const std::string& json_path) {
        NtexModelLoadInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
        info.pPath = json_path.c_str();
        NtexModel handle = nullptr;
        check(ntexLoadModel(context.get(), &info, &handle));
        m_handle = Owner(handle);
    }
    NtexModel get() const noexcept { return m_handle.get(); }

    NtexModelInfo info() const {
        NtexModelInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
        check(ntexGetModelInfo(m_handle.get(), &info));
        return info;
    }
    std::vector<float> latent_from_seed(uint32_t seed) const {
        std::vector<float> z(info().zDim);
        check(ntexLatentFromSeed(m_handle.get(), seed, z.data(), static_cast<uint32_t>(z.size())));
        return z;
    }

private:
    using Owner = detail::UniqueHandle<NtexModel, ntexDestroyModel>;
    Owner m_handle;
};

class Generator {
public:
    Generator() = default;
    // The model must outlive the generator.
    Generator(const Context& context, const Model& model, uint32_t width, uint32_t height) {
        NtexGeneratorCreateInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
        info.model = model.get();
        info.width = width;
        info.height = height;
        NtexGenerator handle = nullptr;
        check(ntexCreateGenerator(context.get(), &info, &handle));
        m_handle = Owner(handle);
        m_width = width;
        m_height = height;
    }
    NtexGenerator get() const noexcept { return m_handle.get(); }
    uint32_t width() const noexcept { return m_width; }
    uint32_t height() const noexcept { return m_height; }

    // z empty: z from the seed.
    void set_params(uint32_t seed, float psi = 1.0f, const std::vector<float>& z = {}) {
        NtexGeneratorParams params{};
        params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
        params.seed = seed;
        params.pZ = z.empty() ? nullptr : z.data();
        params.zCount = static_cast<uint32_t>(z.size());
        params.truncationPsi = psi;
        check(ntexSetGeneratorParams(m_handle.get(), &params));
    }
    void generate() { check(ntexGenerate(m_handle.get())); }

    void read_map(uint32_t map_index, NtexHostFormat format, void* data, std::size_t row_pitch, std::size_t size) const {
        NtexHostImage image{};
        image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        image.format = format;
        image.pData = data;
        image.rowPitch = row_pitch;
        image.size = size;
        check(ntexReadMap(m_handle.get(), map_index, &image));
    }
    // Tightly packed RGBA8 copy of a map.
    std::vector<uint8_t> read_rgba8(uint32_t map_index) const {
        std::vector<uint8_t> pixels(static_cast<std::size_t>(m_width) * m_height * 4);
        read_map(map_index, NTEX_HOST_FORMAT_R8G8B8A8, pixels.data(), static_cast<std::size_t>(m_width) * 4, pixels.size());
        return pixels;
    }

private:
    using Owner = detail::UniqueHandle<NtexGenerator, ntexDestroyGenerator>;
    Owner m_handle;
    uint32_t m_width = 0;
    uint32_t m_height = 0;
};

}  // namespace ntex

#endif  // NTEX_HPP_
