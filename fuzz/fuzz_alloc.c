/* fuzz_alloc - a tighter memory oracle than libFuzzer's -malloc_limit_mb:
 * while armed, any single allocation above a limit the target derives from
 * its input size aborts, so a size taken from a declaration instead of the
 * data is found at a few hundred KB, not only once it reaches the limit. */
#include <sanitizer/allocator_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_alloc.h"

static size_t limit; /* 0: disarmed */

static void on_malloc(const volatile void *p, size_t size) {
  (void)p;
  if (limit && size > limit) {
    char msg[160];
    int len = snprintf(msg, sizeof msg,
                       "fuzz: one allocation of %zu bytes, over the %zu this input justifies\n",
                       size, limit);
    if (len > 0)
      (void)!write(2, msg, (size_t)len);
    abort(); /* the stack trace names the caller */
  }
}

static void on_free(const volatile void *p) { (void)p; }

void fz_alloc_limit(size_t max) {
  static int installed;
  if (!installed)
    installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) > 0;
  limit = max;
}
