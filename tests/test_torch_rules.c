/* The torch.optim rules against torch's documented algorithm (torch 2.x,
 * torch/optim/<rule>.py, foreach=False), computed here in double from the
 * float inputs, on cases small enough to follow by hand:
 *   - SGD: momentum 0.9, lr 0.1, g 1 steps -0.1, then -0.19 more (buf 1.9);
 *     Nesterov's first step is -0.19 (the book's Nesterov: -0.271);
 *     at t = 1 the buffer becomes d whatever it held (NaN included);
 *     dampening, maximize, momentum 0 (no buffer: NULL);
 *   - Adam: with eps 0 the first step moves p by exactly lr for any g;
 *     amsgrad divides by the running maximum; AdamW's decoupled term first;
 *   - Adagrad: lr/(1 + (t-1)*lr_decay); sum from its input;
 *   - RMSprop: plain, centered (sqrt(square_avg - grad_avg^2)), momentum.
 * Each case runs on every supported variant (n elements: full vectors and
 * a tail, all alike) and every output must be within the step's bound
 * (ob_step_error_bound) in scale-ULPs (golden/FORMAT.md), the scale given
 * by the case: the largest term of that output. The golden files check the
 * rules on thousands of cases; these pin the formulas a reader can redo. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>

#include "golden_check.h"
#include "test_util.h"

#define N 19 /* a full SSE2, AVX2 vector and a tail; below an AVX-512 vector */

typedef struct {
  const char *name;
  ob_algo algo;
  ob_hparams hp;
  int64_t t;
  float p, g, s[OB_MAX_STATES]; /* the inputs, the same for every element */
  /* the outputs from torch's formula in double, and the scale of each: p, then
   * the states the step uses (ob_state_used; the others must stay as they were) */
  double want_p, scale_p, want_s[OB_MAX_STATES], scale_s[OB_MAX_STATES];
} tcase;

static tcase make(const char *name, ob_algo a, int64_t t) {
  tcase c;
  memset(&c, 0, sizeof c);
  c.name = name;
  c.algo = a;
  c.hp = ob_defaults(a);
  c.t = t;
  return c;
}

static double err_of(float got, double want, double scale) {
  return gc_scale_ulps(got, want, (float)want, scale, 0);
}

/* The case on one variant; the unused states passed as NULL (allowed). */
static void run_case(const tcase *c, const ob_variant *v) {
  float p[N], g[N], s[OB_MAX_STATES][N];
  float *st[OB_MAX_STATES];
  int used[OB_MAX_STATES];
  for (int k = 0; k < OB_MAX_STATES; k++) {
    used[k] = k < ob_state_count(c->algo) && ob_state_used(c->algo, &c->hp, k) == 1;
    st[k] = used[k] ? s[k] : NULL;
  }
  for (size_t i = 0; i < N; i++) {
    p[i] = c->p, g[i] = c->g;
    for (int k = 0; k < OB_MAX_STATES; k++)
      s[k][i] = c->s[k];
  }
  const ob_status r = ob_step_states(v, c->algo, &c->hp, c->t, p, g, st, N);
  const char *an = ob_algo_name(c->algo), *vn = ob_variant_name(v);
  CHECK(r == OB_OK, "%s %s %s: %s", vn, an, c->name, ob_strerror(r));
  const double bound = ob_step_error_bound(c->algo, &c->hp, v);
  for (size_t i = 0; i < N; i++) {
    const double e = err_of(p[i], c->want_p, c->scale_p);
    CHECK(e <= bound, "%s %s %s [%zu]: p = %.9g, torch's formula %.9g: %.2f scale-ULPs > %.2f", vn,
          an, c->name, i, (double)p[i], c->want_p, e, bound);
    for (int k = 0; k < ob_state_count(c->algo); k++) {
      if (!used[k])
        continue;
      const double es = err_of(s[k][i], c->want_s[k], c->scale_s[k]);
      CHECK(es <= bound, "%s %s %s [%zu]: %s = %.9g, torch's formula %.9g: %.2f scale-ULPs > %.2f",
            vn, an, c->name, i, ob_state_name(c->algo, k), (double)s[k][i], c->want_s[k], es,
            bound);
    }
  }
}

static void run_all(const tcase *c) {
  for (size_t vi = 0; vi < ob_variant_count(); vi++)
    if (ob_variant_supported(ob_variant_at(vi)))
      run_case(c, ob_variant_at(vi));
}

/* ---- SGD ----------------------------------------------------------------- */

/* The numbers: momentum 0.9, lr 0.1, g 1, p 0. Step 1: buf = d = 1,
 * p = -0.1. Step 2 (from float step 1's outputs): buf = 0.9*1 + 1 = 1.9,
 * p = -0.1 - 0.19 = -0.29. */
static void sgd_momentum(void) {
  tcase c = make("momentum t=1", OB_TORCH_SGD, 1);
  c.hp.lr = 0.1f, c.hp.momentum = 0.9f;
  const double lr = c.hp.lr, m = c.hp.momentum;
  c.g = 1.0f;
  c.s[0] = 123.0f; /* ignored at t = 1: the buffer starts as d */
  c.want_s[0] = 1.0, c.scale_s[0] = 1.0;
  c.want_p = -lr, c.scale_p = lr;
  CHECK(fabs(c.want_p + 0.1) < 1e-8, "step 1 is -0.1");
  run_all(&c);

  c.name = "momentum t=2";
  c.t = 2;
  c.p = (float)-lr, c.s[0] = 1.0f;
  c.want_s[0] = m * 1.0 + 1.0, c.scale_s[0] = 1.0;
  c.want_p = (double)c.p - lr * c.want_s[0], c.scale_p = lr * c.want_s[0];
  CHECK(fabs(c.want_s[0] - 1.9) < 1e-7 && fabs(c.want_p + 0.29) < 1e-7, "step 2: buf 1.9, p -0.29");
  run_all(&c);
}

/* Nesterov at t = 1: buf = d = 1, d + momentum*buf = 1.9, p = -0.19; the
 * book's Nesterov from v = 0 gives p += momentum^2*v' - (1+momentum)*lr*g
 * with v' = -lr*g: -0.081 - 0.19 = -0.271 (DESIGN.md's comparison). */
static void sgd_nesterov(void) {
  tcase c = make("nesterov t=1", OB_TORCH_SGD, 1);
  c.hp.lr = 0.1f, c.hp.momentum = 0.9f, c.hp.nesterov = 1.0f;
  const double lr = c.hp.lr, m = c.hp.momentum;
  c.g = 1.0f;
  c.want_s[0] = 1.0, c.scale_s[0] = 1.0;
  c.want_p = -lr * (1.0 + m * 1.0), c.scale_p = -c.want_p;
  CHECK(fabs(c.want_p + 0.19) < 1e-7, "torch's Nesterov: -0.19");
  run_all(&c);

  c = make("t=1", OB_NESTEROV, 1);
  c.hp.lr = 0.1f, c.hp.momentum = 0.9f;
  c.g = 1.0f;
  const double v = -lr * 1.0;
  c.want_s[0] = v, c.scale_s[0] = lr;
  c.want_p = m * m * v - (1.0 + m) * lr * 1.0, c.scale_p = (1.0 + m) * lr;
  CHECK(fabs(c.want_p + 0.271) < 1e-7, "the book's Nesterov: -0.271");
  run_all(&c);
}

/* t = 1 takes d whatever the buffer held: NaN in it leaves no trace. */
static void sgd_first_step_ignores_buffer(void) {
  tcase c = make("t=1, NaN buffer", OB_TORCH_SGD, 1);
  c.hp.lr = 0.5f, c.hp.momentum = 0.5f, c.hp.dampening = 0.5f;
  c.p = 1.0f, c.g = 0.25f, c.s[0] = NAN;
  /* and no dampening at t = 1 either: buf = d exactly */
  c.want_s[0] = 0.25, c.scale_s[0] = 0.25;
  c.want_p = 1.0 - 0.5 * 0.25, c.scale_p = 1.0;
  run_all(&c);
}

/* Later steps: buf = momentum*buf + (1-dampening)*d, with maximize d = -g. */
static void sgd_dampening_maximize(void) {
  tcase c = make("dampening, maximize t=4", OB_TORCH_SGD, 4);
  c.hp.lr = 0.01f, c.hp.momentum = 0.75f, c.hp.dampening = 0.1f, c.hp.maximize = 1.0f;
  const double lr = c.hp.lr, m = c.hp.momentum, damp = c.hp.dampening;
  c.p = 2.0f, c.g = 3.0f, c.s[0] = -1.5f;
  const double d = -3.0;
  c.want_s[0] = m * -1.5 + (1.0 - damp) * d, c.scale_s[0] = fmax(m * 1.5, (1.0 - damp) * 3.0);
  c.want_p = 2.0 - lr * c.want_s[0], c.scale_p = 2.0;
  CHECK(c.want_p > 2.0, "maximize moves p up the gradient");
  run_all(&c);

  /* momentum 0: plain SGD, no buffer (NULL, ob_state_used 0) */
  c = make("momentum 0", OB_TORCH_SGD, 7);
  c.hp.lr = 0.125f;
  c.p = 1.0f, c.g = 2.0f;
  c.want_p = 1.0 - 0.125 * 2.0, c.scale_p = 1.0;
  run_all(&c);
}

/* ---- Adam, AdamW ----------------------------------------------------------- */

/* t = 1 from zero moments, eps 0: m = (1-b1)*g, v = (1-b2)*g^2, and
 * p -= lr/(1-b1) * m / (sqrt(v)/sqrt(1-b2)) = lr*sign(g), for any g. */
static void adam_first_step(ob_algo a, int amsgrad) {
  static const float gs[] = {1e-3f, 0.5f, -3.0f, 1e3f, -7e-6f};
  for (size_t i = 0; i < sizeof gs / sizeof gs[0]; i++) {
    tcase c = make(amsgrad ? "t=1 eps 0 amsgrad" : "t=1 eps 0", a, 1);
    c.hp.eps = 0.0f, c.hp.decoupled_decay = 0.0f, c.hp.amsgrad = (float)amsgrad;
    const double lr = c.hp.lr, b1 = c.hp.beta1, b2 = c.hp.beta2, g = gs[i];
    c.g = gs[i]; /* p = 0: the step alone, at its own scale */
    c.want_s[0] = (1.0 - b1) * g, c.scale_s[0] = fabs(c.want_s[0]);
    c.want_s[1] = (1.0 - b2) * g * g, c.scale_s[1] = c.want_s[1];
    c.want_s[2] = c.want_s[1], c.scale_s[2] = c.want_s[1]; /* max(0, v) */
    c.want_p = -copysign(lr, g), c.scale_p = lr;
    run_all(&c);
  }
}

/* t = 3 from given moments; amsgrad takes max(max_exp_avg_sq, exp_avg_sq). */
static void adam_later_step(ob_algo a, float vmax_in) {
  tcase c = make("t=3", a, 3);
  c.hp.lr = 0.01f, c.hp.beta1 = 0.8f, c.hp.beta2 = 0.9f, c.hp.eps = 1e-3f;
  c.hp.amsgrad = vmax_in >= 0 ? 1.0f : 0.0f, c.hp.decoupled_decay = 0.0f;
  const double lr = c.hp.lr, b1 = c.hp.beta1, b2 = c.hp.beta2, eps = c.hp.eps;
  c.p = -1.0f, c.g = 0.5f, c.s[0] = 0.25f, c.s[1] = 0.5f, c.s[2] = vmax_in;
  const double m = 0.25 + (1.0 - b1) * (0.5 - 0.25), v = b2 * 0.5 + (1.0 - b2) * 0.25;
  const double vh = vmax_in >= 0 ? fmax(vmax_in, v) : v;
  c.want_s[0] = m, c.scale_s[0] = 0.25;
  c.want_s[1] = v, c.scale_s[1] = b2 * 0.5;
  c.want_s[2] = vh, c.scale_s[2] = vh;
  const double step = lr / (1.0 - pow(b1, 3)) * m / (sqrt(vh) / sqrt(1.0 - pow(b2, 3)) + eps);
  c.want_p = -1.0 - step, c.scale_p = 1.0;
  c.name = vmax_in < 0 ? "t=3" : vmax_in > v ? "t=3 amsgrad, max kept" : "t=3 amsgrad, v new max";
  run_all(&c);
}

/* AdamW: p *= 1 - lr*weight_decay first, from the input p; with g = 0 and
 * zero moments the Adam part is 0/(0 + eps) = 0: p = 1 - 0.1*0.5 = 0.95. */
static void adamw_decoupled(void) {
  tcase c = make("decoupled only", OB_TORCH_ADAMW, 2);
  c.hp.lr = 0.1f, c.hp.decoupled_decay = 0.5f;
  c.p = 1.0f;
  c.want_s[0] = 0.0, c.want_s[1] = 0.0;
  c.want_p = 1.0 - (double)c.hp.lr * (double)c.hp.decoupled_decay, c.scale_p = 1.0;
  run_all(&c);
}

/* ---- Adagrad ------------------------------------------------------------- */

/* lr 0.1, lr_decay 0.5, t = 3: clr = 0.1/(1 + 2*0.5) = 0.05; sum 0 -> 4 with
 * g = 2; eps 0: p = -0.05*2/2 = -0.05. Then from sum 12: 16, -0.05*2/4. */
static void adagrad_lr_decay(void) {
  tcase c = make("lr_decay t=3", OB_TORCH_ADAGRAD, 3);
  c.hp.lr = 0.1f, c.hp.lr_decay = 0.5f, c.hp.eps = 0.0f;
  const double clr = (double)c.hp.lr / (1.0 + 2.0 * (double)c.hp.lr_decay);
  c.g = 2.0f;
  c.want_s[0] = 4.0, c.scale_s[0] = 4.0;
  c.want_p = -clr * 2.0 / 2.0, c.scale_p = clr;
  CHECK(fabs(c.want_p + 0.05) < 1e-8, "-0.05");
  run_all(&c);
  c.name = "sum 12, eps 1e-10, maximize";
  c.hp.eps = 1e-10f, c.hp.maximize = 1.0f;
  c.s[0] = 12.0f, c.p = 1.0f;
  c.want_s[0] = 16.0, c.scale_s[0] = 16.0;
  c.want_p = 1.0 + clr * 2.0 / (4.0 + (double)c.hp.eps), c.scale_p = 1.0;
  run_all(&c);
}

/* ---- RMSprop ------------------------------------------------------------- */

static void rmsprop(void) {
  /* plain: alpha 0.99, sq 0, g 3: sq = 0.01*9 = 0.09, avg = 0.3 (+eps), p -= lr*3/0.3 */
  tcase c = make("plain", OB_TORCH_RMSPROP, 1);
  c.hp.lr = 0.01f;
  const double lr = c.hp.lr, al = c.hp.decay_rate, eps = c.hp.eps;
  c.g = 3.0f;
  c.want_s[0] = (1.0 - al) * 9.0, c.scale_s[0] = c.want_s[0];
  c.want_p = -lr * 3.0 / (sqrt(c.want_s[0]) + eps), c.scale_p = -c.want_p;
  CHECK(fabs(c.want_p + 0.1) < 1e-6, "about -10*lr");
  run_all(&c);

  /* centered: alpha 0.9, sq 1, grad_avg 0.5, g 1: sq 1, grad_avg 0.55,
   * avg = sqrt(1 - 0.3025) + eps */
  c = make("centered", OB_TORCH_RMSPROP, 5);
  c.hp.lr = 0.01f, c.hp.decay_rate = 0.9f, c.hp.centered = 1.0f;
  const double a9 = c.hp.decay_rate;
  c.p = 0.5f, c.g = 1.0f, c.s[0] = 1.0f, c.s[2] = 0.5f;
  const double sq = a9 * 1.0 + (1.0 - a9) * 1.0, ga = 0.5 + (1.0 - a9) * (1.0 - 0.5);
  c.want_s[0] = sq, c.scale_s[0] = 1.0;
  c.want_s[2] = ga, c.scale_s[2] = 0.5;
  const double avg = sqrt(sq - ga * ga) + (double)c.hp.eps;
  c.want_p = 0.5 - (double)c.hp.lr * 1.0 / avg, c.scale_p = 0.5;
  CHECK(fabs(ga - 0.55) < 1e-7 && fabs(sq - ga * ga - 0.6975) < 1e-6, "centered by hand");
  run_all(&c);

  /* centered with momentum 0.5, buf 2: buf = 0.5*2 + g/avg, p -= lr*buf */
  c.name = "centered, momentum";
  c.hp.momentum = 0.5f;
  c.s[1] = 2.0f;
  c.want_s[1] = 0.5 * 2.0 + 1.0 / avg, c.scale_s[1] = c.want_s[1];
  c.want_p = 0.5 - (double)c.hp.lr * c.want_s[1], c.scale_p = 0.5;
  run_all(&c);
}

/* ---- Trajectories on the library's own state ----------------------------- */

/* Two SGD momentum steps carried by the caller's arrays: -0.1, then -0.29
 * (each step within its bound, so the pair within twice it at 0.29's scale). */
static void sgd_two_steps(void) {
  ob_hparams hp = ob_defaults(OB_TORCH_SGD);
  hp.lr = 0.1f, hp.momentum = 0.9f;
  for (size_t vi = 0; vi < ob_variant_count(); vi++) {
    const ob_variant *v = ob_variant_at(vi);
    if (!ob_variant_supported(v))
      continue;
    float p[N] = {0}, g[N], buf[N];
    for (size_t i = 0; i < N; i++)
      g[i] = 1.0f, buf[i] = -5.0f; /* ignored at t = 1 */
    float *const s[OB_MAX_STATES] = {buf};
    for (int64_t t = 1; t <= 2; t++)
      CHECK(ob_step_states(v, OB_TORCH_SGD, &hp, t, p, g, s, N) == OB_OK, "t=%d", (int)t);
    const double bound = 2 * ob_step_error_bound(OB_TORCH_SGD, &hp, v);
    for (size_t i = 0; i < N; i++) {
      const double e = err_of(p[i], -0.1 - 0.19, 0.29), eb = err_of(buf[i], 1.9, 1.9);
      CHECK(e <= bound && eb <= bound, "%s two steps [%zu]: p %.9g (want -0.29), buf %.9g",
            ob_variant_name(v), i, (double)p[i], (double)buf[i]);
    }
  }
}

int main(void) {
  sgd_momentum();
  sgd_nesterov();
  sgd_first_step_ignores_buffer();
  sgd_dampening_maximize();
  sgd_two_steps();
  const ob_algo adams[] = {OB_TORCH_ADAM, OB_TORCH_ADAMW};
  for (size_t i = 0; i < 2; i++) {
    adam_first_step(adams[i], 0);
    adam_first_step(adams[i], 1);
    adam_later_step(adams[i], -1.0f); /* amsgrad off */
    adam_later_step(adams[i], 4.0f);  /* the maximum kept */
    adam_later_step(adams[i], 0.0f);  /* the new v the maximum */
  }
  adamw_decoupled();
  adagrad_lr_decay();
  rmsprop();
  return ob_test_done("test_torch_rules");
}
