// weierstrass.cu - per-pixel-column envelopes of Weierstrass partial sums
//
//   W_k(x) = sum_{n<k} a^n cos(pi b^n x)
//
// weierstrass_envelope: thread t handles column c = t / groups and the share g = t % groups
//   of that column's samples; for each partial sum W_k named in checkpoints[] it writes the
//   min and max over its samples to part_lo / part_hi[(k * columns + c) * groups + g].
// weierstrass_envelope_reduce: lower/upper[row] = min/max over the groups of each row.
//
// Samples lie on an exact grid x = M 2^e0 (M a 64-bit integer): column c covers the integers
// [C_c, C_{c+1}) with C_c = m_lo + c q + (c r) / columns, and its sample i of S is at
// C_c + i qs + (i rs) / S where (qs, rs) = divmod(C_{c+1} - C_c, S). For an integer b the
// phase b^n |x| mod 2 comes from the tables hi[n], lo[n] (bits [s, s+64) and [s-64, s) of
// |b|^n, s = -e0 - 63) through dl_wst_angle (derivlab_math.cuh); otherwise (exact == 0) it is
// fmod(|x| powers[n], 2) in double. The cosine and the sums are in `real`.
//
// Numpy twin: derivlab/compute/weierstrass.py (envelope_numpy). No shared memory and no
// atomics: partial results go to their own slots and a second launch reduces them, so the
// same text runs on the CPU through tests/compute/cuda_host_shim.h.

#ifndef DERIVLAB_REAL
#define DERIVLAB_REAL double
#endif
typedef DERIVLAB_REAL real;

// The hook every kernel file carries; these kernels do not call the typed function.
DERIVLAB_USER_FUNCTIONS

#define WST_MAX_CHECKPOINTS 8

__device__ __forceinline__ double wst_cospi(double angle, double) { return cospi(angle); }
__device__ __forceinline__ float wst_cospi(double angle, float) { return cospif((float)angle); }

extern "C" __global__ void weierstrass_envelope(long long m_lo,
                                                long long q,
                                                long long r,
                                                long long columns,
                                                long long samples,
                                                long long groups,
                                                long long e0,
                                                const unsigned long long* __restrict__ hi,
                                                const unsigned long long* __restrict__ lo,
                                                const double* __restrict__ powers,
                                                const real* __restrict__ coeff,
                                                long long terms,
                                                long long exact,
                                                const long long* __restrict__ checkpoints,
                                                long long n_checkpoints,
                                                real* __restrict__ part_lo,
                                                real* __restrict__ part_hi)
{
    const long long total = columns * groups;
    const long long stride = (long long)blockDim.x * gridDim.x;
    const int k_count = n_checkpoints < WST_MAX_CHECKPOINTS ? (int)n_checkpoints : WST_MAX_CHECKPOINTS;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        const long long c = t / groups;
        const long long g = t % groups;
        const long long start = m_lo + c * q + (c * r) / columns;
        const long long next = m_lo + (c + 1) * q + ((c + 1) * r) / columns;
        const long long qs = (next - start) / samples;
        const long long rs = (next - start) % samples;
        const long long i0 = g * samples / groups;
        const long long i1 = (g + 1) * samples / groups;
        real low[WST_MAX_CHECKPOINTS];
        real high[WST_MAX_CHECKPOINTS];
        for (int k = 0; k < k_count; ++k) {
            low[k] = (real)dl_inf_d();
            high[k] = -(real)dl_inf_d();
        }
        for (long long i = i0; i < i1; ++i) {
            const long long m = start + i * qs + (i * rs) / samples;
            const unsigned long long um =
                m < 0 ? (unsigned long long)(-(m + 1)) + 1ull : (unsigned long long)m;
            const double ax = fabs(ldexp((double)m, (int)e0));
            real sum = (real)0;
            int k = 0;
            for (long long n = 0; n < terms && k < k_count; ++n) {
                const double angle = exact ? dl_wst_angle(um, hi[n], lo[n]) : fmod(ax * powers[n], 2.0);
                sum += coeff[n] * wst_cospi(angle, (real)0);
                if (n + 1 == checkpoints[k]) {
                    low[k] = sum < low[k] ? sum : low[k];
                    high[k] = sum > high[k] ? sum : high[k];
                    ++k;
                }
            }
        }
        for (int k = 0; k < k_count; ++k) {
            part_lo[(k * columns + c) * groups + g] = low[k];
            part_hi[(k * columns + c) * groups + g] = high[k];
        }
    }
}

extern "C" __global__ void weierstrass_envelope_reduce(const real* __restrict__ part_lo,
                                                       const real* __restrict__ part_hi,
                                                       long long rows,
                                                       long long groups,
                                                       real* __restrict__ lower,
                                                       real* __restrict__ upper)
{
    const long long stride = (long long)blockDim.x * gridDim.x;
    for (long long row = (long long)blockIdx.x * blockDim.x + threadIdx.x; row < rows; row += stride) {
        real low = part_lo[row * groups];
        real high = part_hi[row * groups];
        for (long long g = 1; g < groups; ++g) {
            const real l = part_lo[row * groups + g];
            const real h = part_hi[row * groups + g];
            low = l < low ? l : low;
            high = h > high ? h : high;
        }
        lower[row] = low;
        upper[row] = high;
    }
}
