# The API contract: bad input, the optimizer object, and the shared library.
ob_test(test_api)
ob_test(test_optimizer)

# Linked against liboptbench.so (not the static library that ob_test uses):
# the exported symbols, the visibility and the run-time loading are the point.
add_executable(test_shared_link test_shared_link.c)
target_include_directories(test_shared_link PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_shared_link PRIVATE optbench_shared ${CMAKE_DL_LIBS})
add_test(NAME test_shared_link COMMAND test_shared_link)
ob_test(test_weight_decay)
# Float arrays not aligned to alignof(float): refused by every entry point.
ob_test(test_align)
