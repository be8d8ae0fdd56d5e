# A whole model in one call: ob_step_list and the optimizer object against
# ob_step on each tensor, and what they refuse.
ob_test(test_list)
# Idle OpenMP threads sleep instead of spinning: with 7 and 8 threads on two
# cores, spinning workers starve the thread that checks the results.
set_tests_properties(test_list PROPERTIES ENVIRONMENT OMP_WAIT_POLICY=passive)
ob_test(test_list_refuse)
