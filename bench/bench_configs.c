/* The option configurations of configs.def. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

const bench_config bench_configs[] = {
#define BENCH_CONFIG(ID, label, settings) {OB_##ID, #label, settings},
#include "configs.def"
#undef BENCH_CONFIG
};
const size_t bench_config_count = sizeof bench_configs / sizeof bench_configs[0];

int bench_config_apply(const bench_config *c, ob_hparams *hp, char *err, size_t errlen) {
  const char *s = c->settings;
  while (*s) {
    char field[64];
    const size_t len = strcspn(s, "=");
    char *end = NULL;
    if (s[len] != '=' || len == 0 || len >= sizeof field) {
      snprintf(err, errlen, "configs.def: %s+%s: '%s' is not field=value", ob_algo_name(c->algo),
               c->label, s);
      return -1;
    }
    memcpy(field, s, len);
    field[len] = '\0';
    const double v = strtod(s + len + 1, &end);
    if (end == s + len + 1 || (*end && *end != ' ') || ob_hparams_set(hp, field, v) != OB_OK) {
      snprintf(err, errlen, "configs.def: %s+%s: cannot set '%s' from '%s'", ob_algo_name(c->algo),
               c->label, field, s);
      return -1;
    }
    s = end + strspn(end, " ");
  }
  if (ob_hparams_check(c->algo, hp) != OB_OK) {
    snprintf(err, errlen, "configs.def: %s+%s: '%s' is outside the rule's domain",
             ob_algo_name(c->algo), c->label, c->settings);
    return -1;
  }
  return 0;
}
