# The kernels' symbols name their ISA and weight-decay mode (issue 12): nm
# on the static library, every rule x ISA x mode present once.
add_executable(test_symbols test_symbols.c)
target_include_directories(test_symbols PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                           ${PROJECT_SOURCE_DIR}/impl ${PROJECT_BINARY_DIR}/impl)
target_link_libraries(test_symbols PRIVATE optbench_static)
if(CMAKE_NM)
  set(ob_nm ${CMAKE_NM})
else()
  set(ob_nm nm)
endif()
add_test(NAME test_symbols COMMAND test_symbols ${ob_nm} $<TARGET_FILE:optbench_static>)
set_tests_properties(test_symbols PROPERTIES SKIP_RETURN_CODE 77)

# Every program refuses a bad option and a bad number with exit 2 and a
# message (the one parser, tools/opts.c); optbench_bench and optbench_model
# are checked in bench/CMakeLists.txt, which comes after tests/.
set(OB_CHECK_REFUSALS ${CMAKE_CURRENT_SOURCE_DIR}/check_refusals.sh)
add_test(NAME cli_refusals_optbench
         COMMAND ${OB_CHECK_REFUSALS} $<TARGET_FILE:optbench_cli> optbench --omp-threshold verify)
if(TARGET optbench_convergence)
  add_test(NAME cli_refusals_trajectory
           COMMAND ${OB_CHECK_REFUSALS} $<TARGET_FILE:optbench_convergence>
                   "optbench_convergence trajectory" - trajectory)
  add_test(NAME cli_refusals_mnist
           COMMAND ${OB_CHECK_REFUSALS} $<TARGET_FILE:optbench_convergence>
                   "optbench_convergence mnist" --iters mnist)
  # a rule name --algos does not know is refused, not skipped
  add_test(NAME cli_refusals_mnist_algos
           COMMAND $<TARGET_FILE:optbench_convergence> mnist --algos adam,nosuch)
  set_tests_properties(cli_refusals_mnist_algos PROPERTIES
                       PASS_REGULAR_EXPRESSION "mnist: --algos: unknown algorithm 'nosuch'")
endif()
if(TARGET optbench_figures)
  add_test(NAME cli_refusals_figures
           COMMAND ${OB_CHECK_REFUSALS} $<TARGET_FILE:optbench_figures> optbench_figures --seed init)
endif()
