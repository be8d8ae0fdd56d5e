/* tu_limited: runs fn(arg) in a child process whose address space may grow
 * by at most `extra` bytes, so that an allocation sized from a hostile
 * file's declared lengths fails there (malloc does not touch the pages, so
 * peak memory alone would not show it). Returns fn's value (0..255), or -1
 * if the child did not exit normally. Without the limit under
 * AddressSanitizer, which reserves terabytes of address space.
 *
 * Header-only; the including file defines _POSIX_C_SOURCE 200809L. */
#ifndef OB_TEST_AS_LIMIT_H
#define OB_TEST_AS_LIMIT_H

#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static inline int tu_limited(size_t extra, int (*fn)(void *), void *arg) {
  fflush(stdout);
  fflush(stderr);
  const pid_t pid = fork();
  if (pid == 0) {
#if defined(__SANITIZE_ADDRESS__)
    (void)extra;
#else
    long pages = 0;
    FILE *st = fopen("/proc/self/statm", "r");
    if (st && fscanf(st, "%ld", &pages) == 1) {
      const rlim_t lim = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (rlim_t)extra;
      const struct rlimit rl = {lim, lim};
      setrlimit(RLIMIT_AS, &rl);
    }
    if (st)
      fclose(st);
#endif
    const int r = fn(arg);
    fflush(stdout);
    fflush(stderr);
    _exit(r);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

#endif
