/* fuzz_idx - the IDX reader on the fuzz input, gzip'd or plain (gzread reads
 * both), as images and as labels: it must fail cleanly, never crash, hang or
 * allocate more than the data it read justifies. */
#include "fuzz.h"
#include "fuzz_alloc.h"
#include "idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_as_file(data, size);
  fz_alloc_limit(FZ_GZIP_LIMIT(size)); /* sizes come from the data read, not the header */
  char err[512] = "";
  idx_images x;
  idx_status rc = idx_read_images(path, &x, err, sizeof err);
  fz_check_err(rc != IDX_OK, err, sizeof err);
  idx_free_images(&x);
  err[0] = '\0';
  idx_labels y;
  rc = idx_read_labels(path, &y, err, sizeof err);
  fz_check_err(rc != IDX_OK, err, sizeof err);
  idx_free_labels(&y);
  fz_alloc_limit(0);
  return 0;
}
