/* JSON values for the tools' output files (optbench info --json, verify --json). */
#ifndef OB_JSON_H
#define OB_JSON_H

#include <stdio.h>

/* Writes s as a JSON string literal, quotes included: ", \ and control
 * characters escaped, valid UTF-8 kept, each byte of an invalid sequence
 * written as U+FFFD. NULL is written as null. */
void ob_json_str(FILE *out, const char *s);

/* x with `digits` significant digits (9 gives every float32 exactly, 17
 * every double); null if x is not finite, which JSON cannot write. */
void ob_json_num(FILE *out, int digits, double x);

#endif
