/* The tuning cache: the OpenMP thresholds `optbench tune` measured on this
 * machine, read once by the library and used by the +omp variants in place
 * of the built-in ones (optbench.h, "The machine").
 *
 * The file is text, one field a line, each line ending in a newline:
 *
 *   optbench-tune 1               the format, first line
 *   version 0.1.0                 the library version it was measured with
 *   machine 0123456789abcdef      ob_machine_id of the machine
 *   cpu AMD EPYC                  for people: the CPU (any text)
 *   threads 2                     for people: the team it was measured with
 *   team_start_ns 700             for people: the team's start cost, back to back
 *   team_wake_ns 2600             for people: the same with the workers asleep
 *   algo sgd 131072               a threshold in elements, for every rule ...
 *   op rand_uniform 8192          ... and every layer kernel, once each
 *   end                           the last line: a truncated file has none
 *
 * in this order for the first three, any order between them and `end`;
 * lines starting with '#' are comments. Numbers are decimal, no sign, no
 * leading zero; thresholds 1 .. 2^40. Anything else - another version,
 * another machine, an unknown key or name, a repeated or missing entry, a
 * file over 64 KiB or not a regular file - rejects the whole file, and the
 * built-in thresholds stay in force. The library never prints: the reason
 * is in ob_omp_threshold_source. */
#define _GNU_SOURCE /* secure_getenv: a setuid program must not read a path from its caller */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "machine.h"

#define TUNE_FORMAT    "1" /* the first line: optbench-tune 1 */
#define TUNE_MAX_BYTES 65536
#define TUNE_MAX_LINE  256
#define TUNE_MAX_VALUE ((uint64_t)1 << 40)

/* ---- the parser --------------------------------------------------------- */

static int fail(char *why, size_t whylen, size_t line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const int k = snprintf(why, whylen, "line %zu: ", line);
  if (k >= 0 && (size_t)k < whylen)
    vsnprintf(why + k, whylen - (size_t)k, fmt, ap);
  va_end(ap);
  return -1;
}

/* A decimal in [min, max], the whole of s: no sign, space or leading zero. */
static int number(const char *s, uint64_t min, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  if (!*s || (s[0] == '0' && s[1]))
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
      return -1;
    v = v * 10 + (uint64_t)(*s - '0');
  }
  if (v < min)
    return -1;
  *out = v;
  return 0;
}

/* `NAME VALUE` of a rule or op: its index by name and the threshold. */
static int named_threshold(char *rest, int is_op, int *index, uint64_t *value) {
  char *sp = strchr(rest, ' ');
  if (!sp)
    return -1;
  *sp = '\0';
  *index = is_op ? ob_op_from_name(rest) : ob_algo_from_name(rest);
  return *index < 0 || number(sp + 1, 1, TUNE_MAX_VALUE, value) ? -1 : 0;
}

int ob_tune_parse(const char *text, size_t len, const char *version, const char *machine,
                  size_t algo[OB_ALGO_COUNT], size_t op[OB_OP_COUNT], char *why, size_t whylen) {
  size_t a_val[OB_ALGO_COUNT] = {0}, o_val[OB_OP_COUNT] = {0};
  size_t line = 0, pos = 0, header = 0;
  int ended = 0;
  if (len == 0)
    return fail(why, whylen, 1, "empty file");
  while (pos < len) {
    line++;
    const char *nl = memchr(text + pos, '\n', len - pos);
    if (!nl)
      return fail(why, whylen, line, "no newline at the end (truncated?)");
    const size_t n = (size_t)(nl - (text + pos));
    if (n >= TUNE_MAX_LINE)
      return fail(why, whylen, line, "longer than %d bytes", TUNE_MAX_LINE - 1);
    char buf[TUNE_MAX_LINE];
    memcpy(buf, text + pos, n);
    buf[n] = '\0';
    pos += n + 1;
    if (strlen(buf) != n)
      return fail(why, whylen, line, "a NUL byte");
    if (ended)
      return fail(why, whylen, line, "text after `end`");
    if (buf[0] == '#' && line > 1)
      continue;
    char *sp = strchr(buf, ' ');
    char *rest = sp ? sp + 1 : buf + n;
    if (sp)
      *sp = '\0';
    uint64_t v;
    int k;
    if (header == 0) { /* the format line */
      if (strcmp(buf, "optbench-tune") != 0 || strcmp(rest, TUNE_FORMAT) != 0)
        return fail(why, whylen, line,
                    "not `optbench-tune " TUNE_FORMAT "` (not a tuning cache, or another format)");
      header++;
    } else if (header == 1) {
      if (strcmp(buf, "version") != 0)
        return fail(why, whylen, line, "`version` expected");
      if (strcmp(rest, version) != 0)
        return fail(why, whylen, line, "measured with version %.32s, this library is %s", rest,
                    version);
      header++;
    } else if (header == 2) {
      if (strcmp(buf, "machine") != 0)
        return fail(why, whylen, line, "`machine` expected");
      if (strcmp(rest, machine) != 0)
        return fail(why, whylen, line, "measured on machine %.32s, this one is %s", rest, machine);
      header++;
    } else if (strcmp(buf, "end") == 0 && !sp) {
      ended = 1;
    } else if (strcmp(buf, "cpu") == 0) {
      /* for people only */
    } else if (strcmp(buf, "threads") == 0 || strcmp(buf, "team_start_ns") == 0 ||
               strcmp(buf, "team_wake_ns") == 0) {
      if (number(rest, 0, TUNE_MAX_VALUE, &v))
        return fail(why, whylen, line, "%s: not a decimal number up to 2^40", buf);
    } else if (strcmp(buf, "algo") == 0 || strcmp(buf, "op") == 0) {
      const int is_op = buf[0] == 'o';
      if (named_threshold(rest, is_op, &k, &v))
        return fail(why, whylen, line, "`%s NAME THRESHOLD` with a known name and 1..2^40 expected",
                    buf);
      size_t *slot = is_op ? &o_val[k] : &a_val[k];
      if (*slot)
        return fail(why, whylen, line, "%s %s given twice", buf, rest);
      *slot = (size_t)v;
    } else {
      return fail(why, whylen, line, "unknown key `%.32s`", buf);
    }
  }
  if (!ended)
    return fail(why, whylen, line, "no `end` line (truncated?)");
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    if (!a_val[a])
      return fail(why, whylen, line, "no threshold for algo %s", ob_algo_name((ob_algo)a));
  for (int o = 0; o < OB_OP_COUNT; o++)
    if (!o_val[o])
      return fail(why, whylen, line, "no threshold for op %s", ob_op_name((ob_op)o));
  memcpy(algo, a_val, sizeof a_val);
  memcpy(op, o_val, sizeof o_val);
  return 0;
}

/* ---- the machine and the path ------------------------------------------ */

ob_status ob_machine_id(char *buf, size_t len) {
  if (!buf || len < 17)
    return OB_EINVAL;
  char brand[64], key[96];
  ob_cpu_brand(brand, sizeof brand);
  const long procs = sysconf(_SC_NPROCESSORS_CONF);
  snprintf(key, sizeof key, "%s/%ld", brand[0] ? brand : "unknown", procs);
  uint64_t h = 0xcbf29ce484222325u; /* FNV-1a, 64 bits */
  for (const char *s = key; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3u;
  snprintf(buf, len, "%016llx", (unsigned long long)h);
  return OB_OK;
}

static void version_of(char *buf, size_t len) {
  snprintf(buf, len, "%d.%d.%d", OB_VERSION_MAJOR, OB_VERSION_MINOR, OB_VERSION_PATCH);
}

ob_status ob_tune_default_path(char *buf, size_t len) {
  if (!buf)
    return OB_EINVAL;
  const char *xdg = secure_getenv("XDG_CACHE_HOME"), *home = secure_getenv("HOME");
  const char *base = xdg && xdg[0] == '/' ? xdg : home && home[0] == '/' ? home : NULL;
  if (!base)
    return OB_EINVAL;
  char version[32], id[17];
  version_of(version, sizeof version);
  ob_machine_id(id, sizeof id);
  const int k = snprintf(buf, len, "%s%s/optbench/tune-%s-%s.txt", base,
                         base == xdg ? "" : "/.cache", version, id);
  return k > 0 && (size_t)k < len ? OB_OK : OB_EINVAL;
}

/* ---- the thresholds in force -------------------------------------------- */

/* 0: not tuned, the built-in value applies */
static atomic_size_t tuned_algo[OB_ALGO_COUNT], tuned_op[OB_OP_COUNT];
static pthread_mutex_t source_lock = PTHREAD_MUTEX_INITIALIZER;
static char source[4096 + 256] = "built-in";

static void set_source(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pthread_mutex_lock(&source_lock);
  vsnprintf(source, sizeof source, fmt, ap);
  pthread_mutex_unlock(&source_lock);
  va_end(ap);
}

static void set_tuned(const size_t *algo, const size_t *op) {
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    atomic_store_explicit(&tuned_algo[a], algo ? algo[a] : 0, memory_order_relaxed);
  for (int o = 0; o < OB_OP_COUNT; o++)
    atomic_store_explicit(&tuned_op[o], op ? op[o] : 0, memory_order_relaxed);
}

static const char *open_error(int e) {
  switch (e) {
  case ENOENT: return "no such file";
  case EACCES: return "permission denied";
  case ELOOP: return "too many symbolic links";
  case ENOTDIR: return "a component is not a folder";
  default: return "cannot be opened";
  }
}

/* The whole file at path, if it is a regular file of at most TUNE_MAX_BYTES;
 * NULL and a reason otherwise. O_NONBLOCK: opening a FIFO must not wait
 * for a writer (the library never hangs). */
static char *slurp(const char *path, size_t *len, const char **why) {
  const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    *why = open_error(errno);
    return NULL;
  }
  struct stat st;
  char *text = NULL;
  *why = "not a regular file";
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    *why = "larger than 64 KiB";
    if (st.st_size <= TUNE_MAX_BYTES && (text = malloc(TUNE_MAX_BYTES + 1))) {
      size_t n = 0;
      ssize_t r;
      while (n <= TUNE_MAX_BYTES && (r = read(fd, text + n, TUNE_MAX_BYTES + 1 - n)) > 0)
        n += (size_t)r;
      *len = n;
      if (n > TUNE_MAX_BYTES) { /* it grew while read */
        free(text);
        text = NULL;
      }
    } else if (st.st_size <= TUNE_MAX_BYTES) {
      *why = "out of memory";
    }
  }
  close(fd);
  return text;
}

static ob_status load(const char *path) {
  size_t len = 0;
  const char *why = NULL;
  char *text = slurp(path, &len, &why);
  if (!text) {
    set_tuned(NULL, NULL);
    set_source("built-in (tuning cache %s: %s)", path, why);
    return OB_EINVAL;
  }
  char version[32], id[17], reason[256];
  size_t algo[OB_ALGO_COUNT], op[OB_OP_COUNT];
  version_of(version, sizeof version);
  ob_machine_id(id, sizeof id);
  const int r = ob_tune_parse(text, len, version, id, algo, op, reason, sizeof reason);
  free(text);
  if (r) {
    set_tuned(NULL, NULL);
    set_source("built-in (tuning cache %s rejected: %s)", path, reason);
    return OB_EINVAL;
  }
  set_tuned(algo, op);
  set_source("tuned: %s", path);
  return OB_OK;
}

/* The cache the environment names: OPTBENCH_TUNE, else the default path. */
static ob_status lookup(void) {
  const char *env = secure_getenv("OPTBENCH_TUNE");
  if (env && *env) {
    if (strcmp(env, "off") == 0) {
      set_tuned(NULL, NULL);
      set_source("built-in (OPTBENCH_TUNE=off)");
      return OB_EINVAL;
    }
    return load(env);
  }
  char def[4096];
  if (ob_tune_default_path(def, sizeof def) != OB_OK) {
    set_tuned(NULL, NULL);
    set_source("built-in (no tuning cache: neither XDG_CACHE_HOME nor HOME is an absolute path)");
    return OB_EINVAL;
  }
  return load(def);
}

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static void first_load(void) { (void)lookup(); }

ob_status ob_tune_load(const char *path) {
  pthread_once(&load_once, first_load); /* so that the first load cannot come after this one */
  return path ? load(path) : lookup();
}

size_t ob_tuned_algo(ob_algo a) {
  pthread_once(&load_once, first_load);
  return ob_algo_valid(a) ? atomic_load_explicit(&tuned_algo[a], memory_order_relaxed) : 0;
}

size_t ob_tuned_op(ob_op o) {
  pthread_once(&load_once, first_load);
  return (unsigned)o < OB_OP_COUNT ? atomic_load_explicit(&tuned_op[o], memory_order_relaxed) : 0;
}

size_t ob_omp_threshold_source(char *buf, size_t len) {
  pthread_once(&load_once, first_load);
  const size_t o = ob_omp_threshold_override();
  pthread_mutex_lock(&source_lock);
  const int k =
      o ? snprintf(buf, len, "ob_set_omp_threshold(%zu) for every kernel, over %s", o, source)
        : snprintf(buf, len, "%s", source);
  pthread_mutex_unlock(&source_lock);
  return k < 0 ? 0 : (size_t)k;
}
