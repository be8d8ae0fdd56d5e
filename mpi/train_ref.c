/* optbench_mpi_train --reference: the same training on one process, no MPI.
 * Apart from the library's code on purpose: the micro-batch sum is the
 * recursion of ref_sum.h, the step ob_optimizer_update on whole tensors, so
 * the sharded runs are checked against an independent path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "ref_sum.h"
#include "train.h"

int train_reference(const train_opts *op) {
  const char *who = "optbench_mpi_train --reference";
  train_run run;
  int rc = train_load(op, &run, who);
  if (rc) {
    train_free(&run);
    return rc;
  }
  const int64_t m = (int64_t)op->micro;
  const int64_t root = obm_ref_root(m);
  size_t levels = 0;
  while (((int64_t)1 << levels) < root)
    levels++;
  size_t n = 0;
  for (size_t i = 0; i < run.net.count; i++)
    n += run.net.sizes[i];
  float **g = calloc((size_t)m, sizeof *g);
  float *sum = malloc(n * sizeof *sum), *tmp = malloc((levels + 1) * n * sizeof *tmp);
  ob_status st;
  ob_optimizer *opt = ob_optimizer_new(op->algo, &op->hp, NULL, &st);
  for (int64_t k = 0; g && k < m; k++)
    g[k] = malloc(n * sizeof **g);
  if (!g || !sum || !tmp || !opt || !g[m - 1]) {
    fprintf(stderr, "%s: %s\n", who, opt ? "out of memory" : ob_strerror(st));
    rc = 1;
  }
  size_t state_bytes = 0;
  for (unsigned long long it = 0; rc == 0 && it < op->iters; it++) {
    train_draw(op, &run);
    for (int64_t k = 0; k < m; k++) {
      train_grad(op, &run, k);
      for (size_t i = 0, at = 0; i < run.net.count; at += run.net.sizes[i++])
        memcpy(g[k] + at, run.net.grads[i], run.net.sizes[i] * sizeof(float));
    }
    obm_ref_sum(g, m, 0, root, sum, tmp, n);
    const float scale = 1.0f / (float)m;
    for (size_t i = 0, at = 0; i < run.net.count; at += run.net.sizes[i++])
      for (size_t j = 0; j < run.net.sizes[i]; j++)
        run.net.grads[i][j] = sum[at + j] * scale;
    const size_t heap0 = train_heap_bytes();
    st = ob_optimizer_update(opt, run.net.count, run.net.params,
                             (const float *const *)run.net.grads, run.net.sizes);
    if (it == 0) /* the state is allocated by the first update */
      state_bytes = train_heap_bytes() - heap0;
    if (st != OB_OK) {
      fprintf(stderr, "%s: iteration %llu: %s\n", who, it + 1, ob_strerror(st));
      rc = 1;
    }
    double loss = 0.0;
    for (int64_t k = 0; k < m; k++)
      loss += train_loss(op, &run, k);
    run.loss[it] = loss / (double)m;
  }
  if (rc == 0)
    rc = train_write(op, &run, who);
  if (rc == 0) {
    printf("%s: %llu iterations, %lld micro-batches of %llu; loss %.6f; optimizer state "
           "%zu bytes (heap, measured) for %zu parameters\n",
           who, op->iters, (long long)m, op->micro_size, run.loss[op->iters - 1], state_bytes, n);
    char err[4096];
    conv_out o;
    if (conv_out_open(&o, op->out, "memory.txt", err, sizeof err) != 0) {
      fprintf(stderr, "%s: %s\n", who, err);
      rc = 1;
    } else {
      fprintf(o.f, "# ranks rank begin end state_bytes_measured state_bytes_held\n");
      fprintf(o.f, "reference 0 0 %zu %zu %zu\n", n, state_bytes,
              (size_t)ob_state_count(op->algo) * n * sizeof(float));
      if (conv_out_commit(&o, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", who, err);
        rc = 1;
      }
    }
  }
  for (int64_t k = 0; g && k < m; k++)
    free(g[k]);
  free(g);
  free(sum);
  free(tmp);
  ob_optimizer_free(opt);
  train_free(&run);
  return rc;
}
