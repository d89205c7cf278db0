// SPDX-License-Identifier: MIT
// Golden fixture reader and runner.
#include "model/golden_fixture.h"

#include "core/error.h"
#include "runtime/texture_generator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

namespace ntex {

namespace {

double read_scalar(const SafetensorsFile& f, const SafetensorsTensor& t) {
    if (t.element_count() != 1) {
        fail(NTEX_ERROR_INVALID_MODEL, f.label(), ": tensor '", t.name, "' must hold one value");
    }
    const uint8_t* p = f.data(t);
    auto load = [&](auto v) {
        std::memcpy(&v, p, sizeof v);
        return static_cast<double>(v);
    };
    if (t.dtype == "F32") return load(float{});
    if (t.dtype == "F64") return load(double{});
    if (t.dtype == "I64") return load(int64_t{});
    if (t.dtype == "U64") return load(uint64_t{});
    if (t.dtype == "I32") return load(int32_t{});
    if (t.dtype == "U32") return load(uint32_t{});
    fail(NTEX_ERROR_INVALID_MODEL, f.label(), ": tensor '", t.name, "': unsupported scalar dtype ", t.dtype);
}

// A per-case value from a tensor "<case><sep><key>" or the metadata; nullopt-like flag.
bool find_value(const SafetensorsFile& f, const std::string& prefix, const std::string& key, double& out) {
    for (const char* sep : {".", "/"}) {
        std::string name = prefix + sep + key;
        if (const SafetensorsTensor* t = f.find(name)) {
            out = read_scalar(f, *t);
            return true;
        }
        auto it = f.metadata().find(name);
        if (it != f.metadata().end()) {
            try {
                out = std::stod(it->second);
            } catch (const std::exception&) {
                fail(NTEX_ERROR_INVALID_MODEL, f.label(), ": __metadata__ ", name, ": not a number: '", it->second, "'");
            }
            return true;
        }
    }
    return false;
}

const SafetensorsTensor* find_tensor(const SafetensorsFile& f, const std::string& prefix, const std::string& key) {
    if (const SafetensorsTensor* t = f.find(prefix + "." + key)) return t;
    return f.find(prefix + "/" + key);
}

}  // namespace

std::vector<GoldenCase> load_golden_cases(const SafetensorsFile& fixture) {
    std::vector<GoldenCase> cases;
    for (const SafetensorsTensor& t : fixture.tensors()) {
        std::size_t sep = t.name.find_last_of("./");
        if (sep == std::string::npos || t.name.substr(sep + 1) != "output") continue;
        GoldenCase c;
        c.name = t.name.substr(0, sep);
        std::vector<int64_t> shape = t.shape;
        if (shape.size() == 4 && shape[0] == 1) shape.erase(shape.begin());
        if (shape.size() != 3) {
            fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": tensor '", t.name, "': expected [C, H, W] or [1, C, H, W]");
        }
        c.channels = static_cast<int>(shape[0]);
        c.height = static_cast<int>(shape[1]);
        c.width = static_cast<int>(shape[2]);
        c.expected = fixture.read_f32(t);
        double v = 0.0;
        if (!find_value(fixture, c.name, "seed", v)) {
            fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": case '", c.name, "' has no seed");
        }
        if (!(v >= 0.0 && v <= 4294967295.0) || v != std::floor(v)) {
            fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": case '", c.name, "': seed ", v, " is not an integer in 0..4294967295");
        }
        c.seed = static_cast<uint32_t>(v);
        if (find_value(fixture, c.name, "psi", v)) {
            // The generator's own limit (a double outside float's range would also be undefined to convert).
            if (!std::isfinite(v) || std::fabs(v) > NTEX_MAX_ABS_TRUNCATION_PSI) {
                fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": case '", c.name, "': psi ", v, " is not a finite number in -",
                     NTEX_MAX_ABS_TRUNCATION_PSI, "..", NTEX_MAX_ABS_TRUNCATION_PSI);
            }
            c.psi = static_cast<float>(v);
        }
        if (find_value(fixture, c.name, "category", v)) {
            if (!(v >= -1.0 && v <= 1024.0) || v != std::floor(v)) {
                fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": case '", c.name, "': category ", v, " is not an integer in -1..1024");
            }
            c.category = static_cast<int>(v);
        }
        if (auto it = fixture.metadata().find(c.name + ".layout"); it != fixture.metadata().end()) {
            const nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
            LayoutPattern pattern = LayoutPattern::None;
            if (!j.is_object() || !j.contains("pattern") || !j["pattern"].is_string() ||
                !parse_layout_pattern(j["pattern"].get<std::string>(), &pattern)) {
                fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": __metadata__ ", c.name, ".layout: not a layout object with a known pattern");
            }
            for (auto it2 = j.begin(); it2 != j.end(); ++it2) {
                static const char* const kKeys[] = {"pattern", "columns", "rows", "offset", "gap", "bevel", "jitter", "seed"};
                if (std::find(std::begin(kKeys), std::end(kKeys), it2.key()) == std::end(kKeys)) {
                    fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": __metadata__ ", c.name, ".layout: unknown key '", it2.key(), "'");
                }
            }
            // Integers where the spec has ints (no silent truncation); the ranges are checked by
            // validate_layout when the case runs, with the case named.
            auto num = [&](const char* key, double fallback, bool integer) {
                if (!j.contains(key)) return fallback;
                if (!j[key].is_number()) fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": __metadata__ ", c.name, ".layout.", key, ": not a number");
                const double value = j[key].get<double>();
                if (!(std::fabs(value) <= 1e9) || (integer && (value != std::floor(value) || value < 0.0))) {
                    fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": __metadata__ ", c.name, ".layout.", key, ": ", value,
                         integer ? " is not a non-negative integer up to 1e9" : " is out of range");
                }
                return value;
            };
            c.has_layout = true;
            c.layout.pattern = pattern;
            c.layout.columns = static_cast<int>(num("columns", c.layout.columns, true));
            c.layout.rows = static_cast<int>(num("rows", c.layout.rows, true));
            c.layout.offset = static_cast<float>(num("offset", c.layout.offset, false));
            c.layout.gap = static_cast<float>(num("gap", c.layout.gap, false));
            c.layout.bevel = static_cast<float>(num("bevel", c.layout.bevel, false));
            c.layout.jitter = static_cast<float>(num("jitter", c.layout.jitter, false));
            c.layout.seed = static_cast<uint32_t>(num("seed", 0, true));
            c.layout.period_width = 0;
            c.layout.period_height = 0;
        }
        if (const SafetensorsTensor* z = find_tensor(fixture, c.name, "z")) c.z = fixture.read_f32(*z);
        if (const SafetensorsTensor* w = find_tensor(fixture, c.name, "w")) c.w = fixture.read_f32(*w);
        cases.push_back(std::move(c));
    }
    if (cases.empty()) {
        fail(NTEX_ERROR_INVALID_MODEL, fixture.label(), ": no cases (no tensor named '<case>.output')");
    }
    std::sort(cases.begin(), cases.end(), [](const GoldenCase& a, const GoldenCase& b) { return a.name < b.name; });
    return cases;
}

std::vector<GoldenResult> run_golden_cases(const std::shared_ptr<const LoadedModel>& model, const std::vector<GoldenCase>& cases,
                                           int threads) {
    std::vector<GoldenResult> results;
    const ModelDescription& d = model->description();
    for (const GoldenCase& c : cases) {
        if (!c.z.empty() && c.z.size() != static_cast<std::size_t>(d.z_dim)) {
            fail(NTEX_ERROR_INVALID_MODEL, "golden case '", c.name, "': z has ", c.z.size(), " values, the model's z_dim is ", d.z_dim);
        }
        GeneratorSettings settings;
        settings.threads = threads;
        TextureGenerator gen(model, c.width, c.height, settings);
        if (c.has_layout) {
            try {
                validate_layout(gen.resolve_layout(&c.layout, c.category));
            } catch (const Error& e) {
                fail(NTEX_ERROR_INVALID_MODEL, "golden case '", c.name, "': ", e.what());
            }
        }
        GeneratorParams params;
        params.seed = c.seed;
        params.z = c.z.empty() ? nullptr : c.z.data();
        params.psi = c.psi;
        params.category = c.category;
        params.layout = c.has_layout ? &c.layout : nullptr;
        gen.set_params(params);
        gen.generate();
        const int channels = gen.output_channels();
        if (c.channels != channels) {
            fail(NTEX_ERROR_INVALID_MODEL, "golden case '", c.name, "': ", c.channels, " channels, the model produces ", channels);
        }
        GoldenResult r;
        r.name = c.name;
        r.width = c.width;
        r.height = c.height;
        const float* out = gen.output();
        const std::size_t hw = static_cast<std::size_t>(c.width) * static_cast<std::size_t>(c.height);
        double max_err = 0.0;
        for (std::size_t p = 0; p < hw; ++p) {
            for (int ch = 0; ch < channels; ++ch) {
                double e = std::fabs(static_cast<double>(out[p * static_cast<std::size_t>(channels) + static_cast<std::size_t>(ch)]) -
                                     static_cast<double>(c.expected[static_cast<std::size_t>(ch) * hw + p]));
                if (!(e <= max_err)) max_err = e;  // NaN propagates as a failure
            }
        }
        r.max_abs_error = max_err;
        if (!c.w.empty()) {
            const std::vector<float>& w = gen.style();
            double we = c.w.size() == w.size() ? 0.0 : INFINITY;
            for (std::size_t k = 0; k < std::min(w.size(), c.w.size()); ++k) {
                we = std::max(we, std::fabs(static_cast<double>(w[k]) - static_cast<double>(c.w[k])));
            }
            r.w_max_abs_error = we;
        }
        results.push_back(r);
    }
    return results;
}

}  // namespace ntex
