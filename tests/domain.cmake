# The update rules at the edges of their domains: NaN payloads equal across
# the variants that promise it, derived coefficients out of range refused,
# the documented behaviour on the golden files' cases outside the domain.
ob_test(test_domain obgolden)
target_compile_definitions(test_domain PRIVATE OB_GOLDEN_DIR="${PROJECT_SOURCE_DIR}/golden")
