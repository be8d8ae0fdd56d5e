/* One update of every tensor of a checked list in one parallel region: the
 * list's elements, laid end to end, are split evenly over the threads, each
 * split point moved up to the next 64-byte line of that tensor's p. The
 * kernels are position-independent (kernel.h), so any split gives the bits
 * of stepping each tensor alone. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

typedef struct {
  size_t i, j; /* element j of tensor i; (count, 0) is the end */
} place;

typedef struct {
  ob_kernel_fn f;
  const ob_coeffs *c;
  const ob_list *l;
  const size_t *prefix; /* prefix[i]: elements of tensors 0 .. i-1; count + 1 entries */
  size_t total;
} list_job;

static float *state_at(const ob_list *l, int k, size_t i, size_t j) {
  return l->s[k] && l->s[k][i] ? l->s[k][i] + j : NULL;
}

/* elements [lo, hi) of tensor i */
static void run_span(const list_job *job, size_t i, size_t lo, size_t hi) {
  const ob_list *l = job->l;
  if (hi > lo)
    job->f(job->c, l->p[i] + lo, l->g[i] + lo, state_at(l, 0, i, lo), state_at(l, 1, i, lo),
           state_at(l, 2, i, lo), hi - lo);
}

/* Where part k of `parts` starts: the even split of the total, in the last
 * tensor that starts at or before it, rounded up to a line of its p (or to
 * its end). Monotonic in k. */
static place part_start(const list_job *job, size_t k, size_t parts) {
  const size_t count = job->l->count, total = job->total;
  place at = {count, 0};
  if (k == 0)
    at.i = 0;
  if (k == 0 || k >= parts)
    return at;
  const size_t e = (total / parts) * k + (total % parts) * k / parts;
  size_t lo = 0, hi = count; /* the last i with prefix[i] <= e */
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (job->prefix[mid] <= e)
      lo = mid;
    else
      hi = mid;
  }
  const size_t j = e - job->prefix[lo];
  at.i = lo;
  /* a tensor's start is a boundary already */
  at.j = j ? ob_line_up(j, ob_first_line(job->l->p[lo]), job->l->n[lo]) : 0;
  return at;
}

static void list_part(void *ctx, size_t k, size_t parts) {
  const list_job *job = ctx;
  const place a = part_start(job, k, parts), b = part_start(job, k + 1, parts);
  for (size_t i = a.i; i <= b.i && i < job->l->count; i++)
    run_span(job, i, i == a.i ? a.j : 0, i == b.i ? b.j : job->l->n[i]);
}

size_t ob_list_total(const ob_list *l, size_t *prefix) {
  size_t total = 0;
  for (size_t i = 0; i < l->count; i++) {
    if (prefix)
      prefix[i] = total;
    total += l->n[i];
  }
  if (prefix)
    prefix[l->count] = total;
  return total;
}

void ob_list_run(const ob_variant *v, ob_algo algo, const ob_coeffs *c, const ob_list *l,
                 const size_t *prefix) {
  list_job job = {v->kernels[algo], c, l, prefix, 0};
  job.total = prefix ? prefix[l->count] : ob_list_total(l, NULL);
  int threads = ob_team_threads(v, job.total, ob_omp_threshold(algo), job.total / OB_LINE_FLOATS);
  size_t *own = NULL;
  if (threads > 1 && !prefix) {
    own = malloc((l->count + 1) * sizeof *own);
    if (own)
      ob_list_total(l, own);
    else
      threads = 1; /* one thread gives the same bits */
    job.prefix = own;
  }
  if (threads > 1) {
    ob_team_run(threads, list_part, &job);
  } else {
    for (size_t i = 0; i < l->count; i++)
      run_span(&job, i, 0, l->n[i]);
  }
  free(own);
}
