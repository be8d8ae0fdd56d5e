# The report's noise verdict (plots/noise.py) on synthetic runs: spreads,
# load/steal/clock summary, each reason for "noisy", the command line.
#   report_noise   tests/test_noise.py (needs python3, standard library only)
#   report_mpi_section  tests/test_mpi_section.py: the MPI section of the report
#                  (plots/mpi_section.py) on a synthetic mpi/ folder
find_program(OB_PYTHON3 NAMES python3)
if(NOT OB_PYTHON3)
  message(STATUS "python3 not found: report_noise not built")
  return()
endif()
add_test(NAME report_noise COMMAND ${OB_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_noise.py
                                   ${PROJECT_SOURCE_DIR})
add_test(NAME report_mpi_section COMMAND ${OB_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_mpi_section.py
                                         ${PROJECT_SOURCE_DIR})
set_tests_properties(report_noise report_mpi_section PROPERTIES LABELS report)
