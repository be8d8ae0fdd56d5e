/* The portable reference kernels, built for AVX-512 with the compiler's
 * vectoriser on: what a compiler achieves without intrinsics. */
#include "../scalar/optim.c"
