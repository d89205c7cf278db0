// SPDX-License-Identifier: MIT
// Hot reload: a model file that fails validation keeps the previous model running (and says why);
// a valid new file switches every generator at its next generation, keeping its parameters, with
// result ids that keep increasing; files that change the maps are refused.
#include <ntex/ntex.h>

#include <gtest/gtest.h>

#include <cstring>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<char> read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

void write_all(const fs::path& p, const std::vector<char>& bytes) {
    std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Overwrites the float32 values of tensor `name` in a safetensors file with `value`.
void set_tensor(std::vector<char>& st, const std::string& name, float value) {
    uint64_t header = 0;
    std::memcpy(&header, st.data(), 8);
    const std::string json(st.data() + 8, header);
    const std::size_t at = json.find("\"" + name + "\"");
    ASSERT_NE(at, std::string::npos) << name;
    const std::size_t offsets = json.find("data_offsets", at);
    const std::size_t open = json.find('[', offsets);
    const std::size_t comma = json.find(',', open);
    const std::size_t close = json.find(']', comma);
    const std::size_t begin = std::stoull(json.substr(open + 1, comma - open - 1));
    const std::size_t end = std::stoull(json.substr(comma + 1, close - comma - 1));
    for (std::size_t o = begin; o < end; o += 4) std::memcpy(st.data() + 8 + header + o, &value, 4);
}

struct Fixture {
    // One folder per test and process: ctest runs the tests of this file in parallel.
    fs::path dir = fs::temp_directory_path() /
                   ("ntex_reload_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
                    std::to_string(::getpid()));
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    std::vector<char> json, weights;

    Fixture() {
        fs::remove_all(dir);
        fs::create_directories(dir);
        const fs::path models = fs::path(NTEX_SOURCE_DIR) / "models";
        json = read_all(models / "albedo_v1.json");
        weights = read_all(models / "albedo_v1.safetensors");
        write_all(dir / "albedo_v1.json", json);
        write_all(dir / "albedo_v1.safetensors", weights);
        NtexContextCreateInfo ci{};
        ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
        ci.headerVersion = NTEX_HEADER_VERSION;
        ci.threadCount = 2;
        EXPECT_EQ(ntexCreateContext(&ci, &context), NTEX_SUCCESS);
        const std::string path = (dir / "albedo_v1.json").string();
        NtexModelLoadInfo li{};
        li.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
        li.pPath = path.c_str();
        EXPECT_EQ(ntexLoadModel(context, &li, &model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexGeneratorCreateInfo gi{};
        gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
        gi.model = model;
        gi.width = gi.height = 32;
        EXPECT_EQ(ntexCreateGenerator(context, &gi, &generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexGeneratorParams p{};
        p.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
        p.seed = 11;
        p.truncationPsi = 0.9f;
        EXPECT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_SUCCESS);
    }
    ~Fixture() {
        ntexDestroyGenerator(generator);
        ntexDestroyModel(model);
        ntexDestroyContext(context);
        fs::remove_all(dir);
    }
    std::vector<uint8_t> generate(uint64_t* id) {
        EXPECT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_EQ(ntexGetResultId(generator, id), NTEX_SUCCESS);
        std::vector<uint8_t> out(32 * 32 * 4);
        NtexHostImage im{};
        im.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        im.format = NTEX_HOST_FORMAT_R8G8B8A8;
        im.pData = out.data();
        im.rowPitch = 32 * 4;
        im.size = out.size();
        EXPECT_EQ(ntexReadMap(generator, 0, &im), NTEX_SUCCESS);
        return out;
    }
};

TEST(HotReload, BadFilesKeepThePreviousModelGoodFilesSwitch) {
    Fixture f;
    uint64_t id0 = 0, id = 0;
    const std::vector<uint8_t> before = f.generate(&id0);

    // A truncated weights file: an error naming the file; the old model keeps running.
    write_all(f.dir / "albedo_v1.safetensors", std::vector<char>(f.weights.begin(), f.weights.begin() + 1000));
    EXPECT_EQ(ntexReloadModel(f.model), NTEX_ERROR_INVALID_MODEL);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("albedo_v1.safetensors"), std::string::npos) << ntexGetLastErrorMessage();
    EXPECT_EQ(f.generate(&id), before);
    // NaN weights: refused too.
    std::vector<char> nan_weights = f.weights;
    set_tensor(nan_weights, "synthesis.15.bias", std::numeric_limits<float>::quiet_NaN());
    write_all(f.dir / "albedo_v1.safetensors", nan_weights);
    EXPECT_EQ(ntexReloadModel(f.model), NTEX_ERROR_INVALID_MODEL);
    EXPECT_EQ(f.generate(&id), before);
    // A missing JSON: FILE_NOT_FOUND, still running.
    fs::rename(f.dir / "albedo_v1.json", f.dir / "moved.json");
    EXPECT_EQ(ntexReloadModel(f.model), NTEX_ERROR_FILE_NOT_FOUND);
    fs::rename(f.dir / "moved.json", f.dir / "albedo_v1.json");
    EXPECT_EQ(f.generate(&id), before);

    // Valid new weights (a different output bias): the generator switches, parameters kept.
    std::vector<char> changed = f.weights;
    set_tensor(changed, "synthesis.15.bias", 0.5f);
    write_all(f.dir / "albedo_v1.safetensors", changed);
    ASSERT_EQ(ntexReloadModel(f.model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const uint64_t id_before_switch = id;
    const std::vector<uint8_t> after = f.generate(&id);
    EXPECT_NE(after, before);
    EXPECT_GT(id, id_before_switch) << "result ids keep increasing across a reload";
    // Back to the original weights: the original texels again (same seed and psi kept).
    write_all(f.dir / "albedo_v1.safetensors", f.weights);
    ASSERT_EQ(ntexReloadModel(f.model), NTEX_SUCCESS);
    EXPECT_EQ(f.generate(&id), before);
    EXPECT_EQ(ntexReloadModel(nullptr), NTEX_ERROR_INVALID_ARGUMENT);
}

TEST(HotReload, FilesThatChangeTheMapsAreRefused) {
    Fixture f;
    const fs::path models = fs::path(NTEX_SOURCE_DIR) / "models";
    if (!fs::exists(models / "material_v1.json")) GTEST_SKIP() << "models/material_v1.json is not in the tree";
    uint64_t id = 0;
    const std::vector<uint8_t> before = f.generate(&id);
    // material_v1's files under albedo_v1's name: valid, but 4 maps instead of 1.
    std::string mjson(read_all(models / "material_v1.json").data(), read_all(models / "material_v1.json").size());
    const std::string from = "\"material_v1.safetensors\"";
    mjson.replace(mjson.find(from), from.size(), "\"albedo_v1.safetensors\"");
    write_all(f.dir / "albedo_v1.json", std::vector<char>(mjson.begin(), mjson.end()));
    write_all(f.dir / "albedo_v1.safetensors", read_all(models / "material_v1.safetensors"));
    EXPECT_EQ(ntexReloadModel(f.model), NTEX_ERROR_INVALID_MODEL);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("maps"), std::string::npos) << ntexGetLastErrorMessage();
    EXPECT_EQ(f.generate(&id), before);
}

}  // namespace
