// Compiles shaders/cuda/derivlab_math.cuh on the CPU: CUDA qualifiers become plain C++.
#pragma once
#include <cmath>
using namespace std;
#define __device__
#define __forceinline__ inline
#include "derivlab_math.cuh"
