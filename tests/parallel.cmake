# Every <isa>+omp variant against its single-thread ISA, bit for bit, and the
# single-thread ISAs that share one sequence of roundings against each other.
ob_test(test_parallel)
