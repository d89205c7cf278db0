// SPDX-License-Identifier: MIT
// Model JSON parser: every field is checked, every message names the file and the field.
#include "model/model_description.h"

#include "core/error.h"
#include "model/file_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <set>

namespace ntex {

namespace {

using nlohmann::json;

// A JSON value plus its path, so every error can say where it happened.
class Field {
public:
    Field(const json& value, std::string path, const std::string& file) : m_value(value), m_path(std::move(path)), m_file(file) {}

    [[noreturn]] void error(const std::string& what) const {
        fail(NTEX_ERROR_INVALID_MODEL, m_file, ": ", m_path.empty() ? "(root)" : m_path, ": ", what);
    }
    const json& value() const { return m_value; }
    const std::string& path() const { return m_path; }

    bool has(const char* key) const { return m_value.is_object() && m_value.contains(key); }
    Field at(const char* key) const {
        if (!m_value.is_object()) {
            error("expected an object");
        }
        if (!m_value.contains(key)) {
            Field(m_value, child(key), m_file).error("missing");
        }
        return Field(m_value[key], child(key), m_file);
    }
    Field item(std::size_t i) const { return Field(m_value[i], cat(m_path, "[", i, "]"), m_file); }

    const json& object() const {
        if (!m_value.is_object()) error("expected an object");
        return m_value;
    }
    const json& array() const {
        if (!m_value.is_array()) error("expected an array");
        return m_value;
    }
    std::string string() const {
        if (!m_value.is_string()) error("expected a string");
        return m_value.get<std::string>();
    }
    std::string nonempty_string() const {
        std::string s = string();
        if (s.empty()) error("must not be empty");
        return s;
    }
    bool boolean() const {
        if (!m_value.is_boolean()) error("expected true or false");
        return m_value.get<bool>();
    }
    double number() const {
        if (!m_value.is_number()) error("expected a number");
        return m_value.get<double>();
    }
    // A number stored as float: finite and representable (a double beyond FLT_MAX converted to float
    // is undefined behaviour; review robustness-2026-12 #12).
    float finite_float() const {
        const double v = number();
        if (!std::isfinite(v) || std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max())) {
            error(cat("must be a finite float, got ", v));
        }
        return static_cast<float>(v);
    }
    int64_t integer(int64_t min, int64_t max) const {
        if (!m_value.is_number_integer()) error("expected an integer");
        // nlohmann keeps integers above INT64_MAX unsigned; read as int64 they wrapped to "-1".
        if (m_value.is_number_unsigned() && m_value.get<uint64_t>() > static_cast<uint64_t>(max)) {
            error(cat("value ", m_value.get<uint64_t>(), " out of range [", min, ", ", max, "]"));
        }
        int64_t v = m_value.get<int64_t>();
        if (v < min || v > max) error(cat("value ", v, " out of range [", min, ", ", max, "]"));
        return v;
    }

private:
    std::string child(const char* key) const { return m_path.empty() ? std::string(key) : cat(m_path, ".", key); }

    const json& m_value;
    std::string m_path;
    const std::string& m_file;
};

constexpr int64_t kMaxChannels = 4096;

Activation parse_activation(const Field& f) {
    std::string s = f.string();
    if (s == "lrelu") return Activation::LRelu;
    if (s == "linear") return Activation::Linear;
    if (s == "tanh") return Activation::Tanh;
    f.error(cat("unknown activation '", s, "'"));
}

void parse_latent(const Field& latent, ModelDescription& d) {
    latent.object();
    d.z_dim = static_cast<int>(latent.at("z_dim").integer(1, 65536));
    d.w_dim = static_cast<int>(latent.at("w_dim").integer(1, 65536));
    d.noise_channels = static_cast<int>(latent.at("noise_channels").integer(1, kMaxChannels));
    d.cell_size = static_cast<int>(latent.at("cell_size").integer(1, 8192));
    if (latent.has("layout_channels")) {
        if (d.format_version < 2) latent.at("layout_channels").error("needs format_version 2");
        d.layout_channels = static_cast<int>(latent.at("layout_channels").integer(1, kMaxLayoutChannels));
    }
}

// "layout_prior": {"categories": {name: [[count, {pattern, columns, rows, period_width, period_height,
// offset, gap, bevel, jitter}], ...], ...}} (models/training/ntex_train/layout_prior.py writes it).
// Every category of the model appears once; every spec is a valid procedural pattern.
void parse_layout_prior(const Field& prior, ModelDescription& d) {
    prior.object();
    if (d.categories.empty()) prior.error("needs mapping.categories");
    if (d.layout_channels == 0) prior.error("needs latent.layout_channels");
    for (const auto& item : prior.object().items()) {
        if (item.key() != "categories") prior.at(item.key().c_str()).error("is not a layout prior field (categories)");
    }
    Field cats = prior.at("categories");
    cats.object();
    d.layout_prior.per_category.assign(d.categories.size(), {});
    std::vector<bool> seen(d.categories.size(), false);
    for (const auto& item : cats.object().items()) {
        const std::string& name = item.key();
        Field list = cats.at(name.c_str());
        const auto it = std::find(d.categories.begin(), d.categories.end(), name);
        if (it == d.categories.end()) list.error("is not one of mapping.categories");
        const auto c = static_cast<std::size_t>(it - d.categories.begin());
        seen[c] = true;
        list.array();
        if (list.value().size() > static_cast<std::size_t>(kMaxLayoutPriorEntries)) {
            list.error(cat("has ", list.value().size(), " entries; at most ", kMaxLayoutPriorEntries));
        }
        for (std::size_t i = 0; i < list.value().size(); ++i) {
            Field entry = list.item(i);
            entry.array();
            if (entry.value().size() != 2) entry.error("expected [count, spec]");
            LayoutPriorEntry e;
            e.count = static_cast<uint32_t>(entry.item(0).integer(1, kMaxLayoutPriorCount));
            Field spec = entry.item(1);
            spec.object();
            for (const auto& f : spec.object().items()) {
                static constexpr const char* kKeys[] = {"pattern", "columns", "rows", "period_width", "period_height",
                                                        "offset", "gap", "bevel", "jitter"};
                if (std::find_if(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return f.key() == k; }) == std::end(kKeys)) {
                    spec.at(f.key().c_str()).error("is not a layout prior spec field");
                }
            }
            const std::string pattern = spec.at("pattern").string();
            if (!parse_layout_pattern(pattern, &e.spec.pattern) || e.spec.pattern == LayoutPattern::Mask ||
                e.spec.pattern == LayoutPattern::Auto) {
                spec.at("pattern").error(cat("'", pattern, "' is not a procedural pattern (none, bricks, tiles, hexagons, planks, panels, voronoi, blobs)"));
            }
            if (e.spec.pattern != LayoutPattern::None) {
                e.spec.columns = static_cast<int>(spec.at("columns").integer(1, 64));
                e.spec.rows = static_cast<int>(spec.at("rows").integer(1, 64));
                e.spec.period_width = static_cast<int>(spec.at("period_width").integer(16, 8192));
                e.spec.period_height = static_cast<int>(spec.at("period_height").integer(16, 8192));
                e.spec.offset = spec.at("offset").finite_float();
                e.spec.gap = spec.at("gap").finite_float();
                e.spec.bevel = spec.at("bevel").finite_float();
                e.spec.jitter = spec.at("jitter").finite_float();
            }
            try {
                validate_layout(e.spec);
            } catch (const Error& err) {
                spec.error(err.what());
            }
            d.layout_prior.per_category[c].push_back(e);
        }
    }
    for (std::size_t c = 0; c < seen.size(); ++c) {
        if (!seen[c]) cats.error(cat("has no entry list for category '", d.categories[c], "'"));
    }
}

void parse_mapping(const Field& mapping, ModelDescription& d) {
    mapping.object();
    d.normalize_z = mapping.at("normalize_z").boolean();
    for (const char* key : {"categories", "embed_dim"}) {
        if (mapping.has(key) && !mapping.has("class_embed")) mapping.at(key).error("needs mapping.class_embed");
    }
    if (mapping.has("class_embed")) {
        if (d.format_version < 2) mapping.at("class_embed").error("needs format_version 2");
        d.class_embed = mapping.at("class_embed").nonempty_string();
        d.embed_dim = static_cast<int>(mapping.at("embed_dim").integer(1, 65536));
        Field cats = mapping.at("categories");
        cats.array();
        if (cats.value().empty() || cats.value().size() > kMaxCategories) {
            cats.error(cat("must name 1 to ", kMaxCategories, " categories, got ", cats.value().size()));
        }
        std::set<std::string> seen;
        for (std::size_t i = 0; i < cats.value().size(); ++i) {
            std::string name = cats.item(i).nonempty_string();
            if (name.size() >= 64) cats.item(i).error("longer than 63 characters");
            if (!seen.insert(name).second) cats.item(i).error(cat("duplicate category '", name, "'"));
            // "any" names the unconditional row in presets, the CLI and the demo.
            if (name == "any") cats.item(i).error("'any' is reserved (it means no category)");
            d.categories.push_back(name);
        }
    }
    Field layers = mapping.at("layers");
    layers.array();
    if (layers.value().empty()) layers.error("must have at least one layer");
    int prev = d.z_dim + d.embed_dim;   // the first layer reads [normalize(z), normalize(embed[c])]
    for (std::size_t i = 0; i < layers.value().size(); ++i) {
        Field l = layers.item(i);
        l.object();
        MappingLayer layer;
        layer.weight = l.at("weight").nonempty_string();
        layer.bias = l.at("bias").nonempty_string();
        layer.in = static_cast<int>(l.at("in").integer(1, 65536));
        layer.out = static_cast<int>(l.at("out").integer(1, 65536));
        layer.activation = parse_activation(l.at("activation"));
        if (layer.in != prev) {
            l.at("in").error(cat("is ", layer.in, " but the previous layer (or z_dim + embed_dim) gives ", prev));
        }
        prev = layer.out;
        d.mapping_layers.push_back(layer);
    }
    if (prev != d.w_dim) {
        layers.error(cat("the last layer gives ", prev, " values but latent.w_dim is ", d.w_dim));
    }
    d.w_avg = mapping.at("w_avg").nonempty_string();
}

void parse_ops(const Field& ops, ModelDescription& d) {
    ops.array();
    if (ops.value().empty()) {
        ops.error("must not be empty");
    }
    if (ops.value().size() > kMaxOps) {
        ops.error(cat("has ", ops.value().size(), " ops; at most ", kMaxOps));
    }
    int channels = 0;
    int scale = 1;
    bool seen_output = false;
    for (std::size_t i = 0; i < ops.value().size(); ++i) {
        Field f = ops.item(i);
        f.object();
        SynthesisOp op;
        std::string kind = f.at("op").string();
        if (seen_output) {
            f.at("op").error("no op may follow 'output'");
        }
        if (kind == "noise_input") {
            if (i != 0) f.at("op").error("'noise_input' must be the first op");
            op.kind = OpKind::NoiseInput;
            op.channels = static_cast<int>(f.at("channels").integer(1, kMaxChannels));
            if (op.channels != d.noise_channels) {
                f.at("channels").error(cat("is ", op.channels, " but latent.noise_channels is ", d.noise_channels));
            }
            channels = op.channels;
        } else if (i == 0) {
            f.at("op").error(cat("the first op must be 'noise_input', not '", kind, "'"));
        } else if (kind == "upsample") {
            op.kind = OpKind::Upsample;
            op.factor = static_cast<int>(f.at("factor").integer(2, 2));
            std::string mode = f.at("mode").string();
            if (mode != "bilinear") f.at("mode").error(cat("unknown mode '", mode, "' (only 'bilinear')"));
            // Checked before multiplying: 32 upsamples would overflow int (review robustness-2026-12 #11).
            if (scale > d.cell_size / op.factor) {
                f.at("op").error(cat("one upsample too many: the factors would exceed latent.cell_size ", d.cell_size));
            }
            scale *= op.factor;
        } else if (kind == "modconv") {
            op.kind = OpKind::ModConv;
            op.in = static_cast<int>(f.at("in").integer(1, kMaxChannels));
            op.out = static_cast<int>(f.at("out").integer(1, kMaxChannels));
            op.kernel = static_cast<int>(f.at("kernel").integer(1, 15));
            if (op.kernel % 2 == 0) f.at("kernel").error(cat("must be odd, got ", op.kernel));
            op.demodulate = f.at("demodulate").boolean();
            op.activation = parse_activation(f.at("activation"));
            op.noise = f.at("noise").boolean();
            op.weight = f.at("weight").nonempty_string();
            op.bias = f.at("bias").nonempty_string();
            op.affine_weight = f.at("affine_weight").nonempty_string();
            op.affine_bias = f.at("affine_bias").nonempty_string();
            if (op.noise) {
                op.noise_strength = f.at("noise_strength").nonempty_string();
            } else if (f.has("noise_strength") && !f.at("noise_strength").value().is_null()) {
                f.at("noise_strength").string();
            }
            if (f.has("layout_gain")) {
                if (d.layout_channels == 0) f.at("layout_gain").error("the model has no latent.layout_channels");
                op.layout_gain = f.at("layout_gain").nonempty_string();
            }
            if (op.in != channels) {
                f.at("in").error(cat("is ", op.in, " but the previous op produces ", channels, " channels"));
            }
            channels = op.out;
        } else if (kind == "output") {
            op.kind = OpKind::Output;
            op.scale = f.at("scale").finite_float();
            op.shift = f.at("shift").finite_float();
            seen_output = true;
        } else {
            f.at("op").error(cat("unknown op '", kind, "'"));
        }
        d.ops.push_back(op);
    }
    if (scale != d.cell_size) {
        ops.error(cat("the upsample factors multiply to ", scale, " but latent.cell_size is ", d.cell_size));
    }
    // The noise grid is the network's input, not an image: without a modconv or an upsample there
    // is nothing to output (`info` used to accept [noise_input, output] and only generation failed).
    bool computes = false;
    for (const SynthesisOp& op : d.ops) computes = computes || op.kind == OpKind::ModConv || op.kind == OpKind::Upsample;
    if (!computes) ops.error("needs a 'modconv' or an 'upsample' after 'noise_input' (the noise grid alone is not an image)");
    d.final_channels = channels;
}

MapSemantic parse_semantic(const std::string& s) {
    if (s == "albedo" || s == "rgb") return MapSemantic::Albedo;  // "rgb": format v1's name (albedo_v1)
    if (s == "normal") return MapSemantic::Normal;
    if (s == "roughness") return MapSemantic::Roughness;
    if (s == "height") return MapSemantic::Height;
    return MapSemantic::Other;
}

void parse_outputs(const Field& outputs, ModelDescription& d) {
    outputs.array();
    if (outputs.value().empty()) outputs.error("must name at least one map");
    if (outputs.value().size() > kMaxMaps) outputs.error("at most 8 maps are supported");
    std::set<std::string> names;
    std::vector<std::string> derived_names(outputs.value().size());
    for (std::size_t i = 0; i < outputs.value().size(); ++i) {
        Field f = outputs.item(i);
        f.object();
        OutputMap m;
        m.name = f.at("name").nonempty_string();
        if (m.name.size() >= 64) f.at("name").error("longer than 63 characters");
        if (!names.insert(m.name).second) f.at("name").error(cat("duplicate map name '", m.name, "'"));
        m.semantics = f.at("semantics").nonempty_string();
        m.semantic = parse_semantic(m.semantics);
        if (f.has("derived_from")) {
            // A derived normal map: computed by the runtime from a height map, no network channels.
            derived_names[i] = f.at("derived_from").nonempty_string();
            if (m.semantic != MapSemantic::Normal) f.at("semantics").error(cat("is '", m.semantics, "' but only 'normal' maps can be derived"));
            if (f.has("channels")) f.at("channels").error("a derived map has no channels");
            std::string convention = f.at("convention").string();
            if (convention != "opengl") f.at("convention").error(cat("unknown convention '", convention, "' (only 'opengl')"));
            std::string encoding = f.at("encoding").string();
            if (encoding != "n*0.5+0.5") f.at("encoding").error(cat("unknown encoding '", encoding, "' (only 'n*0.5+0.5')"));
        } else {
            Field ch = f.at("channels");
            ch.array();
            if (ch.value().empty() || ch.value().size() > 4) ch.error("must list 1 to 4 channels");
            for (std::size_t c = 0; c < ch.value().size(); ++c) {
                m.channels.push_back(static_cast<int>(ch.item(c).integer(0, d.final_channels - 1)));
            }
            if (m.semantic == MapSemantic::Height && m.channels.size() != 1) ch.error("a height map has exactly 1 channel");
            if (m.semantic == MapSemantic::Roughness && m.channels.size() != 1) ch.error("a roughness map has exactly 1 channel");
            if ((m.semantic == MapSemantic::Albedo || m.semantic == MapSemantic::Normal) && m.channels.size() != 3) {
                ch.error(cat("an ", m.semantics, " map has exactly 3 channels"));
            }
        }
        Field range = f.at("range");
        range.array();
        if (range.value().size() != 2) range.error("expected [min, max]");
        m.range_min = range.item(0).finite_float();
        m.range_max = range.item(1).finite_float();
        if (!(m.range_min < m.range_max) || !std::isfinite(m.range_min) || !std::isfinite(m.range_max)) {
            range.error("min must be below max (both finite)");
        }
        m.color_space = f.at("color_space").nonempty_string();
        if (m.color_space != "srgb" && m.color_space != "linear") {
            f.at("color_space").error(cat("unknown color space '", m.color_space, "' (srgb or linear)"));
        }
        d.outputs.push_back(m);
    }
    for (std::size_t i = 0; i < d.outputs.size(); ++i) {
        if (derived_names[i].empty()) continue;
        Field f = outputs.item(i).at("derived_from");
        for (std::size_t j = 0; j < d.outputs.size(); ++j) {
            if (d.outputs[j].name == derived_names[i]) d.outputs[i].derived_from = static_cast<int>(j);
        }
        const int source = d.outputs[i].derived_from;
        if (source < 0) f.error(cat("names no map ('", derived_names[i], "')"));
        if (d.outputs[static_cast<std::size_t>(source)].semantic != MapSemantic::Height) {
            f.error(cat("map '", derived_names[i], "' is not a height map (semantics 'height')"));
        }
    }
}

void parse_height_scale(const Field& root, ModelDescription& d) {
    bool derives = false;
    for (const OutputMap& m : d.outputs) derives = derives || m.derived_from >= 0;
    if (!root.has("height_scale")) {
        if (derives) root.at("height_scale");  // "missing": a derived normal needs it
        return;
    }
    Field f = root.at("height_scale");
    const double v = f.number();
    // Checked as the float it is stored as: 1e-300 passed "> 0" as a double and became 0.
    if (!std::isfinite(v) || !(static_cast<float>(v) > 0.0f) || v > 1e6) f.error(cat("must be finite and in (0, 1e6] as a float, got ", v));
    d.height_scale = static_cast<float>(v);
}

void parse_directions(const Field& directions, ModelDescription& d) {
    directions.array();
    if (directions.value().size() > kMaxDirections) {
        directions.error(cat("at most ", kMaxDirections, " directions are supported, got ", directions.value().size()));
    }
    for (std::size_t i = 0; i < directions.value().size(); ++i) {
        Field f = directions.item(i);
        f.object();
        LatentDirection dir;
        dir.label = f.at("label").nonempty_string();
        if (dir.label.size() >= 64) f.at("label").error("longer than 63 characters");
        dir.tensor = f.at("tensor").nonempty_string();
        const double sigma = f.at("sigma").number();
        if (!std::isfinite(sigma) || !(static_cast<float>(sigma) > 0.0f) || sigma > 1e6) {
            f.at("sigma").error(cat("must be finite and in (0, 1e6] as a float, got ", sigma));
        }
        // Presets match directions by label: two with one label would merge (review #13).
        for (const LatentDirection& other : d.directions) {
            if (other.label == dir.label) f.at("label").error(cat("'", dir.label, "' is used by another direction"));
        }
        dir.sigma = static_cast<float>(sigma);
        d.directions.push_back(dir);
    }
}

void parse_tensors(const Field& tensors, ModelDescription& d) {
    tensors.object();
    for (auto it = tensors.value().begin(); it != tensors.value().end(); ++it) {
        Field t(it.value(), cat(tensors.path(), ".", it.key()), d.file);
        t.object();
        std::string dtype = t.at("dtype").string();
        if (dtype != "F32") t.at("dtype").error(cat("unsupported dtype '", dtype, "' (only F32)"));
        Field shape = t.at("shape");
        shape.array();
        std::vector<int64_t> dims;
        for (std::size_t i = 0; i < shape.value().size(); ++i) {
            dims.push_back(shape.item(i).integer(1, 1 << 24));
        }
        d.tensors[it.key()] = dims;
    }
}

// Every tensor an op names must be declared in "tensors" with the shape the op implies.
void check_tensor_shapes(const ModelDescription& d, const Field& root) {
    auto expect = [&](const std::string& name, std::vector<int64_t> shape, const std::string& field) {
        auto it = d.tensors.find(name);
        if (it == d.tensors.end()) {
            Field(root.value(), field, d.file).error(cat("tensor '", name, "' is not declared in 'tensors'"));
        }
        if (it->second != shape) {
            std::string want = "[", got = "[";
            for (auto v : shape) want += cat(want.size() > 1 ? ", " : "", v);
            for (auto v : it->second) got += cat(got.size() > 1 ? ", " : "", v);
            Field(root.value(), cat("tensors.", name, ".shape"), d.file)
                .error(cat("is ", got, "] but ", field, " needs ", want, "]"));
        }
    };
    for (std::size_t i = 0; i < d.mapping_layers.size(); ++i) {
        const auto& l = d.mapping_layers[i];
        std::string p = cat("mapping.layers[", i, "]");
        expect(l.weight, {l.out, l.in}, p + ".weight");
        expect(l.bias, {l.out}, p + ".bias");
    }
    if (d.categories.empty()) {
        expect(d.w_avg, {d.w_dim}, "mapping.w_avg");
    } else {
        const int64_t rows = static_cast<int64_t>(d.categories.size()) + 1;
        expect(d.w_avg, {rows, d.w_dim}, "mapping.w_avg");
        expect(d.class_embed, {rows, d.embed_dim}, "mapping.class_embed");
    }
    for (std::size_t i = 0; i < d.ops.size(); ++i) {
        const auto& op = d.ops[i];
        if (op.kind != OpKind::ModConv) continue;
        std::string p = cat("synthesis.ops[", i, "]");
        expect(op.weight, {op.out, op.in, op.kernel, op.kernel}, p + ".weight");
        expect(op.bias, {op.out}, p + ".bias");
        expect(op.affine_weight, {op.in, d.w_dim}, p + ".affine_weight");
        expect(op.affine_bias, {op.in}, p + ".affine_bias");
        if (op.noise) expect(op.noise_strength, {1}, p + ".noise_strength");
        if (!op.layout_gain.empty()) expect(op.layout_gain, {op.out, d.layout_channels}, p + ".layout_gain");
    }
    for (std::size_t i = 0; i < d.directions.size(); ++i) {
        expect(d.directions[i].tensor, {d.w_dim}, cat("directions[", i, "].tensor"));
    }
}

}  // namespace

const char* activation_name(Activation a) noexcept {
    switch (a) {
        case Activation::Linear: return "linear";
        case Activation::LRelu: return "lrelu";
        case Activation::Tanh: return "tanh";
    }
    return "?";
}

ModelDescription parse_model_description(const json& root_json, const std::string& file) {
    ModelDescription d;
    d.file = file;
    Field root(root_json, "", d.file);
    root.object();
    std::string format = root.at("format").string();
    if (format != "ntex-model") root.at("format").error(cat("is '", format, "', expected 'ntex-model'"));
    d.format_version = static_cast<int>(root.at("format_version").integer(1, 2));
    d.name = root.at("name").nonempty_string();
    // Descriptive keys: checked for type when present; they do not change the math.
    if (root.has("version")) {
        const json& v = root.at("version").value();
        if (v.is_string()) d.version = v.get<std::string>();
        else if (v.is_number_integer()) d.version = std::to_string(v.get<int64_t>());
        else root.at("version").error("expected a string or an integer");
    }
    if (root.has("description")) d.description = root.at("description").string();
    parse_latent(root.at("latent"), d);
    parse_mapping(root.at("mapping"), d);
    Field synthesis = root.at("synthesis");
    synthesis.object();
    parse_ops(synthesis.at("ops"), d);
    parse_outputs(root.at("outputs"), d);
    parse_height_scale(root, d);
    if (root.has("directions")) parse_directions(root.at("directions"), d);
    if (root.has("layout_prior")) parse_layout_prior(root.at("layout_prior"), d);
    d.weights = root.at("weights").nonempty_string();
    if (d.weights.find('/') != std::string::npos || d.weights.find('\\') != std::string::npos) {
        root.at("weights").error("must be a file name beside the JSON, not a path");
    }
    parse_tensors(root.at("tensors"), d);
    if (root.has("parameters")) d.parameters = static_cast<uint64_t>(root.at("parameters").integer(0, INT64_MAX));
    if (root.has("flops_per_megapixel")) d.flops_per_megapixel = root.at("flops_per_megapixel").number();
    if (root.has("training")) root.at("training").object();
    check_tensor_shapes(d, root);
    return d;
}

ModelDescription parse_model_description_text(std::string_view text, const std::string& file) {
    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
        fail(NTEX_ERROR_INVALID_MODEL, file, ": not valid JSON: ", e.what());
    }
    return parse_model_description(root, file);
}

ModelDescription load_model_description(const std::filesystem::path& path) {
    return parse_model_description_text(read_file_text(path), path.filename().string());
}

}  // namespace ntex
