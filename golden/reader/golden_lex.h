/* golden_lex - lines, tokens and numbers of the golden file grammar
 * (golden/FORMAT.md, "Grammar").
 *
 * Every function that fails writes one message "PATH:LINE: reason" into the
 * parser's buffer and returns -1.
 */
#ifndef GOLDEN_LEX_H
#define GOLDEN_LEX_H

#include <stddef.h>
#include <stdio.h>

#define MAX_TOKS_SHOWN 40 /* characters of an offending line quoted in a message */

typedef struct {
  FILE *fp;
  const char *path;
  char *line; /* current line, NUL-terminated, newline stripped */
  size_t cap; /* getline's buffer size */
  size_t len; /* length of the current line */
  size_t lineno;
  int unread; /* gl_unread: the next gl_next_line returns the current line again */
  char **tok; /* tokens of the current line (point into line) */
  size_t ntok;
  size_t tokcap;
  char *err;
  size_t errlen;
  /* the case ids seen so far: an open-addressing hash set (gl_case_id) */
  struct gl_id *ids;
  size_t nids, idcap;
} gl_parser;

#if defined(__GNUC__)
#define GL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GL_PRINTF(a, b)
#endif

/* Writes "PATH:LINE: reason" into the caller's buffer; returns -1. */
int gl_fail(gl_parser *P, size_t line, const char *fmt, ...) GL_PRINTF(3, 4);
/* The next line (comments skipped if allow_comment): 1, 0 at end of file, -1. */
int gl_next_line(gl_parser *P, int allow_comment);
/* The current (untokenized) line is read again by the next gl_next_line. */
void gl_unread(gl_parser *P);
/* Splits the current line at single spaces; an empty field is an error. */
int gl_tokenize(gl_parser *P);
/* The next record must start with kw (and kw2 unless NULL); tokenized. */
int gl_expect(gl_parser *P, const char *kw, const char *kw2, const char *context);
/* A decimal count, digits only, at most max. */
int gl_parse_count(gl_parser *P, const char *s, const char *what, unsigned long long max,
                   unsigned long long *out);
/* A number of the format: a hex float as %a prints it, inf, -inf or nan. */
int gl_parse_double(gl_parser *P, const char *s, const char *what, double *out);
/* The same, exactly representable in float32. */
int gl_parse_float32(gl_parser *P, const char *s, const char *what, float *out);
/* Tokens skip.. of the current line as n float32 values (NULL when n == 0). */
int gl_parse_values(gl_parser *P, size_t skip, size_t n, const char *what, float **out);
/* The current (tokenized) line as an element `<exact> <rounded> <scale>`,
 * with FORMAT.md's consistency rules; the caller checked 3 tokens. */
int gl_parse_element(gl_parser *P, double *exact, float *rounded, double *scale);
/* The `cases <count>` record (count <= max), then count case blocks into a
 * growing array of elem-byte records (*items, *count; record i is zeroed,
 * then parse_case fills it, given the array as it stands), then the end of
 * the file: a case more than counted, or anything else after the last, is an
 * error. *items holds the array on failure too, for the caller to free. */
typedef int (*gl_case_fn)(gl_parser *P, void *file, void *items, size_t i, size_t declared,
                          size_t cases_line);
int gl_parse_cases(gl_parser *P, unsigned long long max, size_t elem, void **items, size_t *count,
                   gl_case_fn parse_case, void *file);
/* Opens path, runs parse(P, file) on it and closes it; *path_copy gets a
 * copy of path. 0, or -1 with "PATH:LINE: reason" in err (the caller frees
 * what parse built). */
typedef int (*gl_file_fn)(gl_parser *P, void *file);
int gl_load(const char *path, char **path_copy, gl_file_fn parse, void *file, char *err,
            size_t errlen);
int gl_id_ok(const char *id); /* [a-z0-9_]+ */
/* Records the current case's id (seen on `line`); a repeat of an earlier
 * one is an error naming both lines. Constant time per case: a file may
 * hold 2^20 cases, and a scan of the earlier ids made that quadratic. */
int gl_case_id(gl_parser *P, const char *id, size_t line);
char *gl_dupstr(const char *s); /* NULL when out of memory */

#endif /* GOLDEN_LEX_H */
