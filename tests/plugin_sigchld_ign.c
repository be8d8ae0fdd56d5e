/* plugin_sigchld_ign COMMAND...: runs COMMAND with SIGCHLD ignored, as a
 * wrapper that set SIG_IGN before exec'ing it leaves it (an ignored signal
 * stays ignored across exec). For tests/plugin.cmake: the verifier must
 * still see how its kernel's process ended. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: plugin_sigchld_ign COMMAND [ARG...]\n");
    return 2;
  }
  signal(SIGCHLD, SIG_IGN);
  execv(argv[1], argv + 1);
  fprintf(stderr, "plugin_sigchld_ign: cannot run %s: %s\n", argv[1], strerror(errno));
  return 2;
}
