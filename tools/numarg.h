/* numarg - the one parser of the numeric command-line options of every
 * optbench program (optbench, optbench_convergence, optbench_figures, the
 * golden generator): a value it cannot represent is an error, never a
 * silently clamped or truncated number. No I/O. */
#ifndef OB_NUMARG_H
#define OB_NUMARG_H

#include <stddef.h>

#define OB_NUMARG_HEX 1 /* flags: also accept 0x<hex digits> */

/* The option value s as an unsigned integer in [min, max]: decimal digits
 * only (or 0x and hex digits with OB_NUMARG_HEX); no sign, no space, not
 * empty, nothing after the number, no overflow. Returns 0, or -1 with
 * "OPT takes an integer MIN..MAX, not 'S' (reason)" in err. */
int ob_parse_u64(const char *opt, const char *s, unsigned long long min, unsigned long long max,
                 int flags, unsigned long long *out, char *err, size_t errlen);

#endif /* OB_NUMARG_H */
