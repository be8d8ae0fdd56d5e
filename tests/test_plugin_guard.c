/* golden_guard (golden/reader): the regions an outside kernel's arrays live
 * in are whole pages between PROT_NONE pages, the array `after` bytes before
 * the trailing one; a write into either guard page kills the writer with
 * SIGSEGV, and the table of live regions names the array a faulting address
 * is in. */
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
  /* at least 64 bytes of head guard words, 5 floats, 3 floats of tail
   * (offset 3): one page, the array 12 + 20 bytes before its end */
  const size_t head = 64, bytes = 5 * sizeof(float), tail = 3 * sizeof(float);
  size_t total = 0;
  unsigned char *base = gc_guard_alloc(head + bytes + tail, tail, bytes, "p", &total);
  CHECK(base != NULL, "mmap of a guarded region");
  if (!base)
    return ob_test_done("test_plugin_guard");
  CHECK(total == page, "the region is the whole page (%zu bytes, page %zu)", total, page);
  CHECK((uintptr_t)base % page == 0, "the region starts at a page boundary");
  memset(base, 0xa5, total); /* the whole region is writable */
  unsigned char *data = base + page - tail - bytes;

  gc_guard_hit hit;
  CHECK(gc_guard_find((uintptr_t)data, &hit) == 1, "the array's first byte");
  CHECK(hit.name && strcmp(hit.name, "p") == 0, "its name");
  CHECK(hit.data == (uintptr_t)data && hit.bytes == bytes, "its extent");
  /* the guard pages around it belong to the same array */
  CHECK(gc_guard_find((uintptr_t)(base - 1), &hit) == 1 && strcmp(hit.name, "p") == 0,
        "the guard page before p");
  CHECK(gc_guard_find((uintptr_t)(base + total), &hit) == 1 && strcmp(hit.name, "p") == 0,
        "the guard page after p");
  CHECK(gc_guard_find((uintptr_t)&hit, &hit) == 0, "a stack address is no array's");

  int status = write_in_child(base + total);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
        "a write at the first byte past the region faults (status %d)", status);
  status = write_in_child(base - 1);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
        "a write at the last byte before the region faults (status %d)", status);
  status = write_in_child(base + total - 1);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the last byte is writable");
  status = write_in_child(base);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the first byte is writable");

  /* two live regions are told apart; a freed one is forgotten */
  size_t other_total = 0;
  unsigned char *other = gc_guard_alloc(head, 0, 0, "g", &other_total);
  CHECK(other != NULL && other_total == page, "a second region");
  CHECK(other && gc_guard_find((uintptr_t)(other + page), &hit) == 1 &&
            strcmp(hit.name, "g") == 0 && hit.data == (uintptr_t)(other + page),
        "an empty array sits right at its guard page");
  /* a region longer than a page: rounded up to two */
  size_t big_total = 0;
  unsigned char *big = gc_guard_alloc(page + 1, 0, page + 1 - head, "s0", &big_total);
  CHECK(big != NULL && big_total == 2 * page, "page + 1 bytes take two pages (%zu)", big_total);
  CHECK(big && gc_guard_find((uintptr_t)(big + 2 * page - 1), &hit) == 1 &&
            hit.data == (uintptr_t)(big + page + head - 1),
        "the long array ends at the trailing page");
  gc_guard_free(big);
  CHECK(gc_guard_alloc(10, 8, 4, "x", &big_total) == NULL, "an array longer than the region");
  gc_guard_free(base);
  CHECK(gc_guard_find((uintptr_t)data, &hit) == 0, "a freed region");
  gc_guard_free(other);
  return ob_test_done("test_plugin_guard");
}
