/* plugin_run - one rule x offset of an outside kernel's golden run, in a
 * child process (plugin.h).
 *
 * One child per run, not per case: a fork per case would cost more than
 * the cases themselves. The child runs the cases in file order and notes in
 * a shared page which case and step it is in and what it has found; the
 * parent waits. A crash (the child dies of a signal), an exit from inside
 * the kernel or a case that outlives the timeout fails that case with a
 * message, and a new child goes on from the next case.
 */
#define _GNU_SOURCE /* REG_ERR (was the fault a write?), strsignal */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "golden_guard.h"
#include "plugin.h"

typedef struct {
  gc_progress progress;
  volatile size_t at;   /* the case running, an index into f->cases */
  volatile size_t seq;  /* cases started, for the parent's clock */
  volatile size_t next; /* the first case not yet finished */
  volatile int done, oom;
  long failed;
  gc_stats st; /* every finished case's */
  /* what the SIGSEGV/SIGBUS handler saw */
  volatile int faulted, write_known, write;
  volatile uintptr_t addr;
  volatile int hit;
  gc_guard_hit where;
  char name[64];
} shared;

static shared *sh; /* the child's, for its signal handler */

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  sh->faulted = 1;
  sh->addr = (uintptr_t)si->si_addr;
#if defined(__x86_64__) && defined(__linux__)
  sh->write_known = 1; /* the page-fault error code: bit 1 set for a write */
  sh->write = (((const ucontext_t *)uc)->uc_mcontext.gregs[REG_ERR] & 2) != 0;
#else
  (void)uc;
#endif
  gc_guard_hit h;
  if (gc_guard_find(sh->addr, &h)) {
    sh->where = h;
    size_t k = 0;
    for (; h.name && h.name[k] && k + 1 < sizeof sh->name; k++)
      sh->name[k] = h.name[k];
    sh->name[k] = '\0';
    sh->hit = 1;
  }
  /* SA_RESETHAND: returning re-runs the access, which now ends the child */
}

static void child(const gd_file *f, gd_op op, const ob_variant *v, const gc_options *opt,
                  size_t from) {
  static char altstack[1 << 16]; /* a kernel that overflows its stack still gets a report */
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  gc_options o = *opt;
  o.progress = &sh->progress;
  for (size_t i = from; i < f->ncases; i++) {
    if (f->cases[i].op != op)
      continue;
    sh->progress.step = 1;
    sh->progress.own = 0;
    sh->at = i;
    sh->seq++;
    gc_stats cs;
    gc_stats_init(&cs);
    const int r = gc_run_case(f, &f->cases[i], v, &o, &cs);
    if (r < 0) {
      sh->oom = 1;
      _exit(3);
    }
    gc_stats_merge(&sh->st, &cs);
    sh->failed += r == 0;
    sh->next = i + 1;
  }
  sh->done = 1;
  _exit(0); /* no atexit handlers, no second flush of the parent's buffers */
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *signame(int sig) {
  switch (sig) {
  case SIGSEGV: return "SIGSEGV";
  case SIGBUS: return "SIGBUS";
  case SIGFPE: return "SIGFPE";
  case SIGILL: return "SIGILL";
  case SIGABRT: return "SIGABRT";
  case SIGTRAP: return "SIGTRAP";
  case SIGSYS: return "SIGSYS";
  case SIGKILL: return "SIGKILL";
  default: return "signal";
  }
}

/* Where a fault was, from what the handler saw. */
static void describe_fault(char *buf, size_t len) {
  const char *access = !sh->write_known ? "an access" : sh->write ? "a write" : "a read";
  if (!sh->faulted) {
    buf[0] = '\0';
  } else if (!sh->hit) {
    snprintf(buf, len, ", %s at address %#lx (no array of the case is there)", access,
             (unsigned long)sh->addr);
  } else if (sh->addr >= sh->where.data + sh->where.bytes) {
    const uintptr_t past = sh->addr - (sh->where.data + sh->where.bytes);
    snprintf(buf, len,
             ", %s %lu bytes past the end of array '%s' (%zu floats), into the guard page after it",
             access, (unsigned long)past, sh->name, sh->where.bytes / sizeof(float));
  } else if (sh->addr < sh->where.data) {
    snprintf(buf, len,
             ", %s %lu bytes before the start of array '%s' (%zu floats), into the guard page "
             "before it",
             access, (unsigned long)(sh->where.data - sh->addr), sh->name,
             sh->where.bytes / sizeof(float));
  } else {
    snprintf(buf, len, ", %s at byte %lu of array '%s'", access,
             (unsigned long)(sh->addr - sh->where.data), sh->name);
  }
}

enum { WATCH_EXITED, WATCH_TIMEOUT, WATCH_LOST };

/* Waits for the child: WATCH_EXITED with its wait status in *status,
 * WATCH_TIMEOUT after killing it for a case that outlived the timeout, or
 * WATCH_LOST (errno set) if waitpid fails, which must never read as an exit. */
static int watch(pid_t pid, size_t timeout, int *status) {
  size_t seen = sh->seq;
  double since = now();
  const struct timespec nap = {0, 2 * 1000 * 1000};
  for (;;) {
    const pid_t w = waitpid(pid, status, WNOHANG);
    if (w == pid)
      return WATCH_EXITED;
    if (w < 0 && errno != EINTR)
      return WATCH_LOST;
    if (sh->seq != seen) {
      seen = sh->seq;
      since = now();
    } else if (now() - since > (double)timeout) {
      kill(pid, SIGKILL);
      while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
      return WATCH_TIMEOUT;
    }
    nanosleep(&nap, NULL);
  }
}

long ob_plugin_run_op(void *ctx, const gd_file *f, gd_op op, const ob_variant *v,
                      const gc_options *opt, gc_stats *st, char *err, size_t errlen) {
  const ob_plugin_run *run = ctx;
  sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) {
    snprintf(err, errlen, "cannot map the page shared with the kernel's process: %s",
             strerror(errno));
    return -1;
  }
  memset(sh, 0, sizeof *sh);
  gc_stats_init(&sh->st);
  /* with SIGCHLD ignored (a wrapper that set SIG_IGN, then exec'd us) the
   * kernel reaps the child itself and waitpid can never see how it ended */
  struct sigaction dfl, saved_chld;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGCHLD, &dfl, &saved_chld);
  size_t from = 0;
  long result = 0;
  for (;;) {
    sh->at = SIZE_MAX;
    sh->faulted = sh->hit = sh->write_known = 0;
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0) {
      snprintf(err, errlen, "cannot fork to run kernel %s: %s", run->pl->path, strerror(errno));
      result = -1;
      break;
    }
    if (pid == 0)
      child(f, op, v, opt, from);
    int status = 0;
    const int watched = watch(pid, run->timeout, &status);
    if (watched == WATCH_LOST) {
      snprintf(err, errlen, "cannot wait for the process running kernel %s: %s", run->pl->path,
               strerror(errno));
      kill(pid, SIGKILL);
      result = -1;
      break;
    }
    if (sh->oom) {
      snprintf(err, errlen, "out of memory running %s on %s", gd_op_name(op), run->pl->name);
      result = -1;
      break;
    }
    if (watched == WATCH_EXITED && WIFEXITED(status) && WEXITSTATUS(status) == 0 && sh->done)
      break;
    if (sh->at == SIZE_MAX) { /* died before its first case: nothing of the kernel's */
      snprintf(err, errlen, "the process running kernel %s ended before its first case",
               run->pl->path);
      result = -1;
      break;
    }
    char what[768], where[256];
    if (watched == WATCH_TIMEOUT) {
      snprintf(what, sizeof what,
               "kernel %.200s (symbol %.100s) did not return within %zu s; killed with SIGKILL",
               run->pl->path, run->pl->symbol, run->timeout);
    } else if (WIFSIGNALED(status)) {
      describe_fault(where, sizeof where);
      snprintf(what, sizeof what, "kernel %.200s (symbol %.100s) crashed: %s (%s)%s", run->pl->path,
               run->pl->symbol, signame(WTERMSIG(status)), strsignal(WTERMSIG(status)), where);
    } else {
      snprintf(
          what, sizeof what,
          "kernel %.200s (symbol %.100s) ended the process (exit status %d) instead of returning",
          run->pl->path, run->pl->symbol, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    gc_case_failure(f, &f->cases[sh->at], v, opt, sh->progress.step, sh->progress.own, &sh->st,
                    what);
    sh->failed++;
    from = sh->at + 1;
  }
  sigaction(SIGCHLD, &saved_chld, NULL);
  if (result == 0) {
    gc_stats_merge(st, &sh->st);
    result = sh->failed;
  }
  munmap(sh, sizeof *sh);
  sh = NULL;
  return result;
}
