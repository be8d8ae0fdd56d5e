"""AdaGrad in NumPy, written to pass optbench's golden vectors: the example
of checking your own Python optimizer step (README "Python"):

    cd examples/python
    python3 -m optbench_golden check --rule adagrad --impl my_adagrad:adagrad

(with golden/python on PYTHONPATH). What it takes to pass, beyond the
book's two lines: float32 coefficients, the quotient before lr
(lr*(g/(sqrt(h) + eps)), which neither overflows nor loses a subnormal lr*g
as the book's (lr*g)/(...) does), FORMAT.md's weight decay, and a
ValueError for a derived coefficient out of range.
"""
import numpy as np

TINY = np.finfo(np.float32).tiny


def adagrad(p, g, h, hp, t):
    """One step in place on float32 arrays (optbench_golden's calling convention)."""
    with np.errstate(all="ignore"):  # NaN and Inf data follow IEEE rules
        lr, eps = np.float32(hp["lr"]), np.float32(hp["eps"])
        if hp["decoupled_decay"]:
            c = np.float32(hp["lr"] * hp["decoupled_decay"])  # exact in double, rounded once
            if not np.isfinite(c) or 0 < abs(c) < TINY:
                raise ValueError(f"lr*decoupled_decay = {c} is not a normal float32")
        if hp["weight_decay"]:
            g = g + np.float32(hp["weight_decay"]) * p  # L2, from the input p
        if hp["decoupled_decay"]:
            p -= c * p
        h += g * g
        p -= lr * (g / (np.sqrt(h) + eps))
