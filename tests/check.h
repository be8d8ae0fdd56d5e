/* A minimal assertion helper for the test programs: CHECK prints the file,
 * the line, the expression and an optional message, counts the failure and
 * carries on; ob_test_done() prints the summary and gives the exit status. */
#ifndef OB_TEST_CHECK_H
#define OB_TEST_CHECK_H

#include <stdio.h>

static int ob_checks, ob_failures;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    ob_checks++;                                                                                   \
    if (!(cond)) {                                                                                 \
      ob_failures++;                                                                               \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);                     \
      fprintf(stderr, "" __VA_ARGS__);                                                             \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

static inline int ob_test_done(const char *name) {
  printf("%s: %d checks, %d failed\n", name, ob_checks, ob_failures);
  return ob_failures ? 1 : 0;
}

#endif
