/* fuzz_alloc - the allocation oracle: a limit on single allocations that a
 * target derives from its input's size, tighter than -malloc_limit_mb. */
#ifndef OB_FUZZ_ALLOC_H
#define OB_FUZZ_ALLOC_H

#include <stddef.h>

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

#endif /* OB_FUZZ_ALLOC_H */
