// SPDX-License-Identifier: MIT
// DirectConv's row kernel for AVX2 + FMA (built with -mavx2 -mfma; called only after
// detect_isa() saw both at run time). 16 vector registers: up to 2 vectors (16 output channels)
// x 6 pixels, or 1 vector x 12 pixels, of accumulators per block.
#include "backends/cpu/direct_conv.h"

#include <immintrin.h>

#include <utility>

namespace ntex::cpu::avx2 {
namespace {

struct V {
    using T = __m256;
    static constexpr int kLanes = 8;
    static T zero() { return _mm256_setzero_ps(); }
    static T set1(float x) { return _mm256_set1_ps(x); }
    static T load_aligned(const float* p) { return _mm256_load_ps(p); }
    static T fmadd(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
    static T add(T a, T b) { return _mm256_add_ps(a, b); }
    static T mul(T a, T b) { return _mm256_mul_ps(a, b); }
    static T max(T a, T b) { return _mm256_max_ps(a, b); }
    static T min(T a, T b) { return _mm256_min_ps(a, b); }
    // For vector_tanh (direct_conv_kernel.inl).
    static T abs(T x) { return _mm256_andnot_ps(set1(-0.0f), x); }
    static T round_nearest(T x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static T fnmadd(T a, T b, T c) { return _mm256_fnmadd_ps(a, b, c); }
    static T sub(T a, T b) { return _mm256_sub_ps(a, b); }
    static T div(T a, T b) { return _mm256_div_ps(a, b); }
    static T scale_pow2(T x, T n) {   // x * 2^n, n integral in [-126, 127]: 2^n built in the exponent bits
        const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
        return mul(x, _mm256_castsi256_ps(bits));
    }
    static T copy_sign(T magnitude, T sign) { return _mm256_or_ps(magnitude, _mm256_and_ps(sign, set1(-0.0f))); }
    static void store(float* p, T v) { _mm256_storeu_ps(p, v); }
    static void store_n(float* p, T v, int n) {
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        _mm256_maskstore_ps(p, mask, v);
    }
};
constexpr int kNVMax = kBlockVectors;
constexpr int kNPMax(int nv) { return nv == 1 ? 12 : 6; }

}  // namespace

#define NTEX_KERNEL_NV_MAX 2
#include "backends/cpu/direct_conv_kernel.inl"
#undef NTEX_KERNEL_NV_MAX

void conv_row(const ConvRowArgs& a, int y) noexcept { conv_row_impl(a, y); }

}  // namespace ntex::cpu::avx2
