/* numarg - strict unsigned integer option values (numarg.h). */
#include "numarg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int hexdigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int ob_parse_u64(const char *opt, const char *s, unsigned long long min, unsigned long long max,
                 int flags, unsigned long long *out, char *err, size_t errlen) {
  const char *why = NULL;
  unsigned long long v = 0;
  const int hex = (flags & OB_NUMARG_HEX) && s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const char *digits = s ? (hex ? s + 2 : s) : NULL;
  if (!s || !*s) {
    why = "empty";
  } else if (*s == '-') {
    why = "negative";
  } else if (!*digits) {
    why = "no digits";
  } else {
    /* strtoull alone would take leading space, a sign and "-1" as 2^64-1 */
    for (const char *q = digits; *q && !why; q++)
      if (hex ? !hexdigit(*q) : (*q < '0' || *q > '9'))
        why = "not a number, or junk after it";
    if (!why) {
      errno = 0;
      v = strtoull(digits, NULL, hex ? 16 : 10);
      if (errno == ERANGE)
        why = "too large for 64 bits";
      else if (v < min)
        why = "too small";
      else if (v > max)
        why = "too large";
    }
  }
  if (why) {
    if (err && errlen)
      snprintf(err, errlen, "%s takes an integer %llu..%llu, not '%.40s' (%s)", opt, min, max,
               s ? s : "", why);
    return -1;
  }
  *out = v;
  return 0;
}
