/* Where `optbench verify` finds the golden vectors by default. */
#ifndef OPTBENCH_GOLDEN_DIR_H
#define OPTBENCH_GOLDEN_DIR_H

/* OPTBENCH_GOLDEN_DIR if set; else the installed vectors beside the running
 * program (<bindir>/../share/optbench/golden, so a DESTDIR or relocated
 * install finds its own); else the source tree's (the build tree's
 * program); else the compiled-in install path. *origin (if not NULL) says
 * which. The string is static. */
const char *cli_golden_dir(const char **origin);

#endif
