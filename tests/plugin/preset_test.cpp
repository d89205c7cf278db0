// SPDX-License-Identifier: MIT
// Presets: save -> load round trip through the C API reproduces the same texels; malformed or
// foreign presets are clear errors that leave the generator's parameters unchanged; a failed save
// never damages the existing file. Format version 2: category (by name) and layout, written only
// when set, resolved against the model on load; version 1 files still load.
#include "test_support.h"

#include <ntex/ntex.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string models_dir() { return std::string(NTEX_SOURCE_DIR) + "/models/"; }

struct Handles {
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    // model_file: a file in models/, or an absolute path.
    explicit Handles(const std::string& model_file) {
        NtexContextCreateInfo ci{NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO};
        ci.headerVersion = NTEX_HEADER_VERSION;
        ci.threadCount = 2;
        EXPECT_EQ(ntexCreateContext(&ci, &context), NTEX_SUCCESS);
        NtexModelLoadInfo li{NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO};
        const std::string path = fs::path(model_file).is_absolute() ? model_file : models_dir() + model_file;
        li.pPath = path.c_str();
        EXPECT_EQ(ntexLoadModel(context, &li, &model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexGeneratorCreateInfo gi{NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO};
        gi.model = model;
        gi.width = gi.height = 32;
        EXPECT_EQ(ntexCreateGenerator(context, &gi, &generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    ~Handles() {
        ntexDestroyGenerator(generator);
        ntexDestroyModel(model);
        ntexDestroyContext(context);
    }
    std::vector<uint8_t> texels() {
        EXPECT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        std::vector<uint8_t> out(32 * 32 * 4);
        NtexHostImage im{NTEX_STRUCTURE_TYPE_HOST_IMAGE};
        im.format = NTEX_HOST_FORMAT_R8G8B8A8;
        im.pData = out.data();
        im.rowPitch = 32 * 4;
        im.size = out.size();
        EXPECT_EQ(ntexReadMap(generator, 0, &im), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        return out;
    }
};

fs::path temp_path(const std::string& name) { return fs::temp_directory_path() / ("ntex_preset_test_" + name); }

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Preset, RoundTripReproducesTexels) {
    const bool material = fs::exists(models_dir() + "material_v1.json");
    Handles a(material ? "material_v1.json" : "albedo_v1.json");
    NtexModelInfo info{NTEX_STRUCTURE_TYPE_MODEL_INFO};
    ASSERT_EQ(ntexGetModelInfo(a.model, &info), NTEX_SUCCESS);
    std::vector<float> z(info.zDim);
    for (uint32_t i = 0; i < info.zDim; ++i) z[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
    std::vector<float> offsets(info.directionCount, 0.0f);
    if (!offsets.empty()) offsets[0] = 1.5f;
    NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
    p.seed = 77;
    p.pZ = z.data();
    p.zCount = info.zDim;
    p.truncationPsi = 0.7f;
    p.pDirectionOffsets = offsets.empty() ? nullptr : offsets.data();
    p.directionCount = static_cast<uint32_t>(offsets.size());
    ASSERT_EQ(ntexSetGeneratorParams(a.generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::vector<uint8_t> expected = a.texels();
    const fs::path path = temp_path("roundtrip.json");
    ASSERT_EQ(ntexSavePreset(a.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::string text = read_text(path);
    EXPECT_NE(text.find("\"ntex-preset\""), std::string::npos);
    if (!offsets.empty()) {
        EXPECT_NE(text.find(info.directionLabels[0]), std::string::npos) << "directions are saved by label";
    }

    Handles b(material ? "material_v1.json" : "albedo_v1.json");
    ASSERT_EQ(ntexLoadPreset(b.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(b.texels(), expected);
    // Saving again gives the same file: the loaded parameters are what was saved.
    const fs::path again = temp_path("roundtrip2.json");
    ASSERT_EQ(ntexSavePreset(b.generator, again.c_str()), NTEX_SUCCESS);
    EXPECT_EQ(read_text(again), text);
    fs::remove(path);
    fs::remove(again);
}

TEST(Preset, BadPresetsAreErrorsAndChangeNothing) {
    Handles h("albedo_v1.json");
    NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
    p.seed = 5;
    p.truncationPsi = 1.0f;
    ASSERT_EQ(ntexSetGeneratorParams(h.generator, &p), NTEX_SUCCESS);
    const std::vector<uint8_t> before = h.texels();
    const fs::path path = temp_path("bad.json");
    const struct {
        const char* text;
        NtexResult expected;
        const char* message_part;
    } cases[] = {
        {"{not json", NTEX_ERROR_INVALID_ARGUMENT, "not valid JSON"},
        {R"({"format": "other"})", NTEX_ERROR_INVALID_ARGUMENT, "'format'"},
        {R"({"format": "ntex-preset", "format_version": 1, "model": "albedo_v1", "seed": -3, "truncation_psi": 1})",
         NTEX_ERROR_INVALID_ARGUMENT, "'seed'"},
        {R"({"format": "ntex-preset", "format_version": 1, "model": "other_model", "seed": 3, "truncation_psi": 1})",
         NTEX_ERROR_INVALID_ARGUMENT, "other_model"},
        {R"({"format": "ntex-preset", "format_version": 1, "model": "albedo_v1", "seed": 3, "truncation_psi": 1, "z": [1, 2]})",
         NTEX_ERROR_INVALID_ARGUMENT, "zDim"},
        {R"({"format": "ntex-preset", "format_version": 1, "model": "albedo_v1", "seed": 3, "truncation_psi": 1,
            "directions": [{"label": "nope", "offset": 1}]})", NTEX_ERROR_INVALID_ARGUMENT, "nope"},
        {R"({"format": "ntex-preset", "format_version": 1, "model": "albedo_v1", "seed": 3, "truncation_psi": 1, "origin": [16, 0]})",
         NTEX_ERROR_INVALID_ARGUMENT, "origin"},
        {R"({"format": "ntex-preset", "format_version": 1, "model": "albedo_v1", "seed": 3, "truncation_psi": 3e38})",
         NTEX_ERROR_INVALID_ARGUMENT, "'truncation_psi'"},
    };
    for (const auto& c : cases) {
        write_text(path, c.text);
        EXPECT_EQ(ntexLoadPreset(h.generator, path.c_str()), c.expected) << c.text;
        EXPECT_NE(std::string(ntexGetLastErrorMessage()).find(c.message_part), std::string::npos)
            << c.text << " -> " << ntexGetLastErrorMessage();
    }
    EXPECT_EQ(ntexLoadPreset(h.generator, temp_path("missing.json").c_str()), NTEX_ERROR_FILE_NOT_FOUND);
    EXPECT_EQ(ntexLoadPreset(h.generator, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexSavePreset(nullptr, path.c_str()), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(h.texels(), before) << "a failed load must not change the parameters";

    // A save that cannot complete leaves the existing file as it was.
    write_text(path, "precious");
    const fs::path blocked = temp_path("blocked_dir");
    fs::create_directories(blocked);
    EXPECT_EQ(ntexSavePreset(h.generator, (blocked / "sub" / "x.json").c_str()), NTEX_ERROR_IO);
    EXPECT_EQ(read_text(path), "precious");
    fs::remove_all(blocked);
    fs::remove(path);
}

// Chained into `p` by the caller; `mask` (MASK only) must outlive the call.
NtexConditioningParams conditioning(int32_t category, NtexLayoutPattern pattern) {
    NtexConditioningParams c{};
    c.sType = NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS;
    c.category = category;
    c.pattern = pattern;
    c.columns = 2;
    c.rows = 4;
    c.periodWidth = c.periodHeight = 16;
    c.offset = 0.5f;
    c.gap = 2.0f;
    c.bevel = 1.0f;
    c.jitter = 0.25f;
    c.patternSeed = 11;
    return c;
}

NtexGeneratorParams seed_params(uint32_t seed, const void* next = nullptr) {
    NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
    p.pNext = next;
    p.seed = seed;
    p.truncationPsi = 0.9f;
    return p;
}

TEST(Preset, UnconditionalModelWritesNoConditioning) {
    Handles h("albedo_v1.json");
    // The rejection paths first: an unconditional model takes only ANY and NONE.
    NtexConditioningParams c = conditioning(0, NTEX_LAYOUT_PATTERN_NONE);
    NtexGeneratorParams p = seed_params(3, &c);
    EXPECT_EQ(ntexSetGeneratorParams(h.generator, &p), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("no categories"), std::string::npos) << ntexGetLastErrorMessage();
    c = conditioning(NTEX_CATEGORY_ANY, NTEX_LAYOUT_PATTERN_BRICKS);
    EXPECT_EQ(ntexSetGeneratorParams(h.generator, &p), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("no layout conditioning"), std::string::npos) << ntexGetLastErrorMessage();
    c = conditioning(NTEX_CATEGORY_ANY, NTEX_LAYOUT_PATTERN_NONE);
    ASSERT_EQ(ntexSetGeneratorParams(h.generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::vector<uint8_t> expected = h.texels();
    const fs::path path = temp_path("unconditional.json");
    ASSERT_EQ(ntexSavePreset(h.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::string text = read_text(path);
    EXPECT_NE(text.find("\"format_version\": 2"), std::string::npos) << text;
    EXPECT_EQ(text.find("category"), std::string::npos) << text;
    EXPECT_EQ(text.find("layout"), std::string::npos) << text;
    Handles b("albedo_v1.json");
    ASSERT_EQ(ntexLoadPreset(b.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(b.texels(), expected);
    // "any" and "none" spelled out read as absent.
    write_text(path, R"({"format": "ntex-preset", "format_version": 2, "model": "albedo_v1", "seed": 3, "truncation_psi": 0.9,
                         "category": "any", "layout": {"pattern": "none"}})");
    ASSERT_EQ(ntexLoadPreset(b.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(b.texels(), expected);
    fs::remove(path);
}

TEST(Preset, Version1StillLoads) {
    Handles h("albedo_v1.json");
    NtexGeneratorParams p = seed_params(9);
    ASSERT_EQ(ntexSetGeneratorParams(h.generator, &p), NTEX_SUCCESS);
    const std::vector<uint8_t> expected = h.texels();
    const fs::path path = temp_path("v1.json");
    write_text(path, R"({"format": "ntex-preset", "format_version": 1, "model": "albedo_v1", "seed": 9, "truncation_psi": 0.9,
                         "directions": [], "origin": [0, 0]})");
    Handles b("albedo_v1.json");
    ASSERT_EQ(ntexLoadPreset(b.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(b.texels(), expected);
    fs::remove(path);
}

TEST(Preset, MalformedConditioningFieldsAreOneLineErrors) {
    Handles h("albedo_v1.json");
    NtexGeneratorParams p = seed_params(5);
    ASSERT_EQ(ntexSetGeneratorParams(h.generator, &p), NTEX_SUCCESS);
    const std::vector<uint8_t> before = h.texels();
    const fs::path path = temp_path("bad_conditioning.json");
    const std::string head = R"({"format": "ntex-preset", "format_version": 2, "model": "albedo_v1", "seed": 3, "truncation_psi": 1, )";
    const std::string v1 = R"({"format": "ntex-preset", "format_version": 1, "model": "albedo_v1", "seed": 3, "truncation_psi": 1, )";
    const auto layout = [&](const std::string& fields) { return head + R"("layout": {"pattern": "bricks", )" + fields + "}}"; };
    const struct {
        std::string text;
        const char* message_part;
    } cases[] = {
        {R"({"format": "ntex-preset", "format_version": 3, "model": "albedo_v1", "seed": 3, "truncation_psi": 1})", "'format_version'"},
        {head + R"("category": 3})", "'category'"},
        {head + R"("category": ""})", "'category'"},
        {head + R"("category": "metal"})", "has no categories"},
        {v1 + R"("category": "metal"})", "needs format_version 2"},
        {v1 + R"("layout": {"pattern": "bricks"}})", "needs format_version 2"},
        {head + R"("layout": "bricks"})", "'layout'"},
        {head + R"("layout": {"columns": 4}})", "'layout.pattern'"},
        {head + R"("layout": {"pattern": 1}})", "'layout.pattern'"},
        {head + R"("layout": {"pattern": "sideways"}})", "'sideways' is not a layout pattern"},
        {head + R"("layout": {"pattern": "Bricks"}})", "'Bricks' is not a layout pattern"},
        {head + R"("layout": {"pattern": "mask", "mask_file": "m.png"}})", "'layout.mask_file'"},
        {head + R"("layout": {"pattern": "mask"}})", "cannot store a host mask"},
        {layout(R"("colums": 4)"), "'layout.colums'"},
        {layout(R"("columns": 0)"), "'layout.columns' must be an integer in 1..64"},
        {layout(R"("columns": 65)"), "'layout.columns'"},
        {layout(R"("columns": -1)"), "'layout.columns'"},
        {layout(R"("columns": 2.5)"), "'layout.columns'"},
        {layout(R"("columns": 18446744073709551615)"), "'layout.columns'"},
        {layout(R"("rows": "8")"), "'layout.rows'"},
        {head + R"("layout": {"pattern": "hexagons", "rows": 3}})", "'layout.rows' must be even"},
        {layout(R"("period": [8, 0])"), "'layout.period[0]'"},
        {layout(R"("period": [16, 9000])"), "'layout.period[1]'"},
        {layout(R"("period": [16])"), "'layout.period'"},
        {layout(R"("period": 16)"), "'layout.period'"},
        {layout(R"("offset": 1.5)"), "'layout.offset'"},
        {layout(R"("gap": 80)"), "'layout.gap'"},
        {layout(R"("gap": "3")"), "'layout.gap'"},
        {layout(R"("bevel": -1)"), "'layout.bevel'"},
        {layout(R"("jitter": 1e40)"), "'layout.jitter'"},
        {layout(R"("seed": -1)"), "'layout.seed'"},
        {layout(R"("seed": 4294967296)"), "'layout.seed'"},
        {layout(R"("columns": 4)"), "has no layout conditioning"},   // well-formed, but this model takes none
    };
    for (const auto& c : cases) {
        write_text(path, c.text);
        EXPECT_EQ(ntexLoadPreset(h.generator, path.c_str()), NTEX_ERROR_INVALID_ARGUMENT) << c.text;
        const std::string message = ntexGetLastErrorMessage();
        EXPECT_NE(message.find(c.message_part), std::string::npos) << c.text << " -> " << message;
        EXPECT_NE(message.find(path.filename().string()), std::string::npos) << "names the file: " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    }
    EXPECT_EQ(h.texels(), before) << "a failed load must not change the parameters";
    fs::remove(path);
}

// A conditional model (the test-support tiny model with 3 categories and a 2-channel layout):
// category by name and layout round-trip exactly; a preset without them resets to any / none.
TEST(Preset, ConditionalRoundTrip) {
    ntex::test::TempDir dir;
    ntex::test::TinyModelOptions options;
    options.categories = 3;
    options.layout_channels = 2;
    options.tanh_last = true;
    const std::string model = ntex::test::make_tiny_model(options).write(dir.path()).string();
    Handles a(model);
    NtexConditioningParams c = conditioning(1, NTEX_LAYOUT_PATTERN_BRICKS);
    NtexGeneratorParams p = seed_params(21, &c);
    ASSERT_EQ(ntexSetGeneratorParams(a.generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::vector<uint8_t> expected = a.texels();
    const fs::path path = dir / "cond.preset.json";
    ASSERT_EQ(ntexSavePreset(a.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::string text = read_text(path);
    EXPECT_NE(text.find("\"category\": \"c1\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"pattern\": \"bricks\""), std::string::npos) << text;

    Handles b(model);
    ASSERT_EQ(ntexLoadPreset(b.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(b.texels(), expected);
    const fs::path again = dir / "again.json";
    ASSERT_EQ(ntexSavePreset(b.generator, again.c_str()), NTEX_SUCCESS);
    EXPECT_EQ(read_text(again), text);

    // The conditioning matters, and a preset without it resets the generator to any / none.
    NtexGeneratorParams plain = seed_params(21);
    ASSERT_EQ(ntexSetGeneratorParams(a.generator, &plain), NTEX_SUCCESS);
    const std::vector<uint8_t> unconditioned = a.texels();
    EXPECT_NE(unconditioned, expected);
    const fs::path none = dir / "none.json";
    write_text(none, R"({"format": "ntex-preset", "format_version": 2, "model": "tiny", "seed": 21, "truncation_psi": 0.9})");
    ASSERT_EQ(ntexLoadPreset(b.generator, none.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(b.texels(), unconditioned);

    // An unknown category name lists the valid ones; a period that does not divide the size fails
    // at apply time, naming the file.
    write_text(none, R"({"format": "ntex-preset", "format_version": 2, "model": "tiny", "seed": 1, "truncation_psi": 1, "category": "c9"})");
    EXPECT_EQ(ntexLoadPreset(b.generator, none.c_str()), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("'c9' is not a category of model 'tiny' (any, c0, c1, c2)"),
              std::string::npos) << ntexGetLastErrorMessage();
    write_text(none, R"({"format": "ntex-preset", "format_version": 2, "model": "tiny", "seed": 1, "truncation_psi": 1,
                         "layout": {"pattern": "tiles", "period": [48, 48]}})");
    EXPECT_EQ(ntexLoadPreset(b.generator, none.c_str()), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("none.json"), std::string::npos) << ntexGetLastErrorMessage();
    EXPECT_EQ(b.texels(), unconditioned);

    // A host mask cannot be stored: a clear error and the existing file untouched.
    std::vector<float> mask(8 * 8, 0.5f);
    NtexConditioningParams m = conditioning(NTEX_CATEGORY_ANY, NTEX_LAYOUT_PATTERN_MASK);
    m.pMask = mask.data();
    m.maskWidth = m.maskHeight = 8;
    NtexGeneratorParams pm = seed_params(2, &m);
    ASSERT_EQ(ntexSetGeneratorParams(a.generator, &pm), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(ntexSavePreset(a.generator, path.c_str()), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("presets cannot store a host mask yet"), std::string::npos)
        << ntexGetLastErrorMessage();
    EXPECT_EQ(read_text(path), text);
}

// The AUTO layout is stored as "auto" plus its seed (the prior draws again on load), and refused on
// load by a model without a prior, naming the file.
TEST(Preset, AutoLayoutRoundTrip) {
    ntex::test::TempDir dir;
    ntex::test::TinyModelOptions options;
    options.categories = 3;
    options.layout_channels = 2;
    options.tanh_last = true;
    ntex::test::TinyModel with_prior = ntex::test::make_tiny_model(options);
    ntex::test::add_layout_prior(with_prior);
    const std::string model = with_prior.write(dir.path(), "tiny").string();
    Handles a(model);
    NtexConditioningParams c = conditioning(0, NTEX_LAYOUT_PATTERN_AUTO);
    c.patternSeed = 5;
    NtexGeneratorParams p = seed_params(3, &c);
    ASSERT_EQ(ntexSetGeneratorParams(a.generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::vector<uint8_t> expected = a.texels();
    const fs::path path = dir / "auto.preset.json";
    ASSERT_EQ(ntexSavePreset(a.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::string text = read_text(path);
    EXPECT_NE(text.find("\"pattern\": \"auto\""), std::string::npos) << text;
    Handles b(model);
    ASSERT_EQ(ntexLoadPreset(b.generator, path.c_str()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(b.texels(), expected);

    const std::string plain = ntex::test::make_tiny_model(options).write(dir.path(), "plain").string();
    Handles d(plain);
    EXPECT_EQ(ntexLoadPreset(d.generator, path.c_str()), NTEX_ERROR_INVALID_ARGUMENT);
    const std::string message = ntexGetLastErrorMessage();
    EXPECT_NE(message.find("has no layout prior"), std::string::npos) << message;
}

}  // namespace
