# The golden vector tests; included from tests/CMakeLists.txt (which defines
# ob_test(NAME [LIBS...])).
#   test_golden_reader  the reader rejects broken files (file, line, reason),
#                       loads a good one; the metric and the checker behave
#                       as golden/FORMAT.md says (update rules, versions 1 to 3)
#   test_golden_ops_reader  the same for the layer kernels' files and checker
#   test_golden         every supported variant x every golden file x every
#                       case (every algorithm and every op of the lists), fresh
#                       and on its own state, at offsets 0..15 floats
#   test_golden_omp     the same with the +omp variants parallel at every size
#                       (threshold 1) on 3 threads, so small cases cross chunks
#   golden_cli_verify   `optbench verify` itself (every supported variant)
#   golden_cli_info     `optbench info` runs
#   golden_cli_usage    bad arguments exit with status 2
set(OB_GOLDEN_SRC_DIR ${PROJECT_SOURCE_DIR}/golden)

ob_test(test_golden_reader obgolden)
ob_test(test_golden_ops_reader obgolden)

ob_test(test_golden obgolden)
target_compile_definitions(test_golden PRIVATE OB_GOLDEN_DIR="${OB_GOLDEN_SRC_DIR}")
add_test(NAME test_golden_omp COMMAND test_golden --omp-threshold 1 ${OB_GOLDEN_SRC_DIR})
set_tests_properties(test_golden_omp PROPERTIES
                     ENVIRONMENT "OMP_NUM_THREADS=3;OMP_WAIT_POLICY=passive")

add_test(NAME golden_cli_verify
         COMMAND optbench_cli verify --golden-dir ${OB_GOLDEN_SRC_DIR}
                 --json ${CMAKE_CURRENT_BINARY_DIR}/golden_verify.json)
add_test(NAME golden_cli_info COMMAND optbench_cli info)
add_test(NAME golden_cli_usage
         COMMAND sh -c "for a in 'verify --bogus' 'verify --variant nosuch' 'verify --algo nosuch' \
'verify --op nosuch' 'verify --offset 16' 'verify --json' 'info extra' 'frobnicate' ''; do \
\"$0\" $a >/dev/null 2>&1; s=$?; \
if [ $s -ne 2 ]; then echo \"optbench $a: exit $s, want 2\"; exit 1; fi; done; echo ok"
                 $<TARGET_FILE:optbench_cli>)
set_tests_properties(test_golden_reader test_golden_ops_reader test_golden test_golden_omp golden_cli_verify golden_cli_info
                     golden_cli_usage PROPERTIES LABELS golden)
