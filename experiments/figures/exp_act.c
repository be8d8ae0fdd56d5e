/* exp_act.c - figures 6-10 to 6-14, the book's
 * ch06/weight_init_activation_histogram.py: 1000 inputs of 100 standard
 * normal values through 5 layers of 100 units (no biases), each layer's
 * weights from ob_init_weights, and a histogram of every layer's
 * activations (30 bins over [0, 1] as the book draws; [-1, 1] for tanh).
 *
 * Every configuration uses the same input and the same normal numbers for
 * the weights (same seeds), so they differ in the scale of the weights and
 * the activation function alone. ReLU's exact zeros (about half of the
 * values) are counted, not drawn; so are values outside the range.
 *
 * Writes act_<name>.dat (bin_lo bin_hi count_layer1..5), act_<name>_stats.dat
 * (layer mean std edge above slope) and activations.json. */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "fig.h"

#define WHO    "activations"
#define WIDTH  100
#define LAYERS 5
#define BINS   30

typedef struct {
  const char *figure, *name;
  fig_act act;
  ob_init init;
  float std;
} act_config;

static const act_config CONFIGS[] = {
    {"6-10", "sigmoid_std1", FIG_SIGMOID, OB_INIT_STD, 1.0f},
    {"6-11", "sigmoid_std0.01", FIG_SIGMOID, OB_INIT_STD, 0.01f},
    {"6-12", "sigmoid_xavier", FIG_SIGMOID, OB_INIT_XAVIER, 0.0f},
    {"6-13", "tanh_xavier", FIG_TANH, OB_INIT_XAVIER, 0.0f},
    {"6-14", "relu_std0.01", FIG_RELU, OB_INIT_STD, 0.01f},
    {"6-14", "relu_xavier", FIG_RELU, OB_INIT_XAVIER, 0.0f},
    {"6-14", "relu_he", FIG_RELU, OB_INIT_HE, 0.0f},
};
enum { NCONFIG = sizeof CONFIGS / sizeof CONFIGS[0] };

typedef struct {
  double mean, std;
  double edge;  /* sigmoid: within 0.02 of 0 or 1; tanh: |y| > 0.98; ReLU: exactly 0 */
  double above; /* outside the histogram's range (ReLU: > 1) */
  double slope; /* mean derivative: y(1-y), 1-y^2, or the share of y > 0 */
  size_t count[BINS];
} layer_stats;

static void stats(fig_act a, const float *y, size_t n, layer_stats *s) {
  memset(s, 0, sizeof *s);
  const double lo = a == FIG_TANH ? -1.0 : 0.0, hi = 1.0;
  double sum = 0, sq = 0;
  size_t edge = 0, above = 0;
  for (size_t i = 0; i < n; i++) {
    const double v = y[i];
    sum += v;
    sq += v * v;
    switch (a) {
    case FIG_SIGMOID:
      edge += v < 0.02 || v > 0.98;
      s->slope += v * (1.0 - v);
      break;
    case FIG_TANH:
      edge += fabs(v) > 0.98;
      s->slope += 1.0 - v * v;
      break;
    default:
      edge += v == 0.0;
      s->slope += v > 0.0;
      break;
    }
    if (a == FIG_RELU && v == 0.0)
      continue; /* counted in edge, not drawn */
    if (v < lo || v > hi) {
      above++;
      continue;
    }
    size_t b = (size_t)((v - lo) / (hi - lo) * BINS);
    s->count[b < BINS ? b : BINS - 1]++;
  }
  s->mean = sum / (double)n;
  s->std = sqrt(fmax(sq / (double)n - s->mean * s->mean, 0.0));
  s->edge = (double)edge / (double)n;
  s->above = (double)above / (double)n;
  s->slope /= (double)n;
}

static int write_config(const fig_opts *o, const act_config *c, float stddev, size_t N,
                        uint64_t s_in, uint64_t s_w, const layer_stats st[LAYERS]) {
  char name[128];
  conv_out f;
  snprintf(name, sizeof name, "act_%s.dat", c->name);
  if (fig_open(&f, o, name, WHO) != 0)
    return -1;
  const double lo = c->act == FIG_TANH ? -1.0 : 0.0;
  char init[64];
  if (c->init == OB_INIT_STD)
    snprintf(init, sizeof init, "weights of stddev %g", (double)stddev);
  else
    snprintf(init, sizeof init, "%s weights (stddev %.3g)", c->init == OB_INIT_HE ? "He" : "Xavier",
             (double)stddev);
  fprintf(f.f,
          "# figure %s: %s, %s, %zu inputs x %d standard normals, %d layers of %d\n"
          "# seeds: input 0x%016" PRIx64 " (stream 0), weights 0x%016" PRIx64
          " (stream = layer - 1)\n# bin_lo bin_hi count_layer1 .. count_layer%d\n",
          c->figure, fig_act_name(c->act), init, N, WIDTH, LAYERS, WIDTH, s_in, s_w, LAYERS);
  for (int b = 0; b < BINS; b++) {
    fprintf(f.f, "%.6g %.6g", lo + (1.0 - lo) * b / BINS, lo + (1.0 - lo) * (b + 1) / BINS);
    for (int l = 0; l < LAYERS; l++)
      fprintf(f.f, " %zu", st[l].count[b]);
    fputc('\n', f.f);
  }
  if (fig_commit(&f, WHO) != 0)
    return -1;
  snprintf(name, sizeof name, "act_%s_stats.dat", c->name);
  if (fig_open(&f, o, name, WHO) != 0)
    return -1;
  fprintf(f.f,
          "# figure %s: %s, weights %s (stddev %g); edge = %s\n"
          "# layer mean std edge above slope\n",
          c->figure, fig_act_name(c->act), ob_init_name(c->init), (double)stddev,
          c->act == FIG_SIGMOID ? "share within 0.02 of 0 or 1"
          : c->act == FIG_TANH  ? "share with |y| > 0.98"
                                : "share exactly 0");
  for (int l = 0; l < LAYERS; l++)
    fprintf(f.f, "%d %.6g %.6g %.6g %.6g %.6g\n", l + 1, st[l].mean, st[l].std, st[l].edge,
            st[l].above, st[l].slope);
  return fig_commit(&f, WHO);
}

int fig_activations(const fig_opts *o) {
  const size_t N = o->quick ? 200 : 1000;
  const uint64_t s_in = fig_seed(o, 10, FIG_SEED_INPUT), s_w = fig_seed(o, 10, FIG_SEED_WEIGHTS);
  printf(WHO ": figures 6-10..6-14: %zu inputs x %d standard normals, %d layers of %d, %d "
             "configurations\n" WHO ": seeds: input 0x%016" PRIx64 ", weights 0x%016" PRIx64 "\n",
         N, WIDTH, LAYERS, WIDTH, NCONFIG, s_in, s_w);
  const double t0 = conv_now();
  float *x = malloc(N * WIDTH * sizeof *x), *y = malloc(N * WIDTH * sizeof *y),
        *w = malloc(WIDTH * WIDTH * sizeof *w);
  layer_stats(*all)[LAYERS] = calloc(NCONFIG, sizeof *all);
  float stddev[NCONFIG];
  int rc = 0;
  if (!x || !y || !w || !all) {
    fprintf(stderr, WHO ": out of memory\n");
    rc = 1;
  }
  for (int k = 0; k < NCONFIG && rc == 0; k++) {
    const act_config *c = &CONFIGS[k];
    ob_status st = ob_rand_normal(o->variant, s_in, 0, 1.0f, x, N * WIDTH);
    if (st == OB_OK)
      st = ob_init_stddev(c->init, c->std, WIDTH, &stddev[k]);
    for (int l = 0; l < LAYERS && st == OB_OK; l++) {
      st = ob_init_weights(o->variant, c->init, c->std, WIDTH, s_w, (uint64_t)l, w, WIDTH * WIDTH);
      if (st != OB_OK)
        break;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, WIDTH, WIDTH, 1.0f, x, WIDTH,
                  w, WIDTH, 0.0f, y, WIDTH);
      fig_act_forward(c->act, y, x, N * WIDTH); /* x: this layer's output, the next one's input */
      stats(c->act, x, N * WIDTH, &all[k][l]);
    }
    if (st != OB_OK) {
      fprintf(stderr, WHO ": %s: %s\n", c->name, ob_strerror(st));
      rc = 1;
      break;
    }
    printf(WHO ": figure %s %-16s stddev %-8.4g activation std by layer:", c->figure, c->name,
           (double)stddev[k]);
    for (int l = 0; l < LAYERS; l++)
      printf(" %.4f", all[k][l].std);
    printf("  %s by layer:", c->act == FIG_RELU ? "zeros" : "saturated");
    for (int l = 0; l < LAYERS; l++)
      printf(" %.1f%%", 100 * all[k][l].edge);
    printf("\n");
    if (write_config(o, c, stddev[k], N, s_in, s_w, all[k]) != 0)
      rc = 1;
  }
  conv_out f;
  if (rc == 0 && fig_open(&f, o, "activations.json", WHO) == 0) {
    fprintf(f.f,
            "{\"experiment\": \"activations\", \"inputs\": %zu, \"width\": %d, \"layers\": %d, "
            "\"seeds\": {\"input\": \"0x%016" PRIx64 "\", \"weights\": \"0x%016" PRIx64 "\"},\n"
            " \"configs\": [",
            N, WIDTH, LAYERS, s_in, s_w);
    for (int k = 0; k < NCONFIG; k++) {
      fprintf(f.f,
              "%s\n  {\"figure\": \"%s\", \"name\": \"%s\", \"activation\": \"%s\", \"init\": "
              "\"%s\", \"stddev\": %.9g, \"layers\": [",
              k ? "," : "", CONFIGS[k].figure, CONFIGS[k].name, fig_act_name(CONFIGS[k].act),
              ob_init_name(CONFIGS[k].init), (double)stddev[k]);
      for (int l = 0; l < LAYERS; l++) {
        const layer_stats *s = &all[k][l];
        fprintf(f.f,
                "%s{\"mean\": %.6g, \"std\": %.6g, \"edge\": %.6g, \"above\": %.6g, \"slope\": "
                "%.6g}",
                l ? ", " : "", s->mean, s->std, s->edge, s->above, s->slope);
      }
      fprintf(f.f, "]}");
    }
    fprintf(f.f, "\n ], \"seconds\": %.3f}\n", conv_now() - t0);
    rc = fig_commit(&f, WHO) != 0;
  } else if (rc == 0) {
    rc = 1;
  }
  printf(WHO ": %s in %.2f s\n", rc ? "FAILED" : "done", conv_now() - t0);
  free(x);
  free(y);
  free(w);
  free(all);
  return rc;
}
