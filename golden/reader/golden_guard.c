/* golden_guard - arrays between PROT_NONE pages (golden_guard.h). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "golden_guard.h"

#include <sys/mman.h>
#include <unistd.h>

enum { MAX_LIVE = 64 }; /* the checker's MAX_BUFFERS */

typedef struct {
  unsigned char *map, *base;
  size_t maplen;
  gc_guard_hit hit;
} region;

static region live[MAX_LIVE];

static size_t page_size(void) {
  const long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (size_t)p : 4096;
}

unsigned char *gc_guard_alloc(size_t need, size_t after, size_t bytes, const char *name,
                              size_t *total) {
  const size_t page = page_size();
  if (need > SIZE_MAX - 3 * page || after > need || bytes > need - after)
    return NULL;
  const size_t body = (need + page - 1) / page * page;
  int slot = 0;
  while (slot < MAX_LIVE && live[slot].map)
    slot++;
  if (slot == MAX_LIVE)
    return NULL;
  const size_t maplen = body + 2 * page;
  unsigned char *map = mmap(NULL, maplen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    return NULL;
  if (body && mprotect(map + page, body, PROT_READ | PROT_WRITE) != 0) {
    munmap(map, maplen);
    return NULL;
  }
  region *r = &live[slot];
  r->map = map;
  r->maplen = maplen;
  r->base = map + page;
  r->hit.name = name;
  r->hit.data = (uintptr_t)(r->base + body - after - bytes);
  r->hit.bytes = bytes;
  *total = body;
  return r->base;
}

void gc_guard_free(unsigned char *base) {
  for (int k = 0; k < MAX_LIVE; k++)
    if (live[k].map && live[k].base == base) {
      munmap(live[k].map, live[k].maplen);
      live[k].map = NULL;
      return;
    }
}

int gc_guard_find(uintptr_t addr, gc_guard_hit *hit) {
  for (int k = 0; k < MAX_LIVE; k++) {
    const region *r = &live[k];
    if (r->map && addr >= (uintptr_t)r->map && addr - (uintptr_t)r->map < r->maplen) {
      *hit = r->hit;
      return 1;
    }
  }
  return 0;
}
