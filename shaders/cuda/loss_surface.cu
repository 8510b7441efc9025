// loss_surface.cu - the loss of a small sigmoid network at every point of a 2-D grid
//
// Grid point g = r * nu + c is (u[c], v[r]); out[g] = (1/N) sum_n l(z_n(u, v), y_n), with
//   l = (z - y)^2                 loss == 0 (MSE, regression)
//       (sigma(z) - y)^2          loss == 1 (MSE, classification)
//       softplus(z) - y z         loss == 2 (cross-entropy)
// One thread per grid point loops over the samples and accumulates: no grid x samples array.
//
// loss_surface_reduced: two parameters of the last hidden or the output layer; per sample
//   z = R + u P + v Q + sum_{s < units} (C_s + u G_s + v D_s) sigma(A_s + u alpha_s + v beta_s)
//   (tables computed once per sample on the host: derivlab/compute/loss_surface.py, reduced_form).
// loss_surface_full: theta(u, v) = theta0 + u da + v db, the whole forward pass per sample with
//   the weights formed on the fly. Layout of theta: W1 (h1 x inputs, row-major), b1, [W2 (h2 x h1),
//   b2,] v (h_last), c.
//
// sigma(t) = 1/2 + tanh(t/2)/2. In float on sm_75 and later that is one tanh.approx.f32 (a single
// special-function instruction, abs. error about 2^-11 in sigma); elsewhere (double, older GPUs,
// and the CPU build through tests/compute/cuda_host_shim.h) it is tanh() itself.
//
// Numpy twins: surface_reduced_numpy and surface_full_numpy in derivlab/compute/loss_surface.py.
// No shared memory, no atomics, grid-stride loops: the same text runs on the CPU in the tests.

#ifndef DERIVLAB_REAL
#define DERIVLAB_REAL double
#endif
typedef DERIVLAB_REAL real;

// The hook every kernel file carries; these kernels do not call the typed function.
DERIVLAB_USER_FUNCTIONS

#define LS_MAX_UNITS 2
#define LS_MAX_HIDDEN 32

__device__ __forceinline__ double ls_sigmoid(double t) { return 0.5 + 0.5 * tanh(0.5 * t); }
__device__ __forceinline__ float ls_sigmoid(float t)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 750
    float r;
    asm("tanh.approx.f32 %0, %1;" : "=f"(r) : "f"(0.5f * t));
    return 0.5f + 0.5f * r;
#else
    return 0.5f + 0.5f * tanhf(0.5f * t);
#endif
}

__device__ __forceinline__ double ls_softplus(double z) { return fmax(z, 0.0) + log1p(exp(-fabs(z))); }
__device__ __forceinline__ float ls_softplus(float z) { return fmaxf(z, 0.0f) + log1pf(expf(-fabsf(z))); }

__device__ __forceinline__ real ls_sample_loss(real z, real y, long long loss)
{
    if (loss == 0) {
        const real e = z - y;
        return e * e;
    }
    if (loss == 1) {
        const real e = ls_sigmoid(z) - y;
        return e * e;
    }
    return ls_softplus(z) - y * z;
}

extern "C" __global__ void loss_surface_reduced(const real* __restrict__ R,
                                                const real* __restrict__ P,
                                                const real* __restrict__ Q,
                                                const real* __restrict__ A,
                                                const real* __restrict__ alpha,
                                                const real* __restrict__ beta,
                                                const real* __restrict__ C,
                                                const real* __restrict__ G,
                                                const real* __restrict__ D,
                                                long long units,
                                                const real* __restrict__ y,
                                                long long samples,
                                                long long loss,
                                                const real* __restrict__ u,
                                                long long nu,
                                                const real* __restrict__ v,
                                                long long nv,
                                                real* __restrict__ out)
{
    const long long total = nu * nv;
    const long long stride = (long long)blockDim.x * gridDim.x;
    const int count = units < LS_MAX_UNITS ? (int)units : LS_MAX_UNITS;
    for (long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x; g < total; g += stride) {
        const real uu = u[g % nu];
        const real vv = v[g / nu];
        real weight[LS_MAX_UNITS];
        for (int s = 0; s < count; ++s) {
            weight[s] = C[s] + uu * G[s] + vv * D[s];
        }
        real sum = (real)0;
        for (long long n = 0; n < samples; ++n) {
            real z = R[n] + uu * P[n] + vv * Q[n];
            for (int s = 0; s < count; ++s) {
                const long long k = s * samples + n;
                z += weight[s] * ls_sigmoid(A[k] + uu * alpha[k] + vv * beta[k]);
            }
            sum += ls_sample_loss(z, y[n], loss);
        }
        out[g] = sum / (real)samples;
    }
}

extern "C" __global__ void loss_surface_full(const real* __restrict__ theta,
                                             const real* __restrict__ da,
                                             const real* __restrict__ db,
                                             const real* __restrict__ x,
                                             const real* __restrict__ y,
                                             long long samples,
                                             long long inputs,
                                             long long h1,
                                             long long h2,
                                             long long loss,
                                             const real* __restrict__ u,
                                             long long nu,
                                             const real* __restrict__ v,
                                             long long nv,
                                             real* __restrict__ out)
{
    const long long total = nu * nv;
    const long long stride = (long long)blockDim.x * gridDim.x;
    const int n1 = h1 < LS_MAX_HIDDEN ? (int)h1 : LS_MAX_HIDDEN;
    const int n2 = h2 < LS_MAX_HIDDEN ? (int)h2 : LS_MAX_HIDDEN;
    const int d = (int)inputs;
    const long long b1 = (long long)n1 * d;              // offsets in theta
    const long long w2 = b1 + n1;
    const long long b2 = w2 + (long long)n2 * n1;
    const long long wo = n2 > 0 ? b2 + n2 : w2;
    const int last = n2 > 0 ? n2 : n1;
    const long long co = wo + last;
    for (long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x; g < total; g += stride) {
        const real uu = u[g % nu];
        const real vv = v[g / nu];
        real sum = (real)0;
        real h[LS_MAX_HIDDEN];
        for (long long n = 0; n < samples; ++n) {
            const real* xn = x + n * d;
            for (int k = 0; k < n1; ++k) {
                const long long o = b1 + k;
                real a = theta[o] + uu * da[o] + vv * db[o];
                for (int m = 0; m < d; ++m) {
                    const long long w = (long long)k * d + m;
                    a += (theta[w] + uu * da[w] + vv * db[w]) * xn[m];
                }
                h[k] = ls_sigmoid(a);
            }
            real z = theta[co] + uu * da[co] + vv * db[co];
            if (n2 > 0) {
                for (int l = 0; l < n2; ++l) {
                    const long long o = b2 + l;
                    real a = theta[o] + uu * da[o] + vv * db[o];
                    for (int k = 0; k < n1; ++k) {
                        const long long w = w2 + (long long)l * n1 + k;
                        a += (theta[w] + uu * da[w] + vv * db[w]) * h[k];
                    }
                    const long long o2 = wo + l;
                    z += (theta[o2] + uu * da[o2] + vv * db[o2]) * ls_sigmoid(a);
                }
            } else {
                for (int k = 0; k < n1; ++k) {
                    const long long o = wo + k;
                    z += (theta[o] + uu * da[o] + vv * db[o]) * h[k];
                }
            }
            sum += ls_sample_loss(z, y[n], loss);
        }
        out[g] = sum / (real)samples;
    }
}
