// SPDX-License-Identifier: MIT
// Test helpers.
#include "test_support.h"

#include "core/error.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

#include <unistd.h>

namespace ntex::test {

TempDir::TempDir() {
    static int counter = 0;
    std::random_device rd;
    m_path = std::filesystem::temp_directory_path() /
             ("ntex_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000));
    std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::filesystem::path source_dir() { return std::filesystem::path(NTEX_SOURCE_DIR); }
std::filesystem::path shipped_model_json() { return source_dir() / "models" / "albedo_v1.json"; }
std::filesystem::path fixtures_dir() { return source_dir() / "tests" / "fixtures"; }

std::filesystem::path TinyModel::write(const std::filesystem::path& dir, const std::string& name) const {
    nlohmann::json d = description;
    d["weights"] = name + ".safetensors";
    std::ofstream(dir / (name + ".json")) << d.dump(2);
    write_bytes(dir / (name + ".safetensors"), serialize_safetensors(tensors));
    return dir / (name + ".json");
}

SafetensorsWriteTensor* TinyModel::find(const std::string& name) {
    for (auto& t : tensors) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

void expect_error(const std::function<void()>& f, NtexResult result, const std::string& needle) {
    try {
        f();
        ADD_FAILURE() << "accepted; expected an error containing '" << needle << "'";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), result) << e.what();
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

void add_layout_prior(TinyModel& model) {
    auto spec = [](const char* pattern, int columns, int rows) {
        return nlohmann::json{{"pattern", pattern}, {"columns", columns}, {"rows", rows}, {"period_width", 256},
                              {"period_height", 256}, {"offset", 0.5}, {"gap", 4.0}, {"bevel", 2.0}, {"jitter", 0.5}};
    };
    model.description["layout_prior"] = {
        {"categories",
         {{"c0", {{3, spec("bricks", 4, 8)}, {1, spec("tiles", 4, 4)}}}, {"c1", {{2, {{"pattern", "none"}}}}}, {"c2", {{5, spec("voronoi", 8, 8)}}}}}};
}

TinyModel make_tiny_model(const TinyModelOptions& options) {
    using nlohmann::json;
    std::mt19937 rng(options.seed);
    TinyModel m;
    json tensors = json::object();
    auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale, float offset = 0.0f) {
        std::normal_distribution<float> dist(0.0f, 1.0f);
        std::size_t n = 1;
        for (auto d : shape) n *= static_cast<std::size_t>(d);
        std::vector<float> v(n);
        for (auto& x : v) x = offset + scale * dist(rng);
        tensors[name] = {{"shape", shape}, {"dtype", "F32"}};
        m.tensors.push_back({name, shape, v});
    };
    const int z_dim = 8, w_dim = 6, noise_c = 4, embed_dim = 4, layout_k = options.layout_channels;
    const bool v2 = options.categories > 0 || options.layout_channels > 0;
    json layers = json::array();
    int prev = z_dim + (options.categories > 0 ? embed_dim : 0);
    for (int l = 0; l < 2; ++l) {
        std::string p = "mapping.l" + std::to_string(l);
        add(p + ".weight", {w_dim, prev}, 1.0f / std::sqrt(static_cast<float>(prev)));
        add(p + ".bias", {w_dim}, 0.1f);
        layers.push_back({{"weight", p + ".weight"}, {"bias", p + ".bias"}, {"in", prev}, {"out", w_dim}, {"activation", "lrelu"}});
        prev = w_dim;
    }
    json mapping = {{"normalize_z", true}, {"layers", layers}, {"w_avg", "mapping.w_avg"}};
    if (options.categories > 0) {
        add("mapping.w_avg", {options.categories + 1, w_dim}, 0.3f);
        add("mapping.class_embed", {options.categories + 1, embed_dim}, 1.0f);
        json names = json::array();
        for (int c = 0; c < options.categories; ++c) {
            std::string name = std::to_string(c);   // not "c" + to_string(c): GCC 12 -O3 warns (false -Wrestrict)
            names.push_back(name.insert(0, 1, 'c'));
        }
        mapping["class_embed"] = "mapping.class_embed";
        mapping["embed_dim"] = embed_dim;
        mapping["categories"] = names;
    } else {
        add("mapping.w_avg", {w_dim}, 0.3f);
    }

    json ops = json::array();
    ops.push_back({{"op", "noise_input"}, {"channels", noise_c}});
    int conv_index = 0;
    auto conv = [&](int in, int out, int k, bool demod, const std::string& act, bool noise) {
        std::string p = "synthesis.conv" + std::to_string(conv_index++);
        add(p + ".weight", {out, in, k, k}, 1.0f / std::sqrt(static_cast<float>(in * k * k)));
        add(p + ".bias", {out}, 0.1f);
        add(p + ".affine.weight", {in, w_dim}, 1.0f / std::sqrt(static_cast<float>(w_dim)));
        add(p + ".affine.bias", {in}, 0.1f, 1.0f);
        json op = {{"op", "modconv"},        {"in", in},          {"out", out},
                   {"kernel", k},            {"demodulate", demod}, {"activation", act},
                   {"noise", noise},         {"weight", p + ".weight"}, {"bias", p + ".bias"},
                   {"affine_weight", p + ".affine.weight"}, {"affine_bias", p + ".affine.bias"}};
        if (noise) {
            add(p + ".noise_strength", {1}, 0.05f, 0.2f);
            op["noise_strength"] = p + ".noise_strength";
        }
        if (layout_k > 0) {
            add(p + ".layout_gain", {out, layout_k}, 0.5f);
            op["layout_gain"] = p + ".layout_gain";
        }
        ops.push_back(op);
    };
    conv(noise_c, 8, 3, true, "lrelu", true);
    ops.push_back({{"op", "upsample"}, {"factor", 2}, {"mode", "bilinear"}});
    conv(8, 8, 3, true, "lrelu", true);
    conv(8, 6, 5, true, "lrelu", false);
    ops.push_back({{"op", "upsample"}, {"factor", 2}, {"mode", "bilinear"}});
    conv(6, options.material ? 5 : 3, 1, false, options.tanh_last ? "tanh" : "linear", options.noise_before_output);
    if (options.output_after_upsample) {
        // Cell size must stay 4: replace the second upsample's place by moving it after the last conv.
        ops.erase(ops.begin() + 5);
        ops.push_back({{"op", "upsample"}, {"factor", 2}, {"mode", "bilinear"}});
    }
    ops.push_back({{"op", "output"}, {"scale", 0.5}, {"shift", 0.5}});

    m.description = {
        {"format", "ntex-model"},
        {"format_version", v2 ? 2 : 1},
        {"name", "tiny"},
        {"version", "0.0.1"},
        {"description", "random test model"},
        {"latent", {{"z_dim", z_dim}, {"w_dim", w_dim}, {"noise_channels", noise_c}, {"cell_size", 4}}},
        {"mapping", mapping},
        {"synthesis", {{"ops", ops}}},
        {"outputs", json::array({{{"name", "albedo"}, {"channels", {0, 1, 2}}, {"semantics", "rgb"}, {"range", {0, 1}}, {"color_space", "srgb"}}})},
        {"weights", "tiny.safetensors"},
        {"tensors", tensors},
        {"parameters", 0},
        {"flops_per_megapixel", 1.0},
        {"training", json::object()},
    };
    if (layout_k > 0) m.description["latent"]["layout_channels"] = layout_k;
    if (options.material) {
        m.description["outputs"] = material_outputs();
        m.description["height_scale"] = 3.0;
        add_directions(m, 2, w_dim, options.seed + 100);
    }
    return m;
}

void open_generator(const std::filesystem::path& json, uint32_t threads, uint32_t size, NtexContext* context, NtexModel* model,
                    NtexGenerator* generator) {
    NtexContextCreateInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    info.headerVersion = NTEX_HEADER_VERSION;
    info.threadCount = threads;
    ASSERT_EQ(ntexCreateContext(&info, context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexModelLoadInfo load{};
    load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    const std::string p = json.string();
    load.pPath = p.c_str();
    ASSERT_EQ(ntexLoadModel(*context, &load, model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexGeneratorCreateInfo create{};
    create.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    create.model = *model;
    create.width = size;
    create.height = size;
    ASSERT_EQ(ntexCreateGenerator(*context, &create, generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
}

OutputMap output_map(const char* name, MapSemantic semantic, std::vector<int> channels, float lo, float hi, int derived_from) {
    OutputMap m;
    m.name = name;
    m.semantic = semantic;
    m.channels = std::move(channels);
    m.range_min = lo;
    m.range_max = hi;
    m.derived_from = derived_from;
    return m;
}

nlohmann::json material_outputs() {
    using nlohmann::json;
    return json::array({
        {{"name", "albedo"}, {"semantics", "albedo"}, {"channels", {0, 1, 2}}, {"range", {0, 1}}, {"color_space", "srgb"}},
        {{"name", "normal"}, {"semantics", "normal"}, {"derived_from", "height"}, {"convention", "opengl"}, {"encoding", "n*0.5+0.5"},
         {"range", {0, 1}}, {"color_space", "linear"}},
        {{"name", "roughness"}, {"semantics", "roughness"}, {"channels", {4}}, {"range", {0, 1}}, {"color_space", "linear"}},
        {{"name", "height"}, {"semantics", "height"}, {"channels", {3}}, {"range", {0, 1}}, {"color_space", "linear"}},
    });
}

void add_directions(TinyModel& m, int count, int w_dim, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    nlohmann::json list = nlohmann::json::array();
    for (int i = 0; i < count; ++i) {
        std::vector<float> v(static_cast<std::size_t>(w_dim));
        double norm2 = 0.0;
        for (auto& x : v) {
            x = dist(rng);
            norm2 += static_cast<double>(x) * x;
        }
        for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm2));
        const std::string name = "directions." + std::to_string(i);
        m.tensors.push_back({name, {w_dim}, v});
        m.description["tensors"][name] = {{"shape", {w_dim}}, {"dtype", "F32"}};
        list.push_back({{"label", "direction " + std::to_string(i)}, {"tensor", name}, {"sigma", 1.7}});
    }
    m.description["directions"] = list;
}

TinyModel make_shipped_material_variant(uint32_t seed) {
    using nlohmann::json;
    TinyModel m;
    std::ifstream in(shipped_model_json());
    if (!in) throw std::runtime_error("cannot read " + shipped_model_json().string());
    m.description = json::parse(in);
    SafetensorsFile weights = SafetensorsFile::load(shipped_model_json().parent_path() / m.description["weights"].get<std::string>());
    // The last modconv (1x1, -> 3 channels) gets 5 output rows.
    json& ops = m.description["synthesis"]["ops"];
    std::size_t last = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        if (ops[i]["op"] == "modconv") last = i;
    }
    const std::string weight_name = ops[last]["weight"], bias_name = ops[last]["bias"];
    const int in_channels = ops[last]["in"];
    ops[last]["out"] = 5;
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    for (const SafetensorsTensor& t : weights.tensors()) {
        std::vector<float> v = weights.read_f32(t);
        std::vector<int64_t> shape = t.shape;
        if (t.name == weight_name || t.name == bias_name) {
            // Rows 3 and 4 (height, roughness): random, at the scale of the existing rows.
            const std::size_t row = t.name == weight_name ? static_cast<std::size_t>(in_channels) : 1;
            double mean_sq = 0.0;
            for (float x : v) mean_sq += static_cast<double>(x) * x;
            const float scale = static_cast<float>(std::sqrt(mean_sq / static_cast<double>(v.size())));
            for (std::size_t k = 0; k < 2 * row; ++k) v.push_back(scale * dist(rng));
            shape[0] = 5;
            m.description["tensors"][t.name]["shape"] = shape;
        }
        m.tensors.push_back({t.name, shape, v});
    }
    m.description["outputs"] = material_outputs();
    m.description["height_scale"] = 3.0;
    m.description["name"] = "albedo_v1_material_variant";
    add_directions(m, 3, m.description["latent"]["w_dim"].get<int>(), seed + 1);
    return m;
}

std::shared_ptr<const LoadedModel> load_in_memory(const TinyModel& model, const std::string& label) {
    nlohmann::json d = model.description;
    return LoadedModel::parse(d.dump(), label, serialize_safetensors(model.tensors));
}

uint32_t fresh_seed() {
    if (const char* s = std::getenv("NTEX_TEST_SEED")) return static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
    return std::random_device{}();
}

std::vector<float> generate_conditioned(TextureGenerator& gen, int category, const LayoutSpec* layout) {
    GeneratorParams p;
    p.seed = 3;
    p.category = category;
    p.layout = layout;
    gen.set_params(p);
    gen.generate();
    return std::vector<float>(gen.output(), gen.output() + static_cast<std::size_t>(gen.width()) * gen.height() * gen.output_channels());
}

double nmse(const float* a, const float* ref, std::size_t n) {
    double err = 0, norm = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(a[i]) - static_cast<double>(ref[i]);
        err += d * d;
        norm += static_cast<double>(ref[i]) * static_cast<double>(ref[i]);
    }
    return norm > 0 ? err / norm : err;
}

}  // namespace ntex::test
