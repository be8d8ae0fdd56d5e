/* fuzz - what every libFuzzer target here shares: the entry point's
 * prototype, the fuzz input as a file (the readers take a path) and the
 * readers' error contract. */
#ifndef OB_FUZZ_H
#define OB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer calls this once per input; 0 means the input was handled. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to this process's temporary file (created on the first call,
 * removed at exit) and returns its path; aborts if it cannot. */
const char *fz_as_file(const uint8_t *data, size_t size);

/* A reader's error contract: a failure (rc != 0) leaves one non-empty,
 * NUL-terminated message in err, a success leaves nothing to report; aborts
 * (a finding) otherwise. */
void fz_check_err(int rc, const char *err, size_t errlen);

#endif /* OB_FUZZ_H */
