// SPDX-License-Identifier: MIT
// ntex.hpp: header-only C++17 RAII wrapper over the C API in ntex.h. Handles are move-only;
// every failing call throws ntex::Exception carrying the result code and the library's message.
#ifndef NTEX_HPP_
#define NTEX_HPP_ 1

#include <ntex/ntex.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ntex {

class Exception : public std::runtime_error {
public:
    Exception(NtexResult result, const std::string& message)
        : std::runtime_error(std::string(ntexResultToString(result)) + ": " + message), m_result(result), m_message(message) {}
    NtexResult result() const noexcept { return m_result; }
    // The library's message without the result name (what() is "<result name>: <message>").
    const std::string& message() const noexcept { return m_message; }

private:
    NtexResult m_result;
    std::string m_message;
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
        // The message callback with result codes (NtexMessengerCreateInfo, chained ahead of `next`).
        PFN_ntexMessageCallback messages = nullptr;
        void* messages_user_data = nullptr;
        NtexLogLevel messages_min_severity = NTEX_LOG_LEVEL_WARNING;
        // Run on each thread ntex starts, first (NtexThreadCallbacks: pin or name the generator workers).
        PFN_ntexThreadStart thread_start = nullptr;
        void* thread_start_user_data = nullptr;
        // NtexContextCreateInfo::pNext: e.g. an NtexVulkanDeviceInfo (ntex_vulkan.h; ntex_vulkan.hpp's
        // VulkanDevice builds one). Only read during construction.
        const void* next = nullptr;
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
        NtexThreadCallbacks threads{};
        threads.sType = NTEX_STRUCTURE_TYPE_THREAD_CALLBACKS;
        threads.pNext = options.next;
        threads.pfnThreadStart = options.thread_start;
        threads.pUserData = options.thread_start_user_data;
        const void* chain = options.thread_start != nullptr ? &threads : options.next;
        info.pNext = chain;
        NtexMessengerCreateInfo messenger{};
        if (options.messages != nullptr) {
            messenger.sType = NTEX_STRUCTURE_TYPE_MESSENGER_CREATE_INFO;
            messenger.pNext = chain;
            messenger.minSeverity = options.messages_min_severity;
            messenger.pfnCallback = options.messages;
            messenger.pUserData = options.messages_user_data;
            info.pNext = &messenger;
        }
        NtexContext handle = nullptr;
        check(ntexCreateContext(&info, &handle));
        m_handle = Owner(handle);
    }
    NtexContext get() const noexcept { return m_handle.get(); }
    // The backend in use after AUTO was resolved. Any thread.
    NtexBackend backend() const noexcept { return ntexGetContextBackend(m_handle.get()); }
    // The backend in use, its device ("CPU (ntex avx512 kernels, 2 threads)", "NVIDIA ... (CUDA device 0)")
    // and why CUDA is not used ("" when it is or the CPU was asked for), as ntexGetContextBackendInfo
    // fills them. Any thread. Throws INVALID_ARGUMENT only for an empty Context.
    NtexBackendInfo backend_info() const {
        NtexBackendInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_BACKEND_INFO;
        check(ntexGetContextBackendInfo(m_handle.get(), &info));
        return info;
    }

private:
    using Owner = detail::UniqueHandle<NtexContext, ntexDestroyContext>;
    Owner m_handle;
};

// A loaded model: immutable, shared by generators on any thread (hot reload swaps its weights).
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

    // The model's description (ntexGetModelInfo). Any thread, also during a reload.
    NtexModelInfo info() const {
        NtexModelInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
        check(ntexGetModelInfo(m_handle.get(), &info));
        return info;
    }
    // What the model can be conditioned on (NtexModelConditioningInfo chained into
    // ntexGetModelInfo): all zero for an unconditional model. Any thread.
    NtexModelConditioningInfo conditioning_info() const {
        NtexModelConditioningInfo conditioning{};
        conditioning.sType = NTEX_STRUCTURE_TYPE_MODEL_CONDITIONING_INFO;
        NtexModelInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
        info.pNext = &conditioning;
        check(ntexGetModelInfo(m_handle.get(), &info));
        return conditioning;
    }
    // The category names ("metal", ...); Conditioning::category is an index into them. Empty for
    // an unconditional model (which accepts only NTEX_CATEGORY_ANY).
    std::vector<std::string> category_names() const {
        const NtexModelConditioningInfo conditioning = conditioning_info();
        std::vector<std::string> names;
        for (uint32_t i = 0; i < conditioning.categoryCount; ++i) names.emplace_back(conditioning.categoryNames[i]);
        return names;
    }
    // True when the model is layout-conditioned (Conditioning::pattern other than NONE is accepted).
    bool takes_layouts() const { return conditioning_info().layoutChannels > 0; }
    // True when the model has a layout prior (Conditioning::pattern NTEX_LAYOUT_PATTERN_AUTO is accepted).
    bool has_layout_prior() const { return conditioning_info().hasLayoutPrior != 0; }
    std::vector<float> latent_from_seed(uint32_t seed) const {
        std::vector<float> z(info().zDim);
        check(ntexLatentFromSeed(m_handle.get(), seed, z.data(), static_cast<uint32_t>(z.size())));
        return z;
    }
    // Hot reload (ntexReloadModel): throws and keeps the running model when the new files are bad.
    void reload() { check(ntexReloadModel(m_handle.get())); }

private:
    using Owner = detail::UniqueHandle<NtexModel, ntexDestroyModel>;
    Owner m_handle;
};

// Bytes per texel of a host format (0 for an unknown value).
inline std::size_t host_format_texel_size(NtexHostFormat format) noexcept {
    switch (format) {
        case NTEX_HOST_FORMAT_R8G8B8A8: return 4;
        case NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT: return 16;
        case NTEX_HOST_FORMAT_R8_UNORM: return 1;
        case NTEX_HOST_FORMAT_R16_UNORM: return 2;
        case NTEX_HOST_FORMAT_R32_SFLOAT: return 4;
        case NTEX_HOST_FORMAT_R8G8_UNORM: return 2;
        case NTEX_HOST_FORMAT_B8G8R8A8: return 4;
        case NTEX_HOST_FORMAT_R16_SFLOAT: return 2;
        case NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT: return 8;
    }
    return 0;
}

// The category and layout of a conditional model (ntex.h, NtexConditioningParams; ranges there).
// Defaults are the runtime's: any category, no layout, and the layout numbers of a pattern that is
// chosen without setting them.
struct Conditioning {
    int32_t category = NTEX_CATEGORY_ANY;           // an index into Model::category_names(), or ANY
    NtexLayoutPattern pattern = NTEX_LAYOUT_PATTERN_NONE;
    uint32_t columns = 4;                           // cells across one period, 1..64
    uint32_t rows = 8;                              // cells down one period, 1..64 (HEXAGONS: even)
    uint32_t period_width = 0;                      // 0 (the generator's size) or 16..8192 pixels
    uint32_t period_height = 0;
    float offset = 0.5f;                            // BRICKS, PLANKS: row shift in cells; BLOBS: threshold; 0..1
    float gap = 3.0f;                               // pixels, 0..64
    float bevel = 2.0f;                             // pixels, 0..64
    float jitter = 0.0f;                            // 0..1
    uint32_t pattern_seed = 0;
    // MASK: mask_height rows of mask_width values in [0, 1] (1..2048 each). Not owned: read only
    // during set_params, which copies it.
    const float* mask = nullptr;
    uint32_t mask_width = 0;
    uint32_t mask_height = 0;

    // The C struct (pNext NULL); valid while `mask` is.
    NtexConditioningParams to_c() const noexcept {
        NtexConditioningParams c{};
        c.sType = NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS;
        c.category = category;
        c.pattern = pattern;
        c.columns = columns;
        c.rows = rows;
        c.periodWidth = period_width;
        c.periodHeight = period_height;
        c.offset = offset;
        c.gap = gap;
        c.bevel = bevel;
        c.jitter = jitter;
        c.patternSeed = pattern_seed;
        c.pMask = mask;
        c.maskWidth = mask_width;
        c.maskHeight = mask_height;
        return c;
    }
};

// A generator: one output size and tiling mode. Used by one thread at a time, except that the
// read_* functions may run while an asynchronous generation (generate_async) is in flight.
class Generator {
public:
    // Everything ntexSetGeneratorParams takes (ntex.h, NtexGeneratorParams).
    struct Params {
        uint32_t seed = 0;
        float truncation_psi = 1.0f;
        std::vector<float> z;                  // empty: z from the seed; else zDim values
        std::vector<float> direction_offsets;  // at most the model's directionCount, in sigmas
        int32_t origin_x = 0;                  // INFINITE mode only (multiples of cellSize)
        int32_t origin_y = 0;
        // Latent animation when z is empty: z = slerp(z(seed + k), z(seed + k + 1), t - k), k = floor(t);
        // 0 = z(seed). Finite, 0..16777216 (NtexGeneratorParams::animationTime).
        float animation_time = 0.0f;
    };

    Generator() = default;
    // The model must outlive the generator. Throws INVALID_ARGUMENT (size, tiling mode) or
    // OUT_OF_MEMORY (the planned buffers exceed the budget).
    // precision: chained as NtexGeneratorPrecisionInfo when not NTEX_PRECISION_DEFAULT.
    Generator(const Context& context, const Model& model, uint32_t width, uint32_t height,
              NtexTilingMode tiling = NTEX_TILING_MODE_TILEABLE, NtexPrecision precision = NTEX_PRECISION_DEFAULT) {
        NtexGeneratorPrecisionInfo precision_info{};
        precision_info.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO;
        precision_info.precision = precision;
        NtexGeneratorCreateInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
        if (precision != NTEX_PRECISION_DEFAULT) info.pNext = &precision_info;
        info.model = model.get();
        info.width = width;
        info.height = height;
        info.tilingMode = tiling;
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
        Params p;
        p.seed = seed;
        p.truncation_psi = psi;
        p.z = z;
        set_params(p);
    }
    // Throws INVALID_ARGUMENT for NaN values, wrong counts, or an origin the tiling mode refuses.
    // Without a Conditioning the category is reset to ANY and the layout to NONE.
    void set_params(const Params& p) { apply_params(p, nullptr); }
    // The same with the category and layout of a conditional model (NtexConditioningParams chained).
    // A category change reruns the mapping network at the next generation; a layout change
    // re-renders only the layout. Throws INVALID_ARGUMENT as above and for a category the model
    // lacks, a pattern for a model without layouts, a value out of its range (the message names the
    // field) or an explicit period that does not divide a TILEABLE generator's size. After a throw
    // the previous parameters stay in force.
    void set_params(const Params& p, const Conditioning& conditioning) {
        const NtexConditioningParams c = conditioning.to_c();
        apply_params(p, &c);
    }
    // Synchronous: waits for any asynchronous generation, then generates on this thread.
    void generate() { check(ntexGenerate(m_handle.get())); }
    // Queues a generation on the worker thread; a queued request not yet started is replaced.
    void generate_async() { check(ntexGenerateAsync(m_handle.get())); }
    // The newest complete result's id (0 before the first); `idle` (optional) receives whether no
    // generation is queued or running. Rethrows a failed asynchronous generation's error. Never blocks.
    uint64_t result_id(bool* idle = nullptr) const {
        uint64_t id = 0;
        const NtexResult r = check(ntexGetResultId(m_handle.get(), &id));
        if (idle != nullptr) *idle = r == NTEX_SUCCESS;
        return id;
    }
    void wait_idle() { check(ntexWaitIdle(m_handle.get())); }
    // Presets (ntexSavePreset / ntexLoadPreset): JSON, written atomically.
    void save_preset(const std::string& path) const { check(ntexSavePreset(m_handle.get(), path.c_str())); }
    void load_preset(const std::string& path) { check(ntexLoadPreset(m_handle.get(), path.c_str())); }

    // One map of the newest complete result into a host image; nothing is written before the first
    // result (NTEX_NOT_READY is returned by ntexReadMap, not thrown).
    void read_map(uint32_t map_index, NtexHostFormat format, void* data, std::size_t row_pitch, std::size_t size) const {
        NtexHostImage image{};
        image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        image.format = format;
        image.pData = data;
        image.rowPitch = row_pitch;
        image.size = size;
        check(ntexReadMap(m_handle.get(), map_index, &image));
    }
    // Several maps from one complete result (never mixed); returns its id, or 0 (NTEX_NOT_READY,
    // nothing written) before the first result. Safe while generate_async's work runs.
    uint64_t read_maps(uint32_t count, const uint32_t* map_indices, const NtexHostImage* images) const {
        uint64_t id = 0;
        check(ntexReadMaps(m_handle.get(), count, map_indices, images, &id));
        return id;
    }
    // Tightly packed copy of a map in any host format.
    std::vector<uint8_t> read_map(uint32_t map_index, NtexHostFormat format) const {
        const std::size_t pitch = static_cast<std::size_t>(m_width) * host_format_texel_size(format);
        std::vector<uint8_t> bytes(pitch * m_height);
        read_map(map_index, format, bytes.data(), pitch, bytes.size());
        return bytes;
    }
    // Tightly packed RGBA8 copy of a map.
    std::vector<uint8_t> read_rgba8(uint32_t map_index) const { return read_map(map_index, NTEX_HOST_FORMAT_R8G8B8A8); }

private:
    void apply_params(const Params& p, const NtexConditioningParams* conditioning) {
        NtexGeneratorParams params{};
        params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
        params.pNext = conditioning;
        params.seed = p.seed;
        params.pZ = p.z.empty() ? nullptr : p.z.data();
        params.zCount = static_cast<uint32_t>(p.z.size());
        params.truncationPsi = p.truncation_psi;
        params.pDirectionOffsets = p.direction_offsets.empty() ? nullptr : p.direction_offsets.data();
        params.directionCount = static_cast<uint32_t>(p.direction_offsets.size());
        params.originX = p.origin_x;
        params.originY = p.origin_y;
        params.animationTime = p.animation_time;
        check(ntexSetGeneratorParams(m_handle.get(), &params));
    }

    using Owner = detail::UniqueHandle<NtexGenerator, ntexDestroyGenerator>;
    Owner m_handle;
    uint32_t m_width = 0;
    uint32_t m_height = 0;
};

}  // namespace ntex

#endif  // NTEX_HPP_
