#!/usr/bin/python3
"""torch.optim itself against the exact golden vectors of the PyTorch-convention
rules (golden/torch_*.txt): how accurate is torch.optim?

The rules are those of convention "torch" in `optbench info --json` (their
list rows); each row's `torch` constructor string, e.g.
"Adam(p, lr=lr, betas=(beta1, beta2), eps=eps, amsgrad=bool(amsgrad), ...)",
is evaluated on the step's hyperparameters (foreach=False: torch's
_single_tensor_* code), with torch's weight_decay, the L2 decay of every
torch.optim class, from `weight_decay` unless the constructor names it
itself (AdamW: weight_decay=decoupled_decay). The states are the row's, by
their names, which are torch's optimizer.state keys.

Per case, one optimizer on one parameter tensor, step by step: before each
step its hyperparameters go into param_groups[0] (a trajectory's lr change
is param_groups[0]['lr']), p, p.grad and the states are the step's inputs
of the file (step j > 1: the rounded outputs of step j - 1, from which the
exact values are computed), and torch's step counter is t - 1 (a tensor or
an int as torch keeps it); an optimizer that keeps no counter (SGD) knows
its first step by an empty state, so at t == 1 it gets none and starts its
momentum_buffer from d. Not expressible, skipped and counted: a case with a
nonzero hyperparameter the constructor does not read (decoupled_decay on
torch_adam, the L2 weight_decay on torch_adamw), an `outside refused` case
(torch refuses no coefficient), and a case whose options torch's
constructor rejects (nesterov with momentum 0 or dampening).

float64  torch's results of every inside case against the exact values, in
         float64 scale-ULPs (ulp64(a) = 2^(floor(log2 a) - 52)). Tolerance
         per step: the rule's bound (the larger of "exact" and "fma": FORMAT.md
         derives them for any unit roundoff u, float64's 2^-53 included) + 1
         per weight-decay term + 0.5 (the file's exact value is the true one
         rounded to double) + the conditioning of torch's bias corrections:
         torch computes 1 - beta^t in double, and the rounding of beta^t
         (at most 1 double ulp, 2^-53 below 1) is magnified by
         1/(1 - beta^t) in lr/(1 - beta1^t) and half that through
         sqrt(1 - beta2^t), relative to the step, which is at most p's scale:
         + 1/(1 - beta1^t) + 0.5/(1 - beta2^t) where the rule reads beta1,
         beta2 and t. Past the tolerance: exit status 1. Apart, counted and
         shown, not failed: a zero of the other sign, or an infinity where
         the exact value is NaN (form_special: which special value comes out
         is decided by the form of an update, not its accuracy, and torch
         1.13's forms differ there from the 2.x forms the vectors follow).
float32  the same steps in float32: torch's error in (float32) scale-ULPs,
         max per rule and per case family (the case id's first word) with
         where, beside optbench's bounds for the rule (info JSON "bound");
         and optbench_golden's check_rule row (fresh and on its own state,
         every step) with the rule's bound. Reported, not asserted: torch's
         error above optbench's bound is a finding, not a failure.

Usage: torch_conventions.py [--json FILE] [--golden-dir DIR] [RULE...]
       (OPTBENCH: the optbench program; RULE: default every torch rule)
Exit status: 0 torch's float64 results agree with the exact values, 1 a
float64 disagreement or a file or format error, 2 bad usage.
"""
import ast
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "golden", "python"))
sys.dont_write_bytecode = True
import numpy as np  # noqa: E402
import torch  # noqa: E402
import optbench_golden as og  # noqa: E402


class TorchForm:
    """A rule's torch.optim optimizer, from its row's constructor string."""

    def __init__(self, rule):
        self.name, self.info = rule["name"], rule
        self.states = [s["name"] for s in rule["states"]]
        ctor = rule["torch"]["ctor"]
        call = ast.parse(ctor, mode="eval").body
        if (not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name)
                or [ast.dump(a) for a in call.args] != [ast.dump(ast.Name("p", ast.Load()))]
                or not hasattr(torch.optim, call.func.id)):
            raise og.GoldenError(f"{self.name}: torch ctor {ctor!r} is not CLASS(p, ...) of "
                                 "a torch.optim class")
        self.cls = getattr(torch.optim, call.func.id)
        self.ctor = ctor
        self.kwargs = {k.arg: compile(ast.Expression(k.value), ctor, "eval")
                       for k in call.keywords}
        names = {n.id for k in call.keywords for n in ast.walk(k.value) if isinstance(n, ast.Name)}
        self.reads = sorted(names - {"bool"})
        # torch's weight_decay is the L2 term g + wd*p of every torch.optim class
        self.l2 = "weight_decay" not in self.kwargs
        if self.l2:
            self.reads.append("weight_decay")
        self.step_kind = self._probe()

    def options(self, hp):
        env = {"bool": bool, **{k: hp[k] for k in self.reads}}
        kw = {k: eval(code, env) for k, code in self.kwargs.items()}  # noqa: S307
        if self.l2:
            kw["weight_decay"] = env["weight_decay"]
        return kw

    def build(self, param, hp):
        return self.cls([param], foreach=False, **self.options(hp))

    def _probe(self):
        """How torch keeps its step counter for this class: a tensor, an int, or
        none (its first step is known by an empty state)."""
        param = torch.zeros(1, dtype=torch.float64)
        param.grad = torch.zeros(1, dtype=torch.float64)
        opt = self.build(param, og.Hyperparameters(self.info["hparams"]))
        opt.step()
        s = opt.state[param].get("step")
        return None if s is None else "tensor" if torch.is_tensor(s) else "int"

    def lacks(self, case):
        """The nonzero hyperparameters of the case torch's constructor cannot take."""
        return sorted({r.name for s in case.steps for r in s.records
                       if r.kind == "float" and r.value != 0 and r.name not in self.reads})

    def rejects(self, case):
        """torch's own refusal of the case's options (a ValueError), or None."""
        for s in case.steps:
            hp = og.Hyperparameters({r.name: r.value for r in s.records if r.kind == "float"})
            try:
                self.build(torch.zeros(1), hp)
            except ValueError as e:
                return str(e)
        return None

    def set_state(self, opt, param, t, arrays):
        """torch's state before step t: the given arrays, the counter t - 1."""
        st = opt.state[param]
        st.clear()
        if t == 1 and self.step_kind is None:
            return  # torch's first step: it builds the state from d
        if self.step_kind == "tensor":
            st["step"] = torch.tensor(float(t - 1))
        elif self.step_kind == "int":
            st["step"] = t - 1
        st.update(arrays)

    def callable(self):
        """One step as optbench_golden calls it, in float32 (a fresh optimizer)."""
        def step(p, g, hp, t, **states):
            param = torch.from_numpy(p)  # updated in place
            opt = self.build(param, hp)
            param.grad = torch.from_numpy(g)
            self.set_state(opt, param, t, {k: torch.from_numpy(v) for k, v in states.items()})
            opt.step()
            return {"p": param, **{k: opt.state[param][k] for k in states}}
        step.__qualname__ = f"torch.optim.{self.cls.__name__}"
        return step


def ulp64(a):
    a = abs(a)
    if not a >= 2.0**-1022:
        return 2.0**-1074
    return math.ldexp(1.0, math.frexp(a)[1] - 1 - 52)


def err64(x, e, scale):
    """float64 scale-ULPs; inf where a special value does not match."""
    if math.isnan(e):
        return 0.0 if math.isnan(x) else math.inf
    if math.isinf(e) or math.isnan(x) or math.isinf(x):
        return 0.0 if x == e else math.inf
    if e == 0 and x == 0:
        return 0.0 if math.copysign(1, x) == math.copysign(1, e) else math.inf
    return abs(x - e) / ulp64(max(abs(e), scale))


# The outputs whose special values torch's form, not its accuracy, decides
# (form_special), by rule: the arrays torch 1.13 computes in another form
# than the vectors' torch 2.x code (the book Adam's m: the same lerp form,
# torch_optim.py), and p, which they reach. Any other output
# with a wrong zero sign or an infinity for NaN is an error like any other.
FORM_OUTPUTS = {"adam": {"p", "m"}, "torch_adam": {"p", "exp_avg"}, "torch_adamw": {"p", "exp_avg"},
                "torch_rmsprop": {"p", "grad_avg"}}


def form_special(rule, output, x, e):
    """Is x against the exact e, in `output` of `rule`, a special value that
    the evaluation's form decides rather than its accuracy: zeros of opposite
    signs, or an infinity where the exact value is NaN. Two forms equal in
    exact arithmetic differ there: torch 1.13 updates exp_avg (RMSprop's
    grad_avg) as beta*m + (1-beta)*d where the vectors follow torch 2.x's lerp,
    m + (1-beta)*(d-m), which is NaN for m = inf and keeps other zero signs;
    AdamW decays p*(1 - lr*wd) where the vectors have p - (lr*wd)*p (NaN for
    p = inf, +0 for p = -0, lr = 0)."""
    if output not in FORM_OUTPUTS.get(rule, ()):
        return False
    return (x == 0 and e == 0) or (math.isnan(e) and math.isinf(x))


def tolerance64(rule, hp, t):
    """The float64 tolerance of a step of the rule (its info object) in torch's
    evaluation (the module's docstring derives it)."""
    b = rule["bound"]
    tol = max(b["exact"], b["fma"]) + sum(1 for k in og.DECAYS if hp.get(k, 0.0)) + 0.5
    if rule["reads_step"]:
        for k, share in (("beta1", 1.0), ("beta2", 0.5)):
            if k in rule["hparams"] and hp.get(k, 0.0) != 0:
                tol += share / (1.0 - hp[k] ** t)
    return tol


def family(case):
    return case.id.split("_")[0]


class Worst:
    """The largest error seen and where."""

    def __init__(self):
        self.err, self.where, self.case, self.count = 0.0, "", "", 0

    def add(self, err, where, case):
        self.count += 1
        if err > self.err or not self.where:
            self.err, self.where, self.case = max(self.err, err), where, case

    def as_dict(self):
        return {"max": self.err, "case": self.case, "where": self.where, "elements": self.count}


def run_case(form, gf, case, dtype):
    """Every step of the case through one torch optimizer: yields (output
    record, element, torch's value, the step's float hyperparameters, t, j)."""
    param = torch.zeros(len(case.input(1, "p")[0]), dtype=dtype)
    opt = None
    for j, s in enumerate(case.steps, 1):
        hps = {r.name: r.value for r in s.records if r.kind == "float"}
        hp = og.Hyperparameters(hps)
        t = s.find("int", "t").value
        if opt is None:
            opt = form.build(param, hp)
        else:
            opt.param_groups[0].update(form.options(hp))  # the lr change
        with torch.no_grad():
            param.copy_(torch.tensor(case.input(j, "p")[0], dtype=dtype))
        param.grad = torch.tensor(case.input(j, "g")[0], dtype=dtype)
        names = [k for k in form.states if s.find("out", k)]
        form.set_state(opt, param, t, {k: torch.tensor(case.input(j, k)[0], dtype=dtype)
                                       for k in names})
        opt.step()
        got = {"p": param, **{k: opt.state[param][k] for k in names}}
        for k, v in got.items():
            o = s.find("out", k)
            for i, x in enumerate(v.tolist()):
                yield o, i, x, hps, t, j


def where(gf, case, j, o, i, x, e):
    step = f" step {j}" if len(case.steps) > 1 else ""
    line = o.line + 1 + i if o.dense else o.line
    return (f"{gf.path}:{line}: case '{case.id}'{step}: out {o.name}[{i}]: got {og.fmt_a(x)}, "
            f"exact {og.fmt_a(o.exact[i])} ({og.fmt_g(o.exact[i], 17)}), scale "
            f"{og.fmt_a(o.scale[i])}: {e:.3f}")


def cross_check(form, gf):
    """The float64 and float32 measurements of one rule's file."""
    res = {"cases": len(gf.cases), "lacks": {}, "refused": 0, "torch_rejects": {},
           "unbounded": 0, "run": 0, "float64": Worst(), "float64_over": 0,
           "float64_first_over": "", "float32": Worst(), "float32_families": {},
           "special": {"float64": Worst(), "float32": Worst()}, "special_cases": set()}
    for c in gf.cases:
        if c.domain == og.REFUSED:
            res["refused"] += 1
            continue
        lacks = form.lacks(c)
        if lacks:
            key = ", ".join(lacks)
            res["lacks"][key] = res["lacks"].get(key, 0) + 1
            continue
        why = form.rejects(c)
        if why:
            res["torch_rejects"][why] = res["torch_rejects"].get(why, 0) + 1
            continue
        if c.domain == og.UNBOUNDED:
            res["unbounded"] += 1  # no bound applies: neither dtype is compared
            continue
        res["run"] += 1
        for o, i, x, hps, t, j in run_case(form, gf, c, torch.float64):
            e = err64(x, o.exact[i], o.scale[i])
            tol = tolerance64(form.info, hps, t)
            w = where(gf, c, j, o, i, x, e) + f" float64 scale-ULPs (tolerance {tol:.2f})"
            if not e <= tol and form_special(form.info["name"], o.name, x, o.exact[i]):
                res["special"]["float64"].add(e, w, c.id)
                continue
            res["float64"].add(e, w, c.id)
            if not e <= tol:
                res["float64_over"] += 1
                res["float64_first_over"] = res["float64_first_over"] or w
        fam = res["float32_families"].setdefault(family(c), Worst())
        for o, i, x, hps, t, j in run_case(form, gf, c, torch.float32):
            e = og.scale_ulps(x, o.exact[i], o.rounded[i], o.scale[i])
            w = where(gf, c, j, o, i, x, e) + " scale-ULPs"
            if math.isinf(e) and form_special(form.info["name"], o.name, x, o.exact[i]):
                res["special"]["float32"].add(e, w, c.id)
                res["special_cases"].add(c.id)
                continue
            res["float32"].add(e, w, c.id)
            fam.add(e, w, c.id)
    return res


def select(form):
    return lambda c: not form.lacks(c) and c.domain != og.REFUSED and not form.rejects(c)


def main(argv):
    try:
        opts, rules = og.parse_options(argv, {"--json": None, "--golden-dir": None},
                                       positional=True)
    except ValueError as e:
        return og.usage_error("torch_conventions.py", e, "usage: torch_conventions.py "
                              "[--json FILE] [--golden-dir DIR] [RULE...]")
    doc = {"torch": torch.__version__, "numpy": np.__version__, "rules": {}}
    ok = True
    try:
        info = og.optbench_info()
        rules = rules or [r["name"] for r in info["rules"] if r["convention"] == "torch"]
        gdir = opts["--golden-dir"] or og.default_golden_dir()
        print(f"torch {torch.__version__} (foreach=False), numpy {np.__version__}: torch.optim "
              f"against the exact values of {', '.join(rules)}")
        rows = []
        for rule in rules:
            form = TorchForm(og.rule_of(info, rule))
            path = os.path.join(gdir, f"{rule}.txt")
            gf = og.load(path, og.families_of(info))
            res = cross_check(form, gf)
            b = form.info["bound"]
            st = og.check_rule(form.callable(), rule, bound=max(b["exact"], b["fma"]), info=info,
                               path=path, select=select(form))
            rows.append((rule, form, res, st))
            ok &= res["float64_over"] == 0
    except (og.GoldenError, OSError) as e:
        print(f"torch_conventions.py: {e}", file=sys.stderr)
        return 1
    for rule, form, res, st in rows:
        skipped = sum(res["lacks"].values()) + res["refused"] + sum(res["torch_rejects"].values())
        print(f"\n{rule}: {form.ctor}\n  {res['cases']} cases: {res['run']} run, "
              f"{res['unbounded']} outside unbounded (not compared), {skipped} not expressible: "
              f"{res['refused']} outside refused"
              + "".join(f", {n} with {k} (torch lacks it)" for k, n in res["lacks"].items())
              + "".join(f", {n} torch rejects ({k})" for k, n in res["torch_rejects"].items()))
        f64 = res["float64"]
        print(f"  float64: max {f64.err:.3f} float64 scale-ULPs over {f64.count} elements, "
              f"{res['float64_over']} past the tolerance: "
              f"{'AGREES' if not res['float64_over'] else 'DISAGREES'}\n    worst: {f64.where}")
        if res["float64_over"]:
            print(f"    first past: {res['float64_first_over']}")
        for dt, sp in res["special"].items():
            if sp.count:
                print(f"  {dt}: {sp.count} elements a special value of another form (zero "
                      f"signs, inf for NaN: form_special), apart\n    first: {sp.where}")
        b = form.info["bound"]
        print(f"  float32 (optbench's bound: exact {b['exact']:g}, fma {b['fma']:g} scale-ULPs): "
              f"max {res['float32'].err:.3f}\n    worst: {res['float32'].where}")
        for fam, w in sorted(res["float32_families"].items(), key=lambda kv: -kv[1].err):
            print(f"    {fam:12s} {w.count:7d} elements  max {w.err:10.3f}")
        doc["rules"][rule] = {
            "ctor": form.ctor, "cases": res["cases"], "run": res["run"],
            "unbounded": res["unbounded"], "refused": res["refused"], "lacks": res["lacks"],
            "torch_rejects": res["torch_rejects"], "bound": b,
            "float64": {**f64.as_dict(), "over": res["float64_over"],
                        "first_over": res["float64_first_over"]},
            "float32": res["float32"].as_dict(),
            "form_special": {k: w.as_dict() for k, w in res["special"].items()},
            "form_special_cases": sorted(res["special_cases"]),
            "float32_families": {k: w.as_dict() for k, w in res["float32_families"].items()},
            "check": {**st.as_dict(), "skipped": st.skipped, "over_cases": st.over_cases}}
    print("\noptbench_golden's checker on torch.optim in float32 (fresh and own state; bound: "
          "the rule's larger bound + 1 per decay term)\n" + og.TABLE_HEAD)
    for rule, form, res, st in rows:
        og.report(rule, f"torch.optim ({st.skipped} skipped)", st)
    print("\nsummary: rule, float64 max (float64 scale-ULPs) and verdict; float32 max "
          "(scale-ULPs) beside optbench's bound")
    for rule, form, res, st in rows:
        b = form.info["bound"]
        f32max = res["float32"].err
        print(f"  {rule:14s} float64 {res['float64'].err:9.3f} "
              f"{'agrees' if not res['float64_over'] else 'DISAGREES':9s} float32 "
              f"{f32max:9.3f} ({res['float32'].case}) bound {max(b['exact'], b['fma']):g}"
              f"{'' if f32max <= max(b['exact'], b['fma']) else ': torch above it'}")
    return og.finish("torch_conventions.py", opts["--json"], doc, ok)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
