/* optbench_convergence - the book's optimizer experiments on optbench's
 * kernels: `trajectory` (figure 6-8) and `mnist` (figure 6-9). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conv.h"

int main(int argc, char **argv) {
  /* OpenBLAS's threads and libgomp's (the +omp variants) both spin while
   * they wait; on 2 cores the two pools take the cores from each other
   * (measured: 12 ms per training iteration instead of 1.8). libgomp reads
   * OMP_WAIT_POLICY once, at load time, so when it is unset the program runs
   * itself again with it set to passive. */
  if (!getenv("OMP_WAIT_POLICY") && setenv("OMP_WAIT_POLICY", "passive", 1) == 0)
    execv("/proc/self/exe", argv); /* on failure: carry on, just slower */
  if (argc >= 2 && !strcmp(argv[1], "trajectory"))
    return conv_trajectory_main(argc - 1, argv + 1);
  if (argc >= 2 && !strcmp(argv[1], "mnist"))
    return conv_mnist_main(argc - 1, argv + 1);
  fprintf(stderr, "usage: optbench_convergence trajectory|mnist [options]\n"
                  "       optbench_convergence trajectory|mnist --help: the options\n");
  return 2;
}
