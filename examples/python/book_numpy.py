#!/usr/bin/python3
"""The book's NumPy update rules (common/optimizer.py's classes, as written)
checked against optbench's golden vectors with optbench_golden.

Each rule's step is its row's "numpy" statements in `optbench info --json`
(the list, impl/include/optbench_algos.def, keeps the book's code): the body
of a function of p, g, t, the states and the hyperparameters, run on float32
NumPy arrays as the book's classes run them (NumPy 1.x keeps float32 arrays
float32 when a Python float multiplies them; the book's Python-float
coefficients, lr_t and (1 - beta1), are computed in double). The book has no
weight decay in its optimizers: its network adds weight_decay*W to the
gradient (multi_layer_net.py), which this adapter does before the rule, in
float32; decoupled decay (AdamW, not in the book) is p - (lr*decay)*p first.
The book's code has no domain check, so it does not refuse the `outside
refused` cases: they are counted apart.

Usage: book_numpy.py [--bound exact|fma|X] [--golden-dir DIR] [--json FILE] [RULE...]
(default: every rule of the book's convention). Prints one row per rule (optbench verify's columns) and the worst failure;
exit status 0 when every rule ran (the book's rounding order may exceed
optbench's bounds: that is the measurement, not an error), 1 if the check
could not run, 2 bad usage.
"""
import os
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "golden", "python"))
sys.dont_write_bytecode = True
import numpy as np  # noqa: E402
import optbench_golden as og  # noqa: E402


def book_step(rule):
    """The rule's step as one optimizer-class update on one parameter array."""
    states = [s["name"] for s in rule["states"]]
    hps = [k for k in rule["hparams"] if k not in og.DECAYS]
    src = (f"def step(p, g, t, {''.join(s + ', ' for s in states)}*, {', '.join(hps)}):\n"
           + textwrap.indent(rule["numpy"].replace("; ", "\n"), "    ") + "\n"
           + f"    return (p, {''.join(s + ', ' for s in states)})\n")
    scope = {"np": np}
    exec(compile(src, f"<the {rule['name']} row's numpy step>", "exec"), scope)
    body = scope["step"]

    def step(p, g, hp, t, **arrays):
        with np.errstate(all="ignore"):  # NaN and Inf cases: the values are checked
            if hp["weight_decay"]:  # from the input p (FORMAT.md, "Weight decay")
                g = g + hp["weight_decay"] * p
            if hp["decoupled_decay"]:
                p = p - (hp["lr"] * hp["decoupled_decay"]) * p
            return body(p, g, t, *(arrays[s] for s in states), **{k: hp[k] for k in hps})
    step.__qualname__ = f"book_numpy.{rule['name']}"
    return step


def main(argv):
    try:
        opt, rules = og.parse_check_options(argv, positional=True)
    except ValueError as e:
        return og.usage_error("book_numpy.py", e, __doc__.split("Usage: ")[1].splitlines()[0])
    bound, gdir = opt["--bound"], opt["--golden-dir"]
    try:
        info = og.optbench_info()
        rows = {}
        print(og.TABLE_HEAD)
        # the book's rules (convention "book"); a torch row's statements are torch's
        # algorithm, whose L2 term follows maximize: not this adapter's g + wd*p first
        for rule in rules or [r["name"] for r in info["rules"] if r["convention"] == "book"]:
            st = og.check_rule(book_step(og.rule_of(info, rule)), rule, gdir, bound, info)
            refused = sum("outside refused" in f for f in st.failures)
            og.report(rule, "book-numpy", st)
            print(f"  {refused} failures are `outside refused` cases the book does not refuse")
            if st.over_cases:
                print(f"  elements over the bound in: {', '.join(st.over_cases)}")
            rows[rule] = {**st.as_dict(), "refused_not_raised": refused,
                          "over_cases": st.over_cases}
    except og.GoldenError as e:
        print(f"book_numpy.py: {e}", file=sys.stderr)
        return 1
    what = bound if isinstance(bound, float) else f"the rule's '{bound}'"
    print(f"err in scale-ULPs; bound: {what} of optbench info --json, + 1 per weight-decay term")
    # the verdict is the table's: the book refuses nothing, so `outside refused`
    # cases fail by design
    return og.finish("book_numpy.py", opt["--json"], rows, True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
