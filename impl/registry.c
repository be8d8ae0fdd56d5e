/* The variants: every instruction set of the build's list (ob_isa_list.h,
 * written by impl/CMakeLists.txt), alone and OpenMP-parallel. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define OB_ISA(isa, feat, fma, nans)                                                               \
  extern const ob_kernel_fn ob_optim_##isa[OB_ALGO_COUNT];                                         \
  extern const ob_rand_kernels ob_rand_##isa;                                                      \
  extern const ob_dropout_kernels ob_dropout_##isa;                                                \
  extern const ob_bn_kernels ob_bn_##isa;
#include "ob_isa_list.h"
#undef OB_ISA

static const ob_variant variants[] = {
#define OB_ISA(isa, feat, fma, nans)                                                               \
  {#isa,        #isa, (feat), (fma), (nans), 0, ob_optim_##isa, &ob_rand_##isa, &ob_dropout_##isa, \
   &ob_bn_##isa},                                                                                  \
      {#isa "+omp",       #isa,        (feat), (fma), (nans), 1, ob_optim_##isa, &ob_rand_##isa,   \
       &ob_dropout_##isa, &ob_bn_##isa},
#include "ob_isa_list.h"
#undef OB_ISA
};

#define VARIANT_COUNT (sizeof variants / sizeof variants[0])

size_t ob_variant_count(void) { return VARIANT_COUNT; }

const ob_variant *ob_variant_at(size_t i) { return i < VARIANT_COUNT ? &variants[i] : NULL; }

int ob_variant_valid(const ob_variant *v) {
  for (size_t i = 0; i < VARIANT_COUNT; i++)
    if (v == &variants[i])
      return 1;
  return 0;
}

const ob_variant *ob_variant_find(const char *name) {
  if (name)
    for (size_t i = 0; i < VARIANT_COUNT; i++)
      if (strcmp(variants[i].name, name) == 0)
        return &variants[i];
  return NULL;
}

const char *ob_variant_name(const ob_variant *v) { return ob_variant_valid(v) ? v->name : NULL; }
const char *ob_variant_isa(const ob_variant *v) { return ob_variant_valid(v) ? v->isa : NULL; }
int ob_variant_is_parallel(const ob_variant *v) { return ob_variant_valid(v) && v->parallel; }
int ob_variant_exact_nans(const ob_variant *v) { return ob_variant_valid(v) && v->exact_nans; }

int ob_variant_supported(const ob_variant *v) {
  return ob_variant_valid(v) && (ob_cpu_features() & v->features) == v->features;
}

/* The list runs from slowest to fastest instruction set, so the best is the
 * last supported one, in its +omp form (which stays on one thread where
 * threads would not pay). */
const ob_variant *ob_variant_best(void) {
  for (size_t i = VARIANT_COUNT; i-- > 0;)
    if (variants[i].parallel && ob_variant_supported(&variants[i]))
      return &variants[i];
  return NULL;
}

static const ob_variant *default_variant;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void pick_default(void) {
  const char *forced = getenv("OPTBENCH_VARIANT");
  if (forced && *forced) {
    const ob_variant *v = ob_variant_find(forced);
    default_variant = ob_variant_supported(v) ? v : NULL;
  } else {
    default_variant = ob_variant_best();
  }
}

const ob_variant *ob_variant_default(void) {
  pthread_once(&default_once, pick_default);
  return default_variant;
}

ob_status ob_resolve_variant(const ob_variant **v) {
  if (!*v) {
    *v = ob_variant_default();
    return *v ? OB_OK : OB_ENOVARIANT;
  }
  if (!ob_variant_valid(*v))
    return OB_EINVAL;
  return ob_variant_supported(*v) ? OB_OK : OB_EUNSUPPORTED;
}
