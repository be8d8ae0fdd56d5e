/* The checks of a list of tensors in O(N log N) at worst, N the number of
 * arrays: each tensor's own arrays by ob_check_arrays (as ob_step checks
 * them), then every pair of the whole list at once - the address ranges
 * sorted by start, so two ranges overlap only if one starts before an
 * earlier one ends. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

typedef struct {
  uintptr_t lo, hi; /* [lo, hi), never empty */
} range;

/* ranges a list of this many can be checked in on the stack (a few tensors) */
#define STACK_RANGES 32
#define DIGIT_BITS   11 /* 2048 buckets: 6 passes cover 64 bits, 16 KiB of counts */
#define INSERTION    48 /* below this many ranges insertion sort beats the radix passes */

static void insertion_sort(range *a, size_t n) {
  for (size_t i = 1; i < n; i++) {
    const range x = a[i];
    size_t j = i;
    for (; j > 0 && a[j - 1].lo > x.lo; j--)
      a[j] = a[j - 1];
    a[j] = x;
  }
}

/* LSD radix sort by lo, skipping the digits in which no two starts differ
 * (most of a heap address is the same for every array). Returns the sorted
 * copy: a or tmp. */
static range *radix_sort(range *a, range *tmp, size_t n) {
  uintptr_t diff = 0;
  for (size_t i = 1; i < n; i++)
    diff |= a[i].lo ^ a[0].lo;
  static const size_t buckets = (size_t)1 << DIGIT_BITS;
  size_t count[(size_t)1 << DIGIT_BITS];
  for (unsigned shift = 0; shift < sizeof(uintptr_t) * 8; shift += DIGIT_BITS) {
    if (((diff >> shift) & (buckets - 1)) == 0)
      continue;
    for (size_t b = 0; b < buckets; b++)
      count[b] = 0;
    for (size_t i = 0; i < n; i++)
      count[(a[i].lo >> shift) & (buckets - 1)]++;
    size_t sum = 0;
    for (size_t b = 0; b < buckets; b++) {
      const size_t c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++)
      tmp[count[(a[i].lo >> shift) & (buckets - 1)]++] = a[i];
    range *const t = a;
    a = tmp;
    tmp = t;
  }
  return a;
}

static range *sort_ranges(range *a, range *tmp, size_t n) {
  size_t i = 1;
  while (i < n && a[i - 1].lo <= a[i].lo)
    i++; /* already in order: a model's arrays are often allocated in order */
  if (i >= n)
    return a;
  if (n < INSERTION) {
    insertion_sort(a, n);
    return a;
  }
  return radix_sort(a, tmp, n);
}

/* Sorted by lo: does any range start before an earlier one ends? */
static int overlap_within(const range *a, size_t n) {
  uintptr_t end = 0;
  for (size_t i = 0; i < n; i++) {
    if (i && a[i].lo < end)
      return 1;
    if (a[i].hi > end)
      end = a[i].hi;
  }
  return 0;
}

/* w sorted and disjoint (so sorted by end too), r sorted by lo: does any r
 * meet any w? The first w ending after r's start is the only candidate. */
static int overlap_across(const range *w, size_t nw, const range *r, size_t nr) {
  size_t k = 0;
  for (size_t i = 0; i < nr; i++) {
    while (k < nw && w[k].hi <= r[i].lo)
      k++;
    if (k < nw && w[k].lo < r[i].hi)
      return 1;
  }
  return 0;
}

/* ---- Few sorted runs: nothing sorted, nothing allocated ---------------- */

/* A model's arrays of one kind (all p, all g, ...) are usually allocated in
 * order, so each kind is one or a few runs, each array starting at or after
 * the end of the one before: no overlap inside a run. Runs whose spans do not
 * meet cannot overlap either; where spans meet, a merge walk in address order
 * checks them in O(N * runs). */
#define MAX_RUNS 8

typedef struct {
  const float *const *x; /* one kind's list */
  size_t i, end;         /* the run's next tensor and its end */
  uintptr_t lo, hi;      /* the run's span: its first start, its last end */
} run;

static size_t next_nonempty(const ob_list *l, size_t i, size_t end) {
  while (i < end && !l->n[i])
    i++;
  return i;
}

static uintptr_t end_of(const ob_list *l, const float *const *x, size_t i) {
  return (uintptr_t)x[i] + l->n[i] * sizeof(float);
}

/* Splits each kind's list into runs; 0 if there are more than MAX_RUNS. */
static size_t find_runs(const ob_list *l, const float *const *const kinds[], int nk,
                        run out[MAX_RUNS]) {
  size_t m = 0;
  for (int k = 0; k < nk; k++) {
    const float *const *x = kinds[k];
    size_t i = next_nonempty(l, 0, l->count);
    while (i < l->count) {
      if (m == MAX_RUNS)
        return 0;
      run *r = &out[m++];
      r->x = x;
      r->i = i;
      r->lo = (uintptr_t)x[i];
      r->hi = end_of(l, x, i);
      for (i = next_nonempty(l, i + 1, l->count); i < l->count && (uintptr_t)x[i] >= r->hi;
           i = next_nonempty(l, i + 1, l->count))
        r->hi = end_of(l, x, i);
      r->end = i;
    }
  }
  return m;
}

static int spans_disjoint(const run r[], size_t m) {
  range s[MAX_RUNS];
  for (size_t k = 0; k < m; k++)
    s[k] = (range){r[k].lo, r[k].hi};
  insertion_sort(s, m);
  return !overlap_within(s, m);
}

/* The runs' arrays in address order (the least head first): does any start
 * before an earlier one ends? */
static int overlap_runs(const ob_list *l, run r[], size_t m) {
  uintptr_t head[MAX_RUNS], end = 0; /* UINTPTR_MAX: run done (no array starts there) */
  for (size_t k = 0; k < m; k++)
    head[k] = (uintptr_t)r[k].x[r[k].i];
  for (;;) {
    size_t best = 0;
    for (size_t k = 1; k < m; k++)
      best = head[k] < head[best] ? k : best;
    const uintptr_t lo = head[best];
    if (lo == UINTPTR_MAX)
      return 0;
    if (lo < end)
      return 1;
    const size_t i = r[best].i;
    const uintptr_t hi = lo + l->n[i] * sizeof(float);
    end = hi > end ? hi : end;
    r[best].i = next_nonempty(l, i + 1, r[best].end);
    head[best] = r[best].i < r[best].end ? (uintptr_t)r[best].x[r[best].i] : UINTPTR_MAX;
  }
}

static float *state_of(const ob_list *l, int k, size_t i) { return l->s[k] ? l->s[k][i] : NULL; }

/* Every tensor alone, as ob_step checks it; a NULL anywhere wins over an
 * overlap elsewhere. Counts the tensors with elements. */
static ob_status check_each(const ob_list *l, int shared_grads, size_t *nonempty) {
  ob_status first = OB_OK;
  size_t m = 0;
  for (size_t i = 0; i < l->count; i++) {
    if (!l->n[i])
      continue;
    m++;
    float *const s[OB_MAX_STATES] = {state_of(l, 0, i), state_of(l, 1, i), state_of(l, 2, i)};
    const ob_status st = ob_check_arrays(l->p[i], l->g[i], s, shared_grads ? 0u : l->need, l->n[i]);
    if (st == OB_EINVAL)
      return st;
    if (first == OB_OK)
      first = st;
  }
  *nonempty = m;
  return first;
}

static void fill(range *out, size_t *at, const float *x, size_t n) {
  out[*at].lo = (uintptr_t)x;
  out[*at].hi = (uintptr_t)x + n * sizeof(float);
  (*at)++;
}

ob_status ob_list_check(ob_algo algo, const ob_list *l, int shared_grads) {
  (void)algo; /* l->need says which of its states the step uses */
  /* a NULL list with count > 0 is refused even where every size is 0
   * (optbench.h), state lists included */
  if (!ob_list_lists(l))
    return OB_EINVAL;
  /* the arrays that are written besides p: the states in use */
  const float *const *state_lists[OB_MAX_STATES];
  int states = 0;
  for (int k = 0; k < OB_MAX_STATES && !shared_grads; k++)
    if (l->s[k])
      state_lists[states++] = (const float *const *)l->s[k];
  size_t m;
  ob_status st = check_each(l, shared_grads, &m);
  if (st != OB_OK || m < 2)
    return st; /* one tensor's arrays are checked against each other already */
  if (!shared_grads) {
    const float *const *kinds[2 + OB_MAX_STATES] = {(const float *const *)l->p, l->g};
    for (int k = 0; k < states; k++)
      kinds[2 + k] = state_lists[k];
    run runs[MAX_RUNS];
    const size_t nruns = find_runs(l, kinds, 2 + states, runs);
    if (nruns)
      return spans_disjoint(runs, nruns) || !overlap_runs(l, runs, nruns) ? OB_OK : OB_EOVERLAP;
  }
  const size_t nw = m * (size_t)(shared_grads ? 1 : 2 + states), nr = shared_grads ? m : 0;
  range stack[2 * STACK_RANGES], *buf = stack;
  if (nw + nr > STACK_RANGES && !(buf = malloc(2 * (nw + nr) * sizeof *buf)))
    return OB_ENOMEM;
  range *w = buf, *r = buf + nw, *tmp = buf + nw + nr;
  size_t iw = 0, ir = 0;
  for (size_t i = 0; i < l->count; i++) {
    const size_t n = l->n[i];
    if (!n)
      continue;
    fill(w, &iw, l->p[i], n);
    fill(shared_grads ? r : w, shared_grads ? &ir : &iw, l->g[i], n);
    for (int k = 0; k < states; k++)
      fill(w, &iw, state_lists[k][i], n);
  }
  w = sort_ranges(w, tmp, nw);
  int bad = overlap_within(w, nw);
  if (!bad && nr) {
    r = sort_ranges(r, tmp + nw, nr);
    bad = overlap_across(w, nw, r, nr);
  }
  if (buf != stack)
    free(buf);
  return bad ? OB_EOVERLAP : OB_OK;
}
