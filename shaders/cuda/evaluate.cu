// evaluate.cu - a typed function f and its derivative f' on a grid of points.
//
//   evaluate_f:     y[i] = f(x[i])
//   evaluate_f_df:  y[i] = f(x[i]),  dy[i] = f'(x[i])
//
// The host (derivlab/compute/kernels.py) builds the final source:
//   #define DERIVLAB_REAL float | double     (precision of every value below)
//   derivlab_math.cuh                       (sigmoid, relu, softplus, real_pow, ...)
//   this file, with the line DERIVLAB_USER_FUNCTIONS replaced by
//     __device__ real derivlab_f (real x, const real* __restrict__ derivlab_params)
//     __device__ real derivlab_df(real x, const real* __restrict__ derivlab_params)
//   generated from the function's C expressions; each parameter of the function is
//   a local `const real name = derivlab_params[j];` so moving a slider needs no
//   recompilation.
//
// Numpy twin (the reference): derivlab/compute/evaluate.py, via function.numpy(n).
// One thread per point with a grid-stride loop; no shared memory, no __syncthreads,
// so the same text also runs on the CPU through tests/compute/cuda_host_shim.h.

#ifndef DERIVLAB_REAL
#define DERIVLAB_REAL double
#endif
typedef DERIVLAB_REAL real;

DERIVLAB_USER_FUNCTIONS

extern "C" __global__ void evaluate_f(const real* __restrict__ x,
                                      real* __restrict__ y,
                                      const real* __restrict__ params,
                                      long long n)
{
    const long long stride = (long long)blockDim.x * gridDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        y[i] = derivlab_f(x[i], params);
    }
}

extern "C" __global__ void evaluate_f_df(const real* __restrict__ x,
                                         real* __restrict__ y,
                                         real* __restrict__ dy,
                                         const real* __restrict__ params,
                                         long long n)
{
    const long long stride = (long long)blockDim.x * gridDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        const real xi = x[i];
        y[i] = derivlab_f(xi, params);
        dy[i] = derivlab_df(xi, params);
    }
}
