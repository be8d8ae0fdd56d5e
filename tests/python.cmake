# optbench_golden, the golden vectors without C (golden/python), and the
# Python examples (examples/python). Debian's /usr/bin/python3 first: its
# python3-numpy and python3-torch are what the examples need.
#   python_module    the reader (messages = the C reader's), the metric by hand,
#                    the checker (= optbench verify on ob_step through ctypes)
#   python_cli       python3 -m optbench_golden: check passes my_adagrad.py (and
#                    writes its JSON, but not over /dev/null), fails a wrong
#                    impl, read refuses a broken file, bad usage (grep -c, not
#                    -q: grep -q closes the pipe at its match, and the module,
#                    still printing, would die before writing its JSON)
#   python_numpy     the book's NumPy rules against the vectors (skip: no NumPy)
#   python_torch     torch.optim against the vectors and the forms' numbers
#                    (skip: no torch; .ci/run sets OB_REQUIRE_TORCH=1: fail)
#   python_torch_conventions  torch.optim against the exact vectors of every
#                    torch-convention rule: float64 must agree (same skip)
#   python_torch_adam         the example: torch.optim.Adam through the
#                    checker, amsgrad included, = the cross-check's row
find_program(OB_PY3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT OB_PY3)
  find_program(OB_PY3 NAMES python3)
endif()
if(NOT OB_PY3)
  return()
endif()

# a sanitizer build's library cannot be loaded into python3 (its runtime
# must come first): the ctypes comparison is skipped there
if(OB_SANITIZE)
  set(ob_py_lib -)
else()
  set(ob_py_lib $<TARGET_FILE:optbench_shared>)
endif()
add_test(NAME python_module
         COMMAND ${OB_PY3} ${CMAKE_CURRENT_SOURCE_DIR}/test_python_module.py
                 $<TARGET_FILE:optbench_cli> ${ob_py_lib})

set(ob_py_env PYTHONPATH=${PROJECT_SOURCE_DIR}/golden/python:${PROJECT_SOURCE_DIR}/examples/python
              OPTBENCH=$<TARGET_FILE:optbench_cli> PYTHONDONTWRITEBYTECODE=1)
add_test(NAME python_cli
         COMMAND sh -c "\"$0\" -c 'import numpy' 2>/dev/null || { echo 'SKIP: no NumPy'; exit 77; }
og() { \"$0\" -m optbench_golden \"$@\"; }
og check --rule adagrad --impl my_adagrad:adagrad --json \"$1.json\" |
  grep -c 'adagrad .* 79/79 .* PASS$' >/dev/null && grep -q '\"pass\": true' \"$1.json\" || exit 1
og check --rule adagrad --impl my_adagrad:adagrad --json /dev/null 2>&1 >/dev/null |
  grep -c '/dev/null: not a regular file' >/dev/null || exit 1
og check --rule sgd --impl my_adagrad:adagrad >/dev/null; test $? -eq 1 || exit 1
printf 'optbench-golden 4\\nfamily sgd\\ncases 01\\n' >\"$1\"
og read \"$1\" 2>&1 | grep -cF \"$1:3: cases '01' has a leading zero\" >/dev/null || exit 1
og check --rule adagrad 2>/dev/null; test $? -eq 2 || exit 1
og check --rule adagrad --impl x:y --bound -1 2>/dev/null; test $? -eq 2"
                 ${OB_PY3} ${CMAKE_CURRENT_BINARY_DIR}/python_cli_broken.txt)
add_test(NAME python_numpy COMMAND ${OB_PY3} ${CMAKE_CURRENT_SOURCE_DIR}/test_python_examples.py
                                   numpy $<TARGET_FILE:optbench_cli>)
add_test(NAME python_torch COMMAND ${OB_PY3} ${CMAKE_CURRENT_SOURCE_DIR}/test_python_examples.py
                                   torch $<TARGET_FILE:optbench_cli>)
foreach(check torch_conventions torch_adam)
  add_test(NAME python_${check} COMMAND ${OB_PY3} ${CMAKE_CURRENT_SOURCE_DIR}/test_python_examples.py
                                        ${check} $<TARGET_FILE:optbench_cli>)
endforeach()
set_tests_properties(python_module python_cli python_numpy python_torch python_torch_conventions
                     python_torch_adam PROPERTIES
                     LABELS python SKIP_RETURN_CODE 77 TIMEOUT 600 ENVIRONMENT "${ob_py_env}")
