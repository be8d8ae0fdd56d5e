/* golden_guard (golden/reader): the regions an outside kernel's arrays live
 * in end at a PROT_NONE page, a write there kills the writer with SIGSEGV,
 * and the table of live regions names the array a faulting address is in. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "golden_guard.h"

/* The wait status of a child that writes one byte at p. */
static int write_in_child(unsigned char *p) {
  const pid_t pid = fork();
  if (pid == 0) {
    signal(SIGSEGV, SIG_DFL); /* not a sanitizer's handler, which exits with 1 */
    *(volatile unsigned char *)p = 1;
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

int main(void) {
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  /* 64 bytes of head guard words, 5 floats, 3 floats of tail (offset 3) */
  const size_t head = 64, bytes = 5 * sizeof(float), tail = 3 * sizeof(float);
  const size_t total = head + bytes + tail;
  unsigned char *base = gc_guard_alloc(total, head, bytes, "p");
  CHECK(base != NULL, "mmap of a guarded region");
  if (!base)
    return ob_test_done("test_plugin_guard");
  CHECK(((uintptr_t)(base + total)) % page == 0, "the region ends at a page boundary");
  memset(base, 0xa5, total); /* the whole region is writable */

  gc_guard_hit hit;
  CHECK(gc_guard_find((uintptr_t)(base + head), &hit) == 1, "the array's first byte");
  CHECK(hit.name && strcmp(hit.name, "p") == 0, "its name");
  CHECK(hit.data == (uintptr_t)(base + head) && hit.bytes == bytes, "its extent");
  /* the guard page after it belongs to the same array */
  CHECK(gc_guard_find((uintptr_t)(base + total), &hit) == 1 && strcmp(hit.name, "p") == 0,
        "the guard page after p");
  CHECK(gc_guard_find((uintptr_t)&hit, &hit) == 0, "a stack address is no array's");

  int status = write_in_child(base + total);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
        "a write at the first byte past the region faults (status %d)", status);
  status = write_in_child(base + total - 1);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the last byte is writable");

  /* two live regions are told apart; a freed one is forgotten */
  unsigned char *other = gc_guard_alloc(head, head, 0, "g");
  CHECK(other != NULL && ((uintptr_t)(other + head)) % page == 0, "a second region");
  CHECK(gc_guard_find((uintptr_t)(other + head), &hit) == 1 && strcmp(hit.name, "g") == 0,
        "an empty array sits right at its guard page");
  gc_guard_free(base);
  CHECK(gc_guard_find((uintptr_t)(base + head), &hit) == 0, "a freed region");
  gc_guard_free(other);
  return ob_test_done("test_plugin_guard");
}
