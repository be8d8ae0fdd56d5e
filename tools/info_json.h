/* `optbench info --json`: every fact about the rules, variants and layer
 * kernels that the scripts need, as one JSON document (schema: DESIGN.md
 * 2.9, "optbench info --json"). The rules come from expanding the list
 * itself, so a new row reaches every script with no edit. */
#ifndef OPTBENCH_INFO_JSON_H
#define OPTBENCH_INFO_JSON_H

#include <stdio.h>

/* Writes s as a JSON string literal, quotes included: ", \ and control
 * characters escaped, valid UTF-8 kept, each byte of an invalid sequence
 * written as U+FFFD. NULL is written as null. */
void ij_string(FILE *out, const char *s);

/* Writes the document to out. Returns 0, or -1 if a write failed (said on
 * stderr). */
int cli_info_json(FILE *out);

#endif /* OPTBENCH_INFO_JSON_H */
