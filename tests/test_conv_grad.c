/* The backward pass of the convergence net (experiments/convergence/mlp.c)
 * against central differences, layer by layer and for a whole tiny net.
 *
 * The numerical gradient is taken of a double-precision re-implementation
 * of the forward pass written here (so it checks the library's float
 * forward too), with h = 1e-4: the truncation error of a central difference
 * is O(h^2 f''') ~ 1e-8 and the double rounding noise ~ 1e-16 / h ~ 1e-12,
 * far below the float32 error of the analytic gradient (a few ulps of sums
 * of terms of magnitude <= 1, ~ 1e-6). Tolerance: 1e-4 + 1e-3 |g|. ReLU
 * inputs are kept |x| >= 0.05 >> h so no difference crosses the kink; in the
 * net the pre-activations are checked for that too. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>

#include "mlp.h"
#include "test_util.h"

#define H 1e-4
static int close_enough(double ana, double num) {
  return fabs(ana - num) <= 1e-4 + 1e-3 * fabs(num);
}

static void fill(tu_rng *r, float *x, size_t n, double scale) {
  for (size_t i = 0; i < n; i++)
    x[i] = (float)(scale * (2.0 * tu_unit(r) - 1.0));
}

/* ---- double references ------------------------------------------------- */

static void affine_d(const double *X, const double *W, const double *b, double *Y, size_t B,
                     size_t in, size_t out) {
  for (size_t i = 0; i < B; i++)
    for (size_t j = 0; j < out; j++) {
      double s = b[j];
      for (size_t k = 0; k < in; k++)
        s += X[i * in + k] * W[k * out + j];
      Y[i * out + j] = s;
    }
}

static double ce_d(const double *S, const uint8_t *lab, size_t B, size_t k) {
  double t = 0;
  for (size_t i = 0; i < B; i++) {
    double mx = S[i * k];
    for (size_t j = 1; j < k; j++)
      mx = fmax(mx, S[i * k + j]);
    double sum = 0;
    for (size_t j = 0; j < k; j++)
      sum += exp(S[i * k + j] - mx);
    t += mx + log(sum) - S[i * k + lab[i]];
  }
  return t / (double)B;
}

static double *to_d(const float *x, size_t n) {
  double *d = malloc(n * sizeof *d);
  for (size_t i = 0; i < n; i++)
    d[i] = x[i];
  return d;
}

/* L = sum(w . affine(X, W, b)) in double; p selects which array is varied */
static double affine_obj(double *X, double *W, double *b, const double *w, size_t B, size_t in,
                         size_t out) {
  double *Y = malloc(B * out * sizeof *Y), s = 0;
  affine_d(X, W, b, Y, B, in, out);
  for (size_t i = 0; i < B * out; i++)
    s += w[i] * Y[i];
  free(Y);
  return s;
}

static void test_affine(tu_rng *r) {
  enum { B = 3, IN = 5, OUT = 4 };
  float X[B * IN], W[IN * OUT], b[OUT], wf[B * OUT], Y[B * OUT], dW[IN * OUT], db[OUT], dX[B * IN];
  fill(r, X, B * IN, 1);
  fill(r, W, IN * OUT, 1);
  fill(r, b, OUT, 1);
  fill(r, wf, B * OUT, 1);
  mlp_affine_forward(X, W, b, Y, B, IN, OUT);
  mlp_affine_backward(X, W, wf, dW, db, dX, B, IN, OUT);
  double *Xd = to_d(X, B * IN), *Wd = to_d(W, IN * OUT), *bd = to_d(b, OUT), *w = to_d(wf, B * OUT);
  double Yd[B * OUT];
  affine_d(Xd, Wd, bd, Yd, B, IN, OUT);
  for (size_t i = 0; i < B * OUT; i++)
    CHECK(fabs(Y[i] - Yd[i]) <= 1e-5, "affine forward [%zu]: %g vs %g", i, Y[i], Yd[i]);
  struct {
    const char *name;
    double *arr;
    const float *grad;
    size_t n;
  } parts[] = {{"dW", Wd, dW, IN * OUT}, {"db", bd, db, OUT}, {"dX", Xd, dX, B * IN}};
  for (size_t p = 0; p < 3; p++)
    for (size_t i = 0; i < parts[p].n; i++) {
      const double keep = parts[p].arr[i];
      parts[p].arr[i] = keep + H;
      const double up = affine_obj(Xd, Wd, bd, w, B, IN, OUT);
      parts[p].arr[i] = keep - H;
      const double dn = affine_obj(Xd, Wd, bd, w, B, IN, OUT);
      parts[p].arr[i] = keep;
      const double num = (up - dn) / (2 * H);
      CHECK(close_enough(parts[p].grad[i], num), "affine %s[%zu]: analytic %.8g, numerical %.8g",
            parts[p].name, i, parts[p].grad[i], num);
    }
  free(Xd);
  free(Wd);
  free(bd);
  free(w);
}

static void test_relu(tu_rng *r) {
  enum { N = 40 };
  float X[N], Y[N], w[N], dX[N];
  for (size_t i = 0; i < N; i++) {
    const double m = 0.05 + tu_unit(r); /* away from the kink */
    X[i] = (float)(tu_next(r) & 1 ? m : -m);
    w[i] = (float)(2 * tu_unit(r) - 1);
  }
  mlp_relu_forward(X, Y, N);
  mlp_relu_backward(X, w, dX, N);
  for (size_t i = 0; i < N; i++) {
    const double x = X[i];
    CHECK(Y[i] == (x > 0 ? X[i] : 0.0f), "relu forward [%zu]", i);
    const double num = (w[i] * fmax(x + H, 0) - w[i] * fmax(x - H, 0)) / (2 * H);
    CHECK(close_enough(dX[i], num), "relu dX[%zu]: analytic %.8g, numerical %.8g", i, dX[i], num);
  }
  /* dX may be dY (the net does it in place) */
  memcpy(dX, w, sizeof w);
  mlp_relu_backward(X, dX, dX, N);
  for (size_t i = 0; i < N; i++)
    CHECK(dX[i] == (X[i] > 0 ? w[i] : 0.0f), "relu in place [%zu]", i);
}

static void test_softmax_ce(tu_rng *r) {
  enum { B = 4, K = 6 };
  float S[B * K], dS[B * K];
  uint8_t lab[B];
  fill(r, S, B * K, 3);
  for (size_t i = 0; i < B; i++)
    lab[i] = (uint8_t)(tu_next(r) % K);
  const double loss = mlp_softmax_ce(S, lab, dS, B, K);
  double *Sd = to_d(S, B * K);
  CHECK(fabs(loss - ce_d(Sd, lab, B, K)) <= 1e-12, "softmax-CE loss %.17g vs %.17g", loss,
        ce_d(Sd, lab, B, K));
  for (size_t i = 0; i < B * K; i++) {
    const double keep = Sd[i];
    Sd[i] = keep + H;
    const double up = ce_d(Sd, lab, B, K);
    Sd[i] = keep - H;
    const double dn = ce_d(Sd, lab, B, K);
    Sd[i] = keep;
    const double num = (up - dn) / (2 * H);
    CHECK(close_enough(dS[i], num), "softmax-CE dS[%zu]: analytic %.8g, numerical %.8g", i, dS[i],
          num);
  }
  free(Sd);
  /* stability: huge scores give a finite loss */
  float big[2 * K];
  for (size_t i = 0; i < 2 * K; i++)
    big[i] = i % K == 1 ? 1e30f : -1e30f;
  const uint8_t l2[2] = {1, 0};
  const double lb = mlp_softmax_ce(big, l2, dS, 2, K);
  CHECK(isfinite(lb) && isfinite(dS[0]), "softmax-CE of +-1e30 scores: %g", lb);
}

/* ---- the whole net ----------------------------------------------------- */

enum { NL = 3, NB = 4 };
static const size_t ND[NL + 1] = {6, 5, 4, 3};

/* loss in double; min |pre-activation| into *kink */
static double net_loss_d(double *const P[], const double *X, const uint8_t *lab, double *kink) {
  double buf[2][NB * 6], *in = (double *)X;
  *kink = INFINITY;
  for (int l = 0; l < NL; l++) {
    double *out = buf[l & 1];
    affine_d(in, P[2 * l], P[2 * l + 1], out, NB, ND[l], ND[l + 1]);
    if (l < NL - 1)
      for (size_t i = 0; i < NB * ND[l + 1]; i++) {
        *kink = fmin(*kink, fabs(out[i]));
        out[i] = fmax(out[i], 0);
      }
    in = out;
  }
  return ce_d(in, lab, NB, ND[NL]);
}

static void test_net(tu_rng *r) {
  mlp net;
  CHECK(mlp_init(&net, NL, ND, NB, 0x5eed) == 0, "mlp_init");
  float X[NB * 6];
  uint8_t lab[NB];
  fill(r, X, NB * 6, 1);
  for (size_t i = 0; i < NB; i++)
    lab[i] = (uint8_t)(tu_next(r) % 3);
  for (size_t i = 0; i < net.count; i++) /* nonzero biases, so db is exercised */
    if (i % 2)
      fill(r, net.params[i], net.sizes[i], 0.3);
  const double loss = mlp_loss_grad(&net, X, lab, NB);
  double *P[2 * NL], *Xd = to_d(X, NB * 6), kink;
  for (size_t i = 0; i < net.count; i++)
    P[i] = to_d(net.params[i], net.sizes[i]);
  const double ref = net_loss_d(P, Xd, lab, &kink);
  CHECK(fabs(loss - ref) <= 1e-5 * fmax(1, ref), "net loss %.9g vs double %.9g", loss, ref);
  CHECK(kink > 10 * H, "a pre-activation within %g of the ReLU kink: change the seed", kink);
  size_t checked = 0;
  for (size_t a = 0; a < net.count; a++)
    for (size_t i = 0; i < net.sizes[a]; i++) {
      const double keep = P[a][i];
      double k1, k2;
      P[a][i] = keep + H;
      const double up = net_loss_d(P, Xd, lab, &k1);
      P[a][i] = keep - H;
      const double dn = net_loss_d(P, Xd, lab, &k2);
      P[a][i] = keep;
      const double num = (up - dn) / (2 * H);
      CHECK(close_enough(net.grads[a][i], num), "net %s%zu[%zu]: analytic %.8g, numerical %.8g",
            a % 2 ? "b" : "W", a / 2 + 1, i, net.grads[a][i], num);
      checked++;
    }
  CHECK(checked == 6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3, "every parameter checked: %zu", checked);
  /* He initialisation: std sqrt(2/fan_in) on a wide layer */
  mlp big;
  const size_t bd[2] = {800, 500};
  CHECK(mlp_init(&big, 1, bd, 1, 7) == 0, "mlp_init 800x500");
  double s = 0, s2 = 0;
  for (size_t i = 0; i < big.sizes[0]; i++)
    s += big.params[0][i], s2 += (double)big.params[0][i] * big.params[0][i];
  const double n = (double)big.sizes[0], sd = sqrt(s2 / n - (s / n) * (s / n));
  CHECK(fabs(s / n) < 0.002 && fabs(sd - sqrt(2.0 / 800)) < 0.002 * sqrt(2.0 / 800) * 10,
        "He init: mean %g, std %g, want 0, %g", s / n, sd, sqrt(2.0 / 800));
  mlp_free(&big);
  for (size_t i = 0; i < net.count; i++)
    free(P[i]);
  free(Xd);
  mlp_free(&net);
}

int main(void) {
  tu_rng r = {tu_seed("test_conv_grad", 0x67726164u)};
  test_affine(&r);
  test_relu(&r);
  test_softmax_ce(&r);
  test_net(&r);
  return ob_test_done("test_conv_grad");
}
