/* The update rules at the edges of their domains (DESIGN.md 6.1):
 *   - NaN payloads: scalar and sse2 give the same bits for every rule and
 *     weight-decay mode, avx2 those of avx512, except the payload where two
 *     NaNs of different payloads meet: x86 keeps the first operand's, and
 *     GCC commutes the operands of an add, in C and in intrinsics alike
 *     (scalar computes g + wd*p as wd*p + g, sse2 as g + wd*p), so no
 *     source order pins it; NaN stays NaN;
 *   - hyperparameters whose derived coefficients leave the verified range
 *     are refused (OB_EHPARAM) by ob_step and the optimizer, nothing written;
 *     their neighbours just inside are accepted.
 *   - outside the domain the documented behaviour (golden/FORMAT.md,
 *     "Domains"), on the golden files' `outside unbounded` cases, whose
 *     exact values come from the generator: a state that overflows (each
 *     one the file rounds to inf, at least one) is +inf and p is left as
 *     it was; eps = 0 over an underflowed state gives the infinity or NaN
 *     that the generator's plain float32 evaluation gives (its note
 *     records it); a product that overflows makes the outputs it feeds
 *     infinite or NaN without FMA; an underflow is off by at most 2^-150
 *     times lr or over eps.
 * The cases inside and `outside refused` run in test_golden. */
#define _POSIX_C_SOURCE 200809L

#include "golden_check.h"
#include "golden_rule.h"
#include "test_util.h"

#ifndef OB_GOLDEN_DIR
#define OB_GOLDEN_DIR "golden"
#endif

#define NV     10   /* values in the table below */
#define N      1000 /* NV^3 combinations of p, g, s0 */
#define ARRAYS (2 + OB_MAX_STATES)

/* NaNs of four payloads and signs, and the values that turn into NaN with
 * them (inf - inf, 0 * inf) */
static const uint32_t values[NV] = {0x7fc12345u, 0xffc54321u, 0x7fc00000u, 0xffc00000u,
                                    0x7f800000u, 0xff800000u, 0x00000000u, 0x80000000u,
                                    0x3f800000u, 0xbfc00000u};

static const ob_variant *find(const char *name) {
  const ob_variant *v = ob_variant_find(name);
  return ob_variant_supported(v) ? v : NULL;
}

static void run_on(const ob_variant *v, ob_algo a, const ob_hparams *hp, const float *in,
                   float *out) {
  memcpy(out, in, ARRAYS * N * sizeof *out);
  float *const s[OB_MAX_STATES] = {out + 2 * N, out + 3 * N, out + 4 * N};
  CHECK(ob_step_states(v, a, hp, 3, out, out + N, s, N) == OB_OK, "%s %s", ob_algo_name(a),
        tu_vname(v));
}

static void test_nan_payloads(void) {
  static const char *const pairs[][2] = {{"sse2", "scalar"}, {"avx2", "avx512"}};
  static const float decays[4][2] = {{0, 0}, {0.1f, 0}, {0, 0.01f}, {0.1f, 0.01f}};
  float *in = malloc(ARRAYS * N * sizeof *in), *x = malloc(ARRAYS * N * sizeof *x),
        *y = malloc(ARRAYS * N * sizeof *y);
  for (size_t i = 0; i < N; i++) { /* every (p, g, s0) triple; s1, s2 cycle with offsets */
    in[i] = tu_f32(values[i % NV]);
    in[N + i] = tu_f32(values[i / NV % NV]);
    in[2 * N + i] = tu_f32(values[i / (NV * NV)]);
    in[3 * N + i] = tu_f32(values[(i + 3) % NV]);
    in[4 * N + i] = tu_f32(values[(i / 7 + 5) % NV]);
  }
  for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
    const ob_variant *vx = find(pairs[k][0]), *vy = find(pairs[k][1]);
    if (!vx || !vy)
      continue;
    for (int a = 0; a < OB_ALGO_COUNT; a++)
      for (int on = 0; on <= tu_has_options((ob_algo)a); on++)
        for (int d = 0; d < 4; d++) {
          ob_hparams hp = on ? tu_options_on((ob_algo)a) : ob_defaults((ob_algo)a);
          hp.weight_decay = decays[d][0], hp.decoupled_decay = decays[d][1];
          run_on(vx, (ob_algo)a, &hp, in, x);
          run_on(vy, (ob_algo)a, &hp, in, y);
          for (int arr = 0; arr < ARRAYS; arr++) {
            const size_t i = tu_diff_class(x + arr * N, y + arr * N, N);
            CHECK(i == N,
                  "%s%s decay %g/%g: %s and %s differ in array %d at %zu (p %08x g %08x s0 "
                  "%08x): %08x vs %08x",
                  ob_algo_name((ob_algo)a), on ? " (options on)" : "", (double)decays[d][0],
                  (double)decays[d][1], pairs[k][0], pairs[k][1], arr, i, values[i % NV],
                  values[i / NV % NV], values[i / (NV * NV) % NV],
                  i < N ? tu_u32(x[arr * N + i]) : 0, i < N ? tu_u32(y[arr * N + i]) : 0);
          }
        }
  }
  free(in), free(x), free(y);
}

/* A step that must be refused: OB_EHPARAM from ob_step and the optimizer's
 * setter, arrays unchanged; `ok` the neighbour just inside, accepted. */
static void refused(ob_algo a, ob_hparams bad, ob_hparams ok, int64_t t, const char *why) {
  float p[3] = {1.0f, 0.0f, -2.0f}, g[3] = {0.0f, 1.0f, 0.5f}, s0[3] = {0, 1, 2}, s1[3] = {1, 1, 1};
  const float p0[3] = {1.0f, 0.0f, -2.0f};
  CHECK(ob_hparams_check(a, &bad) == OB_OK, "%s: %s: the check of the values alone passes",
        ob_algo_name(a), why);
  CHECK(ob_step(NULL, a, &bad, t, p, g, s0, s1, 3) == OB_EHPARAM, "%s: %s", ob_algo_name(a), why);
  CHECK(!memcmp(p, p0, sizeof p) && s0[1] == 1 && s1[0] == 1, "%s: %s: a refused step wrote",
        ob_algo_name(a), why);
  CHECK(ob_step(NULL, a, &ok, t, p, g, s0, s1, 3) == OB_OK, "%s: %s: the neighbour inside",
        ob_algo_name(a), why);
}

static void test_refused(void) {
  ob_hparams bad, ok;
  /* Nesterov: (1+momentum)*lr overflows from lr = FLT_MAX/1.9 on (finding: lr 3e38 gave NaN) */
  bad = ok = ob_defaults(OB_NESTEROV);
  bad.momentum = ok.momentum = 0.9f;
  bad.lr = 3e38f, ok.lr = 1.7e38f; /* 1.9*1.7e38 = 3.23e38 < FLT_MAX */
  refused(OB_NESTEROV, bad, ok, 1, "(1+momentum)*lr overflows");
  /* momentum^2 subnormal: momentum < 2^-63 */
  bad = ok = ob_defaults(OB_NESTEROV);
  bad.momentum = 0x1p-64f, ok.momentum = 0x1p-63f; /* squares 2^-128 (subnormal), 2^-126 */
  refused(OB_NESTEROV, bad, ok, 1, "momentum^2 subnormal");
  /* (1+momentum)*lr subnormal */
  bad = ok = ob_defaults(OB_NESTEROV);
  bad.momentum = ok.momentum = 0.0f;
  bad.lr = 0x1p-127f, ok.lr = 0x1p-126f; /* below and at FLT_MIN */
  refused(OB_NESTEROV, bad, ok, 1, "(1+momentum)*lr subnormal");
  /* lr*decoupled_decay overflows (finding: 1e20 * 1e20) or is subnormal, every rule */
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    bad = ok = ob_defaults((ob_algo)a);
    bad.lr = ok.lr = 1e20f;
    bad.decoupled_decay = 1e20f, ok.decoupled_decay = 1e18f; /* products 1e40, 1e38 */
    refused((ob_algo)a, bad, ok, 1, "lr*decoupled_decay overflows");
    bad = ok = ob_defaults((ob_algo)a);
    bad.lr = ok.lr = 0x1p-60f;
    bad.decoupled_decay = 0x1p-67f, ok.decoupled_decay = 0x1p-66f; /* 2^-127, 2^-126 */
    refused((ob_algo)a, bad, ok, 1, "lr*decoupled_decay subnormal");
  }
  /* Adam: lr_t = lr*sqrt(1-beta2)/(1-beta1) at t = 1 overflows (finding: lr 1e33,
   * beta1 = 1 - 2^-24); with beta2 = 0 lr_t = lr*2^24 exactly */
  bad = ok = ob_defaults(OB_ADAM);
  bad.beta1 = ok.beta1 = 1.0f - 0x1p-24f;
  bad.beta2 = ok.beta2 = 0.0f;
  bad.lr = 0x1p104f, ok.lr = 0x1p103f; /* lr_t 2^128 (overflow), 2^127 */
  refused(OB_ADAM, bad, ok, 1, "lr_t overflows");
  /* Adam: lr_t subnormal (finding: lr 1e-44) */
  bad = ok = ob_defaults(OB_ADAM);
  bad.beta1 = ok.beta1 = 0.0f;
  bad.beta2 = ok.beta2 = 0.0f;
  bad.lr = 0x1p-127f, ok.lr = 0x1p-126f; /* lr_t = lr */
  refused(OB_ADAM, bad, ok, 1, "lr_t subnormal");
  /* torch's Adam and AdamW: step_size = lr/(1-beta1^t) at t = 1, as lr_t above */
  const ob_algo torch_adams[] = {OB_TORCH_ADAM, OB_TORCH_ADAMW};
  for (size_t i = 0; i < sizeof torch_adams / sizeof torch_adams[0]; i++) {
    bad = ok = ob_defaults(torch_adams[i]);
    bad.beta1 = ok.beta1 = 1.0f - 0x1p-24f;
    bad.decoupled_decay = ok.decoupled_decay = 0.0f; /* lr*decoupled_decay is tested above */
    bad.lr = 0x1p104f, ok.lr = 0x1p103f;             /* step sizes 2^128 (overflow), 2^127 */
    refused(torch_adams[i], bad, ok, 1, "step_size overflows");
    bad = ok = ob_defaults(torch_adams[i]);
    bad.beta1 = ok.beta1 = 0.0f;
    bad.decoupled_decay = ok.decoupled_decay = 0.0f;
    bad.lr = 0x1p-127f, ok.lr = 0x1p-126f; /* step_size = lr */
    refused(torch_adams[i], bad, ok, 1, "step_size subnormal");
  }
  /* torch's Adagrad: lr/(1 + (t-1)*lr_decay) subnormal (at t = 3, lr_decay 1: lr/3) */
  bad = ok = ob_defaults(OB_TORCH_ADAGRAD);
  bad.lr_decay = ok.lr_decay = 1.0f;
  bad.lr = 0x1p-126f, ok.lr = 0x1p-124f; /* 2^-126/3 subnormal, 2^-124/3 normal */
  refused(OB_TORCH_ADAGRAD, bad, ok, 3, "lr/(1 + (t-1)*lr_decay) subnormal");
  bad = ok = ob_defaults(OB_TORCH_ADAGRAD);
  bad.lr_decay = FLT_MAX, ok.lr_decay = 1e30f; /* 0.01/(1 + FLT_MAX): 2.9e-41; 1e-32 */
  refused(OB_TORCH_ADAGRAD, bad, ok, 2, "lr_decay so large that the rate is subnormal");
  /* lr = 0 stays allowed: every coefficient is an exact 0 */
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    ok = ob_defaults((ob_algo)a);
    ok.lr = 0.0f;
    ok.decoupled_decay = 0.1f;
    float p[1] = {1}, g[1] = {1}, s0[1] = {0}, s1[1] = {0};
    CHECK(ob_step(NULL, (ob_algo)a, &ok, 1, p, g, s0, s1, 1) == OB_OK && p[0] == 1.0f, "%s lr 0",
          ob_algo_name((ob_algo)a));
  }
}

/* The optimizer refuses the same hyperparameters when it derives them. */
static void test_optimizer_refuses(void) {
  ob_hparams bad = ob_defaults(OB_NESTEROV);
  bad.lr = 3e38f; /* (1+0.9)*3e38 overflows */
  float p[2] = {1, 2}, g[2] = {0, 0};
  float *params[1] = {p};
  const float *grads[1] = {g};
  const size_t sizes[1] = {2};
  ob_status st = OB_OK;
  ob_optimizer *o = ob_optimizer_new(OB_NESTEROV, &bad, NULL, &st);
  if (o) { /* created (the hyperparameters alone are valid): the update is refused */
    const ob_status s = ob_optimizer_update(o, 1, params, grads, sizes);
    CHECK(s == OB_EHPARAM && p[0] == 1 && p[1] == 2, "optimizer update: %d", (int)s);
    ob_optimizer_free(o);
  } else {
    CHECK(st == OB_EHPARAM, "optimizer_new: %d", (int)st);
  }
}

/* The variants that round every product (no FMA): README.md, "Correctness". */
static int unfused(const ob_variant *v) {
  const char *isa = ob_variant_isa(v);
  return !strcmp(isa, "scalar") || !strcmp(isa, "autovec") || !strcmp(isa, "sse2");
}

static int starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

/* The plain float32 evaluation's p that the generator appends to the note of
 * an `outside unbounded` single step ("; float32 gives p = <v>, <v>"), n <= 4
 * values; 1 when found. */
static int noted_p(const char *note, size_t n, float out[4]) {
  static const char key[] = "; float32 gives p = ";
  const char *at = note ? strstr(note, key) : NULL;
  if (!at || n > 4)
    return 0;
  at += sizeof key - 1;
  for (size_t i = 0; i < n; i++) {
    char *end;
    out[i] = strtof(at, &end);
    if (end == at)
      return 0;
    at = end;
    if (i + 1 < n && strncmp(at, ", ", 2))
      return 0;
    at += i + 1 < n ? 2 : 0;
  }
  return *at == '\0';
}

/* One `outside unbounded` case of file f on variant v: the behaviour its
 * edge documents, element by element. */
static void outside_case(const gd_file *f, const gd_case *c, const ob_variant *v) {
  gd_rule_step s;
  char err[512] = "";
  if (gd_rule_step_of(f, c, 1, &s, err, sizeof err) != 0) {
    CHECK(0, "%s", err);
    return;
  }
  const ob_algo algo = (ob_algo)c->op;
  const int states = ob_state_count(algo);
  const char *an = ob_algo_name(algo), *vn = ob_variant_name(v);
  /* the reader's states (golden_rule.h) must hold every state of the rule */
  const int carried = (int)(sizeof s.s / sizeof s.s[0]);
  if (states > carried) {
    CHECK(0, "%s %s: %d states, the golden reader carries %d", an, c->id, states, carried);
    return;
  }
  const size_t n = s.n;
  float *arr[ARRAYS];
  for (int k = 0; k < ARRAYS; k++)
    arr[k] = calloc(n ? n : 1, sizeof(float));
  memcpy(arr[0], s.p, n * sizeof(float));
  memcpy(arr[1], s.g, n * sizeof(float));
  for (int k = 0; k < states; k++)
    if (s.s[k]) /* a state the step does not use may have no record */
      memcpy(arr[k + 2], s.s[k], n * sizeof(float));
  float *const st[OB_MAX_STATES] = {arr[2], arr[3], arr[4]};
  CHECK(ob_step_states(v, algo, &s.hp, s.t, arr[0], arr[1], st, n) == OB_OK, "%s %s %s", an, c->id,
        vn);
  const double bound = ob_step_error_bound(algo, &s.hp, v);
  float noted[4] = {0, 0, 0, 0}; /* finite: an eps0 case without its note fails below */
  if (starts(c->id, "edge_eps0_under"))
    CHECK(noted_p(c->note, n, noted),
          "%s %s: the note does not end with float32's p for its %zu elements", an, c->id, n);
  for (size_t i = 0; i < n; i++) {
    const float p0 = s.p[i], g = s.g[i], got = arr[0][i];
    const gd_record *op = s.out_p;
    if (starts(c->id, "edge_state_over")) {
      /* a new state overflows float32 and becomes +inf: each one whose exact
       * value rounds to inf (the file says which), and at least one in any case
       * (AdaDelta's h1 overflows in g*g where its exact value is finite);
       * x/inf = 0 leaves p where the rule's other terms put it: at p itself,
       * or (AdamW) at p - (lr*decoupled_decay)*p, fused or not with FMA */
      int over = 0;
      for (int k = 0; k < states; k++) {
        if (!s.out_s[k])
          continue; /* unused by this step */
        over += arr[k + 2][i] == INFINITY;
        CHECK(!isinf(s.out_s[k]->rounded[i]) || arr[k + 2][i] == INFINITY,
              "%s %s %s [%zu]: state %s %a, not +inf", an, c->id, vn, i, ob_state_name(algo, k),
              (double)arr[k + 2][i]);
      }
      float left = p0, fused = p0;
      if (s.hp.decoupled_decay != 0.0f) {
        const float lrd = (float)((double)s.hp.lr * (double)s.hp.decoupled_decay);
        volatile float product = lrd * p0; /* rounded on its own: no contraction */
        left = p0 - product;
        fused = fmaf(-lrd, p0, p0);
      }
      CHECK(over > 0 &&
                (tu_u32(got) == tu_u32(left) || (!unfused(v) && tu_u32(got) == tu_u32(fused))),
            "%s %s %s [%zu]: %d states +inf, p %a from %a (want %a)", an, c->id, vn, i, over,
            (double)got, (double)p0, (double)left);
    } else if (starts(c->id, "edge_centered_cancel")) {
      /* centered RMSprop's square_avg' - grad_avg'^2 cancels: the states come
       * before the cancellation and keep their bound; p is NaN (the float32
       * difference negative) or moved against d = (maximize ? -g : g) by
       * lr*|d|/avg with avg no more accurate than the difference (unbounded) */
      for (int k = 0; k < states; k++)
        if (s.out_s[k]) {
          const gd_record *o = s.out_s[k];
          const double e = gc_scale_ulps(arr[k + 2][i], o->exact[i], o->rounded[i], o->scale[i], 1);
          CHECK(e <= bound, "%s %s %s [%zu]: state %s %a, exact %a: %.2f scale-ULPs", an, c->id, vn,
                i, ob_state_name(algo, k), (double)arr[k + 2][i], o->exact[i], e);
        }
      const float d = s.hp.maximize != 0.0f ? -g : g;
      CHECK(isnan(got) || (d > 0   ? got <= p0
                           : d < 0 ? got >= p0
                                   : got == p0),
            "%s %s %s [%zu]: p %a from %a moved along d %a", an, c->id, vn, i, (double)got,
            (double)p0, (double)d);
    } else if (starts(c->id, "edge_eps0_under")) {
      /* x/0 or 0/0: an infinity or NaN, which one is the rule's (lr*g/0 is the
       * infinity opposite g; AdaDelta's sqrt(0)/sqrt(0) NaN); the generator
       * measured it and wrote it into the note */
      const float want = i < 4 ? noted[i] : 0.0f;
      CHECK(!isfinite(want) && (isnan(want) ? isnan(got) : tu_u32(got) == tu_u32(want)),
            "%s %s %s [%zu]: p %a, float32 %a (g %a)", an, c->id, vn, i, (double)got, (double)want,
            (double)g);
    } else if (starts(c->id, "edge_lrg_over") || starts(c->id, "edge_wdp_over")) {
      /* without FMA the overflowing product makes p infinite or NaN; with FMA it
       * may be fused into its add and give the exact value */
      const double err2 = gc_scale_ulps(got, op->exact[i], op->rounded[i], op->scale[i], 1);
      CHECK(!isfinite(got) || (!unfused(v) && err2 <= bound), "%s %s %s [%zu]: p %a, exact %a", an,
            c->id, vn, i, (double)got, op->exact[i]);
    } else if (starts(c->id, "edge_sub_under")) {
      /* a subnormal intermediate: absolutely 2^-150 off, times lr (AdaGrad,
       * RMSProp) or divided by about eps (Adam); doubled for margin */
      const double under = 0x1p-149 * fmax((double)s.hp.lr, 1.0 / (double)s.hp.eps);
      const double slack = under + bound * gc_ulp(fmax(fabs(op->exact[i]), op->scale[i]));
      CHECK(isfinite(got) && fabs((double)got - op->exact[i]) <= slack,
            "%s %s %s [%zu]: p %a, exact %a", an, c->id, vn, i, (double)got, op->exact[i]);
    } else {
      CHECK(0, "%s %s: an outside case with no documented behaviour", an, c->id);
    }
  }
  for (int k = 0; k < ARRAYS; k++)
    free(arr[k]);
}

static void test_outside_behaviour(void) {
  size_t seen = 0;
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    char path[1024], err[512] = "";
    snprintf(path, sizeof path, "%s/%s.txt", OB_GOLDEN_DIR, ob_algo_name((ob_algo)a));
    gd_file f;
    if (gd_load(path, &f, err, sizeof err) != 0) {
      CHECK(0, "%s", err);
      continue;
    }
    for (size_t i = 0; i < f.ncases; i++) {
      const gd_case *c = &f.cases[i];
      if (c->domain != GD_UNBOUNDED)
        continue;
      seen++;
      for (size_t k = 0; k < ob_variant_count(); k++)
        if (ob_variant_supported(ob_variant_at(k)))
          outside_case(&f, c, ob_variant_at(k));
    }
    gd_free(&f);
  }
  CHECK(seen >= 10, "only %zu outside-unbounded cases in the golden files", seen);
}

int main(void) {
  test_outside_behaviour();
  test_nan_payloads();
  test_refused();
  test_optimizer_refuses();
  return ob_test_done("test_domain");
}
