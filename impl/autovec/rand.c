/* The portable reference random-number kernels, built for AVX-512 with the
 * compiler's vectoriser on. */
#include "../scalar/rand.c"
