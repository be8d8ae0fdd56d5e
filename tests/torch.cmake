# The torch.optim rules (issue 13): their formulas against torch's documented
# algorithm on cases followed by hand, in every variant; and the API of rules
# with optional states (ob_step_states, ob_state_used, NULL for an unused
# state, the third state's overlaps, the FLAG domain, the optimizer's initial
# values, ob_algo_find).
ob_test(test_torch_rules obgolden)
ob_test(test_torch_api)
