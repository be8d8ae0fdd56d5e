"""optbench_golden - optbench's golden vectors without C: a strict reader of the
files (golden/FORMAT.md, `optbench-golden 4`) and a checker that runs any
Python callable on a rule's cases with the metric, bounds and failure report
of `optbench verify`. Standard library only; NumPy is used when installed.

Checking your own optimizer step
--------------------------------
Write one step of the rule as a function of the arrays by their names, the
hyperparameters and the step number:

    def adagrad(p, g, h, hp, t):          # Adam: (p, g, m, v, hp, t)
        h += g * g
        p -= hp["lr"] * g / (np.sqrt(h) + hp["eps"])

and run  python3 -m optbench_golden check --rule adagrad --impl mymod:adagrad
(or check_rule(...) from Python).

The call, per step of every case:
  * p, g and the states (by their names in the rule's row of the list: v; h;
    m and v) are float32 arrays of n elements: NumPy arrays when NumPy is
    installed (arrays="numpy"), else array.array('f') (arrays="array"). A
    state an option switches on (its "condition" in the list, torch's
    max_exp_avg_sq under amsgrad) is passed only where that option is
    nonzero: elsewhere the case has no such array (FORMAT.md).
  * hp maps each hyperparameter of the step by its name (lr, momentum,
    decay_rate, beta1, beta2, eps, weight_decay, decoupled_decay, ...) to its
    float32 value held in a Python float; an absent one is 0.0 (FORMAT.md).
    A hyperparameter that is not 0 and that the callable never reads fails
    the case: an implementation that does not know it must not drop it.
  * t is the step number (an int >= 1).
  * It returns None after updating p and the states in place, or the new
    arrays: p alone (rules without state), a tuple (p, states...) in the
    file's order (the list's: p, then m, v), or a dict by name. A returned
    array is a float32 NumPy array, an array('f'), anything NumPy turns into
    a float32 array (a torch tensor), or a sequence of numbers that are each
    exactly a float32 value; n elements each. g must be left unchanged.
  * `outside refused` cases (a derived coefficient out of range) expect the
    call to raise ValueError and leave every array unchanged bit for bit;
    `outside unbounded` cases must run without an exception and leave g
    unchanged; their values are not compared.

Trajectories run fresh (every step from the file's inputs) and on the
callable's own state (its outputs carried from step to step; with `grad
quadratic` the gradient of its own p), with the allowances of FORMAT.md.

The bound is the rule's "bound" of `optbench info --json` ("exact", or "fma"
for an implementation that fuses multiply-adds), plus one scale-ULP for each
weight-decay term a step uses (ob_step_error_bound), or a number given.
"""
import array
import importlib
import json
import math
import os
import re
import struct
import subprocess
import sys
from collections.abc import Mapping

try:
    import numpy as _np
except ImportError:  # the module works without it: arrays="array"
    _np = None

VERSION = 4
MAX_N = 1 << 24
MAX_STEPS = 1 << 20
MAX_CASES = 1 << 20
MAX_RECORDS = 64
FLT_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]
KINDS = ("int", "float", "word", "in", "mask", "out", "outmask")
# the weight decays, which every rule reads (FORMAT.md, "Weight decay"); each
# nonzero one adds 1 to a step's bound
DECAYS = ("weight_decay", "decoupled_decay")
PARAMS, INPUTS, OUTPUTS = 0, 1, 2
INSIDE, REFUSED, UNBOUNDED = "inside", "refused", "unbounded"
HERE = os.path.dirname(os.path.abspath(__file__))


class GoldenError(Exception):
    """A file that is not what FORMAT.md says: "PATH:LINE: reason"."""


# ---- numbers ---------------------------------------------------------------------------

def f32(x):
    """x rounded to float32 (round to nearest even), as a Python float."""
    if math.isnan(x) or math.isinf(x):
        return x
    if abs(x) > FLT_MAX:
        # beyond FLT_MAX + half an ulp rounds to infinity; in between to FLT_MAX
        return math.copysign(math.inf if abs(x) >= 2.0**128 - 2.0**103 else FLT_MAX, x)
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def nextafter32(x, toward):
    """The float32 next to the float32 x in the direction of toward."""
    if math.isnan(x) or x == toward:
        return x
    if x == 0:
        return math.copysign(2.0**-149, toward)
    b = f32_bits(x)
    b += 1 if (x < toward) == (x > 0) else -1
    return struct.unpack("<f", struct.pack("<I", b))[0]


def fmt_a(x):
    """x as C's printf("%a") prints it (glibc): the format's one spelling."""
    if math.isnan(x):
        return "-nan" if math.copysign(1.0, x) < 0 else "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    mant, exp = x.hex().split("p")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    return mant + "p" + exp


def fmt_g(x, digits):
    """C's %.<digits>g (NaN with its sign as glibc prints it)."""
    if math.isnan(x):
        return fmt_a(x)
    return "%.*g" % (digits, x)


# ---- the metric (golden/reader/golden_check.c: gc_ulp, gc_scale_ulps) ---------------------

def ulp(a):
    """float32 spacing at a: 2^(floor(log2 a) - 23) for a >= 2^-126, else 2^-149."""
    a = abs(a)
    if not a >= 2.0**-126:  # also NaN
        return 2.0**-149
    if math.isinf(a):
        return math.inf
    e = math.frexp(a)[1]  # a = m * 2^e, m in [0.5, 1): floor(log2 a) = e - 1
    return math.ldexp(1.0, e - 1 - 23)


def scale_ulps(got, exact, rounded, scale, strict_zero=True):
    """The error of the float32 result got in scale-ULPs (FORMAT.md, "Error metric"):
    inf where a special value or a zero's sign (strict_zero) does not match."""
    if math.isnan(rounded):
        return 0.0 if math.isnan(got) else math.inf
    if math.isinf(rounded):
        return 0.0 if got == rounded else math.inf
    if math.isnan(got) or math.isinf(got):
        return math.inf
    if exact == 0 and got == 0 and strict_zero:
        same = (math.copysign(1.0, got) < 0) == (math.copysign(1.0, exact) < 0)
        return 0.0 if same else math.inf
    a = abs(exact)
    if math.isfinite(scale) and scale > a:
        a = scale
    return abs(got - exact) / ulp(a)


# ---- the file --------------------------------------------------------------------------

class Record:
    """One record of a step: a parameter (value), an input (values), a mask
    (bits, data), or an output (exact, rounded, scale; dense: element i on
    line + 1 + i)."""
    __slots__ = ("kind", "name", "line", "value", "n", "values", "data",
                 "exact", "rounded", "scale", "dense")

    def __init__(self, kind, name, line):
        self.kind, self.name, self.line = kind, name, line
        self.value, self.n, self.values, self.data = None, 0, None, b""
        self.exact, self.rounded, self.scale, self.dense = None, None, None, True


class Step:
    def __init__(self, line):
        self.line = line
        self.records = []

    def find(self, kind, name):
        return next((r for r in self.records if r.kind == kind and r.name == name), None)


class Case:
    def __init__(self, id_, line):
        self.id, self.line = id_, line
        self.note, self.op = "", ""
        self.domain, self.grad = INSIDE, None
        self.steps = []

    def input(self, j, name):
        """Input `name` of step j (1-based) as the file gives it: the step's own
        `in`, or after step 1 the rounded outputs it is carried from; (values,
        line), or None."""
        r = self.steps[j - 1].find("in", name)
        if r:
            return r.values, r.line
        if j > 1:
            o = self.steps[j - 2].find("out", name)
            if o:
                return o.rounded, o.line
        return None


class GoldenFile:
    def __init__(self, path):
        self.path, self.family, self.family_line, self.cases = path, "", 0, []


def quadratic_grad(p):
    """The book's f(x, y) = x^2/20 + y^2: g = (x/10, 2*y) in float32 (each a
    correctly rounded operation; a double quotient rounded to float32 is one)."""
    return [f32(p[0] / 10.0), f32(2.0 * p[1])]


_ID = re.compile(r"[a-z0-9_]+\Z")
_HEX = re.compile(r"-?0x[01](\.[0-9a-f]+)?p[+-][0-9]+\Z")
_BAD_BYTE = re.compile(rb"[^\x20-\x7e]")
_OLD = ("optbench-golden 1", "optbench-golden 2", "optbench-golden 3")


class _Parser:
    def __init__(self, path, data, families):
        self.path, self.data, self.families = path, data, families
        self.pos, self.lineno, self.line, self.unread = 0, 0, "", False
        self.tok = []
        self.ids = {}

    def fail(self, line, msg):
        raise GoldenError(f"{self.path}:{line}: {msg}")

    def next_line(self, allow_comment=True):
        if self.unread:
            self.unread = False
            return self.line
        while True:
            if self.pos >= len(self.data):
                return None
            nl = self.data.find(b"\n", self.pos)
            self.lineno += 1
            if nl < 0:
                self.fail(self.lineno, "last line has no newline (truncated file?)")
            raw = self.data[self.pos:nl]
            self.pos = nl + 1
            bad = _BAD_BYTE.search(raw)
            if bad:
                self.fail(self.lineno, "control or non-ASCII byte 0x%02x at column %d"
                          % (raw[bad.start()], bad.start() + 1))
            if not raw:
                self.fail(self.lineno, "blank line (the format has none)")
            self.line = raw.decode("ascii")
            if self.line[0] == "#" and allow_comment:
                continue
            return self.line

    def shown(self):
        return self.line[:40] + ("..." if len(self.line) > 40 else "")

    def tokenize(self):
        self.tok = self.line.split(" ")
        if "" in self.tok:
            self.fail(self.lineno, "empty field (leading, trailing or double space)")
        return self.tok

    def expect(self, kw, context=""):
        if self.next_line() is None:
            self.fail(self.lineno, f"unexpected end of file: expected '{kw}'{context}")
        shown = self.shown()
        self.tokenize()
        if self.tok[0] != kw:
            self.fail(self.lineno, f"expected '{kw}'{context}, found '{shown}'")

    def count(self, s, what, limit):
        if not s.isdigit() or not s.isascii():
            self.fail(self.lineno, f"{what} '{s[:40]}' is not a non-negative decimal integer")
        if s[0] == "0" and len(s) > 1:
            self.fail(self.lineno, f"{what} '{s[:40]}' has a leading zero")
        v = int(s)
        if v > limit:
            self.fail(self.lineno, f"{what} {s[:40]} is too large (limit {limit})")
        return v

    def double(self, s, what):
        if s in ("inf", "-inf"):
            return math.inf if s == "inf" else -math.inf
        if s == "nan":
            return math.nan
        if not _HEX.match(s):
            self.fail(self.lineno, f"{what} '{s[:40]}' is not a hex float (as %a prints), "
                      "inf, -inf or nan")
        ex = s[s.index("p") + 2:]
        if ex[0] == "0" and (len(ex) > 1 or s[s.index("p") + 1] == "-"):
            self.fail(self.lineno, f"{what} '{s[:40]}': the exponent has a leading zero or is -0")
        try:
            d = float.fromhex(s)
        except OverflowError:
            self.fail(self.lineno, f"{what} '{s[:40]}' is beyond the range of double")
        canon = fmt_a(d)
        if canon != s:
            body = s[s.index("x") + 1:s.index("p")]
            if d == 0 and any(c not in "0." for c in body):
                self.fail(self.lineno, f"{what} '{s[:40]}' underflows to zero: not "
                          "representable as a double")
            self.fail(self.lineno, f"{what} '{s[:40]}' is not exactly a double as %a prints it "
                      f"(it would read as {canon})")
        return d

    def float32(self, s, what):
        d = self.double(s, what)
        if math.isfinite(d) and (abs(d) > FLT_MAX or f32(d) != d):
            self.fail(self.lineno, f"{what} '{s[:40]}' is not exactly representable as float32")
        return d

    # -- records --

    def element(self):
        t = self.tok
        e = self.double(t[0], "exact")
        r = self.float32(t[1], "rounded")
        sc = self.double(t[2], "scale")
        if math.isnan(e) != math.isnan(r):
            self.fail(self.lineno, f"exact {t[0]} and rounded {t[1]} disagree on NaN")
        if not math.isnan(e):
            if (math.copysign(1, e) < 0) != (math.copysign(1, r) < 0):
                self.fail(self.lineno, f"exact {t[0]} and rounded {t[1]} have different signs")
            f = f32(e)
            if r != f and r != nextafter32(f, math.inf) and r != nextafter32(f, -math.inf):
                self.fail(self.lineno, f"rounded {t[1]} is not exact {t[0]} rounded to float32")
            if e == 0 and r != 0:
                self.fail(self.lineno, f"exact is zero but rounded {t[1]} is not")
        if not math.isfinite(sc) or math.copysign(1, sc) < 0:
            self.fail(self.lineno, f"scale {t[2]} must be finite and >= 0 (and not -0)")
        return e, r, sc

    def param(self, rec):
        if len(self.tok) != 3:
            self.fail(self.lineno, f"expected '{rec.kind} {rec.name} <value>'")
        v = self.tok[2]
        if rec.kind == "int":
            rec.value = self.count(v, rec.name, 2**64 - 1)
        elif rec.kind == "float":
            rec.value = self.float32(v, rec.name)
        else:
            if not _ID.match(v):
                self.fail(self.lineno, f"word {rec.name} '{v[:40]}' is not [a-z0-9_]+")
            rec.value = v

    def in_(self, rec):
        if len(self.tok) < 3:
            self.fail(self.lineno, f"expected 'in {rec.name} <count> <values>'")
        rec.n = self.count(self.tok[2], "in count", MAX_N)
        what = f"in {rec.name}"
        if len(self.tok) - 3 != rec.n:
            self.fail(self.lineno, f"expected {rec.n} values after '{what}', "
                      f"found {len(self.tok) - 3}")
        rec.values = [self.float32(s, f"value {i + 1} of '{what}'")
                      for i, s in enumerate(self.tok[3:])]

    def out(self, case, rec):
        if len(self.tok) != 3:
            self.fail(self.lineno, "expected 'out <name> <count>'")
        rec.n = self.count(self.tok[2], "out count", MAX_N)
        rec.exact, rec.rounded, rec.scale = [], [], []
        for i in range(rec.n):
            if self.next_line() is None:
                self.fail(self.lineno, f"unexpected end of file: expected element {i + 1} of "
                          f"{rec.n} of 'out {rec.name}' in case '{case.id}'")
            if self.lineno != rec.line + 1 + i:
                rec.dense = False
            self.tokenize()
            if len(self.tok) != 3:
                self.fail(self.lineno, f"expected 3 values (exact rounded scale) for element "
                          f"{i + 1} of {rec.n} of 'out {rec.name}', found {len(self.tok)}")
            e, r, s = self.element()
            rec.exact.append(e)
            rec.rounded.append(r)
            rec.scale.append(s)

    def mask(self, rec):
        kw = rec.kind
        if len(self.tok) < 3:
            self.fail(self.lineno, f"expected '{kw} <name> <bits> <hex bytes>'")
        rec.n = self.count(self.tok[2], "mask bits", MAX_N)
        nbytes = (rec.n + 7) // 8
        if nbytes == 0:
            if len(self.tok) != 3:
                self.fail(self.lineno, f"'{kw} {rec.name} 0' takes no hex bytes")
            return
        if len(self.tok) != 4:
            self.fail(self.lineno, f"expected '{kw} <name> <bits> <hex bytes>', found "
                      f"{len(self.tok)} fields")
        h = self.tok[3]
        if len(h) != 2 * nbytes:
            self.fail(self.lineno, f"mask '{rec.name}' of {rec.n} bits needs {2 * nbytes} hex "
                      f"digits, found {len(h)}")
        for i in range(nbytes):
            if not re.match(r"[0-9a-f]{2}\Z", h[2 * i:2 * i + 2]):
                self.fail(self.lineno, f"mask '{rec.name}': '{h[2 * i:2 * i + 2]}' at byte {i} "
                          "is not two lowercase hex digits")
        rec.data = bytes.fromhex(h)
        if rec.n % 8 and rec.data[-1] >> (rec.n % 8):
            self.fail(self.lineno, f"mask '{rec.name}': bits past {rec.n} in the last byte "
                      "must be 0")

    def new_record(self, case, step, kind):
        name = self.tok[1]
        if not _ID.match(name):
            self.fail(self.lineno, f"'{kind}' needs a name of [a-z0-9_]+, found '{name[:40]}'")
        for r in step.records:
            if _space(r.kind) == _space(kind) and r.name == name:
                self.fail(self.lineno, f"'{kind} {name}': the name '{name}' is used twice "
                          f"(line {r.line})")
        j = len(case.steps)
        if j > 1 and kind in ("in", "mask"):
            prev = case.steps[j - 2].find("out" if kind == "in" else "outmask", name)
            if prev:
                self.fail(self.lineno, f"'{kind} {name}' in step {j}: it is carried from the "
                          f"output of step {j - 1} (line {prev.line}); a later step lists "
                          "only its new inputs")
        if len(step.records) == MAX_RECORDS:
            self.fail(self.lineno, f"more than {MAX_RECORDS} records in one step")
        rec = Record(kind, name, self.lineno)
        step.records.append(rec)
        return rec

    def new_step(self, case):
        if len(case.steps) == MAX_STEPS:
            self.fail(self.lineno, f"more than {MAX_STEPS} steps in case '{case.id}'")
        s = Step(self.lineno)
        case.steps.append(s)
        return s

    def check_quadratic(self, case):
        for j in range(1, len(case.steps) + 1):
            p, g = case.input(j, "p"), case.input(j, "g")
            if not p or not g or len(p[0]) != 2 or len(g[0]) != 2:
                self.fail(g[1] if g else case.steps[j - 1].line,
                          f"grad quadratic: step {j} needs p and g of 2 elements (x, y)")
            want = quadratic_grad(p[0])
            for k in range(2):
                a, b = g[0][k], want[k]
                same = a == b or (math.isnan(a) and math.isnan(b))
                if not same or (math.copysign(1, a) < 0) != (math.copysign(1, b) < 0):
                    self.fail(g[1], f"grad quadratic: g[{k}] is {fmt_a(a)}, but "
                              f"{'x/10' if k == 0 else '2*y'} of the step's input is {fmt_a(b)}")

    def records(self, case):
        step, section, stepped = None, 0, False
        while True:
            if self.next_line() is None:
                self.fail(self.lineno, f"unexpected end of file: expected 'end' of case "
                          f"'{case.id}'")
            shown = self.shown()
            kw = self.tokenize()[0]
            if kw == "end":
                if len(self.tok) != 1:
                    self.fail(self.lineno, "'end' takes nothing after it")
                if step is None:
                    self.new_step(case)
                if case.grad == "quadratic":
                    self.check_quadratic(case)
                return
            if kw == "step":
                if step is not None and not stepped:
                    self.fail(self.lineno, f"'step' in case '{case.id}', whose records started "
                              "without 'step 1'")
                if len(self.tok) != 2:
                    self.fail(self.lineno, "expected 'step <number>'")
                j = self.count(self.tok[1], "step", MAX_STEPS)
                if j != len(case.steps) + 1:
                    self.fail(self.lineno, f"expected 'step {len(case.steps) + 1}', found "
                              f"'step {j}'")
                step, stepped, section = self.new_step(case), True, 0
                continue
            if kw not in KINDS:
                self.fail(self.lineno, "expected step, int, float, word, in, mask, out, outmask "
                          f"or 'end' of case '{case.id}', found '{shown}'")
            if len(self.tok) < 2:
                self.fail(self.lineno, f"'{kw}' needs a name")
            if step is None:
                step = self.new_step(case)
            if _space(kw) < section:
                self.fail(self.lineno, f"'{kw} {self.tok[1][:30]}' out of order: a step lists "
                          "its parameters (int, float, word), then its inputs (in, mask), then "
                          "its outputs (out, outmask)")
            section = _space(kw)
            rec = self.new_record(case, step, kw)
            if _space(kw) == PARAMS:
                self.param(rec)
            elif kw == "in":
                self.in_(rec)
            elif kw == "out":
                self.out(case, rec)
            else:
                self.mask(rec)

    def case(self, f, index, declared, cases_line):
        if self.next_line() is None:
            self.fail(self.lineno, f"unexpected end of file: file has {index} cases, but line "
                      f"{cases_line} says 'cases {declared}'")
        self.tokenize()
        if self.tok[0] != "case":
            self.fail(self.lineno, f"expected 'case' (case {index + 1} of {declared}), found "
                      f"'{self.tok[0][:40]}'")
        if len(self.tok) != 2 or not _ID.match(self.tok[1]):
            self.fail(self.lineno, "'case' takes one id of [a-z0-9_]+")
        cid = self.tok[1]
        if cid in self.ids:
            self.fail(self.lineno, f"duplicate case id '{cid[:64]}' (first at line "
                      f"{self.ids[cid]})")
        self.ids[cid] = self.lineno
        c = Case(cid, self.lineno)
        context = f" in case '{cid}'"
        if self.next_line() is None:
            self.fail(self.lineno, f"unexpected end of file: expected 'note'{context}")
        if not self.line.startswith("note ") or len(self.line) == 5 or self.line[-1] == " ":
            self.fail(self.lineno, f"expected 'note <text>'{context} (no trailing space)")
        c.note = self.line[5:]
        self.expect("op", context)
        if len(self.tok) != 2:
            self.fail(self.lineno, "expected 'op <name>'")
        op = self.tok[1]
        if self.families is not None:
            if op not in self.families:
                self.fail(self.lineno, f"unknown op '{op[:40]}' (neither a rule nor a layer "
                          "kernel)")
            if self.families[op] != f.family:
                self.fail(self.lineno, f"op '{op}' belongs to family '{self.families[op]}', "
                          f"this file is family '{f.family}'")
        elif not _ID.match(op):
            self.fail(self.lineno, f"op '{op[:40]}' is not [a-z0-9_]+")
        c.op = op
        while self.next_line() is not None:
            line = self.line
            if line.startswith("outside ") and c.domain == INSIDE and c.grad is None:
                if line[8:] not in (REFUSED, UNBOUNDED):
                    self.fail(self.lineno, "expected 'outside refused' or 'outside unbounded'"
                              + context)
                c.domain = line[8:]
            elif line.startswith("grad ") and c.grad is None:
                if line[5:] != "quadratic":
                    self.fail(self.lineno, f"expected 'grad quadratic'{context} (without it, g "
                              "is data)")
                c.grad = "quadratic"
            else:
                self.unread = True
                break
        self.records(c)
        return c

    def version(self):
        want = f"optbench-golden {VERSION}"
        line = self.line
        if line == want:
            return
        if line.startswith("optbench-golden-ops ") or line in _OLD:
            self.fail(self.lineno, f"'{line[:30]}' is no longer read: rules and layer kernels "
                      f"share '{want}' since optbench 0.2; regenerate the file with `make "
                      "golden` (golden/gen), or read it with optbench 0.1")
        if line.startswith("optbench-golden "):
            self.fail(self.lineno, f"unknown format version '{line[16:36]}' (this reader knows "
                      f"{VERSION})")
        self.fail(self.lineno, f"expected version line '{want}', found '{line[:40]}'")

    def file(self):
        f = GoldenFile(self.path)
        if self.next_line(allow_comment=False) is None:
            self.fail(1, f"empty file, expected 'optbench-golden {VERSION}'")
        self.version()
        self.expect("family")
        if len(self.tok) != 2:
            self.fail(self.lineno, "expected 'family <name>'")
        fam = self.tok[1]
        if self.families is not None and fam not in self.families.values():
            self.fail(self.lineno, f"unknown family '{fam[:40]}' (neither a rule nor a family "
                      "of layer kernels)")
        f.family, f.family_line = fam, self.lineno
        self.expect("cases")
        if len(self.tok) != 2:
            self.fail(self.lineno, f"expected 1 value after 'cases', found {len(self.tok) - 1}")
        declared, cases_line = self.count(self.tok[1], "cases", MAX_CASES), self.lineno
        for i in range(declared):
            f.cases.append(self.case(f, i, declared, cases_line))
        if self.next_line() is not None:
            if self.line.startswith("case "):
                self.fail(self.lineno, f"more cases than line {cases_line} says ('cases "
                          f"{declared}')")
            self.fail(self.lineno, f"trailing data after the last case: '{self.line[:40]}'")
        return f


def _space(kind):
    return PARAMS if kind in ("int", "float", "word") else INPUTS if kind in ("in", "mask") \
        else OUTPUTS


def load(path, families=None):
    """The golden file at path, read strictly (GoldenError "PATH:LINE: reason"
    otherwise). families: {op: family} (families_of(info)) to check each
    case's op and the file's family against the library's lists; without it
    any op and family of [a-z0-9_]+ is read."""
    try:
        with open(path, "rb") as fp:
            data = fp.read()
    except OSError as e:
        raise GoldenError(f"{path}:0: cannot open: {e.strerror}") from None
    return _Parser(path, data, families).file()


# ---- what the library says: `optbench info --json` ----------------------------------------

def optbench_info(program=None):
    """The document `optbench info --json` prints: the program given, else
    $OPTBENCH, else build/optbench of this repository, else optbench on PATH."""
    candidates = [program] if program else [
        os.environ.get("OPTBENCH"), os.path.join(HERE, "..", "..", "build", "optbench"),
        "optbench"]
    tried = []
    for prog in filter(None, candidates):
        try:
            r = subprocess.run([prog, "info", "--json"], capture_output=True, check=False)
        except OSError as e:
            tried.append(f"{prog}: {e.strerror}")
            continue
        if r.returncode != 0:
            raise GoldenError(f"{prog} info --json: exit {r.returncode}: "
                              f"{r.stderr.decode(errors='replace').strip()}")
        return json.loads(r.stdout.decode("utf-8"))
    raise GoldenError("cannot run `optbench info --json` (" + "; ".join(tried)
                      + "): build optbench, set $OPTBENCH, or give the bound")


def families_of(info):
    """{op: family} for every rule (its own family) and layer kernel."""
    fam = {r["name"]: r["name"] for r in info["rules"]}
    fam.update({o["name"]: o["family"] for o in info.get("ops", [])})
    return fam


def rule_of(info, name):
    r = next((r for r in info["rules"] if r["name"] == name), None)
    if r is None:
        raise GoldenError(f"optbench info --json: no rule '{name}' (rules: "
                          + ", ".join(r["name"] for r in info["rules"]) + ")")
    return r


# ---- running a callable ----------------------------------------------------------------

class Hyperparameters(Mapping):
    """A step's hyperparameters by name; an absent one reads as 0.0 (FORMAT.md).
    Remembers which were read: a nonzero one left unread fails the case."""

    def __init__(self, values):
        self._v = dict(values)
        self.read = set()

    def __getitem__(self, name):
        self.read.add(name)
        return self._v.get(name, 0.0)

    def __iter__(self):
        return iter(self._v)

    def __len__(self):
        return len(self._v)

    def __repr__(self):
        return f"Hyperparameters({self._v!r})"


class Stats:
    """What `optbench verify` reports for a row (golden_check.h's gc_stats)."""

    def __init__(self, bound):
        self.cases_run = self.cases_passed = self.elements = self.failed_elements = 0
        self.other_failures = self.finite = self.skipped = 0
        self.sum_err = self.max_err = self.max_err_decay = self.own_max = 0.0
        self.bound = bound
        self.first = self.worst = ""
        self.worst_severity = -1.0
        self.failures = []  # every failure's report, in order
        self.over_cases = []  # the ids of the cases with an element over its bound

    @property
    def mean_err(self):
        return self.sum_err / self.finite if self.finite else 0.0

    @property
    def passed(self):
        return self.cases_run > 0 and self.cases_passed == self.cases_run

    def as_dict(self):
        return {"cases": self.cases_run, "passed": self.cases_passed, "elements": self.elements,
                "failed_elements": self.failed_elements, "max_err": self.max_err,
                "mean_err": self.mean_err, "own_max": self.own_max, "bound": self.bound,
                "max_err_decay": self.max_err_decay, "pass": self.passed,
                **({"worst": self.worst} if not self.passed and self.worst else {})}


def _bytes32(values):
    return struct.pack(f"<{len(values)}f", *values)


class _Run:
    """One case run on one callable: fresh, then on its own state."""

    def __init__(self, path, case, fn, name, bound, decay_bound, st, arrays, states):
        self.path, self.case, self.fn, self.name = path, case, fn, name
        self.bound, self.decay_bound, self.st, self.arrays = bound, decay_bound, st, arrays
        self.all_states = states  # (name, the hyperparameter that switches it on or None)
        self.states = [k for k, _ in states]
        self.failed = False
        self.j, self.own = 1, False

    def record(self, severity, what):
        c = self.case
        where = ""
        if len(c.steps) > 1:
            where = (f" step {self.j} (line {c.steps[self.j - 1].line}), "
                     f"{'own state' if self.own else 'fresh'}")
        text = f"{self.path}:{c.line}: case '{c.id}'{where} (op {c.op}, impl {self.name}): {what}"
        st = self.st
        st.failures.append(text)
        if not st.first:
            st.first = text
        if severity > st.worst_severity:
            st.worst, st.worst_severity = text, severity
        self.failed = True

    def fail(self, what):
        self.st.other_failures += 1
        self.record(math.inf, what)

    def make(self, values):
        if self.arrays == "numpy":
            return _np.array(values, dtype=_np.float32)
        return array.array("f", values)

    def as_values(self, x, name, n):
        """A returned array as n float32 values (Python floats), or None (failed)."""
        if isinstance(x, array.array):
            if x.typecode != "f":
                self.fail(f"returned {name} as array('{x.typecode}'), not array('f') (float32)")
                return None
            vals = list(x)
        elif _np is not None and (isinstance(x, _np.ndarray) or hasattr(x, "__array__")):
            a = _np.asarray(x)
            if a.dtype != _np.float32:
                self.fail(f"returned {name} as {a.dtype}, not float32")
                return None
            vals = a.reshape(-1).tolist()
        else:
            try:
                vals = [float(v) for v in x]
            except (TypeError, ValueError):
                self.fail(f"returned {name} as {type(x).__name__}, not an array of float32")
                return None
            for i, v in enumerate(vals):
                if f32(v) != v and not math.isnan(v):
                    self.fail(f"returned {name}[{i}] = {fmt_a(v)}, not a float32 value")
                    return None
        if len(vals) != n:
            self.fail(f"returned {name} of {len(vals)} elements, want {n}")
            return None
        return vals

    def results(self, ret, passed, outs, n):
        """The callable's outputs by name, or None (the case failed)."""
        if ret is None:
            got = {k: passed[k] for k in outs}
        elif isinstance(ret, dict):
            missing = [k for k in outs if k not in ret]
            if missing:
                self.fail(f"the returned dict has no {', '.join(missing)}")
                return None
            got = {k: ret[k] for k in outs}
        elif isinstance(ret, tuple):
            if len(ret) != len(outs):
                self.fail(f"returned {len(ret)} arrays, want {len(outs)} ({', '.join(outs)})")
                return None
            got = dict(zip(outs, ret))
        elif len(outs) == 1:
            got = {outs[0]: ret}
        else:
            self.fail(f"returned one {type(ret).__name__}; a rule with states returns None "
                      f"(in place), a tuple ({', '.join(outs)}) or a dict")
            return None
        vals = {}
        for k in outs:
            v = self.as_values(got[k], k, n)
            if v is None:
                return None
            vals[k] = v
        return vals

    def step(self, carried, peaks, qgrad):
        """Step self.j. Returns the outputs (for the next own-state step), or None."""
        c, s = self.case, self.case.steps[self.j - 1]
        hps, t = {}, None
        for r in s.records:
            if r.kind == "float":
                hps[r.name] = r.value
            elif r.kind == "int" and r.name == "t":
                t = r.value
            elif _space(r.kind) == PARAMS:
                self.fail(f"line {r.line}: '{r.kind} {r.name}' is no parameter of a rule's step "
                          "(float hyperparameters and int t)")
                return None
        if t is None:
            self.fail(f"the case has no 'int t', which op {c.op} needs")
            return None
        outs = [r.name for r in s.records if r.kind == "out"]
        # the states this step uses: those its options switch on, and the others
        self.states = [k for k, cond in self.all_states if not cond or hps.get(cond, 0.0) != 0]
        names = ["p", "g"] + self.states
        inputs = {}
        for k in names:
            src = c.input(self.j, k)
            if self.own and k in carried and not s.find("in", k):
                src = (carried[k], None)
            if self.own and k == "g" and qgrad is not None:
                src = (qgrad, None)
            if src is None:
                self.fail(f"the case has no 'in {k}', which op {c.op} needs")
                return None
            inputs[k] = list(src[0])
        n = len(inputs["p"])
        if any(len(v) != n for v in inputs.values()) or sorted(outs) != sorted(["p"] + self.states):
            self.fail(f"a rule's step needs in p, g, {', '.join(self.states) or '(no state)'} "
                      f"and out p{''.join(', ' + k for k in self.states)} of one length; "
                      f"the case has out {', '.join(outs)}")
            return None
        passed = {k: self.make(v) for k, v in inputs.items()}
        hp = Hyperparameters(hps)
        decay = sum(1 for k in DECAYS if hps.get(k, 0.0) != 0)
        try:
            ret = self.fn(**passed, hp=hp, t=t)
            raised = None
        except Exception as e:  # the callable's own errors are a failed case, named
            ret, raised = None, e
        g_same = _bytes32(list(passed["g"])) == _bytes32(inputs["g"])
        if c.domain == REFUSED:
            same = all(_bytes32(list(passed[k])) == _bytes32(inputs[k]) for k in names)
            if not isinstance(raised, ValueError) or not same:
                got = f"raised {type(raised).__name__}: {raised}" if raised else "returned"
                self.fail(f"outside refused: the call {got}"
                          f"{'' if same else ' and changed an array'}, want ValueError and "
                          "every array unchanged")
            return None
        if raised is not None:
            self.fail(f"the call raised {type(raised).__name__}: {raised}")
            return None
        if not g_same:
            self.fail("modified its input 'g'")
        for k in sorted(hp.keys() - hp.read):
            if hps[k] != 0:
                r = s.find("float", k)
                self.fail(f"line {r.line}: the callable did not read hyperparameter '{k}' "
                          f"({fmt_g(hps[k], 9)}), which is not 0")
        got = self.results(ret, passed, outs, n)
        if got is None:
            return None
        if c.domain == INSIDE:
            allowed = self.bound if decay == 0 else self.decay_bound(decay)
            for k in outs:
                self.compare(s.find("out", k), got[k], inputs, allowed, decay > 0, peaks)
        return got

    def compare(self, o, got, inputs, bound, decay, peaks):
        st = self.st
        allowed = self.j * bound if self.own else bound
        peak = peaks.get(o.name) if self.own else None
        for i in range(o.n):
            x, e, r, scale = got[i], o.exact[i], o.rounded[i], o.scale[i]
            if peak is not None:
                if math.isfinite(e) and abs(e) > peak[i]:
                    peak[i] = abs(e)
                if math.isfinite(scale) and scale > peak[i]:
                    peak[i] = scale
                scale = peak[i]
            err = scale_ulps(x, e, r, scale, strict_zero=not self.own)
            st.elements += 1
            if not self.own:
                if math.isfinite(r):
                    st.finite += 1
                    if math.isfinite(err):
                        st.sum_err += err
                if math.isfinite(err):
                    if decay:
                        st.max_err_decay = max(st.max_err_decay, err)
                    else:
                        st.max_err = max(st.max_err, err)
            elif math.isfinite(err):
                st.own_max = max(st.own_max, err / self.j)
            if not err <= allowed:
                line = o.line + 1 + i if o.dense else o.line
                what = (f"out {o.name}[{i}] (line {line}): got {fmt_a(x)} ({fmt_g(x, 9)}), "
                        f"exact {fmt_a(e)} ({fmt_g(e, 17)}), rounded {fmt_a(r)}, scale "
                        f"{fmt_a(scale)}: err {err:.3f} scale-ULPs > allowed {allowed:.3f}"
                        + (" (special value or zero sign mismatch)" if math.isinf(err) else "")
                        + "; inputs: " + ", ".join(f"{k} {fmt_a(v[i])}" for k, v in
                                                   inputs.items()))
                st.failed_elements += 1
                if self.case.id not in st.over_cases:
                    st.over_cases.append(self.case.id)
                self.record(err / allowed if allowed > 0 else math.inf, what)

    def run(self, own_state):
        c = self.case
        for self.j in range(1, len(c.steps) + 1):
            self.step({}, {}, None)
        if own_state and len(c.steps) > 1 and c.domain == INSIDE:
            self.own = True
            carried, peaks = {}, {r.name: [0.0] * r.n for r in c.steps[0].records
                                  if r.kind == "out"}
            for self.j in range(1, len(c.steps) + 1):
                qgrad = None
                if c.grad == "quadratic":
                    p = carried.get("p") or c.input(1, "p")[0]
                    qgrad = quadratic_grad(p) if len(p) == 2 else None
                got = self.step(carried, peaks, qgrad)
                if got is None:
                    break
                carried = got
        return not self.failed


def resolve_bound(info, rule, bound="exact"):
    """(base bound, its kind): a number as given, or the rule's "bound"."exact"
    or "fma" of `optbench info --json`."""
    if isinstance(bound, (int, float)):
        return float(bound), "given"
    if bound not in ("exact", "fma"):
        raise ValueError(f"bound must be a number, 'exact' or 'fma', not {bound!r}")
    return float(rule_of(info, rule)["bound"][bound]), bound


def check_rule(fn, rule, golden_dir=None, bound="exact", info=None, name=None,
               own_state=True, arrays=None, path=None, select=None):
    """Runs fn on every case of rule in golden_dir/<rule>.txt (or path) and
    returns the Stats. bound: a number (used for every step, as `verify`
    does with an explicit bound), or "exact"/"fma": the rule's bound from
    info (default: `optbench info --json`), plus 1 per weight-decay term a
    step uses. arrays: "numpy" (default when NumPy is installed) or "array".
    select: a predicate on a Case; the cases it refuses are not run, only
    counted (Stats.skipped): for an implementation of another form whose
    options cover part of the rule (torch.optim without decoupled decay)."""
    arrays = arrays or ("numpy" if _np is not None else "array")
    if arrays == "numpy" and _np is None:
        raise ValueError("arrays='numpy' needs NumPy, which is not installed")
    if info is None and not isinstance(bound, (int, float)):
        info = optbench_info()
    base, kind = resolve_bound(info, rule, bound)
    states = ([(s["name"], s.get("condition")) for s in rule_of(info, rule)["states"]]
              if info else None)
    path = path or os.path.join(golden_dir or default_golden_dir(), f"{rule}.txt")
    gf = load(path, families_of(info) if info else None)
    if gf.family != rule:
        raise GoldenError(f"{path}:{gf.family_line}: the file is for family '{gf.family}', "
                          f"expected '{rule}'")
    st = Stats(base)
    decay_bound = (lambda d: base + d) if kind != "given" else (lambda d: base)
    name = name or getattr(fn, "__qualname__", repr(fn))
    for c in gf.cases:
        if c.op != rule:
            continue
        if select is not None and not select(c):
            st.skipped += 1
            continue
        st.cases_run += 1
        case_states = states
        if case_states is None:  # no list: the states are the in-place arrays besides p
            s1 = c.steps[0]
            case_states = [(r.name, None) for r in s1.records
                           if r.kind == "out" and r.name != "p" and s1.find("in", r.name)]
        if _Run(path, c, fn, name, base, decay_bound, st, arrays, case_states).run(own_state):
            st.cases_passed += 1
    if st.cases_run == 0:
        st.worst = f"{path}: no case of op {rule}"
    return st


def write_json(path, doc):
    """doc as JSON at path, only over a regular file (or none), written whole:
    a temporary file beside it, renamed."""
    if os.path.lexists(path) and not os.path.isfile(path):
        raise OSError(f"{path}: not a regular file, not writing over it")
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as fp:
            json.dump(doc, fp, indent=1)
            fp.write("\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def default_golden_dir():
    return os.path.dirname(HERE)


# ---- what the checking programs share (this module's `check` and the
# examples): their options, the bound, the JSON and the exit status ----


def sets_hparam(case, name):
    """Is hyperparameter `name` nonzero in some step of the case (absent: 0)?"""
    return any(r.kind == "float" and r.name == name and r.value != 0
               for s in case.steps for r in s.records)


def parse_options(argv, defaults, positional=False, flags=()):
    """argv's `OPTION VALUE` pairs over a copy of `defaults` (option: default
    value), each of `flags` True where given, else False; the words that are
    not options in a list where `positional`. ValueError on anything else."""
    opt, words, args = dict(defaults), [], list(argv)
    opt.update((f, False) for f in flags)
    while args:
        a = args.pop(0)
        if a in flags:
            opt[a] = True
        elif a in defaults and args:
            opt[a] = args.pop(0)
        elif positional and not a.startswith("-"):
            words.append(a)
        else:
            raise ValueError(f"bad option '{a}'" + (" (no value)" if a in defaults else ""))
    return opt, words


def parse_bound(v):
    """--bound's value: 'exact' or 'fma' (the rule's bound of that name in
    optbench info --json), or a number >= 0 (scale-ULPs, for every step)."""
    if v in ("exact", "fma"):
        return v
    try:
        b = float(v)
    except ValueError:
        raise ValueError(f"--bound '{v}': exact, fma or a number") from None
    if not b >= 0:
        raise ValueError(f"--bound {b}: must be >= 0")
    return b


def parse_check_options(argv, positional=False):
    """The options of a program that checks a rule against its file: --bound
    (parsed), --golden-dir and --json; parse_options otherwise."""
    opt, words = parse_options(argv, {"--bound": "exact", "--golden-dir": None, "--json": None},
                               positional)
    opt["--bound"] = parse_bound(opt["--bound"])
    return opt, words


def usage_error(prog, err, usage):
    """Bad usage: prog, the error and the usage on stderr; the exit status 2."""
    print(f"{prog}: {err}\n{usage}", file=sys.stderr)
    return 2


def finish(prog, json_path, doc, ok):
    """A check's exit status: doc written as JSON to json_path first, if
    given (1 where it cannot be, prog naming the error on stderr), then 0 if
    ok, else 1."""
    if json_path:
        try:
            write_json(json_path, doc)
        except OSError as e:
            print(f"{prog}: {e}", file=sys.stderr)
            return 1
    return 0 if ok else 1


TABLE_HEAD = "%-18s %-24s %13s %10s %9s %9s %9s %6s %9s  %s" % (
    "op", "impl", "cases", "elements", "max err", "mean err", "own max", "bound", "decay max",
    "result")


def table_row(rule, name, st):
    return "%-18s %-24s %13s %10d %9.3f %9.3f %9.3f %6.2f %9.3f  %s" % (
        rule, name, f"{st.cases_passed}/{st.cases_run}", st.elements, st.max_err, st.mean_err,
        st.own_max, st.bound, st.max_err_decay, "PASS" if st.passed else "FAIL")


def report(rule, name, st, out=sys.stdout, details=True):
    """The row as `optbench verify` prints it, with its worst and first failures."""
    print(table_row(rule, name, st), file=out)
    if details and not st.passed and st.worst:
        print(f"  worst of {st.failed_elements} failing elements, {st.other_failures} other "
              f"failures:\n    {st.worst}", file=out)
        if st.first and st.first != st.worst:
            print(f"  first:\n    {st.first}", file=out)


# ---- the command line ------------------------------------------------------------------

USAGE = """usage: python3 -m optbench_golden check --rule R --impl MODULE:FUNCTION
                                  [--golden-dir DIR] [--bound exact|fma|X] [--info FILE]
                                  [--no-own-state] [--arrays numpy|array] [--json FILE]
       python3 -m optbench_golden read FILE...

check   runs FUNCTION (one step of rule R: see `pydoc optbench_golden`) on every
        case of DIR/R.txt (default: the golden/ folder this module is in) and
        prints the row `optbench verify` prints, with the worst failure
  --bound     exact (default) or fma: the rule's bound of `optbench info --json`
              (--info FILE, else $OPTBENCH, build/optbench or optbench on PATH),
              plus 1 per weight-decay term; or a number for every step
  --json FILE also write the row as JSON
read    reads each file strictly and prints its family and case count (ops and
        families checked against `optbench info --json` when optbench runs)
exit status: 0 passed (read: every file read), 1 a failure or an unreadable
file, 2 bad usage"""


def _load_impl(spec):
    mod, sep, attr = spec.partition(":")
    if not sep or not mod or not attr:
        raise ValueError(f"--impl '{spec}': expected MODULE:FUNCTION")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    obj = importlib.import_module(mod)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def main(argv):
    args = list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    cmd, args = args[0], args[1:]
    try:
        if cmd == "read":
            if not args:
                raise ValueError("read: no file")
            try:  # the library's lists when optbench runs, to check ops and families
                fams = families_of(optbench_info())
            except (GoldenError, ValueError):
                fams = None
            for p in args:
                f = load(p, fams)
                print(f"{p}: family {f.family}, {len(f.cases)} cases")
            return 0
        if cmd != "check":
            raise ValueError(f"unknown command '{cmd}'")
        opt, _ = parse_options(args, {"--rule": None, "--impl": None, "--golden-dir": None,
                                      "--bound": "exact", "--info": None, "--arrays": None,
                                      "--json": None}, flags=("--no-own-state",))
        own = not opt["--no-own-state"]
        if not opt["--rule"] or not opt["--impl"]:
            raise ValueError("check needs --rule and --impl")
        bound = parse_bound(opt["--bound"])
        if opt["--arrays"] not in (None, "numpy", "array"):
            raise ValueError(f"--arrays '{opt['--arrays']}': numpy or array")
    except ValueError as e:
        return usage_error("optbench_golden", e, USAGE)
    except GoldenError as e:
        print(f"optbench_golden: {e}", file=sys.stderr)
        return 1
    try:
        info = None
        if opt["--info"]:
            with open(opt["--info"], encoding="utf-8") as fp:
                info = json.load(fp)
        elif not isinstance(bound, float):
            info = optbench_info()
        fn = _load_impl(opt["--impl"])
        st = check_rule(fn, opt["--rule"], opt["--golden-dir"], bound, info, opt["--impl"],
                        own, opt["--arrays"])
    except (GoldenError, OSError, ValueError, ImportError, AttributeError) as e:
        print(f"optbench_golden: {e}", file=sys.stderr)
        return 1
    print(TABLE_HEAD)
    report(opt["--rule"], opt["--impl"], st)
    print("err, own max and bound in scale-ULPs (golden/FORMAT.md); own max: trajectories on "
          "their own state, err/step;\ndecay max: steps with weight decay, allowed bound + 1 per "
          "decay term" + (" (the bound given: for every step)" if isinstance(bound, float)
                          else f" (bound: the rule's '{bound}' of optbench info --json)"))
    return finish("optbench_golden", opt["--json"],
                  {"op": opt["--rule"], "impl": opt["--impl"], **st.as_dict()}, st.passed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
