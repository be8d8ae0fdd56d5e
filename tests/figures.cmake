# The book's figures 6-10 to 6-24 (experiments/figures); included from tests/CMakeLists.txt when
# the obfig library exists (zlib and OpenBLAS found).
#   test_fig_net           the chapter-6 net: gradients, weight decay on W only, init,
#                          dropout modes, a synthetic training run (no data set needed)
#   fig_quick_<experiment> scripts/figures.sh at a tiny size (QUICK=1) for one experiment:
#                          its data files, JSON and charts appear and are sane (needs
#                          gnuplot and python3; skips, exit 77, without dataset-fashion-mnist)
#   fig_cli_usage          the program's usage errors
if(NOT TARGET obfig)
  return()
endif()
ob_test(test_fig_net obfig)
add_executable(test_fig_quick test_fig_quick.c)
target_include_directories(test_fig_quick PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_fig_quick PRIVATE optbench_static)
target_compile_definitions(test_fig_quick PRIVATE OB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                                  OB_BINARY_DIR="${PROJECT_BINARY_DIR}")
set(ob_fig_tests test_fig_net fig_cli_usage)
foreach(e activations init batchnorm weight_decay dropout hyper)
  add_test(NAME fig_quick_${e} COMMAND test_fig_quick ${e} ${CMAKE_CURRENT_BINARY_DIR}/fig_quick_${e})
  list(APPEND ob_fig_tests fig_quick_${e})
endforeach()
add_test(NAME fig_cli_usage
         COMMAND sh -c "for a in '' 'frobnicate' 'init --bogus' 'init --seed' 'init --seed x' \
'init --seed 99999999999999999999999' 'init --seed 0x10000000000000000' 'init --seed -1' \
'hyper --variant nosuch'; do \"$0\" $a >/dev/null 2>&1; s=$?; \
if [ $s -ne 2 ]; then echo \"$a: exit $s, want 2\"; exit 1; fi; done; echo ok"
                 $<TARGET_FILE:optbench_figures>)
set_tests_properties(${ob_fig_tests} PROPERTIES LABELS figures)
set_tests_properties(fig_quick_activations fig_quick_init fig_quick_batchnorm
                     fig_quick_weight_decay fig_quick_dropout fig_quick_hyper
                     PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
