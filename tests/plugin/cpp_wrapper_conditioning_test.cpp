// SPDX-License-Identifier: MIT
// The C++ wrapper's conditioning (ntex.hpp): Model::category_names / takes_layouts, and
// Generator::set_params with an ntex::Conditioning chained, on a tiny conditional material model.
#include "test_support.h"

#include <ntex/ntex.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ntex {
namespace {

class CppWrapperConditioning : public ::testing::Test {
protected:
    void SetUp() override {
        test::TinyModelOptions o;
        o.categories = 3;
        o.layout_channels = 2;
        o.material = true;
        o.tanh_last = true;
        m_conditional = test::make_tiny_model(o).write(m_dir.path(), "conditional").string();
        test::TinyModel with_prior = test::make_tiny_model(o);
        test::add_layout_prior(with_prior);
        m_with_prior = with_prior.write(m_dir.path(), "with_prior").string();
        m_plain = test::make_tiny_model().write(m_dir.path(), "plain").string();
        Context::Options options;
        options.backend = NTEX_BACKEND_CPU;
        options.thread_count = 1;
        m_context = Context(options);
    }

    // Generates with `c` (or with no conditioning chained) and returns map 0 as RGBA8.
    static std::vector<uint8_t> image(Generator& g, const Conditioning* c) {
        Generator::Params p;
        p.seed = 3;
        if (c != nullptr) {
            g.set_params(p, *c);
        } else {
            g.set_params(p);
        }
        g.generate();
        return g.read_rgba8(0);
    }

    static Conditioning bricks() {
        Conditioning c;
        c.category = 1;
        c.pattern = NTEX_LAYOUT_PATTERN_BRICKS;
        c.columns = 2;
        c.rows = 4;
        c.gap = 2.0f;
        c.bevel = 1.0f;
        c.pattern_seed = 7;
        return c;
    }

    // set_params(p, c) throws INVALID_ARGUMENT with `text` in its message.
    static void expect_invalid(Generator& g, const Conditioning& c, const std::string& text) {
        try {
            g.set_params(Generator::Params{}, c);
            ADD_FAILURE() << "accepted; expected an error containing '" << text << "'";
        } catch (const Exception& e) {
            EXPECT_EQ(e.result(), NTEX_ERROR_INVALID_ARGUMENT) << e.what();
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
    }

    test::TempDir m_dir;
    std::string m_conditional, m_plain, m_with_prior;
    Context m_context;
};

TEST_F(CppWrapperConditioning, DescribesTheModel) {
    const Model model(m_context, m_conditional);
    EXPECT_EQ(model.category_names(), (std::vector<std::string>{"c0", "c1", "c2"}));
    EXPECT_TRUE(model.takes_layouts());
    const NtexModelConditioningInfo info = model.conditioning_info();
    EXPECT_EQ(info.categoryCount, 3u);
    EXPECT_EQ(info.layoutChannels, 2u);
    EXPECT_EQ(info.hasLayoutPrior, 0u);
    EXPECT_FALSE(model.has_layout_prior());
    EXPECT_EQ(info.pNext, nullptr);
    EXPECT_TRUE(Model(m_context, m_with_prior).has_layout_prior());

    const Model plain(m_context, m_plain);
    EXPECT_TRUE(plain.category_names().empty());
    EXPECT_FALSE(plain.takes_layouts());
}

// NTEX_LAYOUT_PATTERN_AUTO through the wrapper: the prior's draw for the category (here c2's only
// entry, Voronoi 8 x 8), the same image as that spec given explicitly; refused without a prior.
TEST_F(CppWrapperConditioning, AutoLayoutDrawsFromThePrior) {
    const Model model(m_context, m_with_prior);
    Generator g(m_context, model, 32, 32);
    Conditioning autolayout;
    autolayout.category = 2;
    autolayout.pattern = NTEX_LAYOUT_PATTERN_AUTO;
    autolayout.pattern_seed = 4;
    autolayout.columns = 0;   // ignored by AUTO (0 is out of range for every other pattern)
    Conditioning voronoi;
    voronoi.category = 2;
    voronoi.pattern = NTEX_LAYOUT_PATTERN_VORONOI;
    voronoi.columns = voronoi.rows = 8;
    voronoi.period_width = voronoi.period_height = 32;   // 256 fitted to the 32-px tileable size
    voronoi.offset = 0.5f;
    voronoi.gap = 4.0f;
    voronoi.bevel = 2.0f;
    voronoi.jitter = 0.5f;
    voronoi.pattern_seed = 4;
    EXPECT_EQ(image(g, &autolayout), image(g, &voronoi));
    Conditioning none = autolayout;
    none.category = 1;   // c1's prior draws only "none": the unconditioned-layout image
    Conditioning plain_c1;
    plain_c1.category = 1;
    EXPECT_EQ(image(g, &none), image(g, &plain_c1));

    const Model without(m_context, m_conditional);
    Generator g2(m_context, without, 32, 32);
    expect_invalid(g2, autolayout, "has no layout prior");
}

TEST_F(CppWrapperConditioning, ChainsAndResets) {
    const Model model(m_context, m_conditional);
    Generator g(m_context, model, 32, 32);
    const std::vector<uint8_t> base = image(g, nullptr);
    const Conditioning any;   // defaults: any category, no layout
    EXPECT_EQ(image(g, &any), base) << "a default Conditioning is the unconditioned generator";

    const Conditioning layout = bricks();
    const std::vector<uint8_t> conditioned = image(g, &layout);
    EXPECT_NE(conditioned, base);
    Conditioning other_category = layout;
    other_category.category = 2;
    EXPECT_NE(image(g, &other_category), conditioned);
    // set_params without a Conditioning resets category and layout (ntexSetGeneratorParams).
    EXPECT_EQ(image(g, nullptr), base);

    // A host mask: read during set_params only (the runtime copies it).
    std::vector<float> mask(8 * 4);
    const auto stripes = [&] {
        for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = (i / 2) % 2 == 0 ? 1.0f : 0.0f;
    };
    stripes();
    Conditioning masked;
    masked.pattern = NTEX_LAYOUT_PATTERN_MASK;
    masked.mask = mask.data();
    masked.mask_width = 8;
    masked.mask_height = 4;
    Generator::Params p;
    p.seed = 3;
    g.set_params(p, masked);
    mask.assign(mask.size(), 0.5f);   // after the call: must not matter
    g.generate();
    const std::vector<uint8_t> with_mask = g.read_rgba8(0);
    EXPECT_NE(with_mask, base);
    EXPECT_NE(image(g, &masked), with_mask) << "other mask values give another image";
    stripes();
    EXPECT_EQ(image(g, &masked), with_mask) << "the mask was copied by set_params";
}

TEST_F(CppWrapperConditioning, ErrorsThrowAndKeepTheParameters) {
    const Model model(m_context, m_conditional);
    Generator g(m_context, model, 32, 32);
    const Conditioning layout = bricks();
    const std::vector<uint8_t> conditioned = image(g, &layout);

    Conditioning bad = layout;
    bad.category = 3;   // c0..c2
    expect_invalid(g, bad, "category");
    bad = layout;
    bad.period_width = bad.period_height = 24;   // does not divide 32
    expect_invalid(g, bad, "would not tile");
    bad = layout;
    bad.rows = 65;
    expect_invalid(g, bad, "rows");
    std::vector<float> huge(2049, 1.0f);
    bad = Conditioning{};
    bad.pattern = NTEX_LAYOUT_PATTERN_MASK;
    bad.mask = huge.data();
    bad.mask_width = 2049;   // masks are 1..2048 per side
    bad.mask_height = 1;
    expect_invalid(g, bad, "mask_width");
    // Nothing changed: the last accepted parameters generate the same image.
    g.generate();
    EXPECT_EQ(g.read_rgba8(0), conditioned);

    const Model plain(m_context, m_plain);
    Generator unconditional(m_context, plain, 16, 16);
    Conditioning category;
    category.category = 0;
    expect_invalid(unconditional, category, "has no categories");
    Conditioning pattern;
    pattern.pattern = NTEX_LAYOUT_PATTERN_TILES;
    expect_invalid(unconditional, pattern, "no layout conditioning");
    EXPECT_NO_THROW(unconditional.set_params(Generator::Params{}, Conditioning{}));
}

// The conditioning travels through a preset (category by name, layout) like the C API's.
TEST_F(CppWrapperConditioning, PresetKeepsTheConditioning) {
    const Model model(m_context, m_conditional);
    Generator g(m_context, model, 32, 32);
    const Conditioning layout = bricks();
    const std::vector<uint8_t> conditioned = image(g, &layout);
    const std::string preset = (m_dir / "conditioned.preset.json").string();
    g.save_preset(preset);

    Generator restored(m_context, model, 32, 32);
    restored.load_preset(preset);
    restored.generate();
    EXPECT_EQ(restored.read_rgba8(0), conditioned);
}

}  // namespace
}  // namespace ntex
