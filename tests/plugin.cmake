# Outside kernels (`optbench verify --kernel`, optbench.h "Outside kernels");
# included from tests/CMakeLists.txt.
#   plugin_example_<rule>   examples/plugin/sgd_adam.c, built as a shared
#                           object, passes SGD's and Adam's whole suites
#   plugin_example_offsets  ... at every offset 0..15
#   plugin_example_json     ... and writes the JSON row with its name
#   plugin_wrong_rule       the example run as AdaGrad: its refusal fails
#                           every case with the usual report, status 1
#   plugin_bad_write        a kernel writing p[n]: SIGSEGV in p's guard page,
#                           every case but the refused one (1/73)
#   plugin_bad_under        a kernel writing p[-40], before p's start but
#                           (for short arrays) in its writable page: found
#                           by the guard words filling that page, or a
#                           SIGSEGV in the page before; every case but the
#                           refused one (1/73)
#   plugin_bad_segv         a NULL dereference on the two cases of 1000
#                           elements (of 73): those two fail, the first
#                           named, the other 71 run and pass
#   plugin_bad_segv_sigchld the same with SIGCHLD ignored by whoever started
#                           the verifier: still the SIGSEGV, not an exit
#   plugin_bad_hang         a case that never returns: killed after --timeout
#   plugin_bench_crash      optbench_bench --kernel with the NULL
#                           dereference at n 1000: it dies of SIGSEGV, the
#                           last line on stderr naming the kernel, rule, n
#                           (skipped when bench/ is not built)
#   plugin_no_symbol, plugin_no_file, plugin_convention: status 2, a message
#   plugin_usage_*          --kernel without --rule, --rule without
#                           --kernel, a bad --bound, --variant with --kernel
#   test_plugin_guard       golden_guard: regions end at a PROT_NONE page, a
#                           write past them faults, the table names the array
#   plugin_torch_adam       examples/plugin/torch_adam.c (the states form, found
#                           with no SYMBOL) passes torch_adam's whole suite,
#                           amsgrad's third state included: --rule adam
#                           --convention torch, at every offset 0..15
#   plugin_torch_adamw      ... and torch_adamw's, its symbol named with
#                           --kernel-form states
#   plugin_pair_third_state the scalar reference (mutants/scalar_plugin.c) as
#                           the pair form: every amsgrad step of torch_adam fails
#                           unrun with the message, the others pass
#   plugin_bad_state3       a write past the third state: SIGSEGV in
#                           max_exp_avg_sq's guard page
#   plugin_no_states, plugin_convention_rule: status 2, a message (no states
#                           form; no torch rule of that name)
set(OB_PLUGIN_GOLDEN ${PROJECT_SOURCE_DIR}/golden)
set(OB_PLUGIN_EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/plugin_expect.sh)

# ob_plugin(TARGET SOURCE [DEFINITIONS...]): a shared object the CLI loads.
function(ob_plugin target source)
  add_library(${target} MODULE ${source})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/impl/include)
  # a sanitizer in a kernel would turn its crash into its own exit: the
  # kernels are the code under test here, not the tool (OB_SANITIZE)
  target_compile_options(${target} PRIVATE -ffp-contract=off
                         $<$<BOOL:${OB_SANITIZE}>:-fno-sanitize=all>)
  target_compile_definitions(${target} PRIVATE ${ARGN})
  target_link_libraries(${target} PRIVATE m)
  set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY
                        ${PROJECT_BINARY_DIR}/examples/plugin)
endfunction()

ob_plugin(sgd_adam ${PROJECT_SOURCE_DIR}/examples/plugin/sgd_adam.c)
ob_plugin(plugin_bad_write test_plugin_bad.c OB_BAD_WRITE)
ob_plugin(plugin_bad_under test_plugin_bad.c OB_BAD_UNDER)
ob_plugin(plugin_bad_segv test_plugin_bad.c OB_BAD_SEGV)
ob_plugin(plugin_bad_hang test_plugin_bad.c OB_BAD_HANG)
ob_plugin(torch_adam ${PROJECT_SOURCE_DIR}/examples/plugin/torch_adam.c)
ob_plugin(plugin_bad_state3 test_plugin_bad.c OB_BAD_STATE3)
target_include_directories(plugin_bad_state3 PRIVATE ${PROJECT_SOURCE_DIR}/examples/plugin)

set(OB_VERIFY_KERNEL $<TARGET_FILE:optbench_cli> verify --golden-dir ${OB_PLUGIN_GOLDEN} --kernel)

foreach(rule sgd adam)
  add_test(NAME plugin_example_${rule}
           COMMAND sh ${OB_PLUGIN_EXPECT} 0
                   "^${rule} +kernel:libsgd_adam.so:optbench_step +[0-9]+/[0-9]+ .* PASS$"
                   ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --rule ${rule} --convention book)
endforeach()
set(OB_ALL_OFFSETS "")
foreach(k RANGE 15)
  list(APPEND OB_ALL_OFFSETS --offset ${k})
endforeach()
add_test(NAME plugin_example_offsets
         COMMAND sh ${OB_PLUGIN_EXPECT} 0 "^offsets: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 floats"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --rule adam ${OB_ALL_OFFSETS})
add_test(NAME plugin_example_json
         COMMAND sh -c "\"$0\" \"$@\" && grep -q '\"variant\": \"kernel:libsgd_adam.so:optbench_step\", \"cases\": [1-9]' plugin_example.json"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --rule sgd --quiet --json plugin_example.json)
add_test(NAME plugin_wrong_rule
         COMMAND sh ${OB_PLUGIN_EXPECT} 1
                 "adagrad.txt:[0-9]+: case 'len_0' \\(op adagrad, variant kernel:libsgd_adam.so:optbench_step, offset 0\\): the call returned 1
^adagrad .* 0/[0-9]+ .* FAIL$"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --rule adagrad --quiet)
add_test(NAME plugin_bad_write
         COMMAND sh ${OB_PLUGIN_EXPECT} 1
                 "case 'len_0' \\(op sgd, variant kernel:libplugin_bad_write.so:optbench_step, offset 0\\): kernel .*libplugin_bad_write.so \\(symbol optbench_step\\) crashed: SIGSEGV \\(Segmentation fault\\), a write 0 bytes past the end of array 'p' \\(0 floats\\), into the guard page after it
^sgd .* 1/73 .* FAIL$"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:plugin_bad_write> --rule sgd)
add_test(NAME plugin_bad_under
         COMMAND sh ${OB_PLUGIN_EXPECT} 1
                 "case 'len_0' \\(op sgd, variant kernel:libplugin_bad_under.so:optbench_step, offset 0\\): wrote 160 bytes before the start of in-place array 'p' \\(0 bytes long\\)
^sgd .* 1/73 .* FAIL$"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:plugin_bad_under> --rule sgd)
add_test(NAME plugin_bad_segv
         COMMAND sh ${OB_PLUGIN_EXPECT} 1
                 "case 'len_1000' \\(op sgd, variant kernel:libplugin_bad_segv.so:optbench_step, offset 0\\): kernel .* crashed: SIGSEGV \\(Segmentation fault\\), a write at address 0 \\(no array of the case is there\\)
^sgd .* 71/73 .* FAIL$
FAIL: 1 op x variant rows"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:plugin_bad_segv> --rule sgd)
add_executable(plugin_sigchld_ign plugin_sigchld_ign.c)
add_test(NAME plugin_bad_segv_sigchld
         COMMAND sh ${OB_PLUGIN_EXPECT} 1
                 "case 'len_1000' \\(op sgd, variant kernel:libplugin_bad_segv.so:optbench_step, offset 0\\): kernel .* crashed: SIGSEGV \\(Segmentation fault\\), a write at address 0
^sgd .* 71/73 .* FAIL$"
                 $<TARGET_FILE:plugin_sigchld_ign> ${OB_VERIFY_KERNEL} $<TARGET_FILE:plugin_bad_segv>
                 --rule sgd)
add_test(NAME plugin_bad_hang
         COMMAND sh ${OB_PLUGIN_EXPECT} 1
                 "case 'len_4099' \\(op sgd, variant kernel:libplugin_bad_hang.so:optbench_step, offset 0\\): kernel .*libplugin_bad_hang.so \\(symbol optbench_step\\) did not return within 1 s; killed with SIGKILL"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:plugin_bad_hang> --rule sgd --timeout 1)
# bench/ is added after tests/: the generator expression, not if(TARGET)
add_test(NAME plugin_bench_crash
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/plugin_bench_crash.sh
                 $<$<TARGET_EXISTS:optbench_bench>:$<TARGET_FILE:optbench_bench>>
                 --kernel $<TARGET_FILE:plugin_bad_segv> --algo sgd --variant scalar
                 --sizes 1000 --threads 1 --benchmark_min_time=0.01)
set_tests_properties(plugin_bench_crash PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME plugin_no_symbol
         COMMAND sh ${OB_PLUGIN_EXPECT} 2 "kernel .*libsgd_adam.so has no symbol 'adam_step'"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam>:adam_step --rule adam)
add_test(NAME plugin_no_file
         COMMAND sh ${OB_PLUGIN_EXPECT} 2
                 "cannot load kernel ${CMAKE_CURRENT_BINARY_DIR}/no_such_kernel.so: No such file or directory"
                 ${OB_VERIFY_KERNEL} ${CMAKE_CURRENT_BINARY_DIR}/no_such_kernel.so --rule sgd)
add_test(NAME plugin_convention
         COMMAND sh ${OB_PLUGIN_EXPECT} 2 "--convention: 'pytorch' is not a convention"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --rule sgd --convention pytorch)
add_test(NAME plugin_usage_no_rule
         COMMAND sh ${OB_PLUGIN_EXPECT} 2 "--kernel and --rule go together"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam>)
add_test(NAME plugin_usage_no_kernel
         COMMAND sh ${OB_PLUGIN_EXPECT} 2 "--kernel and --rule go together"
                 $<TARGET_FILE:optbench_cli> verify --rule sgd)
add_test(NAME plugin_usage_bound
         COMMAND sh ${OB_PLUGIN_EXPECT} 2 "--bound takes a finite number of scale-ULPs >= 0, not '-1'"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --rule sgd --bound -1)
add_test(NAME plugin_usage_variant
         COMMAND sh ${OB_PLUGIN_EXPECT} 2 "--variant, --algo, --op and --omp-threshold do not apply"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --rule sgd --variant scalar)
# --bound below what float32 arithmetic can meet fails the example: the
# bound is the one applied
add_test(NAME plugin_bound_applied
         COMMAND sh ${OB_PLUGIN_EXPECT} 1 "err [0-9.]+ scale-ULPs > allowed 0.100
^sgd .* 0.10 .* FAIL$"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --rule sgd --bound 0.1 --quiet)
ob_test(test_plugin_guard obgolden)

# The PyTorch convention: a kernel of the states form, and the pair form's limit
add_test(NAME plugin_torch_adam
         COMMAND sh ${OB_PLUGIN_EXPECT} 0
                 "^torch_adam +kernel:libtorch_adam.so:optbench_step_states +[0-9]+/[0-9]+ .* PASS$
^-- PyTorch conventions
^offsets: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 floats"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:torch_adam> --rule adam --convention torch
                 ${OB_ALL_OFFSETS})
add_test(NAME plugin_torch_adamw
         COMMAND sh ${OB_PLUGIN_EXPECT} 0
                 "^torch_adamw +kernel:libtorch_adam.so:optbench_step_states +[0-9]+/[0-9]+ .* PASS$"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:torch_adam>:optbench_step_states
                 --kernel-form states --rule adamw --convention torch)
add_test(NAME plugin_pair_third_state
         COMMAND sh ${OB_PLUGIN_EXPECT} 1
                 "not run: the kernel has the pair form \\(optbench_step's signature\\), and this step uses state 2 'max_exp_avg_sq' \\(amsgrad = 1\\)
^torch_adam +kernel:libscalar_plugin.so:optbench_step +[0-9]+/[0-9]+ .* FAIL$"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:scalar_plugin> --kernel-form pair --rule adam
                 --convention torch --quiet)
add_test(NAME plugin_bad_state3
         COMMAND sh ${OB_PLUGIN_EXPECT} 1
                 "crashed: SIGSEGV \\(Segmentation fault\\), a write 0 bytes past the end of array 'max_exp_avg_sq'"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:plugin_bad_state3> --rule torch_adam --quiet)
add_test(NAME plugin_no_states
         COMMAND sh ${OB_PLUGIN_EXPECT} 2
                 "kernel .*libsgd_adam.so has no symbol 'optbench_step_states' \\(the states form\\)"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --kernel-form states --rule adam)
add_test(NAME plugin_convention_rule
         COMMAND sh ${OB_PLUGIN_EXPECT} 2 "--rule momentum: no rule of convention torch"
                 ${OB_VERIFY_KERNEL} $<TARGET_FILE:sgd_adam> --rule momentum --convention torch)
