// cuda_host_shim.h - compile a derivlab CUDA kernel file with g++ and run it on the CPU.
//
// Test-only. It maps the CUDA spellings the kernels use onto plain C++ so the very
// same source that NVRTC compiles can be checked against its numpy twin without a
// GPU. A launch walks every (block, thread) of a 1-D grid in order, setting the
// globals threadIdx/blockIdx/blockDim/gridDim, so kernels must be embarrassingly
// parallel: __shared__ and __syncthreads() are deliberately left undefined and
// fail to compile here.
//
// After the kernel source, DERIVLAB_HOST_EXPORT(name) defines
//   extern "C" void derivlab_host_<name>(unsigned grid, unsigned block, void** args)
// where args[i] points at the i-th kernel argument, as with cuLaunchKernel.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
// __restrict__ is already a g++ keyword.

struct derivlab_uint3 {
    unsigned x, y, z;
};

static derivlab_uint3 threadIdx = {0, 0, 0};
static derivlab_uint3 blockIdx = {0, 0, 0};
static derivlab_uint3 blockDim = {1, 1, 1};
static derivlab_uint3 gridDim = {1, 1, 1};

// CUDA's device math library overloads the <cmath> names for float in the global
// namespace; bring the std overloads there so sin(float) stays float, as on the GPU.
using std::abs;
using std::acos;
using std::acosh;
using std::asin;
using std::asinh;
using std::atan;
using std::atan2;
using std::atanh;
using std::cbrt;
using std::ceil;
using std::copysign;
using std::cos;
using std::cosh;
using std::erf;
using std::erfc;
using std::exp;
using std::exp2;
using std::expm1;
using std::fabs;
using std::floor;
using std::fma;
using std::fmax;
using std::fmin;
using std::fmod;
using std::hypot;
using std::isfinite;
using std::isinf;
using std::isnan;
using std::lgamma;
using std::log;
using std::log10;
using std::log1p;
using std::log2;
using std::pow;
using std::round;
using std::signbit;
using std::sin;
using std::sinh;
using std::sqrt;
using std::tan;
using std::tanh;
using std::tgamma;
using std::trunc;

// CUDA-only math functions and intrinsics, with their exact (not fast) meaning.
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
inline float rsqrt(float x) { return 1.0f / std::sqrt(x); }
inline float rcbrtf(float x) { return 1.0f / std::cbrt(x); }
inline double rcbrt(double x) { return 1.0 / std::cbrt(x); }
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __powf(float x, float y) { return std::pow(x, y); }
inline float __sinf(float x) { return std::sin(x); }
inline float __cosf(float x) { return std::cos(x); }
inline float __tanf(float x) { return std::tan(x); }
inline float __fdividef(float x, float y) { return x / y; }
inline double __ddiv_rn(double x, double y) { return x / y; }
inline float __saturatef(float x) { return std::min(1.0f, std::max(0.0f, x)); }
inline float sinpif(float x) { return std::sin(3.14159265358979323846f * x); }
inline double sinpi(double x) { return std::sin(3.14159265358979323846 * x); }
inline float cospif(float x) { return std::cos(3.14159265358979323846f * x); }
inline double cospi(double x) { return std::cos(3.14159265358979323846 * x); }
inline float normcdff(float x) { return 0.5f * std::erfc(-x * 0.70710678118654752440f); }
inline double normcdf(double x) { return 0.5 * std::erfc(-x * 0.70710678118654752440); }
template <typename T> inline T min(T a, T b) { return a < b ? a : b; }
template <typename T> inline T max(T a, T b) { return a < b ? b : a; }

template <typename... P, std::size_t... I>
inline void derivlab_host_call(void (*kernel)(P...), void** args, std::index_sequence<I...>)
{
    kernel(*static_cast<typename std::remove_cv<P>::type*>(args[I])...);
}

template <typename... P>
inline void derivlab_host_launch(void (*kernel)(P...), unsigned grid, unsigned block, void** args)
{
    gridDim = {grid, 1, 1};
    blockDim = {block, 1, 1};
    for (unsigned b = 0; b < grid; ++b) {
        blockIdx = {b, 0, 0};
        for (unsigned t = 0; t < block; ++t) {
            threadIdx = {t, 0, 0};
            derivlab_host_call(kernel, args, std::index_sequence_for<P...>{});
        }
    }
}

#define DERIVLAB_HOST_EXPORT(kernel)                                                       \
    extern "C" void derivlab_host_##kernel(unsigned grid, unsigned block, void** args)     \
    {                                                                                       \
        derivlab_host_launch(kernel, grid, block, args);                                    \
    }
