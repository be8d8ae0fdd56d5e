# The API contract: bad input, the optimizer object, and the shared library.
ob_test(test_api)
ob_test(test_optimizer)
# The per-thread coefficient cache follows the caller's rounding mode.
ob_test(test_prepare_env)

# Linked against liboptbench.so (not the static library that ob_test uses):
# the exported symbols, the visibility and the run-time loading are the point.
add_executable(test_shared_link test_shared_link.c)
target_include_directories(test_shared_link PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_shared_link PRIVATE optbench_shared ${CMAKE_DL_LIBS})
add_test(NAME test_shared_link COMMAND test_shared_link)
ob_test(test_weight_decay)
# Float arrays not aligned to alignof(float): refused by every entry point.
ob_test(test_align)

# An old caller against a new library: test_abi_hparams.c also runs against
# the core built as the next version will be, one hyperparameter more
# (optbench_hparams.def, OB_HPARAMS_NEXT_VERSION), with this version's kernels.
ob_test(test_abi_hparams)
get_target_property(ob_core_sources ob_core SOURCES)
get_target_property(ob_core_source_dir ob_core SOURCE_DIR)
list(TRANSFORM ob_core_sources PREPEND ${ob_core_source_dir}/)
get_target_property(ob_core_includes ob_core INCLUDE_DIRECTORIES)
add_library(ob_core_next OBJECT ${ob_core_sources})
target_include_directories(ob_core_next PRIVATE ${ob_core_includes})
target_compile_definitions(ob_core_next PRIVATE OB_HPARAMS_NEXT_VERSION)
target_link_libraries(ob_core_next PRIVATE OpenMP::OpenMP_C)
get_target_property(ob_lib_objects optbench_static SOURCES)
list(FILTER ob_lib_objects EXCLUDE REGEX "TARGET_OBJECTS:ob_core>")
add_executable(test_abi_hparams_next test_abi_hparams.c $<TARGET_OBJECTS:ob_core_next>
                                     ${ob_lib_objects})
target_include_directories(test_abi_hparams_next PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                                                         ${ob_core_source_dir}/include)
target_link_libraries(test_abi_hparams_next PRIVATE OpenMP::OpenMP_C m)
add_test(NAME test_abi_hparams_next COMMAND test_abi_hparams_next)
