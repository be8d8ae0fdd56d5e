/* act - the activation functions of chapter 6 (the book's common/functions.py
 * and layers.py: Sigmoid, Relu, and tanh for figure 6-13), elementwise in
 * float, forward and backward. Nothing prints and nothing aborts. */
#ifndef OB_FIG_ACT_H
#define OB_FIG_ACT_H

#include <stddef.h>

typedef enum { FIG_RELU, FIG_SIGMOID, FIG_TANH, FIG_ACT_COUNT } fig_act;

const char *fig_act_name(fig_act); /* "relu", "sigmoid", "tanh"; NULL if unknown */

/* y = f(x); y may be x */
void fig_act_forward(fig_act, const float *x, float *y, size_t n);
/* dx = dy * f'(x), from the forward's output y (sigmoid: y(1-y), tanh:
 * 1-y^2, ReLU: y > 0, which is the book's mask x <= 0 -> 0); dx may be dy */
void fig_act_backward(fig_act, const float *y, const float *dy, float *dx, size_t n);

#endif /* OB_FIG_ACT_H */
