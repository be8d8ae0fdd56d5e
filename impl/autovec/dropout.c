/* The portable reference dropout kernels, built for AVX-512 with the
 * compiler's vectoriser on. */
#include "../scalar/dropout.c"
