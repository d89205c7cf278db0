// SPDX-License-Identifier: MIT
// DirectConv's row kernel for AVX-512F (built with -mavx512f -mfma; called only after
// detect_isa() saw AVX-512F at run time). 32 vector registers: up to 4 vectors (64 output
// channels) x 6 pixels, or 1 vector x 16 pixels (24 made GCC 12 spill in the inner loop), of accumulators per block.
#include "backends/cpu/direct_conv.h"

#include <immintrin.h>

#include <utility>

namespace ntex::cpu::avx512 {
namespace {

struct V {
    using T = __m512;
    static constexpr int kLanes = 16;
    static T zero() { return _mm512_setzero_ps(); }
    static T set1(float x) { return _mm512_set1_ps(x); }
    static T load_aligned(const float* p) { return _mm512_load_ps(p); }
    static T fmadd(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
    static T add(T a, T b) { return _mm512_add_ps(a, b); }
    static T mul(T a, T b) { return _mm512_mul_ps(a, b); }
    static T max(T a, T b) { return _mm512_max_ps(a, b); }
    static T min(T a, T b) { return _mm512_min_ps(a, b); }
    // For vector_tanh (direct_conv_kernel.inl).
    static T abs(T x) { return _mm512_abs_ps(x); }
    static T round_nearest(T x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static T fnmadd(T a, T b, T c) { return _mm512_fnmadd_ps(a, b, c); }
    static T sub(T a, T b) { return _mm512_sub_ps(a, b); }
    static T div(T a, T b) { return _mm512_div_ps(a, b); }
    static T scale_pow2(T x, T n) { return _mm512_scalef_ps(x, n); }   // x * 2^n, n integral
    static T copy_sign(T magnitude, T sign) {
        const __m512i s = _mm512_and_si512(_mm512_castps_si512(sign), _mm512_set1_epi32(static_cast<int>(0x80000000u)));
        return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(magnitude), s));
    }
    static void store(float* p, T v) { _mm512_storeu_ps(p, v); }
    static void store_n(float* p, T v, int n) { _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1u), v); }
};
constexpr int kNVMax = kBlockVectors;
constexpr int kNPMax(int nv) { return nv == 1 ? 16 : nv == 2 ? 12 : nv == 3 ? 8 : 6; }

}  // namespace

#define NTEX_KERNEL_NV_MAX 4
#include "backends/cpu/direct_conv_kernel.inl"
#undef NTEX_KERNEL_NV_MAX

void conv_row(const ConvRowArgs& a, int y) noexcept { conv_row_impl(a, y); }

}  // namespace ntex::cpu::avx512
