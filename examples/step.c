/* The smallest use of optbench: one Adam step on a variant chosen by name,
 * its learning rate set by name (as a configuration file would give it).
 *   cc step.c $(pkg-config --cflags --libs optbench) && ./a.out avx512 */
#include <optbench.h>
#include <stdio.h>

int main(int argc, char **argv) {
  const char *name = argc > 1 ? argv[1] : "scalar";
  const ob_variant *v = ob_variant_find(name);
  if (!v) {
    fprintf(stderr, "step: unknown variant '%s'\n", name);
    return 2;
  }
  float p[5] = {1, 2, 3, 4, 5}, g[5] = {0.5f, -0.5f, 0.25f, 0, -1}, m[5] = {0}, s[5] = {0};
  ob_hparams hp = ob_defaults(OB_ADAM); /* sets hp.size: the library reads that much */
  ob_status st = ob_hparams_set(&hp, "lr", 0.01);
  if (st == OB_OK)
    st = ob_step(v, OB_ADAM, &hp, 1, p, g, m, s, 5);
  if (st != OB_OK) {
    fprintf(stderr, "step: %s: %s\n", name, ob_strerror(st));
    return 1;
  }
  for (int i = 0; i < 5; i++)
    printf("%s%.9g", i ? " " : "", p[i]);
  printf("\n");
  return 0;
}
