/* fuzz_golden - the golden reader (gd_load) on the fuzz input, then the
 * checker (gc_run_op) on the scalar variant for every op, rules and layer
 * kernels: both must fail cleanly, never crash, hang or allocate absurdly. */
#include "fuzz.h"
#include "fuzz_alloc.h"
#include "golden_check.h"
#include "golden_file.h"
#include "golden_rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[512] = "";
  gd_file f;
  const char *path = fz_as_file(data, size);
  fz_alloc_limit(FZ_READER_LIMIT(size)); /* the reader sizes its records from the data */
  int rc = gd_load(path, &f, err, sizeof err);
  fz_alloc_limit(0);
  fz_check_err(rc, err, sizeof err);
  if (rc == 0) {
    const ob_variant *v = ob_variant_find("scalar");
    gc_options opt = gc_default_options();
    for (gd_op op = 0; op < GD_OP_COUNT; op++) {
      gc_stats st;
      gc_stats_init(&st);
      fz_alloc_limit(FZ_DATA_LIMIT(size)); /* the checker sizes its buffers from the data */
      gc_run_op(&f, op, v, &opt, &st);
      fz_alloc_limit(0);
    }
    /* the view of a rule's step the experiments use reads the file too */
    for (size_t i = 0; i < f.ncases; i++)
      for (size_t j = 1; j <= f.cases[i].steps && j <= 64; j++) {
        gd_rule_step rs;
        gd_rule_step_of(&f, &f.cases[i], j, &rs, err, sizeof err);
      }
  }
  gd_free(&f);
  return 0;
}
