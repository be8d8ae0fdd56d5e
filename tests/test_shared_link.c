/* The shared library's contract, from a program linked against
 * liboptbench.so: the entry points come from the .so (not from a static copy),
 * every variant is reachable by the name the registry gives it, every
 * algorithm runs on every supported variant (and an unsupported one is
 * refused), and the library's internals are not exported. */
#define _GNU_SOURCE /* dladdr, RTLD_DEFAULT, RTLD_NOLOAD */

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "optbench.h"

#define N 21 /* odd, above one AVX-512 vector: a full vector and a tail everywhere */

/* Names the library uses internally (impl/internal.h, impl/kernel.h): none
 * may be visible to users of the .so. The kernel tables, ob_optim_<isa>, are
 * checked for every ISA of the registry below. */
static const char *const internal[] = {
    "ob_check_arrays", "ob_run",           "ob_cpu_features", "ob_resolve_variant",
    "ob_coeffs_make",  "ob_variant_valid", "ob_algo_valid",   "ob_ranges_overlap",
};

static void check_linkage(void) {
  void *sym = dlsym(RTLD_DEFAULT, "ob_step");
  Dl_info info;
  memset(&info, 0, sizeof info);
  CHECK(sym && dladdr(sym, &info) && info.dli_fname, "ob_step not found at run time");
  if (!info.dli_fname)
    return;
  printf("test_shared_link: ob_step from %s\n", info.dli_fname);
  CHECK(strstr(info.dli_fname, "liboptbench.so") != NULL,
        "ob_step comes from %s, not from liboptbench.so", info.dli_fname);
  void *lib = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  CHECK(lib != NULL, "dlopen(%s): %s", info.dli_fname, dlerror());
  if (!lib)
    return;
  for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
    CHECK(dlsym(lib, internal[i]) == NULL, "internal symbol %s is exported", internal[i]);
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const char *isa = ob_variant_isa(ob_variant_at(i));
    if (!isa || ob_variant_is_parallel(ob_variant_at(i)))
      continue;
    char name[64];
    snprintf(name, sizeof name, "ob_optim_%s", isa);
    CHECK(dlsym(lib, name) == NULL, "internal kernel table %s is exported", name);
  }
  dlclose(lib);
}

static void check_steps(void) {
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const char *name = ob_variant_name(ob_variant_at(i));
    CHECK(name != NULL, "variant %zu has no name", i);
    if (!name)
      continue;
    const ob_variant *v = ob_variant_find(name); /* as a user would get it */
    CHECK(v == ob_variant_at(i), "%s: found another variant", name);
    const int supported = ob_variant_supported(v);
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      const ob_hparams hp = ob_defaults((ob_algo)a);
      float p[N], p0[N], g[N], s0[N] = {0}, s1[N] = {0};
      for (int k = 0; k < N; k++) {
        p[k] = p0[k] = 1.0f + (float)k / 64;                     /* around 1 */
        g[k] = (k % 2 ? 1.0f : -1.0f) * (0.25f + (float)k / 32); /* nonzero, both signs */
      }
      const int st = ob_state_count((ob_algo)a);
      const ob_status s =
          ob_step(v, (ob_algo)a, &hp, 1, p, g, st > 0 ? s0 : NULL, st > 1 ? s1 : NULL, N);
      if (supported) {
        CHECK(s == OB_OK, "%s/%s: %s", name, ob_algo_name((ob_algo)a), ob_strerror(s));
        for (int k = 0; k < N; k++)
          if (p[k] == p0[k]) {
            CHECK(0, "%s/%s: p[%d] unchanged by a nonzero gradient", name, ob_algo_name((ob_algo)a),
                  k);
            break;
          }
      } else {
        CHECK(s == OB_EUNSUPPORTED, "%s/%s: %s", name, ob_algo_name((ob_algo)a), ob_strerror(s));
        CHECK(memcmp(p, p0, sizeof p) == 0, "%s/%s: refused but p changed", name,
              ob_algo_name((ob_algo)a));
      }
    }
  }
}

int main(void) {
  check_linkage();
  check_steps();
  return ob_test_done("test_shared_link");
}
