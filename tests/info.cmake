# `optbench info --json`, the document the scripts read (tools/info_json.c):
#   info_json   it parses strictly and agrees with the library's API as
#               test_info_json prints it; the string writer escapes hostile
#               strings (tests/info_json_check.py)
#   peers_quick every rule gets its NumPy and torch peers (tests/peers_quick.sh)
#   info_json_usage  anything after --json, or another option, is bad usage
#   info_json_full   a failed write (/dev/full) exits 1
find_program(OB_PYTHON3 NAMES python3)
add_executable(test_info_json test_info_json.c)
target_link_libraries(test_info_json PRIVATE obinfo)
if(OB_PYTHON3)
  add_test(NAME info_json
           COMMAND ${OB_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/info_json_check.py
                   $<TARGET_FILE:optbench_cli> $<TARGET_FILE:test_info_json>)
  set_tests_properties(info_json PROPERTIES LABELS info)
endif()

# bench/peers/peers.py picks every rule up from the list (tests/peers_quick.sh)
add_test(NAME peers_quick COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/peers_quick.sh
                                  $<TARGET_FILE:optbench_cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(peers_quick PROPERTIES LABELS info SKIP_RETURN_CODE 77 TIMEOUT 120)

# `info` takes --json and nothing else: anything more is bad usage (exit 2)
add_test(NAME info_json_usage
         COMMAND sh -c "\"$0\" info --json extra 2>/dev/null; test $? -eq 2 && \"$0\" info --yaml 2>/dev/null; test $? -eq 2"
                 $<TARGET_FILE:optbench_cli>)
set_tests_properties(info_json_usage PROPERTIES LABELS info)

# a failed write is an error, not a truncated document with status 0
if(EXISTS /dev/full)
  add_test(NAME info_json_full
           COMMAND sh -c "\"$0\" info --json >/dev/full 2>/dev/null; test $? -eq 1"
                   $<TARGET_FILE:optbench_cli>)
  set_tests_properties(info_json_full PROPERTIES LABELS info)
endif()
