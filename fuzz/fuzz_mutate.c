/* fuzz_mutate - a custom mutator for the text formats: a quarter of the
 * mutations replace one decimal number of the input with an interesting
 * size (2^k, 2^k +- 1, 10^k), the rest are libFuzzer's own. Coverage does
 * not change as a count grows, so byte mutations alone never carry `n 4` to
 * `n 100000000`, where the size bugs are. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* libFuzzer's own mutator, and the hook that replaces it. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static unsigned long long next(unsigned long long *s) { /* xorshift64 */
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* Replaces the first digit run at or after a random offset; 0 if none fits. */
static size_t replace_number(uint8_t *data, size_t size, size_t max_size, unsigned long long *s) {
  size_t a = (size_t)(next(s) % size), n = 0;
  while (n < size && !is_digit(data[(a + n) % size]))
    n++;
  if (n == size)
    return 0;
  a = (a + n) % size;
  while (a > 0 && is_digit(data[a - 1]))
    a--;
  size_t b = a;
  while (b < size && is_digit(data[b]))
    b++;

  unsigned long long r = next(s), v;
  if (r % 3 == 2) {
    v = 1;
    for (unsigned k = (unsigned)(r >> 8) % 20; k > 0; k--)
      v *= 10;
  } else {
    v = 1ULL << ((r >> 8) % 64);
    v = v - 1 + (r >> 16) % 3; /* 2^k - 1, 2^k, 2^k + 1 */
  }
  char num[24];
  size_t len = (size_t)snprintf(num, sizeof num, "%llu", v);
  if (size - (b - a) + len > max_size)
    return 0;
  memmove(data + a + len, data + b, size - b);
  memcpy(data + a, num, len);
  return size - (b - a) + len;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  unsigned long long s = seed | 1ULL << 40;
  if (size && next(&s) % 4 == 0) {
    size_t r = replace_number(data, size, max_size, &s);
    if (r)
      return r;
  }
  return LLVMFuzzerMutate(data, size, max_size);
}
