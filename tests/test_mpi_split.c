/* optbench_mpi's arithmetic, without an MPI run: the split of the flat
 * space (hand-worked cases, then the properties for many totals and rank
 * counts, straddling tensors, sizes not a multiple of 16, more ranks than
 * units), the split of the micro-batches, the subtrees of a range, and the
 * tree sum: every rank count's subtrees folded as the owner folds them give
 * the bits of the recursive reference (ref_sum.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "optbench_mpi.h"
#include "ref_sum.h"

static void hand_cases(void) {
  /* 100 floats = 6 full units and one of 4; 3 ranks own units [0,2), [2,4), [4,7) */
  static const size_t want100[3][2] = {{0, 32}, {32, 64}, {64, 100}};
  for (int r = 0; r < 3; r++) {
    size_t b, e;
    obm_shard_range(100, 3, r, &b, &e);
    CHECK(b == want100[r][0] && e == want100[r][1], "100/3 rank %d: [%zu, %zu)", r, b, e);
  }
  /* one unit over 4 ranks: floor((r+1)/4) is 1 only for rank 3 */
  for (int r = 0; r < 4; r++) {
    size_t b, e;
    obm_shard_range(16, 4, r, &b, &e);
    CHECK(e - b == (r == 3 ? 16u : 0u), "16/4 rank %d: [%zu, %zu)", r, b, e);
  }
  size_t b = 1, e = 1;
  obm_shard_range(0, 2, 1, &b, &e);
  CHECK(b == 0 && e == 0, "an empty space: [%zu, %zu)", b, e);
  obm_shard_range(64, 2, 2, &b, &e); /* no such rank */
  CHECK(b == 0 && e == 0, "rank 2 of 2: [%zu, %zu)", b, e);
  /* 12 micro-batches over 4 ranks, and 2 over 3 (rank 0 has none) */
  int64_t f, g;
  obm_microbatches(12, 4, 3, &f, &g);
  CHECK(f == 9 && g == 12, "12 over 4, rank 3: [%lld, %lld)", (long long)f, (long long)g);
  obm_microbatches(2, 3, 0, &f, &g);
  CHECK(f == 0 && g == 0, "2 over 3, rank 0: [%lld, %lld)", (long long)f, (long long)g);
  obm_microbatches(2, 3, 2, &f, &g);
  CHECK(f == 1 && g == 2, "2 over 3, rank 2: [%lld, %lld)", (long long)f, (long long)g);
  /* subtrees: [1,4) is {1} and [2,4); [0,12) is [0,8) and [8,12); [9,12) is {9}, [10,12) */
  int64_t lo[OBM_MAX_NODES];
  int lvl[OBM_MAX_NODES];
  int n = obm_subtrees(1, 4, lo, lvl, OBM_MAX_NODES);
  CHECK(n == 2 && lo[0] == 1 && lvl[0] == 0 && lo[1] == 2 && lvl[1] == 1, "[1, 4): %d subtrees", n);
  n = obm_subtrees(0, 12, lo, lvl, OBM_MAX_NODES);
  CHECK(n == 2 && lo[0] == 0 && lvl[0] == 3 && lo[1] == 8 && lvl[1] == 2, "[0, 12): %d subtrees",
        n);
  n = obm_subtrees(9, 12, lo, lvl, OBM_MAX_NODES);
  CHECK(n == 2 && lo[0] == 9 && lvl[0] == 0 && lo[1] == 10 && lvl[1] == 1, "[9, 12): %d subtrees",
        n);
  CHECK(obm_subtrees(5, 5, lo, lvl, OBM_MAX_NODES) == 0, "an empty range has subtrees");
}

/* The split's properties: contiguous cover in rank order, starts on units,
 * unit counts floor or ceil of units/ranks; a huge total does not overflow
 * (checked against 128-bit products). */
static void properties(void) {
  for (size_t total = 0; total < 300; total += 1 + total / 7)
    for (int ranks = 1; ranks <= 40; ranks++) {
      const size_t units = (total + 15) / 16;
      size_t at = 0;
      for (int r = 0; r < ranks; r++) {
        size_t b, e;
        obm_shard_range(total, ranks, r, &b, &e);
        const size_t ub = (size_t)r * units / (size_t)ranks * 16;
        CHECK(b == at && e >= b && b % 16 == 0, "%zu/%d rank %d", total, ranks, r);
        CHECK(b == (ub < total ? ub : total), "%zu/%d rank %d: begin %zu", total, ranks, r, b);
        const size_t u = (e - b + 15) / 16;
        CHECK(u == units / (size_t)ranks || u == units / (size_t)ranks + 1, "%zu/%d", total, ranks);
        at = e;
      }
      CHECK(at == total, "%zu/%d: covers %zu", total, ranks, at);
    }
  __extension__ typedef unsigned __int128 u128;
  const size_t huge = (size_t)1 << 62; /* units * rank passes 2^64 from rank 64 on */
  for (int r = 0; r < 1000; r += 37) {
    size_t b, e;
    obm_shard_range(huge, 1000, r, &b, &e);
    const u128 u = (u128)(huge / 16) * (unsigned)r / 1000 * 16;
    CHECK(b == (size_t)u, "2^62/1000 rank %d: %zu", r, b);
  }
  /* subtrees: aligned, inside the range, in order, none could be doubled */
  for (int64_t f = 0; f < 40; f++)
    for (int64_t e = f; e < 70; e++) {
      int64_t lo[OBM_MAX_NODES];
      int lvl[OBM_MAX_NODES];
      const int n = obm_subtrees(f, e, lo, lvl, OBM_MAX_NODES);
      int64_t at = f;
      for (int i = 0; i < n; i++) {
        const int64_t size = (int64_t)1 << lvl[i];
        CHECK(lo[i] == at && lo[i] % size == 0 && lo[i] + size <= e, "[%lld, %lld)", (long long)f,
              (long long)e);
        CHECK(lo[i] % (2 * size) != 0 || lo[i] + 2 * size > e, "not maximal");
        at += size;
      }
      CHECK(at == e, "[%lld, %lld): covered to %lld", (long long)f, (long long)e, (long long)at);
    }
}

/* Each rank's leaves pushed in order, then all ranks' subtrees folded as the
 * owner folds them (tree.c), against the recursion of ref_sum.h, bitwise. */
static void tree_sums(void) {
  enum { N = 5, MAXM = 37 };
  float *g[MAXM], ref[N], tmp[8 * N];
  uint64_t s = 0x9e3779b97f4a7c15u;
  for (int k = 0; k < MAXM; k++) {
    g[k] = malloc(N * sizeof(float));
    for (int i = 0; i < N; i++) { /* magnitudes over 2^-20..2^20: sums that round */
      s = s * 6364136223846793005u + 1442695040888963407u;
      g[k][i] = ldexpf((float)(s >> 40) / (float)(1 << 24) - 0.5f, (int)(s >> 59) * 3 - 20);
    }
  }
  int differs = 0;
  for (int64_t m = 1; m <= MAXM; m++) {
    obm_ref_sum(g, m, 0, obm_ref_root(m), ref, tmp, N);
    float seq[N] = {0};
    for (int64_t k = 0; k < m; k++)
      for (int i = 0; i < N; i++)
        seq[i] += g[k][i];
    differs += memcmp(seq, ref, sizeof ref) != 0;
    for (int ranks = 1; ranks <= 9; ranks++) {
      obm_node owner[OBM_MAX_NODES];
      float *bufs[MAXM], *freed[OBM_MAX_NODES];
      int od = 0;
      for (int r = 0; r < ranks; r++) {
        int64_t f, e;
        obm_microbatches(m, ranks, r, &f, &e);
        obm_node local[OBM_MAX_NODES];
        int ld = 0;
        for (int64_t k = f; k < e; k++) {
          bufs[k] = malloc(N * sizeof(float));
          memcpy(bufs[k], g[k], N * sizeof(float));
          obm_tree_push(local, &ld, (obm_node){k, 0, bufs[k]}, N, freed);
        }
        for (int j = 0; j < ld; j++)
          obm_tree_push(owner, &od, local[j], N, freed);
      }
      obm_tree_finish(owner, od, N);
      CHECK(memcmp(owner[0].buf, ref, sizeof ref) == 0, "m %lld, %d ranks", (long long)m, ranks);
      for (int64_t k = 0; k < m; k++)
        free(bufs[k]);
    }
  }
  /* the order matters, or the test would prove nothing */
  CHECK(differs > 0, "the tree and the sequential sum never differed");
  for (int k = 0; k < MAXM; k++)
    free(g[k]);
}

int main(void) {
  hand_cases();
  properties();
  tree_sums();
  return ob_test_done("test_mpi_split");
}
