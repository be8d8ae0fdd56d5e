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
