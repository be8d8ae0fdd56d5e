/* optbench_mpi_bench - the sharded step (optbench_mpi) on bench/models'
 * parameter lists, run under `mpirun -np R`: per step, on every rank, the
 * median over repeats of the contribution copy, the agreement (waiting), the
 * gradient exchange, the tree fold, the update and the parameter exchange,
 * and back to back MPI_Reduce_scatter on the same gradients (MPI's sum, in
 * no promised order) for what the fixed order costs. With 2 ranks or more,
 * also MPI's one-way time over message sizes (pingpong.c) and its
 * alpha-beta fit. Writes one JSON file (--out); plots/mpi_report.py turns
 * the files of R = 1..4 into the report and the projection.
 *
 * Each rank contributes one micro-batch (M = R), so the exchange moves what
 * MPI_Reduce_scatter moves. A list whose buffers on all ranks would pass half
 * of MemAvailable is skipped, and the JSON says so. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_lists.h"
#include "optbench_mpi.h"
#include "optnames.h"
#include "opts.h"
#include "outfile.h"
#include "pingpong.h"

#define PROG "optbench_mpi_bench"

enum { M_COPY, M_WAIT, M_REDUCE, M_FOLD, M_UPDATE, M_GATHER, M_STEP, M_RS, M_COUNT };
static const char *const METRIC[M_COUNT] = {"accumulate", "wait",   "reduce", "fold",
                                            "update",     "gather", "step",   "reduce_scatter"};

typedef struct {
  const char *models, *lists, *out;
  int repeats;
  ob_algo algo;
  size_t pp_max;
} opts;

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* MemAvailable of /proc/meminfo in bytes; 0 if unknown. */
static double mem_available(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256];
  double kb = 0;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
      break;
  if (f)
    fclose(f);
  return kb * 1024.0;
}

/* Bytes one rank holds for a list of n floats: parameters, the gradient,
 * one subtree, the slices received, the owned range's gradient, state and
 * MPI_Reduce_scatter's result. */
static double rank_bytes(double n, int ranks, int states) {
  return 4.0 * n * (3.0 + (double)(ranks - 1) / ranks + (2.0 + states) / ranks);
}

static int take_algo(void *target, const char *name, const char *value, char *err, size_t errlen) {
  const int a = ob_optname_algo(name, value, err, errlen);
  if (a < 0)
    return OB_OPTS_BAD;
  *(ob_algo *)target = (ob_algo)a;
  return OB_OPTS_OK;
}

/* Returns -1 to go on, else the exit status (ob_opts_parse_main). Runs
 * before MPI_Init, so under mpirun every rank refuses alike, each once. */
static int parse(int argc, char **argv, opts *op) {
  *op = (opts){.models = OB_MODELS_DIR,
               .lists = "resnet50,bert-base,gpt2-small,mixed-20000",
               .repeats = 7,
               .algo = OB_ADAM,
               .pp_max = (size_t)1 << 26};
  const ob_opt table[] = {
      {"--out", NULL, OB_OPT_STR, &op->out, 0, 0, 0, NULL, "FILE.json", "the results (required)"},
      {"--models", NULL, OB_OPT_STR, &op->models, 0, 0, 0, NULL, "DIR",
       "the model lists' folder (default bench/models)"},
      {"--lists", NULL, OB_OPT_STR, &op->lists, 0, 0, 0, NULL, "a,b,...",
       "the lists to run (default resnet50,bert-base,gpt2-small,mixed-20000)"},
      {"--repeats", NULL, OB_OPT_INT, &op->repeats, 1, 1000, 0, NULL, "N",
       "timed steps per list, the median kept (default 7)"},
      {"--algo", NULL, OB_OPT_FN, &op->algo, 0, 0, 0, take_algo, "NAME",
       "the update rule (default adam)"},
      /* the sizes go 8, 32, 128, ... bytes; every rank allocates the largest once */
      {"--pingpong-max", NULL, OB_OPT_SIZE, &op->pp_max, 8, (size_t)1 << 30, 0, NULL, "BYTES",
       "the ping-pong's largest message (default 2^26)"},
      {"--help", "-h", OB_OPT_HELP, NULL, 0, 0, 0, NULL, NULL, "this message"},
  };
  const int done = ob_opts_parse_main(PROG, "--out FILE.json [options]", table,
                                      sizeof table / sizeof *table, NULL, &argc, argv);
  if (done >= 0)
    return done;
  if (!op->out) {
    fprintf(stderr, "%s: --out FILE.json is required\n", PROG);
    return 2;
  }
  return -1;
}

/* One list: the medians of every metric on this rank, into med[]. Returns
 * 0, 1 if skipped for memory (on every rank), -1 on a failure. */
static int run_list(const opts *op, const ob_model_list *l, MPI_Comm comm, double med[M_COUNT]) {
  int rank, ranks;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const size_t n = (size_t)l->total;
  int skip = rank == 0 && (double)ranks * rank_bytes((double)n, ranks, ob_state_count(op->algo)) >
                              0.5 * mem_available();
  MPI_Bcast(&skip, 1, MPI_INT, 0, comm);
  if (skip)
    return 1;
  float *p = malloc(n * sizeof *p), *g = malloc(n * sizeof *g);
  float **pv = malloc(l->count * sizeof *pv), **gv = malloc(l->count * sizeof *gv);
  double *t[M_COUNT];
  int ok = p && g && pv && gv;
  for (int k = 0; k < M_COUNT; k++)
    ok &= (t[k] = malloc((size_t)op->repeats * sizeof *t[k])) != NULL;
  size_t b, e;
  obm_shard_range(n, ranks, rank, &b, &e);
  float *rs = malloc((e - b + 1) * sizeof *rs);
  int *counts = malloc((size_t)ranks * sizeof *counts);
  ok &= rs && counts;
  for (size_t i = 0, at = 0; ok && i < l->count; at += l->sizes[i++]) {
    pv[i] = p + at;
    gv[i] = g + at;
  }
  /* values of the size of real ones; the same on every rank, so the sums
   * do not drift over the repeats */
  for (size_t i = 0; ok && i < n; i++) {
    p[i] = 0.01f * (float)(i % 97) - 0.5f;
    g[i] = 1e-3f * (float)(i % 89) - 0.04f;
  }
  for (int q = 0; ok && q < ranks; q++) {
    size_t qb, qe;
    obm_shard_range(n, ranks, q, &qb, &qe);
    counts[q] = (int)(qe - qb);
  }
  const ob_hparams hp = ob_defaults(op->algo);
  obm_optimizer *o = NULL;
  int st = ok ? obm_create(comm, l->count, l->sizes, op->algo, &hp, NULL, &o) : OB_ENOMEM;
  int all = st;
  MPI_Allreduce(&st, &all, 1, MPI_INT, MPI_MAX, comm);
  for (int r = -1; all == OB_OK && r < op->repeats; r++) { /* r = -1: a warm-up round */
    const double a0 = MPI_Wtime();
    /* a refused contribution is reported by obm_step, on every rank: a rank
     * that skipped the collective step would leave the others waiting in it */
    obm_accumulate(o, rank, (const float *const *)gv);
    const double a1 = MPI_Wtime();
    st = obm_step(o, ranks, 1.0f / (float)ranks, pv);
    const double a2 = MPI_Wtime();
    if (st != OB_OK) {
      fprintf(stderr, PROG ": rank %d: %s: %s\n", rank, l->name, obm_strerror(st));
      all = st;
      break;
    }
    MPI_Barrier(comm); /* so that MPI's time, like the step's reduce, excludes the waiting */
    const double r0 = MPI_Wtime();
    MPI_Reduce_scatter(g, rs, counts, MPI_FLOAT, MPI_SUM, comm);
    const double r1 = MPI_Wtime();
    if (r < 0)
      continue;
    obm_info in;
    obm_get_info(o, &in);
    const double v[M_COUNT] = {a1 - a0,        in.last.wait,   in.last.reduce, in.last.fold,
                               in.last.update, in.last.gather, a2 - a0,        r1 - r0};
    for (int k = 0; k < M_COUNT; k++)
      t[k][r] = v[k];
  }
  for (int k = 0; k < M_COUNT; k++) {
    if (all == OB_OK) {
      qsort(t[k], (size_t)op->repeats, sizeof *t[k], cmp_double);
      med[k] = t[k][op->repeats / 2];
    }
    free(t[k]);
  }
  obm_free(o);
  free(p);
  free(g);
  free(pv);
  free(gv);
  free(rs);
  free(counts);
  return all == OB_OK ? 0 : -1;
}

/* Every rank's medians of one list as a JSON object, written by rank 0. */
static void list_json(FILE *f, const ob_model_list *l, int ranks, int state, const double *all) {
  fprintf(f, "{\"list\": \"%s\", \"tensors\": %zu, \"elements\": %lld, \"status\": \"%s\"", l->name,
          l->count, (long long)l->total,
          state == 0   ? "ok"
          : state == 1 ? "skipped: memory"
                       : "failed");
  if (state == 0) {
    fprintf(f, ", \"ranks\": [");
    for (int q = 0; q < ranks; q++) {
      size_t b, e;
      obm_shard_range((size_t)l->total, ranks, q, &b, &e);
      fprintf(f, "%s{\"rank\": %d, \"begin\": %zu, \"end\": %zu", q ? ", " : "", q, b, e);
      for (int k = 0; k < M_COUNT; k++)
        fprintf(f, ", \"%s_s\": %.9g", METRIC[k], all[q * M_COUNT + k]);
      fprintf(f, "}");
    }
    fprintf(f, "]");
  }
  fprintf(f, "}");
}

static int bench(const opts *op, MPI_Comm comm, int rank, int ranks) {
  ob_model_list *lists = NULL;
  size_t nl = 0;
  char err[4096];
  if (ob_model_lists_load(op->models, &lists, &nl, err, sizeof err) != 0) {
    if (rank == 0)
      fprintf(stderr, PROG ": %s\n", err);
    return 1;
  }
  /* a name no list has would otherwise run nothing and say nothing */
  for (const char *p = op->lists; *p;) {
    const size_t len = strcspn(p, ",");
    size_t i = 0;
    while (i < nl && !(strlen(lists[i].name) == len && !strncmp(lists[i].name, p, len)))
      i++;
    if (i == nl) {
      if (rank == 0)
        fprintf(stderr, PROG ": --lists: no list '%.*s' in %s\n", (int)len, p, op->models);
      ob_model_lists_free(lists, nl);
      return 2;
    }
    p += len + (p[len] == ',');
  }
  ob_outfile out = {0};
  int rc = rank == 0 ? ob_out_open(&out, op->out, err, sizeof err) : 0;
  MPI_Bcast(&rc, 1, MPI_INT, 0, comm);
  if (rc) {
    if (rank == 0)
      fprintf(stderr, PROG ": %s\n", err);
    ob_model_lists_free(lists, nl);
    return 1;
  }
  FILE *f = out.f;
  if (rank == 0)
    fprintf(f, "{\"ranks\": %d, \"algo\": \"%s\", \"repeats\": %d, \"lists\": [", ranks,
            ob_algo_name(op->algo), op->repeats);
  double *all = malloc((size_t)ranks * M_COUNT * sizeof *all);
  int first = 1;
  for (size_t i = 0; i < nl && !rc && all; i++) {
    const ob_model_list *l = &lists[i];
    const size_t len = strlen(l->name);
    const char *hit = strstr(op->lists, l->name);
    while (hit && !((hit == op->lists || hit[-1] == ',') && (hit[len] == ',' || !hit[len])))
      hit = strstr(hit + 1, l->name);
    if (!hit)
      continue;
    double med[M_COUNT] = {0};
    const int state = run_list(op, l, comm, med);
    MPI_Gather(med, M_COUNT, MPI_DOUBLE, all, M_COUNT, MPI_DOUBLE, 0, comm);
    if (rank == 0) {
      fprintf(f, "%s", first ? "\n  " : ",\n  ");
      list_json(f, l, ranks, state, all);
      printf(PROG ": %d ranks: %-12s %s\n", ranks, l->name,
             state == 0   ? "done"
             : state == 1 ? "skipped (memory)"
                          : "FAILED");
      fflush(stdout);
    }
    first = 0;
    rc = state < 0;
  }
  free(all);
  pp_result pp;
  if (!rc && ranks >= 2 && pp_run(comm, op->pp_max, 4 * op->repeats + 1, &pp) == 0 && rank == 0) {
    fprintf(f, "],\n \"pingpong\": ");
    pp_json(f, &pp);
    fprintf(f, "}\n");
  } else if (rank == 0)
    fprintf(f, "]}\n");
  if (rank == 0 && (rc ? (ob_out_abort(&out), 0) : ob_out_commit(&out, err, sizeof err)) != 0) {
    fprintf(stderr, PROG ": %s\n", err);
    rc = 1;
  }
  ob_model_lists_free(lists, nl);
  return rc;
}

int main(int argc, char **argv) {
  opts op;
  const int done = parse(argc, argv, &op);
  if (done >= 0)
    return done;
  MPI_Init(&argc, &argv);
  int rank, ranks;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const int rc = bench(&op, MPI_COMM_WORLD, rank, ranks);
  MPI_Finalize();
  return rc;
}
