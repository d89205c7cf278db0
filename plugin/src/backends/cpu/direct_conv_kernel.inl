// SPDX-License-Identifier: MIT
// The register-blocked direct-convolution row kernel (direct_conv.h), written once over a vector
// traits type `V` that the including file defines (AVX-512 or AVX2) before including this file,
// inside its own namespace, with kNVMax (output-channel vectors per block) and kNPMax(nv)
// (pixels per block for nv vectors: the accumulators plus the weight vectors and one broadcast
// must fit the register file).
//
// Everything here has internal linkage and uses no standard-library templates: this file is
// compiled with ISA flags (-mavx512f / -mavx2 -mfma), and an inline function emitted here as a
// weak symbol could be picked by the linker for code that runs on any CPU.

namespace {

using BlockFn = void (*)(const ntex::cpu::ConvRowArgs&, const float*, const float*, const float*, float*, const float*,
                         const float*, int);

inline int imin(int a, int b) { return a < b ? a : b; }

// tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|). The exponential is Cephes' expf (Moshier,
// "Methods and Programs for Mathematical Functions", 1989: Cody-Waite reduction by ln 2, degree-6
// polynomial), about 2 ulp; the quotient keeps the absolute error near 1e-7. -2|x| is clamped at
// -87 so 2^n stays a normal float.
inline typename V::T vector_tanh(typename V::T x) {
    typename V::T y = V::max(V::mul(V::abs(x), V::set1(-2.0f)), V::set1(-87.0f));
    const typename V::T n = V::round_nearest(V::mul(y, V::set1(1.44269504088896341f)));
    y = V::fnmadd(n, V::set1(0.693359375f), y);
    y = V::fnmadd(n, V::set1(-2.12194440e-4f), y);
    typename V::T p = V::set1(1.9875691500e-4f);
    p = V::fmadd(p, y, V::set1(1.3981999507e-3f));
    p = V::fmadd(p, y, V::set1(8.3334519073e-3f));
    p = V::fmadd(p, y, V::set1(4.1665795894e-2f));
    p = V::fmadd(p, y, V::set1(1.6666665459e-1f));
    p = V::fmadd(p, y, V::set1(5.0000001201e-1f));
    const typename V::T one = V::set1(1.0f);
    const typename V::T e = V::scale_pow2(V::fmadd(p, V::mul(y, y), V::add(y, one)), n);
    return V::copy_sign(V::div(V::sub(one, e), V::add(one, e)), x);
}

// One block: NP output pixels starting at `src` (the padded input at the block's first output
// pixel, top-left tap) x NV vectors of output channels. CIN > 0: the input channel count known at
// compile time (pixel offsets become immediate displacements); 0: a.in at run time.
// `valid_last`: channels of the last vector that exist (L when all).
// `layout`: the block's first pixel in the layout level (K floats per pixel), or null.
template <int NV, int NP, int CIN>
void block(const ntex::cpu::ConvRowArgs& a, const float* src, const float* weights, const float* bias, float* dst,
           const float* noise, const float* layout, int valid_last) {
    constexpr int L = V::kLanes;
    const int cin = CIN > 0 ? CIN : a.in;
    const int k = a.kernel;
    typename V::T acc[NP][NV];
#pragma GCC unroll 32
    for (int p = 0; p < NP; ++p) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[p][v] = V::zero();
    }
    for (int kh = 0; kh < k; ++kh) {
        const float* s_row = src + static_cast<std::size_t>(kh) * a.src_row_floats;
        for (int kw = 0; kw < k; ++kw) {
            const float* s = s_row + kw * cin;
            const float* wp = weights + static_cast<std::size_t>(kh * k + kw) * static_cast<std::size_t>(cin) * (NV * L);
            for (int ci = 0; ci < cin; ++ci) {
                typename V::T wv[NV];
#pragma GCC unroll 4
                for (int v = 0; v < NV; ++v) wv[v] = V::load_aligned(wp + ci * (NV * L) + v * L);
#pragma GCC unroll 32
                for (int p = 0; p < NP; ++p) {
                    const typename V::T b = V::set1(s[p * cin + ci]);
#pragma GCC unroll 4
                    for (int v = 0; v < NV; ++v) acc[p][v] = V::fmadd(b, wv[v], acc[p][v]);
                }
            }
        }
    }

    // Epilogue: bias, noise, layout, activation, output op; one store per vector.
    const ntex::cpu::ConvEpilogue& e = a.epilogue;
    typename V::T bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = V::load_aligned(bias + v * L);
    if (layout) {
        // Layout injection: a 1x1 term over K (1..8) layout channels, added like a second bias
        // that varies per pixel. The gains sit in rows of padded_out() floats, aligned with the bias.
        const int kc = e.layout_channels;
        const float* gain = e.layout_gain + (bias - a.bias);
        const std::size_t gain_row = static_cast<std::size_t>(a.blocks) * static_cast<std::size_t>(kNVMax * L);
        for (int kk = 0; kk < kc; ++kk) {
            typename V::T gv[NV];
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) gv[v] = V::load_aligned(gain + static_cast<std::size_t>(kk) * gain_row + v * L);
#pragma GCC unroll 32
            for (int p = 0; p < NP; ++p) {
                const typename V::T lv = V::set1(layout[p * kc + kk]);
#pragma GCC unroll 4
                for (int v = 0; v < NV; ++v) acc[p][v] = V::fmadd(lv, gv[v], acc[p][v]);
            }
        }
    }
    const typename V::T slope = V::set1(ntex::kLReluSlope);
    const typename V::T scale = V::set1(e.scale), shift = V::set1(e.shift), zero = V::zero(), one = V::set1(1.0f);
#pragma GCC unroll 32
    for (int p = 0; p < NP; ++p) {
        const typename V::T nz = noise ? V::set1(e.noise_strength * noise[p]) : zero;
        float* out = dst + static_cast<std::size_t>(p) * static_cast<std::size_t>(a.out);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
            typename V::T x = V::add(V::add(acc[p][v], bv[v]), nz);
            if (e.activation == ntex::Activation::LRelu) x = V::max(x, V::mul(x, slope));
            if (e.activation == ntex::Activation::Tanh) x = vector_tanh(x);
            if (e.output_op) x = V::min(V::max(V::fmadd(x, scale, shift), zero), one);
            if (v == NV - 1 && valid_last < L) V::store_n(out + v * L, x, valid_last);
            else V::store(out + v * L, x);
        }
    }
}

// Function tables: [np] -> block<NV, np, 0> for the row's tail (and for channel counts without a
// specialisation), and the full-width blocks per specialised input channel count.
template <int NV, typename Seq>
struct TailTable;
template <int NV, int... P>
struct TailTable<NV, std::integer_sequence<int, P...>> {
    static constexpr BlockFn fns[] = {&block<NV, P + 1, 0>...};
};

template <int NV>
BlockFn full_block(int cin) {
    constexpr int NP = kNPMax(NV);
    switch (cin) {
        case 16: return &block<NV, NP, 16>;
        case 32: return &block<NV, NP, 32>;
        case 48: return &block<NV, NP, 48>;
        case 64: return &block<NV, NP, 64>;
        default: return &block<NV, NP, 0>;
    }
}

template <int NV>
void row_blocks(const ntex::cpu::ConvRowArgs& a, const float* src_row, const float* weights, const float* bias, float* dst_row,
                const float* noise_row, const float* layout_row, int valid_last) {
    constexpr int NP = kNPMax(NV);
    const BlockFn full = full_block<NV>(a.in);
    const std::size_t kc = static_cast<std::size_t>(a.epilogue.layout_channels);
    int x = 0;
    for (; x + NP <= a.width; x += NP) {
        full(a, src_row + static_cast<std::size_t>(x) * static_cast<std::size_t>(a.in), weights, bias,
             dst_row + static_cast<std::size_t>(x) * static_cast<std::size_t>(a.out), noise_row ? noise_row + x : nullptr,
             layout_row ? layout_row + static_cast<std::size_t>(x) * kc : nullptr, valid_last);
    }
    if (x < a.width) {
        TailTable<NV, std::make_integer_sequence<int, NP>>::fns[a.width - x - 1](
            a, src_row + static_cast<std::size_t>(x) * static_cast<std::size_t>(a.in), weights, bias,
            dst_row + static_cast<std::size_t>(x) * static_cast<std::size_t>(a.out), noise_row ? noise_row + x : nullptr,
            layout_row ? layout_row + static_cast<std::size_t>(x) * kc : nullptr, valid_last);
    }
}

void conv_row_impl(const ntex::cpu::ConvRowArgs& a, int y) {
    constexpr int L = V::kLanes;
    const float* src_row = a.src + static_cast<std::size_t>(y) * a.src_row_floats;
    float* dst_row = a.dst + static_cast<std::size_t>(y + a.dst_halo) * a.dst_row_floats + static_cast<std::size_t>(a.dst_halo) * static_cast<std::size_t>(a.out);
    const float* noise_row = a.epilogue.noise ? a.epilogue.noise + static_cast<std::size_t>(y) * static_cast<std::size_t>(a.width) : nullptr;
    const float* layout_row = a.epilogue.layout ? a.epilogue.layout + static_cast<std::size_t>(y) * static_cast<std::size_t>(a.width) *
                                                                          static_cast<std::size_t>(a.epilogue.layout_channels)
                                                : nullptr;
    const std::size_t block_floats = static_cast<std::size_t>(a.kernel * a.kernel) * static_cast<std::size_t>(a.in) * (kNVMax * L);
    for (int b = 0; b < a.blocks; ++b) {
        const int c0 = b * kNVMax * L;
        const int remaining = a.out - c0;
        const int nv = imin(kNVMax, (remaining + L - 1) / L);
        const int valid_last = remaining - (nv - 1) * L < L ? remaining - (nv - 1) * L : L;
        const float* w = a.weights + static_cast<std::size_t>(b) * block_floats;
        const float* bias = a.bias + c0;
        float* d = dst_row + c0;
        switch (nv) {
            case 1: row_blocks<1>(a, src_row, w, bias, d, noise_row, layout_row, valid_last); break;
            case 2: row_blocks<2>(a, src_row, w, bias, d, noise_row, layout_row, valid_last); break;
#if NTEX_KERNEL_NV_MAX > 2
            case 3: row_blocks<3>(a, src_row, w, bias, d, noise_row, layout_row, valid_last); break;
            case 4: row_blocks<4>(a, src_row, w, bias, d, noise_row, layout_row, valid_last); break;
#endif
            default: break;
        }
    }
}

}  // namespace
