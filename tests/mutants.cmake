# The mutation suite (mutants/): proof that the golden vectors catch real
# bugs; included from tests/CMakeLists.txt.
#   mutants_reference  the scalar reference built as an outside kernel
#                      (mutants/scalar_plugin.c, the scalar variant's own
#                      compile options) passes every rule's suite
#   mutants            every mutant of mutants/mutants.txt, built the same
#                      way from a mutated copy, is caught by `optbench verify
#                      --kernel` (label mutants; `make mutants` prints the table)
get_target_property(OB_SCALAR_OPTIONS ob_isa_scalar COMPILE_OPTIONS)
get_target_property(OB_SCALAR_INCLUDES ob_isa_scalar INCLUDE_DIRECTORIES)

add_library(scalar_plugin MODULE ${PROJECT_SOURCE_DIR}/mutants/scalar_plugin.c)
target_include_directories(scalar_plugin PRIVATE ${PROJECT_SOURCE_DIR}/impl/scalar
                           ${OB_SCALAR_INCLUDES})
target_compile_definitions(scalar_plugin PRIVATE OB_ISA=scalar)
target_compile_options(scalar_plugin PRIVATE ${OB_SCALAR_OPTIONS})
target_link_libraries(scalar_plugin PRIVATE optbench_shared m)
set_target_properties(scalar_plugin PROPERTIES LIBRARY_OUTPUT_DIRECTORY
                      ${PROJECT_BINARY_DIR}/mutants)

# every rule of the list (mutants/rules.sh reads it from `optbench info --json`)
add_test(NAME mutants_reference
         COMMAND sh -c "rules=$(sh \"$1\" \"$2\") && [ -n \"$rules\" ] || exit 1; for r in $rules; do \"$2\" verify --golden-dir \"$3\" --quiet --kernel \"$4\" --rule $r || exit 1; done"
                 sh ${PROJECT_SOURCE_DIR}/mutants/rules.sh $<TARGET_FILE:optbench_cli>
                 ${PROJECT_SOURCE_DIR}/golden $<TARGET_FILE:scalar_plugin>)

# What mutants/run.sh needs to build a mutant as scalar_plugin is built:
# the compiler, the scalar variant's options and include folders, the library.
list(JOIN OB_SCALAR_OPTIONS " " OB_SCALAR_OPTIONS_SH)
string(TOUPPER "${CMAKE_BUILD_TYPE}" OB_BUILD_TYPE)
set(OB_SCALAR_INCLUDES_SH "")
foreach(dir ${OB_SCALAR_INCLUDES})
  string(APPEND OB_SCALAR_INCLUDES_SH " -I${dir}")
endforeach()
set(OB_MUTANTS_ARGS
    --optbench $<TARGET_FILE:optbench_cli> --golden-dir ${PROJECT_SOURCE_DIR}/golden
    --cc ${CMAKE_C_COMPILER}
    --cflags "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${OB_BUILD_TYPE}} ${CMAKE_C${CMAKE_C_STANDARD}_STANDARD_COMPILE_OPTION} ${OB_SCALAR_OPTIONS_SH}${OB_SCALAR_INCLUDES_SH}"
    --lib $<TARGET_FILE:optbench_shared> --work ${PROJECT_BINARY_DIR}/mutants/work)
add_test(NAME mutants COMMAND sh ${PROJECT_SOURCE_DIR}/mutants/run.sh ${OB_MUTANTS_ARGS})
set_tests_properties(mutants PROPERTIES LABELS mutants TIMEOUT 600)
# `make mutants`: the table, also as markdown for the notes
add_custom_target(mutants
  COMMAND sh ${PROJECT_SOURCE_DIR}/mutants/run.sh ${OB_MUTANTS_ARGS}
          --markdown ${PROJECT_BINARY_DIR}/mutants/table.md
  DEPENDS optbench_cli optbench_shared scalar_plugin
  USES_TERMINAL)
