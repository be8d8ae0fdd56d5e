/* fuzz - what every target shares (fuzz.h): the input as a file, one
 * temporary file per process rewritten in place for each input, and the
 * check of the readers' error contract. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char path[4096]; /* TMPDIR + "/obfuzz-XXXXXX" */
static int fd = -1;

static void remove_file(void) { unlink(path); }

const char *fz_as_file(const uint8_t *data, size_t size) {
  if (fd < 0) {
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/obfuzz-XXXXXX", dir && *dir ? dir : "/tmp");
    fd = mkstemp(path);
    if (fd < 0)
      abort();
    atexit(remove_file);
  }
  if (ftruncate(fd, 0) != 0)
    abort();
  for (size_t done = 0; done < size;) {
    ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
    if (w <= 0)
      abort();
    done += (size_t)w;
  }
  return path;
}

void fz_check_err(int rc, const char *err, size_t errlen) {
  size_t len = strnlen(err, errlen);
  if (len == errlen || (rc != 0 && len == 0))
    abort(); /* unterminated, or a failure without a message */
}
