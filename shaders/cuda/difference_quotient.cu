// difference_quotient.cu - the secant's slope at many points a with steps h.
//
//   forward[i]  = (f(a + h) - f(a)) / h
//   backward[i] = (f(a) - f(a - h)) / h
//   central[i]  = (f(a + h) - f(a - h)) / (2 h)
//
// As h -> 0 the forward and backward quotients tend to f'(a) with error O(h) and
// the central quotient with error O(h^2), until rounding (about eps * |f| / h)
// takes over: the numbers the secant and numerical-differentiation scenes show.
//
// The host (derivlab/compute/kernels.py) prepends `#define DERIVLAB_REAL ...` and
// derivlab_math.cuh and replaces the line DERIVLAB_USER_FUNCTIONS with
//   __device__ real derivlab_f(real x, const real* __restrict__ derivlab_params)
// (and derivlab_df, unused here).
//
// Numpy twin (the reference): derivlab/compute/finite_diff.py
// (forward_difference, backward_difference, central_difference).
// Grid-stride loop; no shared memory, no __syncthreads.

#ifndef DERIVLAB_REAL
#define DERIVLAB_REAL double
#endif
typedef DERIVLAB_REAL real;

DERIVLAB_USER_FUNCTIONS

extern "C" __global__ void difference_quotient(const real* __restrict__ a,
                                               const real* __restrict__ h,
                                               real* __restrict__ forward,
                                               real* __restrict__ backward,
                                               real* __restrict__ central,
                                               const real* __restrict__ params,
                                               long long n)
{
    const long long stride = (long long)blockDim.x * gridDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        const real ai = a[i];
        const real hi = h[i];
        const real f_a = derivlab_f(ai, params);
        const real f_plus = derivlab_f(ai + hi, params);
        const real f_minus = derivlab_f(ai - hi, params);
        forward[i] = (f_plus - f_a) / hi;
        backward[i] = (f_a - f_minus) / hi;
        central[i] = (f_plus - f_minus) / ((real)2 * hi);
    }
}
