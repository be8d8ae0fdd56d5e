# The update rules at the edges of their domains: NaN payloads equal across
# the variants that promise it, derived coefficients out of range refused.
ob_test(test_domain)
