/* fuzz_golden_ops - the layer kernels' golden reader (gof_load) on the fuzz
 * input, then the checker (goc_run_op) on the scalar variant for every op:
 * both must fail cleanly, never crash, hang or allocate absurdly. */
#include "fuzz.h"
#include "fuzz_alloc.h"
#include "golden_ops_check.h"
#include "golden_ops_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[512] = "";
  gof_file f;
  const char *path = fz_as_file(data, size);
  fz_alloc_limit(FZ_READER_LIMIT(size)); /* the reader sizes its records from the data */
  int rc = gof_load(path, &f, err, sizeof err);
  fz_alloc_limit(0);
  fz_check_err(rc, err, sizeof err);
  if (rc == 0) {
    const ob_variant *v = ob_variant_find("scalar");
    goc_options opt = goc_default_options();
    for (int op = 0; op < OB_OP_COUNT; op++) {
      goc_stats st;
      goc_stats_init(&st);
      fz_alloc_limit(FZ_DATA_LIMIT(size)); /* the checker sizes its buffers from the data */
      goc_run_op(&f, (ob_op)op, v, &opt, &st);
      fz_alloc_limit(0);
    }
  }
  gof_free(&f);
  return 0;
}
