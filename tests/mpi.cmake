# The sharded step over MPI (mpi/, issue 15); only when the top level found
# MPI and built optbench_mpi. Every mpirun is bounded twice: `timeout` in the
# command and the test's TIMEOUT.
#   test_mpi_split     the split and the tree sum, no MPI run
#   mpi_step_np*       every rule's sharded step = one process, bitwise (R = 1, 2, 3, 10)
#   mpi_refuse         different lists, rules, hyperparameters, m, scale: a status on every rank;
#                      a first-version-sized hyperparameter struct read as the full one
#   mpi_refuse_next    the same against a library with one hyperparameter more
#   mpi_fault          a rank failing mid-step ends the job, naming the rank
#   mpi_train          the figure 6-9 network: R = 1, 2, 3 and one process, bitwise
#   mpi_train_usage    its bad options refused
#   mpi_refusals_*     both programs under `mpirun -np 1`: an unknown option, a
#                      missing value, a bad number: exit 2 and "PROGRAM: what"
#   mpi_bench_usage    optbench_mpi_bench without --out, with a list it does not have
if(NOT TARGET optbench_mpi)
  return()
endif()

# Open MPI (Debian's) runs as root in CI only when told to, and on 2 cores
# only oversubscribed; shared memory and no binding keep runs short. Other MPIs
# get their own defaults.
execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version OUTPUT_VARIABLE ob_mpi_version
                ERROR_VARIABLE ob_mpi_version)
set(ob_mpirun ${MPIEXEC_EXECUTABLE} ${MPIEXEC_PREFLAGS})
if(ob_mpi_version MATCHES "Open MPI|OpenRTE")
  list(APPEND ob_mpirun --oversubscribe --bind-to none --mca btl self,vader)
endif()
set(ob_mpi_env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
               OMP_WAIT_POLICY=passive
               LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/mpi/lsan.supp:fast_unwind_on_malloc=0)

ob_test(test_mpi_split optbench_mpi m)
target_include_directories(test_mpi_split PRIVATE ${PROJECT_SOURCE_DIR}/mpi)

foreach(t step refuse fault)
  add_executable(test_mpi_${t} test_mpi_${t}.c)
  target_include_directories(test_mpi_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                             ${PROJECT_SOURCE_DIR}/mpi)
  target_link_libraries(test_mpi_${t} PRIVATE optbench_mpi m)
endforeach()

# test_mpi_refuse again, against the core and optbench_mpi built as the next
# version will be (api.cmake's ob_core_next: one hyperparameter more): a field
# the MPI component names nowhere must still be compared across ranks.
if(TARGET ob_core_next)
  get_target_property(ob_mpi_sources optbench_mpi SOURCES)
  list(TRANSFORM ob_mpi_sources PREPEND ${PROJECT_SOURCE_DIR}/mpi/)
  add_executable(test_mpi_refuse_next test_mpi_refuse.c ${ob_mpi_sources}
                                      $<TARGET_OBJECTS:ob_core_next> ${ob_lib_objects})
  target_compile_definitions(test_mpi_refuse_next PRIVATE OB_HPARAMS_NEXT_VERSION)
  target_include_directories(test_mpi_refuse_next PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                             ${PROJECT_SOURCE_DIR}/mpi ${PROJECT_SOURCE_DIR}/mpi/include
                             ${ob_core_source_dir}/include)
  target_link_libraries(test_mpi_refuse_next PRIVATE MPI::MPI_C OpenMP::OpenMP_C m)
  add_test(NAME mpi_refuse_next COMMAND timeout 120 ${ob_mpirun} ${MPIEXEC_NUMPROC_FLAG} 3
                                        $<TARGET_FILE:test_mpi_refuse_next>)
  list(APPEND ob_mpi_tests mpi_refuse_next)
endif()
foreach(np 1 2 3 10)
  add_test(NAME mpi_step_np${np}
           COMMAND timeout 120 ${ob_mpirun} ${MPIEXEC_NUMPROC_FLAG} ${np}
                   $<TARGET_FILE:test_mpi_step>)
endforeach()
add_test(NAME mpi_refuse COMMAND timeout 120 ${ob_mpirun} ${MPIEXEC_NUMPROC_FLAG} 3
                                 $<TARGET_FILE:test_mpi_refuse>)
# nonzero exit, the library's message naming rank 1, and no rank past the fault
add_test(NAME mpi_fault
         COMMAND sh -c "timeout 120 \"$@\" >\"$0.out\" 2>&1; s=$?; cat \"$0.out\"; \
[ $s -ne 0 ] && [ $s -ne 124 ] && grep -q 'optbench_mpi: rank 1 of 3: step 2: ob_step_list_states refused' \"$0.out\" \
&& ! grep -q 'the job was not ended' \"$0.out\""
                 ${CMAKE_CURRENT_BINARY_DIR}/mpi_fault ${ob_mpirun} ${MPIEXEC_NUMPROC_FLAG} 3
                 $<TARGET_FILE:test_mpi_fault>)
list(APPEND ob_mpi_tests mpi_refuse mpi_fault)
foreach(np 1 2 3 10)
  list(APPEND ob_mpi_tests mpi_step_np${np})
endforeach()
# check_refusals.sh runs PROGRAM WORDS... OPTIONS: here PROGRAM is timeout and
# the words are the mpirun command line, so every refusal passes through mpirun
# (which returns the rank's status) as a user's would.
set(ob_mpi_np1 60 ${ob_mpirun} ${MPIEXEC_NUMPROC_FLAG} 1)
add_test(NAME mpi_refusals_bench
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_refusals.sh timeout optbench_mpi_bench --repeats
                 ${ob_mpi_np1} $<TARGET_FILE:optbench_mpi_bench>)
add_test(NAME mpi_bench_usage
         COMMAND sh -c "for a in '' '--repeats 3' '--out $0.json --lists resnet50,nosuch' \
'--out $0.json --algo nosuch'; do timeout 60 \"$@\" $a >/dev/null 2>\"$0.err\"; s=$?; \
if [ $s -ne 2 ] || ! grep -q '^optbench_mpi_bench: ' \"$0.err\"; then \
echo \"$a: exit $s, want 2 and a message\"; cat \"$0.err\"; exit 1; fi; done; \
[ ! -e \"$0.json\" ] && echo ok"
                 ${CMAKE_CURRENT_BINARY_DIR}/mpi_bench_usage ${ob_mpirun} ${MPIEXEC_NUMPROC_FLAG} 1
                 $<TARGET_FILE:optbench_mpi_bench>)
list(APPEND ob_mpi_tests mpi_refusals_bench mpi_bench_usage)
if(TARGET optbench_mpi_train)
  add_test(NAME mpi_train
           COMMAND ${PROJECT_SOURCE_DIR}/mpi/check_train.sh ${CMAKE_CURRENT_BINARY_DIR}/mpi_train
                   $<TARGET_FILE:optbench_mpi_train> ${ob_mpirun}
                   ${MPIEXEC_NUMPROC_FLAG})
  set_tests_properties(mpi_train PROPERTIES SKIP_RETURN_CODE 77)
  # bad options are refused (exit 2) before MPI starts
  add_test(NAME mpi_train_usage
           COMMAND sh -c "for a in '--iters 0' '--micro 99999999999999999999' '--micro-size 8x' \
'--algo nosuch' '--bogus' '--out'; do \"$0\" $a >/dev/null 2>&1; s=$?; \
if [ $s -ne 2 ]; then echo \"$a: exit $s, want 2\"; exit 1; fi; done; echo ok"
                   $<TARGET_FILE:optbench_mpi_train>)
  add_test(NAME mpi_refusals_train
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_refusals.sh timeout optbench_mpi_train --iters
                   ${ob_mpi_np1} $<TARGET_FILE:optbench_mpi_train>)
  list(APPEND ob_mpi_tests mpi_train mpi_train_usage mpi_refusals_train)
endif()
set_tests_properties(${ob_mpi_tests} PROPERTIES ENVIRONMENT "${ob_mpi_env}" TIMEOUT 600
                     LABELS mpi PROCESSORS 2)
set_tests_properties(test_mpi_split PROPERTIES LABELS mpi)
