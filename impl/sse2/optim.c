/* The update rules for sse2: its vector helpers and the shared body. */
#include "kernel.h"
#include "vec.h"

#include "simd/optim_body.h"
