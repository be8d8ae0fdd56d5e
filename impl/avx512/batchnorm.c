/* Batch normalisation for avx512: its vector helpers and the shared body. */
#include "kernel.h"
#include "vec.h"
#include "vecd.h"

#include "simd/batchnorm_body.h"
