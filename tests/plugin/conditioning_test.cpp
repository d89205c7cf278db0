// SPDX-License-Identifier: MIT
// Category and layout conditioning (model format v2): loading and rejection, both CPU kernel sets
// against the naive reference with a category and a layout, what reruns when they change, tiling
// and infinite-mode agreement with a layout, and the C API's NtexConditioningParams.
#include "backends/cpu/cpu_plan.h"
#include "core/error.h"
#include "naive_reference.h"
#include "runtime/hash_noise.h"
#include "runtime/layout_levels.h"
#include "runtime/style.h"
#include "runtime/texture_generator.h"
#include "test_support.h"

#include <ntex/ntex.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

namespace ntex {
namespace {

test::TinyModel conditional_tiny(bool material = false) {
    test::TinyModelOptions o;
    o.categories = 3;
    o.layout_channels = kLayoutChannels;
    o.material = material;
    o.tanh_last = true;
    return test::make_tiny_model(o);
}

std::shared_ptr<const LoadedModel> load(const test::TinyModel& tiny) { return test::load_in_memory(tiny, "cond.json"); }

LayoutSpec bricks(int period = 0) {
    LayoutSpec s;
    s.pattern = LayoutPattern::Bricks;
    s.columns = 2;
    s.rows = 4;
    s.period_width = period;
    s.period_height = period;
    s.gap = 2.0f;
    s.bevel = 1.0f;
    s.jitter = 0.3f;
    s.seed = 7;
    return s;
}

double max_abs_vs_reference(const float* nhwc, const test::Chw& ref) {
    double m = 0;
    for (int c = 0; c < ref.c; ++c)
        for (int y = 0; y < ref.h; ++y)
            for (int x = 0; x < ref.w; ++x) {
                const double d = std::fabs(static_cast<double>(nhwc[(static_cast<std::size_t>(y) * ref.w + x) * ref.c + c]) - ref.at(c, y, x));
                if (!(d <= m)) m = d;
            }
    return m;
}

TEST(Conditioning, LoadsAndDescribes) {
    auto model = load(conditional_tiny());
    const ModelDescription& d = model->description();
    EXPECT_EQ(d.format_version, 2);
    ASSERT_EQ(d.categories.size(), 3u);
    EXPECT_EQ(d.categories[1], "c1");
    EXPECT_EQ(d.layout_channels, 2);
    EXPECT_EQ(layout_levels(d, 32, 32).size(), 4u);   // every modconv of the tiny model injects
}

TEST(Conditioning, RejectsInconsistentFiles) {
    auto expect_invalid = [](test::TinyModel m, const char* needle) {
        try {
            load(m);
            ADD_FAILURE() << "accepted a model that should fail with '" << needle << "'";
        } catch (const Error& e) {
            EXPECT_EQ(e.result(), NTEX_ERROR_INVALID_MODEL);
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    {
        auto m = conditional_tiny();
        m.description["format_version"] = 1;   // v2 keys in a v1 file: an old runtime would ignore them
        expect_invalid(m, "needs format_version 2");
    }
    {
        auto m = conditional_tiny();
        m.description["latent"].erase("layout_channels");
        expect_invalid(m, "has no latent.layout_channels");
    }
    {
        auto m = conditional_tiny();
        m.description["tensors"]["mapping.w_avg"]["shape"] = {6};
        expect_invalid(m, "mapping.w_avg");
    }
    {
        auto m = conditional_tiny();
        m.description["mapping"]["categories"] = {"a", "a", "b"};
        expect_invalid(m, "duplicate category");
    }
    {
        auto m = conditional_tiny();
        m.description["mapping"]["layers"][0]["in"] = 8;   // forgets the embedding's 4 inputs
        expect_invalid(m, "z_dim + embed_dim");
    }
}

// Both kernel sets against the naive transcription of the spec, with a category and a layout.
TEST(Conditioning, PlanMatchesReference) {
    for (cpu::CpuKernels kernels : {cpu::CpuKernels::Native, cpu::CpuKernels::OneDnn}) {
        if (kernels == cpu::CpuKernels::Native && cpu::resolve_cpu_kernels(cpu::CpuKernels::Native) != cpu::CpuKernels::Native) continue;
        auto model = load(conditional_tiny());
        GeneratorSettings s;
        s.threads = 2;
        s.cpu_kernels = kernels;
        const int w = 48, h = 32;
        TextureGenerator gen(model, w, h, s);
        const LayoutSpec layout = bricks();
        for (int category : {-1, 0, 2}) {
            GeneratorParams p;
            p.seed = 11;
            p.psi = 0.7f;
            p.category = category;
            p.layout = &layout;
            gen.set_params(p);
            gen.generate();
            std::vector<float> full(static_cast<std::size_t>(w) * h * kLayoutChannels);
            render_layout(gen.layout(), 0, 0, w, h, full.data());
            const test::Chw ref = test::reference_generate(*model, w, h, 11, latent_from_seed(11, model->description().z_dim), 0.7f,
                                                           category, &full);
            const double diff = max_abs_vs_reference(gen.output(), ref);
            EXPECT_LT(diff, 1e-4) << "kernels " << static_cast<int>(kernels) << " category " << category;
        }
    }
}

TEST(Conditioning, CategoryAndLayoutChangeTheImage) {
    auto model = load(conditional_tiny());
    GeneratorSettings s;
    TextureGenerator gen(model, 32, 32, s);
    auto run = [&](int category, const LayoutSpec* layout) { return test::generate_conditioned(gen, category, layout); };
    auto differs = [](const std::vector<float>& a, const std::vector<float>& b) {
        double m = 0;
        for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, static_cast<double>(std::fabs(a[i] - b[i])));
        return m > 1e-3;
    };
    const LayoutSpec layout = bricks();
    const auto base = run(-1, nullptr);
    const int mappings = gen.mapping_runs();
    const auto with_layout = run(-1, &layout);
    EXPECT_EQ(gen.mapping_runs(), mappings) << "a layout change must not rerun the mapping network";
    EXPECT_TRUE(differs(base, with_layout));
    const auto other_category = run(1, &layout);
    EXPECT_EQ(gen.mapping_runs(), mappings + 1) << "a category change reruns the mapping network";
    EXPECT_TRUE(differs(with_layout, other_category));
    // Pattern None is the "no layout" map: the same as passing no layout at all.
    LayoutSpec none;
    const auto none_image = run(-1, &none);
    EXPECT_FALSE(differs(base, none_image));
}

TEST(Conditioning, TileableWithLayoutTilesAndPeriodMustDivide) {
    auto model = load(conditional_tiny(true));
    GeneratorSettings s;
    const int size = 32;
    TextureGenerator gen(model, size, size, s);
    const LayoutSpec layout = bricks();   // period 0: the generator's size
    GeneratorParams p;
    p.seed = 5;
    p.layout = &layout;
    gen.set_params(p);
    gen.generate();
    EXPECT_EQ(gen.layout().period_width, size);
    // A 16-pixel period divides 32 and is accepted; 24 does not tile and is refused.
    LayoutSpec ok = bricks(16);
    p.layout = &ok;
    EXPECT_NO_THROW(gen.set_params(p));
    LayoutSpec bad = bricks(24);
    p.layout = &bad;
    test::expect_error([&] { gen.set_params(p); }, NTEX_ERROR_INVALID_ARGUMENT, "would not tile");   // 24 does not divide the size
}

// Regions generated separately agree on their shared border (halo, absolute noise and layout
// coordinates); `size` is one region's side.
void expect_chunks_agree(const std::shared_ptr<const LoadedModel>& model, const LayoutSpec& layout, int size, const char* what) {
    auto region = [&](int w, int h, int x, int y) {
        GeneratorSettings s;
        s.threads = 2;
        s.tiling = NTEX_TILING_MODE_INFINITE;
        TextureGenerator gen(model, w, h, s);
        GeneratorParams p;
        p.seed = 4;
        p.category = 1;
        p.layout = &layout;
        p.origin_x = x;
        p.origin_y = y;
        gen.set_params(p);
        gen.generate();
        return gen.material();
    };
    const int c = 8;   // albedo 3 + normal 3 + roughness + height
    const std::size_t n = static_cast<std::size_t>(size);
    const auto whole = region(2 * size, size, -size, 0);
    const auto left = region(size, size, -size, 0);
    const auto right = region(size, size, 0, 0);
    double worst = 0;
    for (std::size_t y = 0; y < n; ++y)
        for (std::size_t x = 0; x < 2 * n; ++x)
            for (int k = 0; k < c; ++k) {
                const auto& part = x < n ? left : right;
                const float a = part[(y * n + x % n) * c + static_cast<std::size_t>(k)];
                const float b = whole[(y * 2 * n + x) * c + static_cast<std::size_t>(k)];
                worst = std::max(worst, static_cast<double>(std::fabs(a - b)));
            }
    std::printf("[ info ] %s: %dx%d chunks vs one region, every map: max abs difference %.2e\n", what, size, size, worst);
    EXPECT_LT(worst, 1e-4) << what;
}

TEST(Conditioning, InfiniteChunksAgreeWithLayout) {
    expect_chunks_agree(load(conditional_tiny(true)), bricks(32), 32, "conditional tiny material, bricks");
}

TEST(Conditioning, MaterialV2ChunksAgreeWithLayout) {
    const auto path = test::source_dir() / "models" / "material_v2.json";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent";
    LayoutSpec layout = bricks(64);
    layout.pattern = LayoutPattern::Voronoi;   // cells that cross the chunk border in both directions
    expect_chunks_agree(LoadedModel::load(path), layout, 64, "material_v2, voronoi");
}

// The layout sits at the plan region's absolute position (origin - halo) and is re-rendered exactly
// when it or the origin changes; "no layout" is never re-rendered for a move.
TEST(Conditioning, LayoutFollowsTheOrigin) {
    auto model = load(conditional_tiny(true));
    GeneratorSettings s;
    s.tiling = NTEX_TILING_MODE_INFINITE;
    TextureGenerator gen(model, 32, 16, s);
    const LayoutSpec layout = bricks(48);
    GeneratorParams p;
    p.seed = 2;
    p.layout = &layout;
    auto expect_at = [&](int32_t ox, int32_t oy) {
        std::vector<float> want(static_cast<std::size_t>(gen.plan_width()) * gen.plan_height() * kLayoutChannels);
        render_layout(gen.layout(), ox - gen.halo(), oy - gen.halo(), gen.plan_width(), gen.plan_height(), want.data());
        EXPECT_EQ(gen.layout_map(), want) << "origin " << ox << ", " << oy;
    };
    p.origin_x = -32;
    p.origin_y = 16;
    gen.set_params(p);
    gen.generate();
    expect_at(-32, 16);
    EXPECT_EQ(gen.layout_renders(), 1);
    gen.set_params(p);
    gen.generate();
    EXPECT_EQ(gen.layout_renders(), 1) << "nothing changed: no re-render";
    p.origin_x = 64;
    gen.set_params(p);
    gen.generate();
    expect_at(64, 16);
    EXPECT_EQ(gen.layout_renders(), 2) << "a move re-renders";
    p.seed = 3;
    gen.set_params(p);
    gen.generate();
    EXPECT_EQ(gen.layout_renders(), 2) << "a new seed does not";
    LayoutSpec none;
    none.offset = std::nanf("");   // ignored by None: neither an error nor a change every frame
    p.layout = &none;
    gen.set_params(p);
    gen.generate();
    EXPECT_EQ(gen.layout_renders(), 3);
    p.origin_x = 128;
    gen.set_params(p);
    gen.generate();
    gen.set_params(p);
    gen.generate();
    EXPECT_EQ(gen.layout_renders(), 3) << "no layout: moving changes nothing";
    for (float v : gen.layout_map()) ASSERT_EQ(v, 0.0f);
}

TEST(Conditioning, RejectsWhatTheModelCannotTake) {
    test::TinyModelOptions o;
    auto plain = load(test::make_tiny_model(o));
    TextureGenerator gen(plain, 32, 32, GeneratorSettings{});
    GeneratorParams p;
    p.category = 0;
    EXPECT_THROW(gen.set_params(p), Error);
    p.category = -1;
    const LayoutSpec layout = bricks();
    p.layout = &layout;
    EXPECT_THROW(gen.set_params(p), Error);
    LayoutSpec none;
    p.layout = &none;
    EXPECT_NO_THROW(gen.set_params(p)) << "pattern None is accepted by any model";

    auto cond = load(conditional_tiny());
    TextureGenerator cgen(cond, 32, 32, GeneratorSettings{});
    GeneratorParams q;
    q.category = 3;   // 3 categories: 0..2
    EXPECT_THROW(cgen.set_params(q), Error);
    q.category = -2;
    EXPECT_THROW(cgen.set_params(q), Error);
    q.category = 2;
    LayoutSpec bad = bricks();
    bad.gap = 100.0f;
    q.layout = &bad;
    EXPECT_THROW(cgen.set_params(q), Error);
}

// A CPU context (1 thread) and a model loaded from `json` through the C API; model is null when
// loading failed (ntexGetLastErrorMessage says why). Both destroyed at scope exit.
struct CpuSession {
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    explicit CpuSession(const std::filesystem::path& json) {
        NtexContextCreateInfo ci{};
        ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
        ci.headerVersion = NTEX_HEADER_VERSION;
        ci.backend = NTEX_BACKEND_CPU;
        ci.threadCount = 1;
        if (ntexCreateContext(&ci, &context) != NTEX_SUCCESS) return;
        NtexModelLoadInfo li{};
        li.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
        const std::string path = json.string();
        li.pPath = path.c_str();
        ntexLoadModel(context, &li, &model);
    }
    ~CpuSession() {
        ntexDestroyModel(model);
        ntexDestroyContext(context);
    }
    CpuSession(const CpuSession&) = delete;
    CpuSession& operator=(const CpuSession&) = delete;
};

// The public C API: NtexConditioningParams in the params' pNext chain, NtexModelConditioningInfo
// in the model info's.
TEST(Conditioning, CApi) {
    test::TempDir dir;
    const auto json = conditional_tiny(true).write(dir.path());
    CpuSession session(json);
    ASSERT_NE(session.model, nullptr) << ntexGetLastErrorMessage();
    NtexContext ctx = session.context;
    NtexModel model = session.model;

    NtexModelConditioningInfo cinfo{};
    cinfo.sType = NTEX_STRUCTURE_TYPE_MODEL_CONDITIONING_INFO;
    NtexModelInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
    info.pNext = &cinfo;
    ASSERT_EQ(ntexGetModelInfo(model, &info), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(info.pNext, &cinfo);
    EXPECT_EQ(cinfo.categoryCount, 3u);
    EXPECT_STREQ(cinfo.categoryNames[2], "c2");
    EXPECT_EQ(cinfo.layoutChannels, 2u);

    NtexGeneratorCreateInfo gi{};
    gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    gi.model = model;
    gi.width = 32;
    gi.height = 32;
    NtexGenerator gen = nullptr;
    ASSERT_EQ(ntexCreateGenerator(ctx, &gi, &gen), NTEX_SUCCESS) << ntexGetLastErrorMessage();

    NtexConditioningParams cond{};
    cond.sType = NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS;
    cond.category = 1;
    cond.pattern = NTEX_LAYOUT_PATTERN_TILES;
    cond.columns = 4;
    cond.rows = 4;
    cond.gap = 2.0f;
    cond.bevel = 1.0f;
    NtexGeneratorParams params{};
    params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    params.seed = 9;
    params.truncationPsi = 1.0f;
    params.pNext = &cond;
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(ntexGenerate(gen), NTEX_SUCCESS) << ntexGetLastErrorMessage();

    // Bad values are INVALID_ARGUMENT with the field named; the previous parameters stay.
    cond.category = 7;
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("category 7"), std::string::npos) << ntexGetLastErrorMessage();
    cond.category = 1;
    cond.columns = 0xFFFFFFFFu;   // must not wrap to -1
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("columns"), std::string::npos) << ntexGetLastErrorMessage();
    cond.columns = 4;
    int bogus_pattern = 99;
    std::memcpy(&cond.pattern, &bogus_pattern, sizeof bogus_pattern);
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_ERROR_INVALID_ARGUMENT);
    cond.pattern = NTEX_LAYOUT_PATTERN_TILES;
    // Chains: two conditioning structs, an unknown sType and an endless (cyclic) chain of unknown
    // structs all end in an error, never a hang.
    NtexConditioningParams second = cond;
    cond.pNext = &second;
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("two NtexConditioningParams"), std::string::npos);
    struct Unknown {
        NtexStructureType sType;
        const void* pNext;
    };
    Unknown odd{NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS, nullptr};
    const int bogus_stype = 4242;   // what a C caller may put there (no enum value)
    std::memcpy(&odd.sType, &bogus_stype, sizeof bogus_stype);
    cond.pNext = &odd;
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("unknown sType 4242"), std::string::npos) << ntexGetLastErrorMessage();
    cond.pNext = nullptr;
    params.pNext = nullptr;
    NtexConditioningParams loop_a = cond, loop_b = cond;
    loop_a.sType = NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS;
    loop_a.pNext = &loop_b;
    loop_b.pNext = &loop_a;   // cycle: stopped by the second-struct rule or the chain limit
    params.pNext = &loop_a;
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_ERROR_INVALID_ARGUMENT);
    params.pNext = &cond;

    // A host mask is copied: the caller may free or reuse its buffer right after the call.
    std::vector<float> mask(24 * 16);
    for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = (i / 24 + i % 24) % 7 < 3 ? 0.0f : 1.0f;
    cond.pattern = NTEX_LAYOUT_PATTERN_MASK;
    cond.pMask = mask.data();
    cond.maskWidth = 24;
    cond.maskHeight = 16;
    ASSERT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGenerate(gen), NTEX_SUCCESS);
    std::vector<float> first(32 * 32 * 4), second_read(32 * 32 * 4);
    NtexHostImage img{};
    img.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    img.format = NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT;
    img.rowPitch = 32 * 16;
    img.size = first.size() * sizeof(float);
    img.pData = first.data();
    ASSERT_EQ(ntexReadMap(gen, 3, &img), NTEX_SUCCESS);   // height
    std::vector<float> copy = mask;
    cond.pMask = copy.data();
    ASSERT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_SUCCESS);
    std::fill(copy.begin(), copy.end(), 0.5f);            // clobbered after the call: must not matter
    ASSERT_EQ(ntexGenerate(gen), NTEX_SUCCESS);
    img.pData = second_read.data();
    ASSERT_EQ(ntexReadMap(gen, 3, &img), NTEX_SUCCESS);
    EXPECT_EQ(first, second_read);
    cond.maskWidth = 4096;   // above the 2048 limit
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_ERROR_INVALID_ARGUMENT);
    cond.pattern = NTEX_LAYOUT_PATTERN_VORONOI;   // 4 x 4 cells of 8 x 8: fine; 16 x 2: 2 x 16 cells, beyond 2:1
    cond.pMask = nullptr;
    cond.maskWidth = cond.maskHeight = 0;
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    cond.columns = 16;
    cond.rows = 2;
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("2:1"), std::string::npos) << ntexGetLastErrorMessage();
    cond.pattern = NTEX_LAYOUT_PATTERN_BLOBS;     // noise has no nearest-point search: any lattice aspect
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(ntexGenerate(gen), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    bogus_pattern = NTEX_LAYOUT_PATTERN_BLOBS + 1;   // the first value past the enum
    std::memcpy(&cond.pattern, &bogus_pattern, sizeof bogus_pattern);
    EXPECT_EQ(ntexSetGeneratorParams(gen, &params), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("not a known NtexLayoutPattern"), std::string::npos) << ntexGetLastErrorMessage();

    ntexDestroyGenerator(gen);
}

}  // namespace
}  // namespace ntex

namespace ntex {
namespace {

// Hot reload keeps generators' categories by index and their layouts: new files that reorder the
// categories or drop the layout input are refused, and the previous model keeps running.
TEST(Conditioning, ReloadRefusesChangedConditioning) {
    test::TempDir dir;
    test::TinyModel tiny = conditional_tiny(true);
    const auto json = tiny.write(dir.path());
    CpuSession session(json);
    ASSERT_NE(session.model, nullptr) << ntexGetLastErrorMessage();
    NtexModel model = session.model;
    EXPECT_EQ(ntexReloadModel(model), NTEX_SUCCESS) << ntexGetLastErrorMessage();   // same files: fine

    test::TinyModel reordered = tiny;
    reordered.description["mapping"]["categories"] = {"c2", "c1", "c0"};
    reordered.write(dir.path());
    EXPECT_EQ(ntexReloadModel(model), NTEX_ERROR_INVALID_MODEL);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("categories"), std::string::npos) << ntexGetLastErrorMessage();

    test::TinyModelOptions plain;
    plain.material = true;
    plain.categories = 3;   // same categories, no layout input
    test::make_tiny_model(plain).write(dir.path());
    EXPECT_EQ(ntexReloadModel(model), NTEX_ERROR_INVALID_MODEL);

    NtexModelConditioningInfo cinfo{};
    cinfo.sType = NTEX_STRUCTURE_TYPE_MODEL_CONDITIONING_INFO;
    NtexModelInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
    info.pNext = &cinfo;
    ASSERT_EQ(ntexGetModelInfo(model, &info), NTEX_SUCCESS);
    EXPECT_EQ(cinfo.layoutChannels, 2u) << "the previous model keeps running";
    EXPECT_STREQ(cinfo.categoryNames[0], "c0");
}

TEST(Conditioning, ModelKeysAreConsistent) {
    auto expect_invalid = [](test::TinyModel m, const char* needle) {
        try {
            load(m);
            ADD_FAILURE() << "accepted a model that should fail with '" << needle << "'";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    auto any = conditional_tiny();
    any.description["mapping"]["categories"] = {"metal", "any", "wood"};
    expect_invalid(any, "'any' is reserved");
    auto partial = conditional_tiny();
    partial.description["mapping"].erase("class_embed");
    expect_invalid(partial, "needs mapping.class_embed");
}

}  // namespace
}  // namespace ntex
