/* The last list of tensors that passed ob_list_check, per thread. A
 * framework passes the same list every step; whether it passes the checks
 * depends on the rule, the addresses and the sizes alone, so the same list
 * again needs a comparison (a few instructions per tensor), not the checks
 * (about 200). The copy is freed when the thread ends. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
  ob_algo algo;
  size_t count, cap; /* tensors held; room for */
  const void **buf;  /* LISTS lists of count pointers (p, g, s0, s1, s2), then count sizes */
} seen;

_Static_assert(sizeof(size_t) <= sizeof(void *), "sizes are kept in pointer-sized slots");
enum { LISTS = 2 + OB_MAX_STATES }; /* p, g and the states */

static _Thread_local seen last __attribute__((tls_model("initial-exec")));
static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int have_key;

/* Runs in the ending thread, among other keys' destructors, which may step
 * a list again: forget the copy with it (no use of freed memory). */
static void release(void *buf) {
  if (last.buf == buf)
    last = (seen){0};
  free(buf);
}

static void make_key(void) { have_key = pthread_key_create(&key, release) == 0; }

/* The list's four pointer lists (NULL lists as NULL pointers) and sizes. */
static int same_list(const void **a, const void *list, size_t count) {
  if (list)
    return memcmp(a, list, count * sizeof *a) == 0;
  for (size_t i = 0; i < count; i++)
    if (a[i])
      return 0;
  return 1;
}

static void put_list(const void **a, const void *list, size_t count) {
  if (list)
    memcpy(a, list, count * sizeof *a);
  else
    memset(a, 0, count * sizeof *a);
}

int ob_list_seen(ob_algo algo, const ob_list *l) {
  const seen *e = &last;
  const size_t c = l->count;
  if (!e->buf || e->algo != algo || e->count != c || !c)
    return 0;
  /* a list the checks refuse (a NULL p, g or sizes list, or a NULL state
   * list the rule reads) was never remembered: let them refuse it, and do
   * not read through it */
  if (!ob_list_lists(l))
    return 0;
  const void *lists[LISTS] = {l->p, l->g, l->s[0], l->s[1], l->s[2]};
  for (int k = 0; k < LISTS; k++)
    if (!same_list(e->buf + k * c, lists[k], c))
      return 0;
  return memcmp(e->buf + LISTS * c, l->n, c * sizeof *l->n) == 0;
}

void ob_list_remember(ob_algo algo, const ob_list *l) {
  seen *e = &last;
  const size_t c = l->count;
  e->count = 0; /* forgotten until the copy is whole */
  if (!c || c > SIZE_MAX / ((LISTS + 1) * sizeof(void *)))
    return;
  if (c > e->cap) {
    pthread_once(&key_once, make_key);
    if (!have_key)
      return;
    const void **buf = malloc((LISTS + 1) * c * sizeof *buf); /* sizes fit in pointer slots */
    if (!buf)
      return;
    free(e->buf);
    e->buf = buf;
    e->cap = c;
    pthread_setspecific(key, buf); /* freed with the thread */
  }
  const void *lists[LISTS] = {l->p, l->g, l->s[0], l->s[1], l->s[2]};
  for (int k = 0; k < LISTS; k++)
    put_list(e->buf + k * c, lists[k], c);
  memcpy(e->buf + LISTS * c, l->n, c * sizeof *l->n);
  e->algo = algo;
  e->count = c;
}
