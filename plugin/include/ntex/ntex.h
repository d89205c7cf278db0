/* SPDX-License-Identifier: MIT */
/* ntex.h: the public C API of the ntex neural procedural texture plugin (C99 and C++). */
#ifndef NTEX_H_
#define NTEX_H_ 1

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define NTEX_API __declspec(dllimport)
#elif defined(__GNUC__)
#define NTEX_API __attribute__((visibility("default")))
#else
#define NTEX_API
#endif

/* Bumped whenever a struct or entry point changes; checked by ntexCreateContext. */
#define NTEX_HEADER_VERSION 9

/* Typed opaque handles (Vulkan/OpenXR style). */
typedef struct NtexContext_T* NtexContext;
typedef struct NtexModel_T* NtexModel;
typedef struct NtexGenerator_T* NtexGenerator;

/* 0 is success, > 0 a status, < 0 an error. */
typedef enum NtexResult {
    NTEX_SUCCESS = 0,
    NTEX_NOT_READY = 1,
    NTEX_ERROR_INVALID_ARGUMENT = -1,   /* NULL pointer, wrong sType, bad size or value */
    NTEX_ERROR_FILE_NOT_FOUND = -2,     /* a model file or preset could not be opened */
    NTEX_ERROR_INVALID_MODEL = -3,      /* corrupt or inconsistent model files */
    NTEX_ERROR_OUT_OF_MEMORY = -4,
    NTEX_ERROR_UNSUPPORTED = -5,        /* backend or feature not available here */
    NTEX_ERROR_BACKEND = -6,            /* oneDNN / CUDA / Vulkan reported a failure */
    NTEX_ERROR_VERSION_MISMATCH = -7,   /* headerVersion differs from the library's */
    NTEX_ERROR_IO = -8,                 /* writing a file failed */
    NTEX_ERROR_UNKNOWN = -100
} NtexResult;

typedef enum NtexStructureType {
    NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO = 1,
    NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO = 2,
    NTEX_STRUCTURE_TYPE_MODEL_INFO = 3,
    NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO = 4,
    NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS = 5,
    NTEX_STRUCTURE_TYPE_HOST_IMAGE = 6,
    NTEX_STRUCTURE_TYPE_BACKEND_INFO = 7,
    NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO = 8,
    NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS = 9,
    NTEX_STRUCTURE_TYPE_MODEL_CONDITIONING_INFO = 10,
    NTEX_STRUCTURE_TYPE_MESSENGER_CREATE_INFO = 11,
    NTEX_STRUCTURE_TYPE_THREAD_CALLBACKS = 12,
    NTEX_STRUCTURE_TYPE_CHANNEL_PACKING = 13,
    /* ntex_vulkan.h */
    NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO = 100,
    NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO = 101,
    NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES = 102,
    NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO = 103,
    NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO = 104,
    NTEX_STRUCTURE_TYPE_VULKAN_DEBUG_INFO = 105,
    NTEX_STRUCTURE_TYPE_DEVICE_MEMORY_CALLBACKS = 106,
    NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO = 107,
    NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_FEATURES = 108,
    NTEX_STRUCTURE_TYPE_TEXTURE_SET_MEMORY_INFO = 109,
    NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO = 110,
    NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGET_OFFSETS_INFO = 111,
    NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO = 112
} NtexStructureType;

typedef enum NtexBackend {
    NTEX_BACKEND_AUTO = 0,  /* the fastest available: CUDA where usable; else, with a chained Vulkan device that is a
                               GPU (not a CPU implementation such as lavapipe) and has a compute queue family,
                               Vulkan compute on it; else the CPU. ntexGetContextBackendInfo says which and why */
    NTEX_BACKEND_CPU = 1,   /* ntex AVX-512/AVX2 kernels (oneDNN on other CPUs); always available; the reference */
    NTEX_BACKEND_CUDA = 2,  /* cuDNN + CUDA kernels on an NVIDIA GPU; with a Vulkan device (ntex_vulkan.h), the
                               CUDA device whose UUID equals the VkPhysicalDevice's deviceUUID */
    NTEX_BACKEND_VULKAN = 3 /* Vulkan compute shaders (FP32; FP16 on request) on any Vulkan 1.1 device: the chained Vulkan device
                               (ntex_vulkan.h), else a headless device ntex creates on the first compute-capable
                               GPU (or lavapipe). On the chained device, texture sets record the network into the
                               host's command buffers and submit nothing; ntexGenerate / ntexGenerateAsync submit to
                               queue 0 of its queueFamilyIndex (under ntex's lock), so a host that calls them must not
                               use that queue from another thread meanwhile (Vulkan's external synchronization).
                               AUTO picks it only on a chained GPU device (see AUTO), never headless */
} NtexBackend;

/* Arithmetic of a generator's network (NtexGeneratorPrecisionInfo). The CPU backend always computes in FP32. */
typedef enum NtexPrecision {
    NTEX_PRECISION_DEFAULT = 0,  /* CUDA: FP16; CPU and Vulkan compute: FP32 */
    NTEX_PRECISION_FP32 = 1,     /* the exact mode: matches the CPU reference (NMSE < 1e-6) */
    NTEX_PRECISION_FP16 = 2      /* the fast mode: FP16 storage, FP32 accumulation (NMSE < 1e-4). CUDA; Vulkan
                                    compute on a device with shaderFloat16 and storageBuffer16BitAccess (the
                                    host's device: declared in NtexVulkanDeviceFeatures), else computed in FP32 */
} NtexPrecision;

/* How the borders of a generated region behave (docs/model_format.md, "Tiling modes"). */
typedef enum NtexTilingMode {
    NTEX_TILING_MODE_TILEABLE = 0,  /* circular padding everywhere: the output tiles exactly (toroidal) */
    NTEX_TILING_MODE_INFINITE = 1   /* a window onto an endless plane at (originX, originY): adjacent
                                       regions generated separately agree on their shared border */
} NtexTilingMode;

/* What a model output map means. Values are stable. */
typedef enum NtexMapSemantic {
    NTEX_MAP_SEMANTIC_OTHER = 0,
    NTEX_MAP_SEMANTIC_ALBEDO = 1,     /* RGB, sRGB-encoded, [0, 1] */
    NTEX_MAP_SEMANTIC_NORMAL = 2,     /* tangent-space unit normal, OpenGL convention (+X right, +Y up, +Z out);
                                         stored encoded as n * 0.5 + 0.5 in [0, 1] */
    NTEX_MAP_SEMANTIC_ROUGHNESS = 3,  /* perceptual roughness (GGX alpha = r^2), linear, [0, 1] */
    NTEX_MAP_SEMANTIC_HEIGHT = 4      /* linear, [0, 1]; 1 = highest; depth scale in NtexModelInfo */
} NtexMapSemantic;

typedef enum NtexLogLevel {
    NTEX_LOG_LEVEL_DEBUG = 0,
    NTEX_LOG_LEVEL_INFO = 1,
    NTEX_LOG_LEVEL_WARNING = 2,
    NTEX_LOG_LEVEL_ERROR = 3
} NtexLogLevel;

/* Texel formats for host images. */
typedef enum NtexHostFormat {
    NTEX_HOST_FORMAT_R8G8B8A8 = 0,   /* 4 x uint8, values as stored (albedo: sRGB-encoded), alpha 255 */
    NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT = 1, /* 4 x float32 in [0, 1], alpha 1 */
    NTEX_HOST_FORMAT_R8_UNORM = 2,            /* 1 x uint8: the map's first channel (roughness, height) */
    NTEX_HOST_FORMAT_R16_UNORM = 3,           /* 1 x uint16: the first channel, 0..65535 (16-bit height) */
    NTEX_HOST_FORMAT_R32_SFLOAT = 4,          /* 1 x float32: the first channel, [0, 1] */
    NTEX_HOST_FORMAT_R8G8_UNORM = 5,          /* 2 x uint8: the first two components (a tangent-space normal's
                                                 x and y as n * 0.5 + 0.5; the shader rebuilds
                                                 z = sqrt(1 - x^2 - y^2) from n = 2 v - 1) */
    NTEX_HOST_FORMAT_B8G8R8A8 = 6,            /* 4 x uint8 in B, G, R, A byte order, otherwise as R8G8B8A8 */
    NTEX_HOST_FORMAT_R16_SFLOAT = 7,          /* 1 x IEEE 754 binary16: the first channel, [0, 1] */
    NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT = 8  /* 4 x binary16 in [0, 1], alpha 1 */
} NtexHostFormat;
/* One-channel maps written to 2- and 4-channel formats repeat the value in R, G and B. Encoded values
 * (albedo sRGB, normal n * 0.5 + 0.5) are written as stored: no colour-space conversion. Integer formats
 * round floor(v * 255 + 0.5) (65535 for R16_UNORM); binary16 rounds to nearest, ties to even. */

/* Host log callback; may be called from any thread that calls into ntex. */
typedef void (*PFN_ntexLogCallback)(NtexLogLevel level, const char* message, void* userData);

/* Diagnostic messages with their result code, in the spirit of VkDebugUtilsMessengerEXT: chain an
 * NtexMessengerCreateInfo into NtexContextCreateInfo::pNext (it also receives ntexCreateContext's own
 * errors). `severity` uses NtexLogLevel; `result` says what happened, so a host can act on messages
 * without parsing text:
 *   ERROR    result < 0: every failing call, "<function>: <RESULT>: <message>" (the text
 *            ntexGetLastErrorMessage keeps for the calling thread)
 *   WARNING  NTEX_NOT_READY: a texture set whose updates found the next slot's upload not executed
 *            120 times in a row (the host does not signal the values updates ask for: the set stalls)
 *   WARNING  NTEX_SUCCESS: recoverable surprises (a fallback to host copies, a 1-channel albedo ...)
 *   INFO     NTEX_SUCCESS: the backend and device chosen, why CUDA was not used
 *   DEBUG    NTEX_NOT_READY: one texture-set update that skipped its busy slot (once per such update:
 *            per frame at most; only here, never to pfnLog)
 * `message` is printable UTF-8 (control characters from files are escaped) and valid only during the
 * call. Called on the thread that calls into ntex, or on a generator's worker thread for work that
 * runs there; calls may come from several threads at once. It must not call ntex. */
typedef void (*PFN_ntexMessageCallback)(NtexLogLevel severity, NtexResult result, const char* message, void* pUserData);

typedef struct NtexMessengerCreateInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_MESSENGER_CREATE_INFO */
    const void* pNext;
    NtexLogLevel minSeverity;     /* messages below it are not sent */
    PFN_ntexMessageCallback pfnCallback;   /* required */
    void* pUserData;
} NtexMessengerCreateInfo;

/* The threads ntex starts itself. */
typedef enum NtexThreadKind {
    NTEX_THREAD_KIND_GENERATOR_WORKER = 0   /* a generator's worker (ntexGenerateAsync; started on first use, one
                                               per generator, joined by ntexDestroyGenerator); named "ntex-worker" */
} NtexThreadKind;

typedef void (*PFN_ntexThreadStart)(void* pUserData, NtexThreadKind kind);

/* Chain into NtexContextCreateInfo::pNext to run code on each thread ntex starts, on that thread, before it
 * does any work: pin it to cores (sched_setaffinity / SetThreadAffinityMask), lower its priority, register
 * it with a profiler. A generation's OpenMP threads (threadCount - 1 of them) are created by the thread that
 * generates, the worker for ntexGenerateAsync, and inherit its CPU affinity (Linux and libgomp with
 * OMP_PROC_BIND unset, the default): pinning the worker here keeps its whole generation on those cores,
 * away from your render thread. ntexGenerate runs on your thread and its OpenMP threads inherit yours.
 * The callback must not call ntex and must return (it runs before the worker takes its first request).
 * It and pUserData must stay valid until ntexDestroyContext returns. Errors: INVALID_ARGUMENT for a NULL
 * pfnThreadStart. */
typedef struct NtexThreadCallbacks {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_THREAD_CALLBACKS */
    const void* pNext;
    PFN_ntexThreadStart pfnThreadStart;   /* required */
    void* pUserData;
} NtexThreadCallbacks;

typedef struct NtexContextCreateInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO */
    const void* pNext;            /* NULL, an NtexVulkanDeviceInfo, an NtexMessengerCreateInfo and/or an
                                     NtexThreadCallbacks */
    uint32_t headerVersion;       /* NTEX_HEADER_VERSION */
    NtexBackend backend;
    uint32_t threadCount;         /* CPU threads for generation; 0 = all cores; at most NTEX_MAX_THREADS */
    PFN_ntexLogCallback pfnLog;   /* optional */
    void* pLogUserData;
} NtexContextCreateInfo;

/* What ntexGetContextBackendInfo reports: the backend in use, its device, and why a requested or AUTO
 * CUDA backend was not used (shown by hosts in their UI; also sent to the log callback). */
typedef struct NtexBackendInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_BACKEND_INFO */
    void* pNext;
    NtexBackend backend;          /* CPU or CUDA (AUTO resolved) */
    char deviceName[256];         /* "NVIDIA H100 80GB HBM3 (CUDA device 0)", "CPU (ntex avx512 kernels, 2 threads)"
                                     or, on CPUs without AVX2+FMA, "CPU (oneDNN 2.6.3, 2 threads)" */
    char fallbackReason[256];     /* "" when CUDA is in use or CPU was asked for; else one line saying why CUDA
                                     is not used ("no CUDA device: ...", "no CUDA device matches the Vulkan
                                     device's UUID ...", "this library was built without CUDA") */
} NtexBackendInfo;

/* Chain into NtexGeneratorCreateInfo::pNext to choose the precision; without it NTEX_PRECISION_DEFAULT. */
typedef struct NtexGeneratorPrecisionInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO */
    const void* pNext;
    NtexPrecision precision;
} NtexGeneratorPrecisionInfo;

typedef struct NtexModelLoadInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO */
    const void* pNext;
    const char* pPath;            /* the model's .json; weights are the file its "weights" key names, beside it */
} NtexModelLoadInfo;

#define NTEX_MAX_NAME_SIZE 64u
#define NTEX_MAX_THREADS 256u   /* NtexContextCreateInfo::threadCount's limit (INVALID_ARGUMENT above) */
#define NTEX_MAX_MAPS 8u
#define NTEX_MAX_DIRECTIONS 16u
#define NTEX_MAX_ABS_TRUNCATION_PSI 4.0f   /* |truncationPsi| limit (INVALID_ARGUMENT above); useful values are 0..1.5 */

typedef struct NtexModelInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_MODEL_INFO */
    void* pNext;
    char name[NTEX_MAX_NAME_SIZE];
    uint32_t zDim;                /* length of the latent code z */
    uint32_t wDim;                /* length of the style vector w */
    uint32_t cellSize;            /* output sizes are multiples of this (pixels) */
    uint32_t mapCount;            /* number of material maps (albedo, ...) */
    char mapNames[NTEX_MAX_MAPS][NTEX_MAX_NAME_SIZE];
    NtexMapSemantic mapSemantics[NTEX_MAX_MAPS];
    uint32_t mapChannels[NTEX_MAX_MAPS];  /* 3 for albedo and normal, 1 for roughness and height */
    uint64_t parameterCount;
    uint32_t haloPixels;          /* infinite mode: receptive-field radius rounded up to cellSize (pixels) */
    float heightScale;            /* height map: texels of depth per unit of height (the normal map's strength) */
    uint32_t directionCount;      /* latent directions (GANSpace PCA of w), at most NTEX_MAX_DIRECTIONS */
    char directionLabels[NTEX_MAX_DIRECTIONS][NTEX_MAX_NAME_SIZE];
} NtexModelInfo;

typedef struct NtexGeneratorCreateInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO */
    const void* pNext;
    NtexModel model;              /* must outlive the generator */
    uint32_t width;               /* pixels; a multiple of cellSize, 1..8192 */
    uint32_t height;
    NtexTilingMode tilingMode;    /* TILEABLE (0) or INFINITE */
} NtexGeneratorCreateInfo;

typedef struct NtexGeneratorParams {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS */
    const void* pNext;
    uint32_t seed;                /* drives the hashed noise (and z when pZ is NULL) */
    const float* pZ;              /* zDim floats, or NULL for z = ntexLatentFromSeed(seed) */
    uint32_t zCount;              /* length of pZ; must equal zDim when pZ is set */
    float truncationPsi;          /* w = w_avg + psi (w - w_avg); 1 = none, 0 = the mean style; finite,
                                     |psi| <= NTEX_MAX_ABS_TRUNCATION_PSI (Karras et al. 2019, StyleGAN, sec. 3.2) */
    const float* pDirectionOffsets; /* directionCount offsets along the model's latent directions, in units of
                                       each direction's standard deviation (typ. -3..3): w += sum a_i sigma_i v_i
                                       after truncation (Haerkoenen et al. 2020, GANSpace); NULL = none */
    uint32_t directionCount;      /* 0..the model's directionCount */
    int32_t originX;              /* INFINITE mode: the region's top-left corner on the endless plane, in pixels, */
    int32_t originY;              /* a multiple of cellSize. Must be 0 in TILEABLE mode. */
    float animationTime;          /* latent animation, used when pZ is NULL: z = slerp(z(seed + k), z(seed + k + 1), f)
                                     with k = floor(t), f = t - k, z(s) = ntexLatentFromSeed(s); 0 = z(seed).
                                     The spatial noise stays that of `seed`. Finite, 0..16777216 (seeds). */
} NtexGeneratorParams;

/* --- conditioning (models with categories and layouts, e.g. material_v2) ------------------- */

/* The structure map that conditions a layout-aware model (docs/model_format.md, "Layout
 * conditioning"): where the surface is raised (bricks, tiles, planks, stones, panels: 1) and where
 * its gaps are (mortar, grooves, seams: 0). Values are stable. */
typedef enum NtexLayoutPattern {
    NTEX_LAYOUT_PATTERN_NONE = 0,      /* no layout: the model invents its own structure */
    NTEX_LAYOUT_PATTERN_BRICKS = 1,    /* rows courses of columns bricks, every course shifted by offset */
    NTEX_LAYOUT_PATTERN_TILES = 2,     /* a columns x rows grid; jitter varies each tile's face level */
    NTEX_LAYOUT_PATTERN_HEXAGONS = 3,  /* columns x rows hexagons (rows even); jitter: face level */
    NTEX_LAYOUT_PATTERN_PLANKS = 4,    /* rows of columns boards; jitter varies their lengths; offset shifts rows */
    NTEX_LAYOUT_PATTERN_PANELS = 5,    /* a grid of panels, each split in two with probability jitter */
    NTEX_LAYOUT_PATTERN_VORONOI = 6,   /* stones: one jittered point per grid cell (jitter 0..1), Voronoi cells */
    NTEX_LAYOUT_PATTERN_MASK = 7,      /* the host's mask (pMask): raised = mask value, tiled over the period */
    NTEX_LAYOUT_PATTERN_AUTO = 8,      /* the model's layout prior picks pattern and numbers for the category
                                          (NtexModelConditioningInfo::hasLayoutPrior): patternSeed chooses one
                                          of the layouts fitted to the training textures of that category, drawn
                                          with their frequency (docs/model_format.md, "Layout prior"); every
                                          other layout field is ignored (counts and sizes above 2^20 are still
                                          INVALID_ARGUMENT). TILEABLE: the prior's period is replaced by the
                                          nearest divisor of the size so the layout tiles. */
    NTEX_LAYOUT_PATTERN_BLOBS = 9      /* soft irregular patches (grass, gravel, snow): smooth value noise on a
                                          columns x rows lattice (2..64 each), raised where it exceeds offset
                                          (0..1, higher: fewer, smaller blobs); jitter 0..1 adds a finer octave
                                          (ragged edges); bevel is the width of the edge's ramp, centred on the
                                          threshold (soft patches want a wide one, about half a cell); gap
                                          shrinks each blob by gap / 2 */
} NtexLayoutPattern;

/* Category value meaning "any category" (the model's unconditional mode). */
#define NTEX_CATEGORY_ANY (-1)

/* Chain into NtexGeneratorParams::pNext to choose the category and the layout; without it the
 * category is ANY and the pattern NONE. Models without categories accept only NTEX_CATEGORY_ANY,
 * models without layout conditioning only NTEX_LAYOUT_PATTERN_NONE, models without a layout prior
 * anything but NTEX_LAYOUT_PATTERN_AUTO (else INVALID_ARGUMENT).
 * The pattern is evaluated on the same absolute plane as the noise and repeats every
 * periodWidth x periodHeight pixels, so it tiles in TILEABLE mode (the period must divide the
 * generator's size) and continues across regions in INFINITE mode. Ranges (else INVALID_ARGUMENT
 * naming the field): columns, rows 1..64 (HEXAGONS: rows even; VORONOI, HEXAGONS: cells within 2:1; BLOBS: 2..64); period 16..8192 or 0; offset,
 * jitter 0..1; gap, bevel 0..64 pixels; mask 1..2048 x 1..2048 values in [0, 1]. The mask is
 * copied by ntexSetGeneratorParams. The layout is re-rendered only when it or the origin changes. */
typedef struct NtexConditioningParams {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS */
    const void* pNext;
    int32_t category;             /* 0..NtexModelConditioningInfo::categoryCount-1, or NTEX_CATEGORY_ANY */
    NtexLayoutPattern pattern;
    uint32_t columns;             /* cells across one period (bricks per course, tiles, boards, ...) */
    uint32_t rows;                /* cells down one period (courses, rows of boards, ...) */
    uint32_t periodWidth;         /* pixels of one repetition of the pattern; 0 = the generator's width */
    uint32_t periodHeight;        /* 0 = the generator's height */
    float offset;                 /* BRICKS, PLANKS: row r is shifted by r * offset cells (0.5 = running bond);
                                     BLOBS: the noise threshold (higher: fewer, smaller blobs) */
    float gap;                    /* width of the gaps in pixels (mortar, grooves, seams) */
    float bevel;                  /* width of the ramp from gap to face in pixels (0 = a hard edge) */
    float jitter;                 /* per-pattern randomness, see NtexLayoutPattern */
    uint32_t patternSeed;         /* randomness of the pattern's cells (independent of the noise seed) */
    const float* pMask;           /* MASK: maskHeight rows of maskWidth floats in [0, 1], row-major; else NULL */
    uint32_t maskWidth;
    uint32_t maskHeight;
} NtexConditioningParams;

#define NTEX_MAX_CATEGORIES 16u

/* Chain into NtexModelInfo::pNext: what a model can be conditioned on. */
typedef struct NtexModelConditioningInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_MODEL_CONDITIONING_INFO */
    void* pNext;
    uint32_t categoryCount;       /* 0 for an unconditional model */
    char categoryNames[NTEX_MAX_CATEGORIES][NTEX_MAX_NAME_SIZE];  /* "metal", "brick_tile", ... */
    uint32_t layoutChannels;      /* 0: the model ignores layouts; 2: layout-conditioned */
    uint32_t hasLayoutPrior;      /* 1: NTEX_LAYOUT_PATTERN_AUTO is accepted; 0: it is INVALID_ARGUMENT */
} NtexModelConditioningInfo;

typedef struct NtexHostImage {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_HOST_IMAGE */
    const void* pNext;            /* NULL or an NtexChannelPacking (anything else: INVALID_ARGUMENT) */
    NtexHostFormat format;
    void* pData;                  /* width x height texels, rows rowPitch bytes apart (e.g. a mapped staging buffer) */
    size_t rowPitch;              /* bytes, >= width * texel size */
    size_t size;                  /* bytes available at pData, >= rowPitch * height */
} NtexHostImage;

/* Channel packing (an ORM-style image: occlusion, roughness, metallic; or normal.xy + roughness + height in
 * one RGBA8): each component of an image comes from any map's component or a constant, so an engine
 * samples one image where it would sample several. */
#define NTEX_MAP_INDEX_PACKED 0xFFFFFFFFu      /* the map index of a packed image (ntexReadMap(s)) */
#define NTEX_CHANNEL_SOURCE_ZERO 0xFFFFFFFEu   /* NtexChannelSource::mapIndex: the constant 0 */
#define NTEX_CHANNEL_SOURCE_ONE 0xFFFFFFFFu    /* NtexChannelSource::mapIndex: the constant 1 */

typedef struct NtexChannelSource {
    uint32_t mapIndex;            /* model map index (NtexModelInfo order), or NTEX_CHANNEL_SOURCE_ZERO / _ONE */
    uint32_t component;           /* < NtexModelInfo::mapChannels[mapIndex]: the map's value as its own image
                                     holds it (albedo sRGB-encoded, normal n * 0.5 + 0.5, roughness, height;
                                     all in [0, 1]); ignored for constants */
} NtexChannelSource;

/* Chain into NtexHostImage::pNext and call ntexReadMap(s) with map index NTEX_MAP_INDEX_PACKED: component k
 * of the image's format (R, G, B, A in that order; a format with fewer components takes the first ones,
 * B8G8R8A8 stores them in B, G, R, A byte order) is channels[k], converted as the format converts a map
 * (integer formats clamp and round floor(v * 255 + 0.5), R16_UNORM floor(v * 65535 + 0.5), binary16 to nearest even). Errors:
 * INVALID_ARGUMENT for a map index out of range, a component past the map's channels, a packed image with a
 * map index other than NTEX_MAP_INDEX_PACKED or NTEX_MAP_INDEX_PACKED without this struct, another sType in
 * the chain. Example, ORM for material_v1 (maps albedo 0, normal 1, roughness 2, height 3) into RGBA8:
 * {{NTEX_CHANNEL_SOURCE_ONE, 0}, {2, 0}, {NTEX_CHANNEL_SOURCE_ZERO, 0}, {3, 0}} (occlusion 1, roughness,
 * metallic 0, height in alpha). */
typedef struct NtexChannelPacking {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_CHANNEL_PACKING */
    const void* pNext;            /* NULL */
    NtexChannelSource channels[4];
} NtexChannelPacking;

/* --- results and errors ------------------------------------------------------------------ */

/* A static string naming the result ("NTEX_ERROR_INVALID_MODEL"). Thread-safe. */
NTEX_API const char* ntexResultToString(NtexResult result);
/* The message of the last error on the calling thread ("" if none). Valid until the next ntex call on this thread. */
NTEX_API const char* ntexGetLastErrorMessage(void);

/* --- context ------------------------------------------------------------------------------ */

/* Creates a context. Backend AUTO uses CUDA when this library was built with it and a usable NVIDIA GPU
 * exists (with a chained NtexVulkanDeviceInfo: the one whose UUID matches the VkPhysicalDevice), else the
 * CPU; the reason for a fallback is logged (warning) and kept for ntexGetContextBackendInfo. Backend CUDA
 * without such a device fails with UNSUPPORTED and that reason.
 * Errors: INVALID_ARGUMENT, VERSION_MISMATCH, UNSUPPORTED (backend).
 * Thread-safety: any thread; the context may be shared by threads that each use their own generators. */
NTEX_API NtexResult ntexCreateContext(const NtexContextCreateInfo* pCreateInfo, NtexContext* pContext);
/* Destroys a context; accepts NULL. All models and generators created from it must be destroyed first. */
NTEX_API void ntexDestroyContext(NtexContext context);
/* The backend in use after AUTO was resolved. */
NTEX_API NtexBackend ntexGetContextBackend(NtexContext context);
/* The backend in use, its device and the reason for a CPU fallback. Errors: INVALID_ARGUMENT. Thread-safety: any thread. */
NTEX_API NtexResult ntexGetContextBackendInfo(NtexContext context, NtexBackendInfo* pInfo);

/* --- model -------------------------------------------------------------------------------- */

/* Loads and validates a model (JSON + safetensors): every tensor's name, dtype and shape, finite
 * weights, known ops. Errors: FILE_NOT_FOUND, INVALID_MODEL (message names file, field and cause).
 * Thread-safety: any thread. A loaded model is immutable and may be shared by generators on any thread. */
NTEX_API NtexResult ntexLoadModel(NtexContext context, const NtexModelLoadInfo* pLoadInfo, NtexModel* pModel);
NTEX_API void ntexDestroyModel(NtexModel model);
/* Hot reload: re-reads the model's files (the path given to ntexLoadModel) and validates them fully.
 * On any error the previous model keeps running unchanged and the error is returned (FILE_NOT_FOUND,
 * INVALID_MODEL; also INVALID_MODEL when the new files change the maps, zDim or cellSize: load those
 * as a new model). On success every generator of this model switches to the new weights at its next
 * ntexGenerate / ntexGenerateAsync (waiting for a running generation, rebuilding its plan: that call
 * allocates), keeping its parameters; result ids keep increasing. Thread-safety: any thread. */
NTEX_API NtexResult ntexReloadModel(NtexModel model);
/* Fills pInfo (sType NTEX_STRUCTURE_TYPE_MODEL_INFO). pInfo->pNext may hold an
 * NtexModelConditioningInfo, filled too (all zero for an unconditional model); its own pNext is kept.
 * Errors: INVALID_ARGUMENT (NULL, wrong sType, any other sType in the pNext chain, a chain longer
 * than 32 structs). Thread-safety: any thread, also during ntexReloadModel. */
NTEX_API NtexResult ntexGetModelInfo(NtexModel model, NtexModelInfo* pInfo);
/* Fills pZ[0..zCount) with the latent code z for a seed (hash noise, see docs/model_format.md). */
NTEX_API NtexResult ntexLatentFromSeed(NtexModel model, uint32_t seed, float* pZ, uint32_t zCount);

/* --- generator ---------------------------------------------------------------------------- */

/* Creates a generator: buffers and the execution plan for one output size, built once here.
 * Errors: INVALID_ARGUMENT (size 0, not a multiple of cellSize, above 8192), OUT_OF_MEMORY.
 * Thread-safety: a generator is used by one thread at a time (external synchronization). */
NTEX_API NtexResult ntexCreateGenerator(NtexContext context, const NtexGeneratorCreateInfo* pCreateInfo,
                                        NtexGenerator* pGenerator);
NTEX_API void ntexDestroyGenerator(NtexGenerator generator);
/* Sets seed, z, psi, direction offsets, origin and animation time, and (conditional models) the
 * category and layout from an optional NtexConditioningParams in pParams->pNext. Leaving it out
 * resets the category to NTEX_CATEGORY_ANY and the pattern to NTEX_LAYOUT_PATTERN_NONE. The mapping
 * network reruns only when z, psi or the category change; a layout change re-renders the layout only.
 * The values are checked before anything changes: on an error the previous parameters stay.
 * Errors: INVALID_ARGUMENT (NaN z, wrong count, an origin the tiling mode refuses, a category or
 * layout the model does not take or a layout value out of range (NtexConditioningParams), an
 * unknown sType in the pNext chain, two NtexConditioningParams, a chain longer than 32 structs).
 * Thread-safety: one thread at a time per generator (ntexCreateGenerator); allowed while an
 * asynchronous generation runs (the next ntexGenerateAsync uses the new parameters). */
NTEX_API NtexResult ntexSetGeneratorParams(NtexGenerator generator, const NtexGeneratorParams* pParams);
/* Runs the generator synchronously on the calling thread with the current parameters. */
NTEX_API NtexResult ntexGenerate(NtexGenerator generator);
/* Queues a generation with the current parameters on the generator's worker thread and returns at once
 * (the renderer never waits for the network). A request that is queued but not yet started is replaced
 * by the newer one; a running generation finishes. Completed results become readable atomically: readers
 * always see one whole result. Errors of the worker are reported by the next ntexGetResultId. */
NTEX_API NtexResult ntexGenerateAsync(NtexGenerator generator);
/* The id (1, 2, ...) of the newest complete result that ntexReadMap returns; 0 before the first.
 * Returns NOT_READY while a queued or running generation exists, SUCCESS when idle. Never blocks. */
NTEX_API NtexResult ntexGetResultId(NtexGenerator generator, uint64_t* pResultId);
/* Blocks until no generation is queued or running (e.g. before destroying or when baking). */
NTEX_API NtexResult ntexWaitIdle(NtexGenerator generator);
/* Copies map `mapIndex` of the newest complete result into a host image (e.g. a mapped Vulkan staging
 * buffer). Safe while an asynchronous generation runs. */
NTEX_API NtexResult ntexReadMap(NtexGenerator generator, uint32_t mapIndex, const NtexHostImage* pImage);
/* Copies several maps, all from the same complete result (no mixing of two results), into pImages[i]
 * for pMapIndices[i], i < count. pResultId (optional) receives that result's id. */
NTEX_API NtexResult ntexReadMaps(NtexGenerator generator, uint32_t count, const uint32_t* pMapIndices,
                                 const NtexHostImage* pImages, uint64_t* pResultId);

/* --- presets ------------------------------------------------------------------------------ */

/* Saves the generator's current parameters (seed, z if explicit, psi, direction offsets by label,
 * origin; the category by name and the layout for conditional models) as JSON (docs/embedding.md,
 * "Presets"; a MASK layout cannot be stored: INVALID_ARGUMENT). Written atomically (temp file + rename): a failed
 * or interrupted save leaves an existing file untouched. Errors: INVALID_ARGUMENT, IO. */
NTEX_API NtexResult ntexSavePreset(NtexGenerator generator, const char* pPath);
/* Loads a preset and applies it as ntexSetGeneratorParams would. The preset must name this
 * generator's model (by name) and only its directions' labels; on any error the generator's
 * parameters are unchanged. Errors: FILE_NOT_FOUND, INVALID_ARGUMENT (malformed preset: the message
 * names the file and field; other model; unknown direction label). */
NTEX_API NtexResult ntexLoadPreset(NtexGenerator generator, const char* pPath);

/* One PFN_ typedef per entry point, for hosts that load ntex dynamically. */
typedef const char* (*PFN_ntexResultToString)(NtexResult);
typedef const char* (*PFN_ntexGetLastErrorMessage)(void);
typedef NtexResult (*PFN_ntexCreateContext)(const NtexContextCreateInfo*, NtexContext*);
typedef void (*PFN_ntexDestroyContext)(NtexContext);
typedef NtexBackend (*PFN_ntexGetContextBackend)(NtexContext);
typedef NtexResult (*PFN_ntexGetContextBackendInfo)(NtexContext, NtexBackendInfo*);
typedef NtexResult (*PFN_ntexLoadModel)(NtexContext, const NtexModelLoadInfo*, NtexModel*);
typedef void (*PFN_ntexDestroyModel)(NtexModel);
typedef NtexResult (*PFN_ntexReloadModel)(NtexModel);
typedef NtexResult (*PFN_ntexGetModelInfo)(NtexModel, NtexModelInfo*);
typedef NtexResult (*PFN_ntexLatentFromSeed)(NtexModel, uint32_t, float*, uint32_t);
typedef NtexResult (*PFN_ntexCreateGenerator)(NtexContext, const NtexGeneratorCreateInfo*, NtexGenerator*);
typedef void (*PFN_ntexDestroyGenerator)(NtexGenerator);
typedef NtexResult (*PFN_ntexSetGeneratorParams)(NtexGenerator, const NtexGeneratorParams*);
typedef NtexResult (*PFN_ntexGenerate)(NtexGenerator);
typedef NtexResult (*PFN_ntexGenerateAsync)(NtexGenerator);
typedef NtexResult (*PFN_ntexGetResultId)(NtexGenerator, uint64_t*);
typedef NtexResult (*PFN_ntexWaitIdle)(NtexGenerator);
typedef NtexResult (*PFN_ntexReadMap)(NtexGenerator, uint32_t, const NtexHostImage*);
typedef NtexResult (*PFN_ntexSavePreset)(NtexGenerator, const char*);
typedef NtexResult (*PFN_ntexLoadPreset)(NtexGenerator, const char*);
typedef NtexResult (*PFN_ntexReadMaps)(NtexGenerator, uint32_t, const uint32_t*, const NtexHostImage*, uint64_t*);

#ifdef __cplusplus
}
#endif

#endif /* NTEX_H_ */
