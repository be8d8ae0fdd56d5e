# Every <isa>+omp variant against its single-thread ISA, bit for bit, and the
# single-thread ISAs that share one sequence of roundings against each other.
ob_test(test_parallel)
# The +omp variants at the edges of their environment (issue 10), one mode
# each, every kernel family against its ISA bit for bit:
#   cap    omp_set_num_threads(100000); env: OMP_NUM_THREADS=40000 at start-up
#   fork   a forked child repeats a call whose team the parent started
#   fpenv  the caller's rounding mode, FTZ and DAZ, set after the team exists
add_executable(test_edges_threads test_edges_threads.c)
target_include_directories(test_edges_threads PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_edges_threads PRIVATE optbench_static OpenMP::OpenMP_C)
foreach(mode cap env fork fpenv)
  add_test(NAME test_edges_threads_${mode} COMMAND test_edges_threads ${mode})
endforeach()
set_tests_properties(test_edges_threads_env PROPERTIES ENVIRONMENT "OMP_NUM_THREADS=40000")
set_tests_properties(test_edges_threads_fork PROPERTIES TIMEOUT 300)
