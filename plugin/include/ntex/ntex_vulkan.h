/* SPDX-License-Identifier: MIT */
/* ntex_vulkan.h: embedding ntex in a host's Vulkan renderer: the host's device, and texture sets
 * (one VkImage + VkImageView per material map, in a ring) that ntex fills by recording commands into
 * the host's command buffers. Include after <vulkan/vulkan.h> is reachable; ntex never calls the
 * Vulkan loader directly: every function comes from the host's vkGetInstanceProcAddr. */
#ifndef NTEX_VULKAN_H_
#define NTEX_VULKAN_H_ 1

#include <ntex/ntex.h>
#include <vulkan/vulkan.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Chain into NtexContextCreateInfo::pNext to give ntex the host's Vulkan device. ntex creates no
 * queues and never submits work: it only records into command buffers the host passes in. */
typedef struct NtexVulkanDeviceInfo {
    NtexStructureType sType;                 /* NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO */
    const void* pNext;                       /* NULL */
    VkInstance instance;
    VkPhysicalDevice physicalDevice;
    VkDevice device;                         /* Vulkan >= 1.2 with the timelineSemaphore feature enabled */
    uint32_t queueFamilyIndex;               /* the family whose queue runs the command buffers passed to
                                                ntexCmdUpdateTextureSet: graphics, or compute-only (an
                                                async-compute queue: no blitted mips, and texture sets'
                                                consumer stages default to COMPUTE); a family with neither:
                                                INVALID_ARGUMENT */
    PFN_vkGetInstanceProcAddr pfnGetInstanceProcAddr;   /* required */
    PFN_vkGetDeviceProcAddr pfnGetDeviceProcAddr;       /* optional: NULL = looked up through the instance */
    /* Optional: passed as pAllocator to every vkCreate*, vkDestroy*, vkAllocateMemory and vkFreeMemory
     * ntex calls on this device (texture sets, the Vulkan compute backend on it); it must stay valid
     * until the last ntex object on the device is destroyed. NULL = the driver's allocator. */
    const VkAllocationCallbacks* pAllocator;
} NtexVulkanDeviceInfo;

/* Chain into NtexContextCreateInfo::pNext (beside the NtexVulkanDeviceInfo) when the host enabled
 * VK_EXT_debug_utils on its instance: ntex then names the Vulkan objects it creates on the host's device
 * (vkSetDebugUtilsObjectNameEXT: "ntex texture set 3: albedo, slot 0", "... staging, slot 1",
 * "... timeline") and wraps what ntexCmdUpdateTextureSet records in a command-buffer label
 * (vkCmdBegin/EndDebugUtilsLabelEXT, "ntex: update texture set 3"; also around an update that returns
 * NOT_READY, which then records only that empty label), so captures (RenderDoc, Nsight) and
 * validation messages say which objects are ntex's. ntex cannot tell whether an instance extension is
 * enabled, hence the explicit flag. Errors: UNSUPPORTED when debugUtils is VK_TRUE but the instance
 * does not expose the entry points. */
typedef struct NtexVulkanDebugInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_VULKAN_DEBUG_INFO */
    const void* pNext;
    VkBool32 debugUtils;          /* VK_TRUE: VK_EXT_debug_utils is enabled on NtexVulkanDeviceInfo::instance */
} NtexVulkanDebugInfo;

/* The host's device-memory allocator (VMA or its own), in the style of VMA's custom pools: chain into
 * NtexContextCreateInfo::pNext (beside the NtexVulkanDeviceInfo) and a texture set's images and staging
 * buffers are bound into memory the host hands out. ntex asks for few, large blocks (one per resource group
 * and memory type: a texture set's images, its staging buffers), never one per resource, and places its
 * resources inside each block itself. Without it ntex allocates such blocks with vkAllocateMemory.
 * pfnAllocate: size and alignment in bytes (the block's start must be a multiple of alignment); the memory
 * type must be one of memoryTypeBits (whose types all have requiredFlags); with `mapped` (HOST_VISIBLE
 * staging) the host maps the memory and returns the pointer of `offset` in pMapped (ntex never maps or unmaps
 * host memory). Return VK_SUCCESS and fill *pAllocation, or an error (VK_ERROR_OUT_OF_DEVICE_MEMORY ...:
 * the ntex call fails with NTEX_ERROR_OUT_OF_MEMORY). pfnFree gets the same allocation back once every
 * resource bound to it is destroyed (at ntexDestroyTextureSet, after the host's last use of the set).
 * Called on the thread that creates or destroys the texture set.
 * With the Vulkan compute backend (NTEX_BACKEND_VULKAN on this device) the generators' own buffers (weights,
 * activations, inputs, texel staging) come from it too: blocks of 1 to 64 MiB (or one large buffer's size),
 * each for one memory type that ntex chose (memoryTypeBits has exactly that bit), asked for when a generator
 * or texture set is created (and when a generator's plan is rebuilt: the first ntexGenerate after
 * ntexReloadModel) and given back when the last buffer in the block is destroyed (ntexDestroyGenerator,
 * ntexDestroyTextureSet, at the latest ntexDestroyContext). These calls come from whichever thread does
 * that; ntex serialises its plan-buffer calls, but a texture set created on one thread while a generator is
 * created on another can make two calls overlap, so callbacks shared by such threads must be thread-safe
 * (VMA's are). The callbacks must not call into ntex.
 * The callbacks and pUserData must stay valid until ntexDestroyContext returns. */
typedef struct NtexDeviceMemoryAllocation {
    VkDeviceMemory memory;        /* the host's memory object */
    VkDeviceSize offset;          /* where ntex's block starts in it */
    void* pMapped;                /* mapped: host pointer of `offset`; else NULL */
    void* pHostData;              /* the host's own handle (e.g. a VmaAllocation), given back to pfnFree */
} NtexDeviceMemoryAllocation;

typedef VkResult (*PFN_ntexAllocateDeviceMemory)(void* pUserData, VkDeviceSize size, VkDeviceSize alignment, uint32_t memoryTypeBits,
                                                 VkMemoryPropertyFlags requiredFlags, VkBool32 mapped, NtexDeviceMemoryAllocation* pAllocation);
typedef void (*PFN_ntexFreeDeviceMemory)(void* pUserData, const NtexDeviceMemoryAllocation* pAllocation);

typedef struct NtexDeviceMemoryCallbacks {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_DEVICE_MEMORY_CALLBACKS */
    const void* pNext;
    PFN_ntexAllocateDeviceMemory pfnAllocate;   /* required */
    PFN_ntexFreeDeviceMemory pfnFree;           /* required */
    void* pUserData;
} NtexDeviceMemoryCallbacks;

/* Chain into NtexContextCreateInfo::pNext (beside the NtexVulkanDeviceInfo) to tell ntex which optional
 * features you enabled on NtexVulkanDeviceInfo::device: ntex cannot query enabled features, so it uses
 * none it was not told of. Each is used only where the physical device also supports it (checked with
 * vkGetPhysicalDeviceFeatures2); otherwise ntex does without it:
 * - shaderFloat16 + storageBuffer16BitAccess: the Vulkan compute backend's FP16 mode
 *   (NtexGeneratorPrecisionInfo NTEX_PRECISION_FP16; shaders in float16 storage and products); without
 *   both an FP16 generator computes in FP32 and the log says why.
 * - synchronization2 (Vulkan 1.3 core, or VK_KHR_synchronization2 enabled on the device): every barrier
 *   ntex records into your command buffers (ntexCmdUpdateTextureSet: texture-set copies, mips and layout
 *   transitions, and the Vulkan compute backend's dispatches) is recorded with vkCmdPipelineBarrier2
 *   (or ...2KHR, whichever the device exposes), with the same stages and accesses as the
 *   vkCmdPipelineBarrier ntex records otherwise (docs/embedding.md, "Synchronization2"). Declare it
 *   only when the feature is enabled on the device: ntex checks support and the entry point, not that.
 * Errors: INVALID_ARGUMENT without an NtexVulkanDeviceInfo in the same chain. */
typedef struct NtexVulkanDeviceFeatures {
    NtexStructureType sType;              /* NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_FEATURES */
    const void* pNext;                    /* NULL */
    VkBool32 shaderFloat16;               /* VkPhysicalDeviceVulkan12Features / ShaderFloat16Int8Features */
    VkBool32 storageBuffer16BitAccess;    /* VkPhysicalDeviceVulkan11Features / 16BitStorageFeatures */
    VkBool32 synchronization2;            /* VkPhysicalDeviceVulkan13Features / Synchronization2Features */
} NtexVulkanDeviceFeatures;

typedef struct NtexTextureSet_T* NtexTextureSet;

typedef struct NtexTextureSetCreateInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO */
    const void* pNext;            /* NULL, an NtexTextureSetSyncInfo and/or an NtexTextureSetTargetsInfo */
    NtexGenerator generator;      /* the source of the texels (its size and maps); must outlive the set */
    uint32_t ringSize;            /* images per map, 2..4; 0 = 2 */
    uint32_t mipLevels;           /* 0 = the full chain, 1 = none; clamped to the full chain */
    uint32_t mapMask;             /* bit i selects the generator model's map i; 0 = every map */
    const VkFormat* pFormats;     /* optional: one format per selected map (in map order), each one of
                                     R8G8B8A8_SRGB, R8G8B8A8_UNORM, B8G8R8A8_SRGB, B8G8R8A8_UNORM, R8G8_UNORM
                                     (a normal's x and y: see NTEX_HOST_FORMAT_R8G8_UNORM), R8_UNORM, R16_UNORM,
                                     R16_SFLOAT, R16G16B16A16_SFLOAT, R32_SFLOAT, R32G32B32A32_SFLOAT, with the
                                     NtexHostFormat conversion of the same name; NULL = the defaults below */
} NtexTextureSetCreateInfo;

/* Chain into NtexTextureSetCreateInfo::pNext when the images are sampled in stages other than the fragment
 * and compute shaders (displacement from the height map in a vertex or tessellation-evaluation shader, ray
 * tracing). ntex's barriers then wait for reads in these stages before overwriting a slot and make the new
 * texels visible to them (NtexTextureSetImages::readyStageMask reports them on the CUDA path). */
typedef struct NtexTextureSetSyncInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO */
    const void* pNext;            /* NULL */
    /* Stages that sample the images, a combination of VK_PIPELINE_STAGE_{VERTEX, TESSELLATION_CONTROL,
     * TESSELLATION_EVALUATION, GEOMETRY, FRAGMENT, COMPUTE}_SHADER_BIT, TASK/MESH_SHADER_BIT_EXT and
     * RAY_TRACING_SHADER_BIT_KHR, each usable on the queue family and with its device feature enabled by the
     * host (ntex cannot query enabled features: a stage whose feature is off is a validation error, not an
     * ntex error). 0 = FRAGMENT | COMPUTE (the default without this struct; on a compute-only queue family
     * COMPUTE alone, on a family without compute FRAGMENT alone). Other bits, and on a compute-only family any stage but COMPUTE and RAY_TRACING:
     * INVALID_ARGUMENT. */
    VkPipelineStageFlags consumerStageMask;
    /* VK_TRUE: ntexCmdUpdateTextureSet leaves out its final barriers (those that move the written images to
     * their final layout and make them visible to consumerStageMask; on CUDA the queue-family acquire) and
     * ntexGetTextureSetFinalBarriers hands them to you, so you record them in one batch with your own frame's
     * barriers (the FidelityFX pattern). You MUST record them after the update's commands and before anything
     * samples the images or the set's next update, in submission order on the same queue; until then the
     * images (with atlas offsets: the whole levels of the page, other regions included) are in TRANSFER
     * layouts. CUDA path: record them in the same submit as the update's commands (the one that waits for
     * readySemaphore and signals the release value); its first update returns the one-time UNDEFINED ->
     * GENERAL transition of every slot's images (ringSize x maps barriers), later ones the queue-family
     * acquire of one slot. VK_FALSE (or without this struct): ntex records them itself. */
    VkBool32 deferFinalBarriers;
} NtexTextureSetSyncInfo;

/* How a texture set's mip levels 1 .. mipLevels - 1 are made from level 0. */
typedef enum NtexMipFilter {
    NTEX_MIP_FILTER_BLIT = 0,      /* the default: a vkCmdBlitImage chain with linear filtering, recorded by
                                      ntexCmdUpdateTextureSet (every map filtered as plain colour, sRGB-correct
                                      for sRGB formats; needs a graphics queue and formats with linear-blit
                                      support, else the set has 1 level) */
    NTEX_MIP_FILTER_MATERIAL = 1   /* each map filtered by its meaning, then copied (CUDA: written): albedo averaged in
                                      linear light; tangent-space normals averaged as vectors and renormalised;
                                      roughness (perceptual, alpha = r^2) averaged as alpha^2 and widened by the
                                      variance of the normals each texel hides (Toksvig, "Mipmapping Normal Maps",
                                      JGT 2005: sigma^2 = (1 - |Na|) / |Na|, alpha'^2 = mean(alpha^2) + 2 sigma^2,
                                      at most 1), so distant bumps read as rough instead of sparkling; height and
                                      other maps averaged. Box filter; copies only, so any format here gets the
                                      full chain and host targets need no TRANSFER_SRC usage; the staging buffers
                                      grow by the levels, about a third. Where it runs: on the host on the
                                      host-copy path (CPU backend); on the device on the Vulkan compute path
                                      (recorded by ntexCmdUpdateTextureSet, shaders/material_mips.comp, with a
                                      float work buffer of about 4/3 x (C + 4) x 4 bytes per level-0 texel, C
                                      the channels of all the model's maps, + 4 only with a normal or roughness
                                      map; counted in NtexTextureSetMemoryInfo::stagingBytes; a work buffer
                                      above maxStorageBufferRange means host copies, logged); on the device on
                                      the CUDA path (backends/cuda/material_mips.cu, the same arithmetic, every
                                      level written into the images directly, with a cudaMalloc'ed work buffer
                                      of the same size, counted in stagingBytes; a failed allocation means host
                                      copies, logged). Host copies on a VULKAN context are fed by
                                      ntexGenerate, which submits to your queue: call it on the thread that
                                      uses the queue. */
} NtexMipFilter;

/* Chain into NtexTextureSetCreateInfo::pNext to choose the mip filter (without it: NTEX_MIP_FILTER_BLIT).
 * Errors: INVALID_ARGUMENT for a filter value not listed above. */
typedef struct NtexTextureSetMipInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO */
    const void* pNext;
    NtexMipFilter filter;
} NtexTextureSetMipInfo;

/* Host-owned targets: chain into NtexTextureSetCreateInfo::pNext and ntex writes the texels into the host's
 * own images (a bindless array's layers, an atlas array, the engine's own allocations) instead of creating
 * images. One target per ring slot and selected map. ntex cannot query a VkImage, so the host describes
 * each image as it created it, and ntex checks that description before recording anything:
 * - usage has TRANSFER_DST, and TRANSFER_SRC when more than one mip level is written (blits);
 * - format is one ntex writes (see pFormats) whose optimal-tiling features on this device allow sampling,
 *   copies and, for mips, linear blits; when pFormats is given it must name the same format;
 * - extent >> baseMipLevel is exactly the generator's width x height (or holds an atlas region, see
 *   NtexTextureSetTargetOffsetsInfo); baseMipLevel < imageMipLevels,
 *   arrayLayer < imageArrayLayers;
 * - no two targets share a subresource (same image and layer with overlapping mip ranges), unless their
 *   atlas regions keep them apart.
 * - the description is one a real image can have on this device (extent, layers, levels within the limits)
 *   and every target naming the same VkImage describes it the same way.
 * ntex writes mip levels baseMipLevel .. baseMipLevel + n - 1 of layer arrayLayer, where n is the set's
 * mipLevels (NtexTextureSetCreateInfo::mipLevels, 0 = full chain) clamped to what every target has room for,
 * and 1 when a format cannot be blitted with linear filtering (NtexTextureSetImages::mipLevels reports n;
 * levels past it keep your content). It never touches other levels or layers, never creates views of these
 * images (`view` is only handed back in NtexTextureSetImages::views) and never destroys them.
 * Layouts and ordering: a slot's first update discards the subresource's contents (oldLayout UNDEFINED;
 * with NtexTextureSetTargetOffsetsInfo it keeps them, oldLayout finalLayout);
 * every update leaves it in finalLayout, and the host must keep it there between updates (transition it
 * back if it changes it). Each update's first barrier waits for the consumer stages and transfers on the
 * queue and, from UNDEFINED or GENERAL, makes transfer writes (and with GENERAL shader-storage writes)
 * available, so your earlier samples, clears and uploads of the subresource are ordered before ntex
 * overwrites it (in a read-only finalLayout your barrier into it made your writes available: give it a
 * second scope of TRANSFER or the consumer stages); after other writes of yours (a colour attachment), end
 * with a barrier to finalLayout whose second scope is TRANSFER.
 * The last barrier makes the texels visible to shader reads in the consumer stages, and also to storage
 * writes (GENERAL) and input-attachment reads (INPUT_ATTACHMENT usage). Queue ownership: the images belong to NtexVulkanDeviceInfo::queueFamilyIndex (EXCLUSIVE
 * sharing) or are CONCURRENT. Paths: host copies and Vulkan compute write host targets as they write
 * their own images; the CUDA path cannot (CUDA writes only images whose memory it imported), so a CUDA
 * context's set with targets uses host copies (logged). Errors: INVALID_ARGUMENT (a description that
 * fails a check above, targetCount != ringSize x selected maps, VK_NULL_HANDLE image, a second
 * NtexTextureSetTargetsInfo in the chain), UNSUPPORTED (the format lacks a feature on this device). The
 * images must outlive the set. */
typedef struct NtexTextureSetTarget {
    VkImage image;                /* the host's 2D image (VK_IMAGE_TYPE_2D, 1 sample, OPTIMAL tiling) */
    VkImageView view;             /* optional: reported in NtexTextureSetImages::views; ntex never uses it */
    VkFormat format;              /* the image's format: the texel format written */
    VkImageUsageFlags usage;      /* the usage the image was created with */
    VkExtent2D extent;            /* the image's mip-0 extent */
    uint32_t imageMipLevels;      /* the image's mip level count */
    uint32_t imageArrayLayers;    /* the image's array layer count */
    uint32_t baseMipLevel;        /* the level that receives the generator's full-size output */
    uint32_t arrayLayer;          /* the layer written */
} NtexTextureSetTarget;

typedef struct NtexTextureSetTargetsInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO */
    const void* pNext;            /* NULL or an NtexTextureSetSyncInfo (either may come first in the chain) */
    uint32_t targetCount;         /* ringSize x the number of selected maps */
    const NtexTextureSetTarget* pTargets;   /* slot-major: pTargets[slot * selectedMaps + i] is map i of slot */
    VkImageLayout finalLayout;    /* SHADER_READ_ONLY_OPTIMAL (also for 0 = UNDEFINED) or GENERAL */
} NtexTextureSetTargetsInfo;

/* Atlas regions: chain into NtexTextureSetCreateInfo::pNext, with an NtexTextureSetTargetsInfo, and each
 * target receives the generator's width x height output at an x/y offset inside its level baseMipLevel
 * instead of filling that level, so one layer holds several materials (an atlas) or several ring slots.
 * pOffsets[k] belongs to pTargets[k] (same order, offsetCount == targetCount), in texels of level
 * baseMipLevel. With offsets, a target's checks change so:
 * - extent at baseMipLevel must hold the region (x + width and y + height within it) instead of equalling
 *   the generator's size; x, y >= 0;
 * - mip level l of the region is at (x >> l, y >> l), max(1, width >> l) x max(1, height >> l) texels:
 *   the set's mip count is clamped so that every level's region stays inside the image and on the 2 x 2
 *   grid of the level above (x and y multiples of 2^(levels - 1)): offsets on a 2^k grid give at most k + 1
 *   levels;
 * - two targets may share a subresource when their regions at every shared level are disjoint, but not two
 *   targets of the same ring slot (one update would transition one subresource twice);
 * - texels outside the region are never written, but every update's barriers transition the whole
 *   subresource (its levels of the layer), so the host must not sample the rest of those levels between
 *   ntex's first and last barrier (the update's commands), and must hand every target's subresource in
 *   finalLayout before the slot's first update: with offsets the first update keeps the contents
 *   (oldLayout finalLayout, not UNDEFINED).
 * Several sets may write disjoint regions of one layer; ntex cannot see across sets, so keeping their
 * regions apart is the host's job. Errors: INVALID_ARGUMENT (no NtexTextureSetTargetsInfo, offsetCount !=
 * targetCount, NULL pOffsets, a negative offset, a region outside its level, overlapping regions, a second
 * NtexTextureSetTargetOffsetsInfo in the chain). */
typedef struct NtexTextureSetTargetOffsetsInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGET_OFFSETS_INFO */
    const void* pNext;
    uint32_t offsetCount;         /* NtexTextureSetTargetsInfo::targetCount */
    const VkOffset2D* pOffsets;   /* per target: the region's top-left texel in level baseMipLevel */
} NtexTextureSetTargetOffsetsInfo;

/* Channel-packed images: chain into NtexTextureSetCreateInfo::pNext and the set's images are these packed
 * images instead of one per selected map, each component taken from any map's component or a constant
 * (NtexChannelPacking, ntex.h): an ORM image, or normal.xy + roughness + height in one RGBA8, so a material
 * costs the engine one or two samples instead of four. With it:
 * - mapMask must be 0; pFormats (optional) has imageCount entries, default VK_FORMAT_R8G8B8A8_UNORM; a
 *   format with fewer components keeps the first ones (R8G8: channels[0] and [1]);
 * - NtexTextureSetTargetsInfo has ringSize x imageCount targets (slot-major, image order);
 * - NtexTextureSetImages::mapIndices[i] is NTEX_MAP_INDEX_PACKED and mapCount is imageCount;
 * - mips: BLIT filters each packed image as plain colour (linear for _SRGB formats, which is only right for
 *   albedo components); MATERIAL filters each component as its source map (albedo in linear light, normals
 *   renormalised, roughness widened by Toksvig) before packing, so packing never changes a component's levels.
 * Paths: host copies (CPU backend) and Vulkan compute (texels.comp packs on the device, within 1 LSB of the
 * host copies at every level; an image whose components come from normals derived from two different heights
 * takes host copies, logged: only a model with two derived maps can ask for that) and the CUDA zero-copy
 * path (the surface writer packs on the device, the same per-component sources; such a two-height image
 * takes host copies there too, logged). Errors: INVALID_ARGUMENT (imageCount 0 or above NTEX_MAX_MAPS, NULL
 * pImages, an element whose sType is not NTEX_STRUCTURE_TYPE_CHANNEL_PACKING or whose pNext is not NULL,
 * a source NtexChannelPacking refuses, mapMask != 0, a second one in the chain). */
typedef struct NtexTextureSetPackingInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO */
    const void* pNext;
    uint32_t imageCount;          /* packed images per ring slot, 1..NTEX_MAX_MAPS */
    const NtexChannelPacking* pImages;   /* imageCount sources, in image order */
} NtexTextureSetPackingInfo;

/* Default image formats per map semantic: albedo VK_FORMAT_R8G8B8A8_SRGB, normal VK_FORMAT_R8G8B8A8_UNORM
 * (n * 0.5 + 0.5), roughness VK_FORMAT_R8_UNORM, height VK_FORMAT_R16_UNORM, other maps
 * VK_FORMAT_R8G8B8A8_UNORM. Images: 2D, OPTIMAL tiling, SAMPLED | TRANSFER_SRC | TRANSFER_DST,
 * exclusive sharing. */
typedef struct NtexTextureSetImages {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES */
    void* pNext;
    uint64_t resultId;            /* generator result the images hold; 0 = nothing recorded yet (do not sample) */
    uint32_t slot;                /* ring slot of these images */
    uint32_t mapCount;
    uint32_t mapIndices[NTEX_MAX_MAPS];   /* model map index of images[i]; NTEX_MAP_INDEX_PACKED for a
                                             channel-packed image (NtexTextureSetPackingInfo) */
    VkImage images[NTEX_MAX_MAPS];        /* ntex's images, or the host's targets of this slot */
    VkImageView views[NTEX_MAX_MAPS];     /* 2D views of every mip level (host targets: the target's view) */
    VkFormat formats[NTEX_MAX_MAPS];
    uint32_t width;
    uint32_t height;
    uint32_t mipLevels;
    VkImageLayout layout;         /* VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL once the update executed (host
                                     targets: their finalLayout) */
    VkSemaphore semaphore;        /* ntex's timeline semaphore (the host signals it, see ntexCmdUpdateTextureSet) */
    uint64_t waitValue;           /* the images are complete when `semaphore` reaches this value */
    /* CUDA backend (zero-copy): CUDA writes the images and signals readySemaphore when done. The submit that
     * samples these images MUST wait for readySemaphore >= readyValue at readyStageMask. VK_NULL_HANDLE on
     * the CPU backend (the copies are in the host's own command buffer: nothing to wait for). */
    VkSemaphore readySemaphore;
    uint64_t readyValue;
    VkPipelineStageFlags readyStageMask;  /* the consumer stages: FRAGMENT_SHADER | COMPUTE_SHADER (COMPUTE alone on a
                                             compute-only family) unless an
                                             NtexTextureSetSyncInfo chose others */
} NtexTextureSetImages;

/* How a texture set is filled (chain an NtexTextureSetPathInfo into NtexTextureSetImages::pNext). */
typedef enum NtexTextureSetPath {
    NTEX_TEXTURE_SET_PATH_HOST_COPIES = 0,     /* the CPU backend (or a fallback): each ntexGenerate /
                                                  ntexGenerateAsync result is converted to texels on the thread
                                                  that generated it (the generator's worker) and copied from
                                                  host-visible staging buffers */
    NTEX_TEXTURE_SET_PATH_CUDA = 1,            /* CUDA writes the images in place (zero-copy) */
    NTEX_TEXTURE_SET_PATH_VULKAN_COMPUTE = 2   /* the Vulkan compute backend on the host's device: the update
                                                  records the network and the texel conversion into the host's
                                                  command buffer */
} NtexTextureSetPath;

typedef struct NtexTextureSetPathInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO */
    void* pNext;
    NtexTextureSetPath path;
    /* VK_TRUE when ntexCmdUpdateTextureSet generates from the generator's current parameters itself
     * (CUDA, VULKAN_COMPUTE): set parameters and call it every frame, do not ntexGenerate. VK_FALSE
     * (HOST_COPIES): generate first (ntexGenerateAsync), the update uploads the newest result. */
    VkBool32 generatesOnUpdate;
    /* HOST_COPIES: results that ntexCmdUpdateTextureSet had to convert on the calling thread because the
     * worker had not (a result made before the set existed or before a hot reload, or made while every
     * other slot's upload was still executing; only ever while the generator is idle). 0 on other paths. */
    uint64_t callerConversions;
} NtexTextureSetPathInfo;

/* A texture set's footprint in device memory, to budget for (VkPhysicalDeviceMemoryBudgetPropertiesEXT's
 * use case) and to count against maxMemoryAllocationCount: chain it into NtexTextureSetImages::pNext.
 * Fixed for the set's life. It counts what the set itself holds; the Vulkan compute path's network
 * buffers belong to the generator (`ntex profile --backend vulkan` prints them). */
typedef struct NtexTextureSetMemoryInfo {
    NtexStructureType sType;      /* NTEX_STRUCTURE_TYPE_TEXTURE_SET_MEMORY_INFO */
    void* pNext;
    VkDeviceSize imageBytes;      /* device-local memory of the ring's images, every slot, map and mip level,
                                     alignment padding included (the blocks' sizes); 0 with host-owned targets
                                     (NtexTextureSetTargetsInfo: the host's memory) */
    VkDeviceSize stagingBytes;    /* the staging buffers' memory: host-visible on HOST_COPIES, device-local on
                                     VULKAN_COMPUTE (there with NTEX_MIP_FILTER_MATERIAL also the filter's work
                                     buffer, suballocated from the generator's blocks); on CUDA no staging: 0,
                                     or with NTEX_MIP_FILTER_MATERIAL the filter's cudaMalloc'ed work buffer */
    uint32_t deviceMemoryAllocations;  /* vkAllocateMemory allocations ntex made for the set: its blocks (about
                                          one for the images and one for staging), or on CUDA one dedicated
                                          allocation per image */
    uint32_t hostMemoryBlocks;    /* blocks taken from the host's NtexDeviceMemoryCallbacks (then not counted
                                     in deviceMemoryAllocations) */
} NtexTextureSetMemoryInfo;

/* Creates the images (ringSize x maps, device-local, bound into one memory block; none when an
 * NtexTextureSetTargetsInfo names host-owned targets), staging buffers (one per
 * slot: host-visible and persistently mapped; device-local storage buffers on the Vulkan compute path)
 * and a timeline semaphore on the context's Vulkan device.
 * On the CUDA backend: exportable images with dedicated allocations (after checking external-memory
 * support for each format), imported into CUDA, two timeline semaphores (release, ready) shared with CUDA,
 * no staging buffers. If any export or import fails, the set falls back to the CPU path (host staging
 * copies) and logs why (warning); ntexGetTextureSetImages then reports readySemaphore VK_NULL_HANDLE.
 * Errors: INVALID_ARGUMENT (no Vulkan device in the context, NULL or foreign generator, bad ringSize
 * or mapMask), UNSUPPORTED (a map format cannot be sampled or copied on this device), BACKEND
 * (a Vulkan call failed; the message names it and its VkResult), OUT_OF_MEMORY.
 * Thread-safety: the set is used by one thread at a time, like its generator's host calls. */
NTEX_API NtexResult ntexCreateTextureSet(NtexContext context, const NtexTextureSetCreateInfo* pCreateInfo,
                                         NtexTextureSet* pSet);
/* Destroys the set; accepts NULL. The host must make sure the GPU no longer uses its images or
 * buffers (e.g. after waiting for its frame fences or vkDeviceWaitIdle). */
NTEX_API void ntexDestroyTextureSet(NtexTextureSet set);

/* Synchronization contract (docs/embedding.md), CPU backend:
 * - The generator's worker converts each result into a free ring slot's staging buffer right after
 *   generating it (before ntexWaitIdle returns). If the set has such a converted result newer than the
 *   one it shows, records into `commandBuffer` (recording state, for a queue of queueFamilyIndex):
 *   layout transitions, buffer-to-image copies, mip blits and a final barrier to
 *   SHADER_READ_ONLY_OPTIMAL made visible to the consumer stages (fragment and compute shaders, compute
 *   alone on a compute-only family, unless
 *   NtexTextureSetSyncInfo chose others; with its deferFinalBarriers the final barrier is left for the host,
 *   ntexGetTextureSetFinalBarriers). Only a result the
 *   worker could not convert (see NtexTextureSetPathInfo::callerConversions) is converted on the calling
 *   thread, and only while the generator is idle.
 *   Returns SUCCESS and *pSignalValue = v: the host MUST add (NtexTextureSetImages::semaphore, v) to
 *   the signal semaphores of the vkQueueSubmit (VkTimelineSemaphoreSubmitInfo) that executes
 *   `commandBuffer`; ntex waits on it (host side, never blocking: it skips a busy slot) before
 *   overwriting that slot's staging buffer again.
 * - Returns NOT_READY and records nothing when there is no newer result, or when the next slot's
 *   previous upload has not finished executing yet (try again next frame).
 * - Reads of a slot's images are ordered before its next overwrite by the recorded barriers when the
 *   host samples them on the same queue; a host that samples on another queue must order that itself,
 *   and on another queue family transfer ownership (docs/embedding.md, "Another queue family").
 * CUDA backend (context backend CUDA and a Vulkan device with VK_KHR_external_memory_fd,
 * VK_KHR_external_semaphore_fd and timelineSemaphore; the images are exported to CUDA and stay in
 * VK_IMAGE_LAYOUT_GENERAL):
 * - If the generator's parameters changed since the last update (or it never ran), enqueues on ntex's CUDA
 *   stream: wait for the slot's previous release value, run the network (a replayed CUDA graph), write every
 *   map and mip level through surface objects, signal readySemaphore. Records only a queue-family acquire
 *   barrier into `commandBuffer`. Returns SUCCESS and *pSignalValue = the release value: the host MUST signal
 *   (semaphore, *pSignalValue) with the submit that samples the slot (after its last read) and MUST wait for
 *   (readySemaphore, readyValue) from ntexGetTextureSetImages in that same submit. The host never waits;
 *   ntex never waits on the host: the only host wait is the host's own frames-in-flight fence.
 * - Returns NOT_READY and records nothing when the parameters did not change, or while an
 *   ntexGenerateAsync job of the same generator runs.
 * - The first update only transitions the images to GENERAL (resultId stays 0: nothing to sample yet);
 *   generation starts with the next call. On this path resultId counts the set's writes, waitValue is 0
 *   and layout is always VK_IMAGE_LAYOUT_GENERAL.
 * - Sample one set's images from one queue, and signal every returned value in order. Do not call
 *   ntexGenerate on the generator between recording an update and submitting it (CUDA waits for that
 *   submit's release value).
 * Errors: INVALID_ARGUMENT (NULL set, VK_NULL_HANDLE command buffer), BACKEND. */
NTEX_API NtexResult ntexCmdUpdateTextureSet(NtexTextureSet set, VkCommandBuffer commandBuffer, uint64_t* pSignalValue);

/* Vulkan compute path (context backend VULKAN on the host's device, NTEX_TEXTURE_SET_PATH_VULKAN_COMPUTE):
 * - If the generator's parameters changed since the last update (or it never ran) and the next ring slot's
 *   previous update executed (its value is reached: checked, never waited for), records into
 *   `commandBuffer` (a queue of queueFamilyIndex, which must have compute): the network's dispatches, the
 *   copies of the changed inputs (the style vector w, the noise's seed and origin, the layout levels, into the
 *   slot's staging memory), the weight modulation (after a style change) and the hashed noise computed on the
 *   GPU, the texel conversion into a device-local staging buffer (with NTEX_MIP_FILTER_MATERIAL also every
 *   level, filtered on the device), the copies, mip blits and the final barrier to
 *   SHADER_READ_ONLY_OPTIMAL, exactly as the CPU path. Returns SUCCESS and *pSignalValue as above (the
 *   host MUST signal it with the submit that runs `commandBuffer`). resultId counts the set's updates.
 * - Returns NOT_READY and records nothing when the parameters did not change, the next slot's previous
 *   update has not executed yet (with ringSize slots, up to ringSize updates are in flight), an
 *   ntexGenerateAsync job holds the generator, or the model was reloaded (ntexReloadModel) and an earlier
 *   update has not executed yet (the new plan is bound once none is pending: about one frame).
 * - The generator's plan inputs are shared: use one texture set per generator on this path, and do not
 *   call ntexGenerate / ntexGenerateAsync on it between recording an update and its execution.
 * - The recorded commands bind ntex's own compute pipelines, descriptor sets and push constants: rebind
 *   your compute state after the call if you record more dispatches into the same command buffer.
 * - Falls back to host copies (logged warning) when the generator's compute device is not the set's,
 *   or a buffer exceeds the device's maxStorageBufferRange. */

/* The images of the newest recorded update (what to sample this frame). Never blocks. pImages->pNext
 * may hold an NtexTextureSetPathInfo and an NtexTextureSetMemoryInfo (filled); other sTypes are
 * INVALID_ARGUMENT. */
NTEX_API NtexResult ntexGetTextureSetImages(NtexTextureSet set, NtexTextureSetImages* pImages);

/* The images of ring slot `slot` (0 .. ringSize - 1), whichever slot is current: a host that registers every
 * slot's views up front (a bindless heap) reads them all once after ntexCreateTextureSet and then indexes by
 * NtexTextureSetImages::slot. resultId is the result that slot holds (0 = never written: do not sample) and
 * layout UNDEFINED until its first update; waitValue / readyValue are those of the slot's last update.
 * Never blocks. Errors: INVALID_ARGUMENT (slot >= ringSize, NULL or foreign pointers, an unknown sType in
 * pImages->pNext, which may hold an NtexTextureSetPathInfo and an NtexTextureSetMemoryInfo). */
NTEX_API NtexResult ntexGetTextureSetSlotImages(NtexTextureSet set, uint32_t slot, NtexTextureSetImages* pImages);

/* With NtexTextureSetSyncInfo::deferFinalBarriers: the final barriers that the last ntexCmdUpdateTextureSet
 * call left out, for the host to record (Vulkan's two-call idiom: pBarriers NULL sets *pBarrierCount to the
 * count; else at most *pBarrierCount are written, *pBarrierCount says how many, and NOT_READY, in the role of
 * VK_INCOMPLETE, means there were more). At most 2 per selected map (1 with NTEX_MIP_FILTER_MATERIAL or one
 * mip level), except the CUDA path's first update (ringSize x maps). 0 barriers when the last call recorded
 * nothing or failed, and without deferral. Each VkImageMemoryBarrier2 is complete (sType, stage and access
 * masks, layouts, queue families, image, subresource range; pNext NULL): record them with
 * vkCmdPipelineBarrier2, or, without synchronization2, as vkCmdPipelineBarrier with srcStageMask /
 * dstStageMask the union of theirs (every mask ntex uses fits the 32-bit synchronization1 flags). Valid until
 * the next ntexCmdUpdateTextureSet of the set (which replaces them, also when it records nothing): fetch them
 * after every call that returned SUCCESS. Never blocks; thread-safety: the thread that records the set's
 * updates. Errors: INVALID_ARGUMENT (NULL set or pBarrierCount). */
NTEX_API NtexResult ntexGetTextureSetFinalBarriers(NtexTextureSet set, uint32_t* pBarrierCount, VkImageMemoryBarrier2* pBarriers);

typedef NtexResult (*PFN_ntexCreateTextureSet)(NtexContext, const NtexTextureSetCreateInfo*, NtexTextureSet*);
typedef void (*PFN_ntexDestroyTextureSet)(NtexTextureSet);
typedef NtexResult (*PFN_ntexCmdUpdateTextureSet)(NtexTextureSet, VkCommandBuffer, uint64_t*);
typedef NtexResult (*PFN_ntexGetTextureSetImages)(NtexTextureSet, NtexTextureSetImages*);
typedef NtexResult (*PFN_ntexGetTextureSetSlotImages)(NtexTextureSet, uint32_t, NtexTextureSetImages*);
typedef NtexResult (*PFN_ntexGetTextureSetFinalBarriers)(NtexTextureSet, uint32_t*, VkImageMemoryBarrier2*);

#ifdef __cplusplus
}
#endif

#endif /* NTEX_VULKAN_H_ */
