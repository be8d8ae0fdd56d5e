#!/usr/bin/python3
"""torch.optim.Adam checked against the PyTorch-convention vectors
(golden/torch_adam.txt, amsgrad included) with optbench_golden: the example
of checking someone else's optimizer from Python (README "Python").

    PYTHONPATH=golden/python python3 examples/python/torch_adam.py

The callable below is one step of torch.optim.Adam on the case's float32
arrays, the way optbench_golden calls it: p, g and the states by their
names in the list (torch's own optimizer.state keys: exp_avg, exp_avg_sq,
and max_exp_avg_sq only in the amsgrad cases), the hyperparameters hp and
the step number t. torch updates the NumPy arrays in place
(torch.from_numpy shares their memory). The checker runs it on every case,
fresh and on its own state, with the metric, the rule's bound (+ 1 per
weight-decay term) and the failure report of `optbench verify`.

torch.optim.Adam has no decoupled decay (that is AdamW): the cases with
decoupled_decay are not run, only counted; nor do `outside refused` cases
apply (torch checks no derived coefficient): counted too.

Usage: torch_adam.py [--bound exact|fma|X] [--golden-dir DIR] [--json FILE]
Exit status: 0 torch.optim.Adam passes, 1 it fails (or the check could not
run), 2 bad usage.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "golden", "python"))
sys.dont_write_bytecode = True
import torch  # noqa: E402
import optbench_golden as og  # noqa: E402

RULE = "torch_adam"


def adam(p, g, exp_avg, exp_avg_sq, hp, t, max_exp_avg_sq=None):
    """One torch.optim.Adam step, in place on float32 NumPy arrays."""
    param = torch.from_numpy(p)
    opt = torch.optim.Adam([param], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
                           weight_decay=hp["weight_decay"], amsgrad=bool(hp["amsgrad"]),
                           maximize=bool(hp["maximize"]), foreach=False)
    param.grad = torch.from_numpy(g)
    state = {"step": torch.tensor(float(t - 1)), "exp_avg": torch.from_numpy(exp_avg),
             "exp_avg_sq": torch.from_numpy(exp_avg_sq)}
    if max_exp_avg_sq is not None:
        state["max_exp_avg_sq"] = torch.from_numpy(max_exp_avg_sq)
    opt.state[param] = state
    opt.step()


def runnable(case):
    """torch.optim.Adam can run the case: no decoupled decay, not refused."""
    return case.domain != og.REFUSED and not og.sets_hparam(case, "decoupled_decay")


def main(argv):
    try:
        opt, _ = og.parse_check_options(argv)
    except ValueError as e:
        return og.usage_error("torch_adam.py", e, __doc__.split("Usage: ")[1].splitlines()[0])
    bound, gdir = opt["--bound"], opt["--golden-dir"]
    try:
        st = og.check_rule(adam, RULE, gdir, bound, select=runnable, name="torch.optim.Adam")
        path = os.path.join(gdir or og.default_golden_dir(), f"{RULE}.txt")
        cases = [c for c in og.load(path).cases if runnable(c)]
    except (og.GoldenError, ValueError) as e:
        print(f"torch_adam.py: {e}", file=sys.stderr)
        return 1
    print(f"torch {torch.__version__}\n{og.TABLE_HEAD}")
    og.report(RULE, "torch.optim.Adam", st)
    ams = sum(1 for c in cases if og.sets_hparam(c, "amsgrad"))
    print(f"{st.cases_run} cases run ({ams} with amsgrad), {st.skipped} not run (decoupled_decay "
          "or outside refused); err in scale-ULPs, bound: the rule's "
          f"{bound if isinstance(bound, float) else repr(bound)} + 1 per weight-decay term")
    if st.over_cases:
        print(f"elements over the bound in: {', '.join(st.over_cases)}")
    return og.finish("torch_adam.py", opt["--json"],
                     {"op": RULE, "impl": "torch.optim.Adam", "torch": torch.__version__,
                      **st.as_dict(), "skipped": st.skipped, "amsgrad_cases": ams,
                      "over_cases": st.over_cases}, st.passed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
