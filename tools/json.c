/* JSON values for the tools' output files. */
#include "json.h"

#include <math.h>
#include <stdint.h>

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s) {
  size_t n;
  uint32_t c;
  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    n = 2, c = s[0] & 0x1fu;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    n = 3, c = s[0] & 0x0fu;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    n = 4, c = s[0] & 0x07u;
  else
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
      return 0;
    c = c << 6 | (s[i] & 0x3fu);
  }
  /* overlong forms, surrogates, past U+10FFFF */
  if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) ||
      c > 0x10ffff)
    return 0;
  return n;
}

void ob_json_str(FILE *out, const char *s) {
  if (!s) {
    fputs("null", out);
    return;
  }
  const unsigned char *p = (const unsigned char *)s;
  fputc('"', out);
  while (*p) {
    const size_t n = utf8_len(p);
    if (n == 0) {
      fputs("\\ufffd", out);
      p++;
    } else if (*p == '"' || *p == '\\') {
      fprintf(out, "\\%c", *p++);
    } else if (*p == '\n') {
      fputs("\\n", out), p++;
    } else if (*p == '\t') {
      fputs("\\t", out), p++;
    } else if (*p < 0x20 || *p == 0x7f) {
      fprintf(out, "\\u%04x", *p++);
    } else {
      fwrite(p, 1, n, out);
      p += n;
    }
  }
  fputc('"', out);
}

void ob_json_num(FILE *out, int digits, double x) {
  if (isfinite(x))
    fprintf(out, "%.*g", digits, x);
  else
    fputs("null", out);
}
