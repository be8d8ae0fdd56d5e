/* fuzz_golden - the update rules' golden reader (gf_load) on the fuzz input,
 * then the checker (gc_run_file) on the scalar variant against whatever
 * loaded: both must fail cleanly, never crash, hang or allocate absurdly. */
#include "fuzz.h"
#include "fuzz_alloc.h"
#include "golden_check.h"
#include "golden_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[512] = "";
  gf_file f;
  const char *path = fz_as_file(data, size);
  fz_alloc_limit(FZ_READER_LIMIT(size)); /* the reader sizes its records from the data */
  int rc = gf_load(path, &f, err, sizeof err);
  fz_alloc_limit(0);
  fz_check_err(rc, err, sizeof err);
  if (rc == 0) {
    const ob_variant *v = ob_variant_find("scalar");
    gc_options opt = gc_default_options();
    gc_stats st;
    gc_stats_init(&st);
    fz_alloc_limit(FZ_DATA_LIMIT(size)); /* the checker sizes its buffers from the data */
    gc_run_file(&f, v, &opt, &st);
    fz_alloc_limit(0);
    if (st.worst.set) { /* the failure report reads the file too */
      char buf[2048];
      gc_format_failure(&st.worst, &f, v, "  ", buf, sizeof buf);
    }
  }
  gf_free(&f);
  return 0;
}
