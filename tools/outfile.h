/* outfile - the one way optbench's programs write an output file: through a
 * unique temporary file in the same directory (mkstemp), renamed over the
 * target only when that is a regular file or does not exist. A FIFO, a
 * device, a directory or a symbolic link at the target is refused, so
 * `--json /dev/null` (as root) cannot replace /dev/null, and a user's own
 * PATH.tmp is never touched. */
#ifndef OB_OUTFILE_H
#define OB_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
  FILE *f;             /* the temporary file, open for writing (and reading) */
  char path[4096];     /* the target */
  char tmp[4096 + 16]; /* DIR/.NAME.XXXXXX */
} ob_outfile;

/* Whether path may be written: it does not exist or is a regular file, and
 * its directory exists. Call it before long work so that a bad path fails
 * first. 0, or -1 with "PATH: reason" in err. */
int ob_out_check(const char *path, char *err, size_t errlen);
/* ob_out_check, then creates the temporary file. 0, or -1 with a message. */
int ob_out_open(ob_outfile *o, const char *path, char *err, size_t errlen);
/* Flushes and closes the temporary file and renames it over the target
 * (checked again). On any error the temporary file is removed and the
 * target is left as it was. 0, or -1 with a message. */
int ob_out_commit(ob_outfile *o, char *err, size_t errlen);
/* Closes and removes the temporary file (nothing if not open). */
void ob_out_abort(ob_outfile *o);

#endif /* OB_OUTFILE_H */
