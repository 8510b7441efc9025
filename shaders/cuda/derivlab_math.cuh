// derivlab_math.cuh - device helpers used by the C expressions that derivlab.expr writes
// (Function.c_expression). Every helper has a float and a double overload.
//
// Plain CUDA C++: no #include, so NVRTC compiles it as is; it only calls the C math
// functions that CUDA provides as built-ins (exp, expf, log1p, erf, pow, ...). On the CPU
// it compiles with a shim that defines __device__ as nothing and includes <cmath>.
//
// Conventions where a formula has no value (the same as derivlab.expr's numpy evaluator):
//   dl_heaviside(0) = NaN   (ReLU'(0) does not exist)
//   dl_dirac(u)     = 0 for u != 0, NaN for u == 0
//   dl_sign(0)      = 0,  dl_sign_kink(0) = NaN  (|u|' = sign(u) has no value at the corner)
//   dl_real_pow(u, p, q) = sign(u)^p |u|^(p/q), the real root for odd q: (-8)^(1/3) = -2

#ifndef DERIVLAB_MATH_CUH
#define DERIVLAB_MATH_CUH

// ---------------------------------------------------------------- double
__device__ inline double dl_nan_d() { double z = 0.0; return z / z; }
__device__ inline double dl_inf_d() { double z = 0.0; return 1.0 / z; }

// sign(u): -1, 0, 1 (NaN stays NaN)
__device__ inline double dl_sign(double u) {
    if (u > 0.0) return 1.0;
    if (u < 0.0) return -1.0;
    return u;  // +-0 -> 0 (as the value 0), NaN -> NaN
}
// sign(u) as the derivative of |u|: undefined (NaN) at u = 0
__device__ inline double dl_sign_kink(double u) {
    if (u > 0.0) return 1.0;
    if (u < 0.0) return -1.0;
    return dl_nan_d();
}
// Heaviside step H(u): 0 for u < 0, 1 for u > 0, NaN at 0
__device__ inline double dl_heaviside(double u) {
    if (u > 0.0) return 1.0;
    if (u < 0.0) return 0.0;
    return dl_nan_d();
}
// Dirac delta away from its support: 0 for u != 0, NaN at u = 0
__device__ inline double dl_dirac(double u) {
    if (u != u) return u;
    if (u == 0.0) return dl_nan_d();
    return 0.0;
}
// u^n for an integer n by repeated squaring (exact sign for negative u)
__device__ inline double dl_powi(double u, int n) {
    unsigned int m = n < 0 ? (unsigned int)(-(n + 1)) + 1u : (unsigned int)n;
    double result = 1.0;
    double b = u;
    while (m) {
        if (m & 1u) result *= b;
        b *= b;
        m >>= 1;
    }
    return n < 0 ? 1.0 / result : result;
}
// real power u^(p/q) for odd q: sign(u)^p |u|^(p/q)
__device__ inline double dl_real_pow(double u, int p, int q) {
    double m = pow(fabs(u), (double)p / (double)q);
    return (p % 2 != 0) ? copysign(m, u) : m;
}
// logistic sigmoid 1/(1 + e^-u), without overflow for large |u|
__device__ inline double dl_sigmoid(double u) {
    if (u >= 0.0) {
        double e = exp(-u);
        return 1.0 / (1.0 + e);
    }
    double e = exp(u);
    return e / (1.0 + e);
}
// ReLU max(0, u) (NaN stays NaN)
__device__ inline double dl_relu(double u) {
    if (u != u) return u;
    return u > 0.0 ? u : 0.0;
}
// leaky ReLU: u for u > 0, a u otherwise
__device__ inline double dl_leaky_relu(double u, double a) {
    return u > 0.0 ? u : a * u;
}
// softplus log(1 + e^u) = max(u, 0) + log1p(e^-|u|)
__device__ inline double dl_softplus(double u) {
    if (u != u) return u;
    return (u > 0.0 ? u : 0.0) + log1p(exp(-fabs(u)));
}
// GELU u Phi(u) = u/2 (1 + erf(u / sqrt 2))
__device__ inline double dl_gelu(double u) {
    return 0.5 * u * (1.0 + erf(u * 0.70710678118654752440));
}
// SiLU / swish u sigmoid(u)
__device__ inline double dl_silu(double u) {
    return u * dl_sigmoid(u);
}
// mish u tanh(softplus(u))
__device__ inline double dl_mish(double u) {
    return u * tanh(dl_softplus(u));
}
// ELU: u for u > 0, alpha (e^u - 1) otherwise
__device__ inline double dl_elu(double u, double alpha) {
    return u > 0.0 ? u : alpha * expm1(u);
}

// ---------------------------------------------------------------- float
__device__ inline float dl_nan_f() { float z = 0.0f; return z / z; }
__device__ inline float dl_inf_f() { float z = 0.0f; return 1.0f / z; }

// sign(u): -1, 0, 1 (NaN stays NaN)
__device__ inline float dl_sign(float u) {
    if (u > 0.0f) return 1.0f;
    if (u < 0.0f) return -1.0f;
    return u;  // +-0 -> 0 (as the value 0), NaN -> NaN
}
// sign(u) as the derivative of |u|: undefined (NaN) at u = 0
__device__ inline float dl_sign_kink(float u) {
    if (u > 0.0f) return 1.0f;
    if (u < 0.0f) return -1.0f;
    return dl_nan_f();
}
// Heaviside step H(u): 0 for u < 0, 1 for u > 0, NaN at 0
__device__ inline float dl_heaviside(float u) {
    if (u > 0.0f) return 1.0f;
    if (u < 0.0f) return 0.0f;
    return dl_nan_f();
}
// Dirac delta away from its support: 0 for u != 0, NaN at u = 0
__device__ inline float dl_dirac(float u) {
    if (u != u) return u;
    if (u == 0.0f) return dl_nan_f();
    return 0.0f;
}
// u^n for an integer n by repeated squaring (exact sign for negative u)
__device__ inline float dl_powi(float u, int n) {
    unsigned int m = n < 0 ? (unsigned int)(-(n + 1)) + 1u : (unsigned int)n;
    float result = 1.0f;
    float b = u;
    while (m) {
        if (m & 1u) result *= b;
        b *= b;
        m >>= 1;
    }
    return n < 0 ? 1.0f / result : result;
}
// real power u^(p/q) for odd q: sign(u)^p |u|^(p/q)
__device__ inline float dl_real_pow(float u, int p, int q) {
    float m = powf(fabsf(u), (float)p / (float)q);
    return (p % 2 != 0) ? copysignf(m, u) : m;
}
// logistic sigmoid 1/(1 + e^-u), without overflow for large |u|
__device__ inline float dl_sigmoid(float u) {
    if (u >= 0.0f) {
        float e = expf(-u);
        return 1.0f / (1.0f + e);
    }
    float e = expf(u);
    return e / (1.0f + e);
}
// ReLU max(0, u) (NaN stays NaN)
__device__ inline float dl_relu(float u) {
    if (u != u) return u;
    return u > 0.0f ? u : 0.0f;
}
// leaky ReLU: u for u > 0, a u otherwise
__device__ inline float dl_leaky_relu(float u, float a) {
    return u > 0.0f ? u : a * u;
}
// softplus log(1 + e^u) = max(u, 0) + log1p(e^-|u|)
__device__ inline float dl_softplus(float u) {
    if (u != u) return u;
    return (u > 0.0f ? u : 0.0f) + log1pf(expf(-fabsf(u)));
}
// GELU u Phi(u) = u/2 (1 + erf(u / sqrt 2))
__device__ inline float dl_gelu(float u) {
    return 0.5f * u * (1.0f + erff(u * 0.70710678f));
}
// SiLU / swish u sigmoid(u)
__device__ inline float dl_silu(float u) {
    return u * dl_sigmoid(u);
}
// mish u tanh(softplus(u))
__device__ inline float dl_mish(float u) {
    return u * tanhf(dl_softplus(u));
}
// ELU: u for u > 0, alpha (e^u - 1) otherwise
__device__ inline float dl_elu(float u, float alpha) {
    return u > 0.0f ? u : alpha * expm1f(u);
}

// ---------------------------------------------------------------- Weierstrass partial sums
// W_N^(j)(x) = sum_{n<N} a^n (pi b^n)^j cos(pi b^n x + j pi/2), with b^n x mod 2 reduced exactly
// for an integer b with |b|^(N-1) < 2^256 (derivlab/expr/weierstrass.py states the method):
// |x| = m 2^e (m a 53-bit integer), s = -e - 63, and with B_hi, B_lo the bits [s, s+64) and
// [s-64, s) of |b|^n, w = B_hi m + hi64(m B_lo) (mod 2^64) is b^n|x| mod 2 in units of 2^-63.

// high 64 bits of the 128-bit product a*b
__device__ inline unsigned long long dl_umul64hi(unsigned long long a, unsigned long long b) {
#if defined(__CUDACC__)
    return __umul64hi(a, b);
#else
    return (unsigned long long)(((unsigned __int128)a * b) >> 64);
#endif
}
// cos(pi t) and sin(pi t): CUDA's cospi/sinpi; on the CPU, cos(pi t) (|error| < 4e-16 for |t| <= 1)
__device__ inline double dl_cospi(double t) {
#if defined(__CUDACC__)
    return cospi(t);
#else
    return cos(3.14159265358979323846 * t);
#endif
}
__device__ inline double dl_sinpi(double t) {
#if defined(__CUDACC__)
    return sinpi(t);
#else
    return sin(3.14159265358979323846 * t);
#endif
}
// the angle w 2^-63 in [-1, 1) (w read as a signed integer): b^n m 2^e mod 2, in units of pi
__device__ inline double dl_wst_angle(unsigned long long m, unsigned long long hi, unsigned long long lo) {
    unsigned long long w = hi * m + dl_umul64hi(m, lo);
    return (double)(long long)w * 1.0842021724855044340e-19;  // 2^-63
}
// the 64 bits at [start, start+64) of the 256-bit number p[0..3] (zero outside it)
__device__ inline unsigned long long dl_wst_bits(const unsigned long long* p, int start) {
    if (start <= -64 || start >= 256) return 0ull;
    if (start < 0) return p[0] << (-start);
    int i = start >> 6, j = start & 63;
    unsigned long long bits = p[i] >> j;
    if (j != 0 && i < 3) bits |= p[i + 1] << (64 - j);
    return bits;
}
// p *= k for k < 2^32; true when the product no longer fits in 256 bits
__device__ inline bool dl_wst_mul(unsigned long long* p, unsigned long long k) {
    unsigned long long carry = 0ull;
    for (int i = 0; i < 4; ++i) {
        unsigned long long lo = p[i] * k;
        unsigned long long hi = dl_umul64hi(p[i], k);
        lo += carry;
        hi += (lo < carry) ? 1ull : 0ull;
        p[i] = lo;
        carry = hi;
    }
    return carry != 0ull;
}
// is the reduction exact: b an integer with |b|^(N-1) < 2^256
__device__ inline bool dl_wst_exact(double b, int terms) {
    double base = fabs(b);
    if (base != floor(base)) return false;
    if (base <= 1.0) return true;
    if (base >= 4294967296.0) return false;
    unsigned long long p[4] = {1ull, 0ull, 0ull, 0ull};
    for (int n = 1; n < terms; ++n) {
        if (dl_wst_mul(p, (unsigned long long)base)) return false;
    }
    return true;
}
// W_N^(j)(x) for a typed weierstrass(x, a, b, N) and its derivatives (order j = 0..4); double
// only (also in float kernels): the reduction needs the 53-bit mantissa of x
__device__ inline double dl_weierstrass(double x, double a, double b, int terms, int order) {
    if (x != x || fabs(x) > 1.7976931348623157e308) return dl_nan_d();
    const double ax = fabs(x);
    const double sgn = x < 0.0 ? -1.0 : 1.0;
    const double base = fabs(b);
    const bool exact = dl_wst_exact(b, terms);
    int ex = 0;
    const double fr = frexp(ax, &ex);
    const unsigned long long m = (unsigned long long)ldexp(fr, 53);
    const int s = -(ex - 53) - 63;
    unsigned long long p[4] = {1ull, 0ull, 0ull, 0ull};
    double an = 1.0, bn = 1.0, total = 0.0;
    for (int n = 0; n < terms; ++n) {
        double angle;
        if (exact) {
            angle = dl_wst_angle(m, dl_wst_bits(p, s), dl_wst_bits(p, s - 64));
            dl_wst_mul(p, (unsigned long long)base);
        } else {
            angle = fmod(ax * bn, 2.0);
        }
        double t;
        switch (order & 3) {
            case 0: t = dl_cospi(angle); break;
            case 1: t = -sgn * dl_sinpi(angle); break;
            case 2: t = -dl_cospi(angle); break;
            default: t = sgn * dl_sinpi(angle); break;
        }
        if (t != 0.0) total += an * dl_powi(3.14159265358979323846 * bn, order) * t;
        an *= a;
        bn *= base;
    }
    return total;
}

#endif  // DERIVLAB_MATH_CUH
