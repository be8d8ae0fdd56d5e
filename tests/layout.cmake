# Misaligned arrays, every tail length, guard pages and canaries.
ob_test(test_layout)
