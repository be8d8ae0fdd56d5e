/* Under mpirun -np R: the sharded step of every rule gives, on every rank,
 * the parameters and (for the owned range) the state of one process running
 * ob_optimizer_update on the whole tensors with the reference micro-batch
 * sum (ref_sum.h), bitwise. The list has tensors of odd sizes that straddle
 * the ranks, one of size 0, 126 floats in all (8 units): R = 10 leaves ranks
 * with nothing, and 7 micro-batches leave ranks with none to compute. Each
 * rule runs at its defaults and with every option that switches a state on
 * set to 1, or 0.5 for a rate (torch_adam amsgrad: three states;
 * torch_rmsprop momentum 0.5 and centered) and a state's initial value field to 0.125
 * (torch_adagrad's sum), where the sharded optimizer holds exactly the used states. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "optbench_mpi.h"
#include "ref_sum.h"

enum { COUNT = 6, M = 7, STEPS = 4, TOTAL = 126 };
static const size_t SIZES[COUNT] = {5, 33, 1, 0, 70, 17};

/* Micro-batch k's gradient at step t, element i of the flat space: the same
 * function on every rank. */
static float grad_value(int t, int64_t k, size_t i) {
  uint64_t z = ((uint64_t)t * 1000003u + (uint64_t)k) * 1000033u + i + 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  z ^= z >> 31;
  return ldexpf((float)(z >> 40) / (float)(1 << 24) - 0.5f, (int)(z & 15) - 8);
}

static void fill(float *flat, int t, int64_t k) {
  for (size_t i = 0; i < TOTAL; i++)
    flat[i] = grad_value(t, k, i);
}

static void views(float *flat, float *v[COUNT]) {
  for (size_t i = 0, at = 0; i < COUNT; at += SIZES[i++])
    v[i] = flat + at;
}

static void run_algo(ob_algo a, int options, int rank, int ranks) {
  ob_hparams hp = ob_defaults(a);
  hp.decoupled_decay = 0.01f; /* every rule reads it: one more path through the views */
  int has_options = 0;
  for (int s = 0; options && s < ob_state_count(a); s++) {
    const char *cond = ob_state_condition(a, s), *init = ob_state_initial(a, s);
    /* 1: a flag's on; a rate's domain is [0, 1), so 0.5 there */
    if (cond && (ob_hparams_set(&hp, cond, 1.0) != OB_OK || ob_hparams_check(a, &hp) != OB_OK))
      CHECK(ob_hparams_set(&hp, cond, 0.5) == OB_OK, "%s: set %s", ob_algo_name(a), cond);
    if (init) /* the held state must start there, as the reference object's */
      CHECK(ob_hparams_set(&hp, init, 0.125) == OB_OK, "%s: set %s", ob_algo_name(a), init);
    has_options |= cond || init;
  }
  if (options && !has_options)
    return; /* the defaults' run was this one */
  CHECK(ob_hparams_check(a, &hp) == OB_OK, "%s: options %d out of the domain", ob_algo_name(a),
        options);
  float p[TOTAL], ref[TOTAL], g[TOTAL], *gm[M], sum[TOTAL], tmp[4 * TOTAL];
  for (size_t i = 0; i < TOTAL; i++)
    p[i] = ref[i] = 0.25f - 0.003f * (float)i;
  float *pv[COUNT], *rv[COUNT], *gv[COUNT], *sv[COUNT];
  views(p, pv);
  views(ref, rv);
  views(g, gv);
  views(sum, sv);
  for (int k = 0; k < M; k++)
    gm[k] = malloc(TOTAL * sizeof(float));
  obm_optimizer *o = NULL;
  ob_status st;
  ob_optimizer *one = ob_optimizer_new(a, &hp, NULL, &st);
  CHECK(one != NULL, "ob_optimizer_new");
  const int cs = obm_create(MPI_COMM_WORLD, COUNT, SIZES, a, &hp, NULL, &o);
  CHECK(cs == OB_OK, "%s: obm_create: %s", ob_algo_name(a), obm_strerror(cs));
  int64_t first, end;
  obm_microbatches(M, ranks, rank, &first, &end);
  for (int t = 1; o && one && t <= STEPS; t++) {
    for (int64_t k = first; k < end; k++) {
      fill(g, t, k);
      CHECK(obm_accumulate(o, k, (const float *const *)gv) == OB_OK, "%s: obm_accumulate",
            ob_algo_name(a));
    }
    const int ss = obm_step(o, M, 1.0f / M, pv);
    CHECK(ss == OB_OK, "%s step %d: %s", ob_algo_name(a), t, obm_strerror(ss));
    for (int k = 0; k < M; k++)
      fill(gm[k], t, k);
    obm_ref_sum(gm, M, 0, obm_ref_root(M), sum, tmp, TOTAL);
    for (size_t i = 0; i < TOTAL; i++)
      sum[i] *= 1.0f / M;
    CHECK(ob_optimizer_update(one, COUNT, rv, (const float *const *)sv, SIZES) == OB_OK,
          "%s: the reference update", ob_algo_name(a));
    CHECK(memcmp(p, ref, sizeof p) == 0, "%s, %d ranks, rank %d, step %d: parameters differ",
          ob_algo_name(a), ranks, rank, t);
  }
  obm_info in;
  obm_get_info(o, &in);
  size_t used = 0;
  for (int s = 0; o && one && s < ob_state_count(a); s++) {
    const float *mine = obm_state(o, s);
    if (ob_state_used(a, &hp, s) != 1) {
      CHECK(!mine, "%s: unused state %d held", ob_algo_name(a), s);
      continue;
    }
    used++;
    CHECK(mine || in.end == in.begin, "%s: state %d not held", ob_algo_name(a), s);
    for (size_t i = in.begin, at = 0, ti = 0; mine && i < in.end; i++) {
      while (i >= at + SIZES[ti])
        at += SIZES[ti++];
      CHECK(mine[i - in.begin] == ob_optimizer_state(one, ti, s)[i - at], "%s state %d at %zu",
            ob_algo_name(a), s, i);
    }
  }
  CHECK(!o || in.steps == STEPS, "%s: %lld steps", ob_algo_name(a), (long long)in.steps);
  CHECK(!o || in.state_bytes == used * (in.end - in.begin) * sizeof(float),
        "%s: %zu state bytes for %zu used states", ob_algo_name(a), in.state_bytes, used);
  obm_free(o);
  ob_optimizer_free(one);
  for (int k = 0; k < M; k++)
    free(gm[k]);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, ranks;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    for (int options = 0; options < 2; options++)
      run_algo((ob_algo)a, options, rank, ranks);
  int mine = ob_failures, worst = 0;
  MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  if (rank == 0)
    printf("test_mpi_step: %d ranks\n", ranks);
  return worst ? 1 : ob_test_done("test_mpi_step");
}
