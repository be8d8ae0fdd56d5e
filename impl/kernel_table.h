/* Included at the end of every instruction set's optim.c (with OB_ISA
 * defined by the build): the table of its kernels, in the order of the
 * algorithm list. A missing kernel is a compile error, not a silent gap. */
const ob_kernel_fn OB_KERNEL_TABLE_NAME(OB_ISA)[OB_ALGO_COUNT] = {
#define OB_ALGO(ID, name, ...) [OB_##ID] = name##_kernel,
#include "optbench_algos.def"
#undef OB_ALGO
};
