// SPDX-License-Identifier: MIT
// Presets: save -> load round trip through the C API reproduces the same texels; malformed or
// foreign presets are clear errors that leave the generator's parameters unchanged; a failed save
// never damages the existing file.
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
    explicit Handles(const std::string& model_file) {
        NtexContextCreateInfo ci{NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO};
        ci.headerVersion = NTEX_HEADER_VERSION;
        ci.threadCount = 2;
        EXPECT_EQ(ntexCreateContext(&ci, &context), NTEX_SUCCESS);
        NtexModelLoadInfo li{NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO};
        const std::string path = models_dir() + model_file;
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

}  // namespace
