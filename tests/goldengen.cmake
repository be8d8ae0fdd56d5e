# The golden generator's output against the list's second statement of each
# rule (golden/gen/check_numpy_column.py: the numpy column in double on every
# step inside its domain, trajectories from the file's rounded outputs, to
# 1e-6 of the scale); standard library only.
#   golden_numpy_column   every rule of the list, book and torch conventions
find_program(OB_GG_PY3 NAMES python3)
if(NOT OB_GG_PY3)
  return()
endif()
add_test(NAME golden_numpy_column
         COMMAND ${OB_GG_PY3} ${PROJECT_SOURCE_DIR}/golden/gen/check_numpy_column.py
                 ${PROJECT_SOURCE_DIR}/golden $<TARGET_FILE:optbench_cli>)
set_tests_properties(golden_numpy_column PROPERTIES LABELS golden TIMEOUT 300
                     ENVIRONMENT PYTHONDONTWRITEBYTECODE=1)
