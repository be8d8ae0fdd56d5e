/* fuzz - what every libFuzzer target here shares: the entry point's
 * prototype and the fuzz input as a file, for readers that take a path. */
#ifndef OB_FUZZ_H
#define OB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer calls this once per input; 0 means the input was handled. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's own mutator, and the hook that replaces it (fuzz_mutate.c). */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* Writes data to this process's temporary file (created on the first call,
 * removed at exit) and returns its path; aborts if it cannot. */
const char *fz_as_file(const uint8_t *data, size_t size);

/* A reader's error contract: a failure (rc != 0) leaves one non-empty,
 * NUL-terminated message in err, a success leaves nothing to report; aborts
 * (a finding) otherwise. */
void fz_check_err(int rc, const char *err, size_t errlen);

/* While max > 0, a single allocation of more than max bytes aborts (a
 * finding); 0 disarms. */
void fz_alloc_limit(size_t max);

/* The limit for code whose every allocation is backed by the input's data:
 * 64 bytes per input byte, plus 64 KB for fixed-size records. */
#define FZ_DATA_LIMIT(size) (64 * (size_t)(size) + ((size_t)64 << 10))

/* The limit for a reader, whose case records are a few KB each even where
 * the text of a case is a few dozen bytes: 1024 bytes per input byte + 1 MB. */
#define FZ_READER_LIMIT(size) (1024 * (size_t)(size) + ((size_t)1 << 20))

/* The limit for a gzip reader: deflate expands at most ~1032 times, and a
 * pixel becomes 1 + 4 bytes (raw and float): 8 KB per input byte + 1 MB. */
#define FZ_GZIP_LIMIT(size) (8192 * (size_t)(size) + ((size_t)1 << 20))

#endif /* OB_FUZZ_H */
