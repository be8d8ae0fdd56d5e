# The convergence experiments (experiments/convergence); included from
# tests/CMakeLists.txt when the obconv library exists (zlib and OpenBLAS found).
#   test_conv_grad    backward pass of every layer against central differences
#   test_conv_train   a short training run lowers the loss (synthetic data)
#   test_conv_idx     the IDX reader's error cases, on crafted files
#   test_conv_traj    every variant follows the golden figure-6-8 trajectories
#   test_conv_mnist   real data: the files read, scalar vs best agree on a
#                     short run (skips, exit 77, without dataset-fashion-mnist)
#   conv_cli_*        the program: usage errors, a missing data set
if(NOT TARGET obconv)
  return()
endif()
foreach(t grad train idx traj mnist)
  ob_test(test_conv_${t} obconv)
endforeach()
target_compile_definitions(test_conv_traj PRIVATE OB_GOLDEN_DIR="${PROJECT_SOURCE_DIR}/golden")
set_tests_properties(test_conv_mnist PROPERTIES SKIP_RETURN_CODE 77
                     ENVIRONMENT "OMP_WAIT_POLICY=passive" TIMEOUT 600)
add_test(NAME conv_cli_nodata
         COMMAND sh -c "\"$0\" mnist --data /nonexistent/fashion-mnist --out \"$1\" 2>\"$1.err\"; \
s=$?; cat \"$1.err\"; [ $s -eq 2 ] && grep -q dataset-fashion-mnist \"$1.err\""
                 $<TARGET_FILE:optbench_convergence> ${CMAKE_CURRENT_BINARY_DIR}/conv_nodata)
add_test(NAME conv_cli_usage
         COMMAND sh -c "for a in '' 'frobnicate' 'mnist --iters 0' 'mnist --iters 99999999999999999999999' \
'mnist --iters +5' 'mnist --batch -1' 'mnist --batch 8x' 'mnist --bogus' \
'mnist --variant nosuch' 'trajectory --bogus'; do \"$0\" $a >/dev/null 2>&1; s=$?; \
if [ $s -ne 2 ]; then echo \"$a: exit $s, want 2\"; exit 1; fi; done; echo ok"
                 $<TARGET_FILE:optbench_convergence>)
set_tests_properties(test_conv_grad test_conv_train test_conv_idx test_conv_traj test_conv_mnist
                     conv_cli_nodata conv_cli_usage PROPERTIES LABELS convergence)
