/* golden_guard - arrays between PROT_NONE pages, for the checker's runs of
 * an outside kernel (gc_options.guard_pages): a write past an array's
 * region faults at once instead of being found after the call, or never if
 * it lands beyond the guard words. Each array is a mapping of its own; a
 * table of the live ones lets a SIGSEGV handler say which array a faulting
 * address belongs to.
 */
#ifndef GOLDEN_GUARD_H
#define GOLDEN_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* A region of whole pages with a PROT_NONE page on either side, at least
 * `need` bytes long: the array `name` (which must outlive the region) is the
 * `bytes` that end `after` bytes before the trailing page. Sets *total to the
 * region's length, so the array is at base + *total - after - bytes and
 * every other byte of the region is the caller's to fill with guard words: a
 * write before the array's start either faults or changes one of them. NULL
 * if the mapping fails or the table of live regions is full. */
unsigned char *gc_guard_alloc(size_t need, size_t after, size_t bytes, const char *name,
                              size_t *total);
void gc_guard_free(unsigned char *base);

/* The live array whose mapping (guard pages included) holds addr. Reads the
 * table only, so a signal handler may call it. Returns 1 and fills *hit, or
 * 0 if no array's mapping holds addr. */
typedef struct {
  const char *name;
  uintptr_t data; /* the array's first byte */
  size_t bytes;
} gc_guard_hit;
int gc_guard_find(uintptr_t addr, gc_guard_hit *hit);

#endif /* GOLDEN_GUARD_H */
