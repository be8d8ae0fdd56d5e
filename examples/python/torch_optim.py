#!/usr/bin/python3
"""torch.optim checked against optbench's golden vectors (optbench_golden),
for the rules whose torch form IS the textbook's, and the differences of the
others measured by running torch.

Same form (torch 1.13's _single_tensor_* code, foreach=False):
  sgd      SGD(lr, momentum=0, weight_decay): d_p = g + wd*p; p += -lr*d_p
  adagrad  Adagrad(lr, lr_decay=0, weight_decay, initial_accumulator_value=0,
           eps): g' = g + wd*p; h += 1*g'*g'; p += -lr*(g' / (sqrt(h) + eps))
  rmsprop  RMSprop(lr, alpha=decay_rate, eps, weight_decay, momentum=0,
           centered=False): h = h*alpha + ((1-alpha)*g')*g';
           p += -lr*(g' / (sqrt(h) + eps))
torch's weight_decay is the book's L2 (g + wd*p from the input p); torch has
no decoupled decay in these three, so the cases with decoupled_decay are not
run (counted). Each step builds a fresh optimizer on the step's arrays
(torch.from_numpy: p and the state are updated in place) with its state set
from the case (Adagrad's "sum", RMSprop's "square_avg" and "step").

Checks:
  float64  every step of every inside case, fresh, in float64: torch's result
           must be the exact value to within the rule's bound (the larger of
           "exact" and "fma", + 1 per weight-decay term) + 0.5, in float64
           scale-ULPs (ulp64(a) = 2^(floor(log2 a) - 52)): the bounds of
           FORMAT.md are derived for any unit roundoff u (float32: 2^-24),
           so they hold with u = 2^-53, and the file's exact value is the true
           one rounded to double, half a float64 ulp away. NaN and infinities
           where the exact value has them (float64 does not overflow where
           float32 does).
  float32  the whole check of optbench verify (fresh and own state) with the
           rule's "fma" bound (torch's AVX2 kernels fuse multiply-adds);
           the row is printed beside optbench's own from `optbench verify
           --json` (scalar and avx512).
  forms    the textbook's Momentum, Nesterov and Adam against torch's, with
           numbers, each computed by running torch (see DIFFERENCES).

Usage: torch_optim.py [--json FILE]   (OPTBENCH: the optbench program)
Exit status: 0 when the float64 check and the forms' numbers hold, 1 if not
(or the check could not run), 2 bad usage; the float32 rows are measured and
printed (a FAIL there is torch's float32 error above optbench's bound).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "golden", "python"))
sys.dont_write_bytecode = True
import numpy as np  # noqa: E402
import torch  # noqa: E402
import optbench_golden as og  # noqa: E402
import torch_conventions as tc  # noqa: E402

SAME_FORM = ("sgd", "adagrad", "rmsprop")


def make_optimizer(rule, param, hp):
    """The torch.optim optimizer of the textbook's rule on one tensor."""
    o = torch.optim
    if rule == "sgd":
        return o.SGD([param], lr=hp["lr"], momentum=0, weight_decay=hp["weight_decay"],
                     foreach=False)
    if rule == "adagrad":
        return o.Adagrad([param], lr=hp["lr"], lr_decay=0, weight_decay=hp["weight_decay"],
                         initial_accumulator_value=0, eps=hp["eps"], foreach=False)
    return o.RMSprop([param], lr=hp["lr"], alpha=hp["decay_rate"], eps=hp["eps"],
                     weight_decay=hp["weight_decay"], momentum=0, centered=False, foreach=False)


def torch_step(rule):
    """One step as optbench_golden calls it: fn(p, g, <states>, hp, t)."""
    def step(p, g, hp, t, h=None):
        param = torch.from_numpy(p)
        param.grad = torch.from_numpy(g)
        opt = make_optimizer(rule, param, hp)
        hp["decoupled_decay"]  # 0 in every case run (select_same_form)
        if rule == "adagrad":
            opt.state[param]["sum"] = torch.from_numpy(h)
            opt.state[param]["step"] = torch.tensor(float(t - 1))
        elif rule == "rmsprop":
            opt.state[param] = {"step": t - 1, "square_avg": torch.from_numpy(h)}
        opt.step()
        return None
    step.__qualname__ = f"torch.optim.{rule}"
    return step


def select_same_form(case):
    return not og.sets_hparam(case, "decoupled_decay")


# ---- float64 ----------------------------------------------------------------------------

def check_float64(rule, gf, info, step_fn):
    """float64 scale-ULP errors of step_fn over every step (fresh) of every
    inside case, within torch_conventions.tolerance64: (max, the worst
    element, elements past their tolerance, steps, elements apart: a special
    value of another form, torch_conventions.form_special)."""
    states = [s["name"] for s in og.rule_of(info, rule)["states"]]
    worst, where, over, steps, apart = 0.0, "", 0, 0, 0
    for c in gf.cases:
        if c.domain != og.INSIDE or not select_same_form(c):
            continue
        for j, s in enumerate(c.steps, 1):
            hp = og.Hyperparameters({r.name: r.value for r in s.records if r.kind == "float"})
            t = s.find("int", "t").value
            arrays = {k: np.array(c.input(j, k)[0], dtype=np.float64) for k in ["p", "g"] + states}
            step_fn(hp=hp, t=t, **arrays)  # in place
            tol = tc.tolerance64(og.rule_of(info, rule), hp, t)
            steps += 1
            for k in ["p"] + states:
                o = s.find("out", k)
                for i in range(o.n):
                    x = float(arrays[k][i])
                    e = tc.err64(x, o.exact[i], o.scale[i])
                    if not e <= tol and tc.form_special(rule, k, x, o.exact[i]):
                        apart += 1
                        continue
                    over += not e <= tol
                    if e > worst or not where:
                        worst = max(worst, e)
                        where = (f"{gf.path}:{c.line}: case '{c.id}' step {j}: out {k}[{i}]: "
                                 f"got {og.fmt_a(x)}, exact {og.fmt_a(o.exact[i])}, scale "
                                 f"{og.fmt_a(o.scale[i])}: {e:.3f} float64 scale-ULPs "
                                 f"(tolerance {tol:.2f})")
    return worst, where, over, steps, apart


def adam_torch_eps(p, g, m, v, hp, t):
    """torch.optim.Adam (float64) with eps = the book's eps / sqrt(1 - beta2^t):
    the textbook's step in torch's form (DESIGN's claim, checked on the vectors)."""
    param = torch.from_numpy(p)
    param.grad = torch.from_numpy(g)
    b1, b2 = hp["beta1"], hp["beta2"]
    opt = torch.optim.Adam([param], lr=hp["lr"], betas=(b1, b2),
                           eps=hp["eps"] / math.sqrt(1 - b2**t), weight_decay=hp["weight_decay"],
                           foreach=False)
    opt.state[param] = {"step": torch.tensor(float(t - 1)), "exp_avg": torch.from_numpy(m),
                        "exp_avg_sq": torch.from_numpy(v)}
    opt.step()
    return None


# ---- the differences, by running torch -----------------------------------------------------

def run_torch(ctor, grads, lrs, p0=0.0, **kw):
    """p after the steps of torch.optim.<ctor> on one float64 parameter."""
    param = torch.tensor([p0], dtype=torch.float64)
    opt = getattr(torch.optim, ctor)([param], lr=lrs[0], foreach=False, **kw)
    for g, lr in zip(grads, lrs):
        opt.param_groups[0]["lr"] = lr
        param.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
    return float(param[0])


def book(rule, grads, lrs, p0=0.0, **hp):
    """The textbook's step (its list row's NumPy statements) in float64."""
    info = og.rule_of(INFO, rule)
    st = {s["name"]: np.zeros(1) for s in info["states"]}
    p = np.array([p0])
    for t, (g, lr) in enumerate(zip(grads, lrs), 1):
        scope = {"np": np, "p": p, "g": np.array([g]), "t": t, "lr": lr, **hp, **st}
        exec(info["numpy"].replace("; ", "\n"), scope)
        p = scope["p"]
        st = {k: scope[k] for k in st}
    return float(p[0])


def differences():
    """(name, textbook, torch, what it shows, holds) for each stated difference."""
    rows = []
    b = book("nesterov", [1.0], [0.1], momentum=0.9)
    tt = run_torch("SGD", [1.0], [0.1], momentum=0.9, nesterov=True)
    rows.append(("nesterov, first step, momentum 0.9, lr 0.1, g 1, from 0", b, tt,
                 "the book adds momentum^2*v_new - (1+momentum)*lr*g (its v already updated): "
                 "-0.271; torch p -= lr*(g + momentum*buf_new) with buf_1 = g: -0.190",
                 abs(b + 0.271) < 1e-15 and abs(tt + 0.19) < 1e-15))
    b = book("momentum", [1.0, 1.0], [0.1, 0.1], momentum=0.9)
    tt = run_torch("SGD", [1.0, 1.0], [0.1, 0.1], momentum=0.9)
    rows.append(("momentum, 2 steps, lr 0.1 constant, g 1", b, tt,
                 "equal in exact arithmetic for a constant lr (v = -lr*buf): -0.29 both",
                 abs(b - tt) < 1e-15 and abs(b + 0.29) < 1e-15))
    b = book("momentum", [1.0, 1.0], [0.1, 0.01], momentum=0.9)
    tt = run_torch("SGD", [1.0, 1.0], [0.1, 0.01], momentum=0.9)
    rows.append(("momentum, 2 steps, lr 0.1 then 0.01, g 1", b, tt,
                 "an lr change: the book's v keeps the old lr*g (-0.2), torch rescales its "
                 "whole buffer by the new lr (-0.119)",
                 abs(b + 0.2) < 1e-15 and abs(tt + 0.119) < 1e-15))
    hp = dict(beta1=0.9, beta2=0.999, eps=1e-7)
    b = book("adam", [1e-6], [1e-3], **hp)
    tt = run_torch("Adam", [1e-6], [1e-3], betas=(0.9, 0.999), eps=1e-7)
    tm = run_torch("Adam", [1e-6], [1e-3], betas=(0.9, 0.999), eps=1e-7 / math.sqrt(1 - 0.999))
    rows.append(("adam, t 1, lr 1e-3, betas (0.9, 0.999), eps 1e-7, g 1e-6", b, tt,
                 "the book's eps is torch's eps*sqrt(1 - beta2^t): the same 1e-7 gives -2.403e-4 "
                 "in the book and -9.091e-4 in torch; torch with eps 1e-7/sqrt(0.001) = 3.16e-6 "
                 f"gives the book's {tm:.6e}",
                 abs(b - tm) <= 1e-12 * abs(b) and abs(b + 2.4025e-4) < 1e-7
                 and abs(tt + 9.0909e-4) < 1e-7))
    return rows


# ---- optbench's own rows -------------------------------------------------------------

def optbench_rows(rules):
    prog = os.environ.get("OPTBENCH") or os.path.join(HERE, "..", "..", "build", "optbench")
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "verify.json")
        cmd = [prog, "verify", "--quiet", "--variant", "scalar", "--variant", "avx512",
               "--json", out] + sum((["--algo", r] for r in rules), [])
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL)
        with open(out, encoding="utf-8") as fp:
            return {(r["op"], r["variant"]): r for r in json.load(fp)["results"]}


INFO = None


def main(argv):
    global INFO
    jpath = None
    if argv[:1] == ["--json"] and len(argv) == 2:
        jpath = argv[1]
    elif argv:
        print("usage: torch_optim.py [--json FILE]", file=sys.stderr)
        return 2
    try:
        INFO = og.optbench_info()
    except og.GoldenError as e:
        print(f"torch_optim.py: {e}", file=sys.stderr)
        return 1
    ok, out = True, {"torch": torch.__version__, "rules": {}, "forms": []}
    gdir = og.default_golden_dir()
    print(f"torch {torch.__version__}, numpy {np.__version__}; float64: torch against the exact "
          "values")
    for rule in SAME_FORM:
        r = og.rule_of(INFO, rule)
        base = max(r["bound"]["exact"], r["bound"]["fma"])
        gf = og.load(os.path.join(gdir, f"{rule}.txt"), og.families_of(INFO))
        worst, where, over, steps, apart = check_float64(rule, gf, INFO, torch_step(rule))
        print(f"  {rule:8s} {steps:4d} steps: max {worst:.3f} float64 scale-ULPs, {over} "
              f"elements past the tolerance {base + 0.5:.2f} (+ 1 per decay term), {apart} "
              f"special values of another form apart\n    worst: {where}")
        ok &= over == 0
        out["rules"][rule] = {"float64_max": worst, "float64_tolerance": base + 0.5,
                              "float64_steps": steps, "float64_over": over, "apart": apart}
    gf = og.load(os.path.join(gdir, "adam.txt"), og.families_of(INFO))
    worst, where, over, steps, apart = check_float64("adam", gf, INFO, adam_torch_eps)
    print(f"  adam     {steps:4d} steps, torch.optim.Adam with eps = the book's eps/sqrt(1 - "
          f"beta2^t): max {worst:.3f} float64 scale-ULPs, {over} elements past the tolerance "
          f"(torch_conventions.tolerance64), {apart} special values of another form apart\n"
          f"    worst: {where}")
    out["adam_eps_mapped"] = {"float64_max": worst, "float64_over": over, "steps": steps,
                              "apart": apart}
    rows = optbench_rows(SAME_FORM)
    print("\nfloat32: torch.optim through optbench_golden (bound: the rule's 'fma'), beside "
          "optbench verify\n" + og.TABLE_HEAD)
    for rule in SAME_FORM:
        st = og.check_rule(torch_step(rule), rule, gdir, "fma", INFO, select=select_same_form)
        og.report(rule, f"torch.optim ({st.skipped} skipped)", st)
        for v in ("scalar", "avx512"):
            o = rows.get((rule, v))
            if o:
                print("%-18s %-24s %13s %10d %9.3f %9.3f %9.3f %6.2f %9.3f  %s" % (
                    rule, f"optbench {v}", f"{o['passed']}/{o['cases']}", o["elements"],
                    o["max_err"], o["mean_err"], o["own_max"], o["bound"], o["max_err_decay"],
                    "PASS" if o["pass"] else "FAIL"))
        if st.over_cases:
            print(f"  elements over the bound in: {', '.join(st.over_cases)}")
        out["rules"][rule]["float32"] = st.as_dict()
        out["rules"][rule]["float32_over_cases"] = st.over_cases
        out["rules"][rule]["skipped_decoupled"] = st.skipped
        out["rules"][rule]["optbench"] = {v: rows.get((rule, v)) for v in ("scalar", "avx512")}
    print("\nthe textbook's forms against torch's (float64, run):")
    for name, b, tt, what, holds in differences():
        print(f"  {name}: textbook {b:.6g}, torch {tt:.6g}: {what} [{'ok' if holds else 'NO'}]")
        ok &= holds
        out["forms"].append({"case": name, "textbook": b, "torch": tt, "holds": holds})
    return og.finish("torch_optim.py", jpath, out, ok)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
