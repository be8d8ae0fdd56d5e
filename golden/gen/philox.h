/* golden_gen - the bits of optbench's counter-based generator.
 *
 * Random123's <Random123/philox.h> (Debian: librandom123-dev) is the
 * definition of Philox4x32-10; nothing here re-implements it. Element i of the
 * sequence (seed, stream) is word i % 4 of the block with counter
 * {b lo, b hi, stream lo, stream hi}, b = i / 4, and key {seed lo, seed hi}.
 */
#ifndef GG_PHILOX_H
#define GG_PHILOX_H

#include <stdint.h>

/* Checks Random123's published known-answer vectors for philox4x32_10; dies
 * if the header does not reproduce them. */
void gg_philox_selfcheck(void);

/* The four words of block b of (seed, stream). */
void gg_philox_block(uint64_t seed, uint64_t stream, uint64_t b, uint32_t w[4]);

/* Word i of (seed, stream). */
uint32_t gg_philox_word(uint64_t seed, uint64_t stream, uint64_t i);

#endif
