/* Included at the end of every instruction set's optim.c (with OB_ISA
 * defined by the build): the table of its kernels, in the order of the
 * algorithm list: <name>_<isa>, which optim.c generates from the rule's
 * <name>_rule (scalar) or <name>_body (simd). A row without them does not
 * compile. */
const ob_kernel_fn OB_KERNEL_TABLE_NAME(OB_ISA)[OB_ALGO_COUNT] = {
#define OB_ALGO(ID, name, ...) [OB_##ID] = OB_ISA_FN(name),
#include "optbench_algos.def"
#undef OB_ALGO
};
