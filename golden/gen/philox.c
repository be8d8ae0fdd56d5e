/* golden_gen - Philox4x32-10 bits from Random123's own header. */
#include "philox.h"

#include <Random123/philox.h>

#include "gen.h"

void gg_philox_block(uint64_t seed, uint64_t stream, uint64_t b, uint32_t w[4]) {
  philox4x32_ctr_t c = {
      {(uint32_t)b, (uint32_t)(b >> 32), (uint32_t)stream, (uint32_t)(stream >> 32)}};
  philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
  philox4x32_ctr_t r = philox4x32(c, k); /* philox4x32_R(10, c, k) */
  for (int j = 0; j < 4; j++)
    w[j] = r.v[j];
}

uint32_t gg_philox_word(uint64_t seed, uint64_t stream, uint64_t i) {
  uint32_t w[4];
  gg_philox_block(seed, stream, i / 4, w);
  return w[i % 4];
}

void gg_philox_selfcheck(void) {
  /* Random123 1.14, examples/kat_vectors, the three philox4x32 10 lines:
   * counter (4 words), key (2 words), expected output (4 words). */
  static const uint32_t kat[3][10] = {
      {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
      {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
       0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
      {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
       0x94fdcceb, 0x5001e420, 0x24126ea1},
  };
  for (int k = 0; k < 3; k++) {
    philox4x32_ctr_t c = {{kat[k][0], kat[k][1], kat[k][2], kat[k][3]}};
    philox4x32_key_t key = {{kat[k][4], kat[k][5]}};
    philox4x32_ctr_t r = philox4x32(c, key);
    for (int j = 0; j < 4; j++)
      if (r.v[j] != kat[k][6 + j])
        gg_die("Random123 philox4x32_10 known-answer vector %d, word %d: %08x, expected %08x", k, j,
               (unsigned)r.v[j], (unsigned)kat[k][6 + j]);
  }
  /* the element mapping: counter {b lo, b hi, stream lo, stream hi}, key {seed lo, seed hi} */
  uint32_t w[4];
  gg_philox_block(UINT64_C(0x299f31d0a4093822), UINT64_C(0x0370734413198a2e),
                  UINT64_C(0x85a308d3243f6a88), w);
  int bad = 0;
  for (int j = 0; j < 4; j++)
    bad |= w[j] != kat[2][6 + j] || gg_philox_word(0, 0, (uint64_t)j) != kat[0][6 + j];
  if (bad)
    gg_die("internal: the (seed, stream, i) to counter and key mapping is wrong");
}
