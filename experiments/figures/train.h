/* train - the book's training loop (common/trainer.py and the loops of the
 * ch06 scripts) for a fig_net: mini-batches drawn with replacement
 * (np.random.choice), one update per batch, accuracy measured after the
 * update of every eval_every-th iteration (the book's `i % iter_per_epoch
 * == 0`), optionally the loss of every batch after its update.
 *
 * The update runs through two ob_optimizer objects (fig_opt): one for the
 * weight matrices with ob_hparams.weight_decay = the net's lambda - the
 * book's grads['W'] = dW + lambda*W - and one for biases, gamma and beta
 * without it, as the book applies weight decay to W only.
 */
#ifndef OB_FIG_TRAIN_H
#define OB_FIG_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"

typedef struct {
  ob_optimizer *w, *other;
} fig_opt;

/* `algo` at learning rate lr (its other hyperparameters the textbook
 * defaults) on the variant of the net's configuration. 0, or -1 with a
 * message. */
int fig_opt_init(fig_opt *opt, const fig_net *net, ob_algo algo, float lr, char *err,
                 size_t errlen);
ob_status fig_opt_update(fig_opt *opt, fig_net *net);
void fig_opt_free(fig_opt *opt);

typedef struct {
  const float *x; /* n rows of the net's inputs */
  const uint8_t *y;
  size_t n;
} fig_set;

#define FIG_MAX_EVAL 2

typedef struct {
  fig_set train;     /* mini-batches come from here */
  size_t batch;      /* <= the net's cap */
  size_t iters;      /* updates */
  size_t eval_every; /* measure after update i (0-based) when i % eval_every == 0; 0: never */
  int n_eval;        /* sets whose accuracy is measured, 0 .. FIG_MAX_EVAL */
  fig_set eval[FIG_MAX_EVAL];
  int record_loss;     /* the loss of each batch after its update (test mode, as the book) */
  uint64_t batch_seed; /* the same seed gives the same batches */
  const char *tag;     /* prefix of the progress lines; NULL: silent */
  size_t progress_every;
} fig_train_spec;

typedef struct {
  size_t points;             /* measurements made */
  double *acc[FIG_MAX_EVAL]; /* accuracy in [0, 1] of eval[k] at each measurement */
  double *loss;              /* iters values if record_loss, else NULL */
  double seconds;
} fig_curves;

/* Iterations and measurement interval of the book's epoch loop: `epochs`
 * measurements, one every max(n / batch, 1) iterations, the first after
 * iteration 0. */
size_t fig_epoch_iters(size_t n, size_t batch);
size_t fig_epochs_to_iters(size_t epochs, size_t n, size_t batch);

/* Trains net with opt. 0, or -1 with a message (a kernel failed, out of
 * memory); out holds what was measured until then. */
int fig_train(fig_net *net, fig_opt *opt, const fig_train_spec *spec, fig_curves *out, char *err,
              size_t errlen);
/* The whole run of one configuration: builds the net of cfg and its SGD
 * optimizers at lr, trains per spec into out, frees both. 0, or -1 with
 * the reason in err. */
int fig_train_new(const fig_net_config *cfg, float lr, const fig_train_spec *spec, fig_curves *out,
                  char *err, size_t errlen);
void fig_curves_free(fig_curves *c);

#endif /* OB_FIG_TRAIN_H */
