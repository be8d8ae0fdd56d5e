/* The random-number kernels for avx512: its vector helpers and the shared body. */
#include "kernel.h"
#include "vec.h"
#include "vecu.h"

#include "simd/rand_body.h"
