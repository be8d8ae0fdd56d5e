/* act.c - see act.h. */
#include "act.h"

#include <math.h>

const char *fig_act_name(fig_act a) {
  static const char *const names[FIG_ACT_COUNT] = {"relu", "sigmoid", "tanh"};
  return (unsigned)a < FIG_ACT_COUNT ? names[a] : NULL;
}

void fig_act_forward(fig_act a, const float *x, float *y, size_t n) {
  switch (a) {
  case FIG_SIGMOID: /* 1 / (1 + exp(-x)): exp overflows to Inf for x < -88, giving 0 */
    for (size_t i = 0; i < n; i++)
      y[i] = 1.0f / (1.0f + expf(-x[i]));
    break;
  case FIG_TANH:
    for (size_t i = 0; i < n; i++)
      y[i] = tanhf(x[i]);
    break;
  case FIG_RELU:
  default:
    for (size_t i = 0; i < n; i++)
      y[i] = x[i] > 0.0f ? x[i] : 0.0f;
    break;
  }
}

void fig_act_backward(fig_act a, const float *y, const float *dy, float *dx, size_t n) {
  switch (a) {
  case FIG_SIGMOID:
    for (size_t i = 0; i < n; i++)
      dx[i] = dy[i] * (1.0f - y[i]) * y[i];
    break;
  case FIG_TANH:
    for (size_t i = 0; i < n; i++)
      dx[i] = dy[i] * (1.0f - y[i] * y[i]);
    break;
  case FIG_RELU:
  default:
    for (size_t i = 0; i < n; i++)
      dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    break;
  }
}
