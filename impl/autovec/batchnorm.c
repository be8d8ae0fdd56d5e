/* The portable reference batch normalisation, built for AVX-512 with the
 * compiler's vectoriser on: what a compiler achieves without intrinsics. */
#include "../scalar/batchnorm.c"
