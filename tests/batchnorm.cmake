# Batch normalisation: every variant against a long double reference of the
# book's formulas, a numerical gradient, threads, positions and bad input.
ob_test(test_batchnorm)
