#!/usr/bin/python3
"""optbench_golden (golden/python): the metric on hand-computed cases, the
reader on a good file and on broken ones - each broken file's message
compared with the C reader's (`optbench verify --golden-dir`), word for
word - and the checker: its behaviours on hand-made callables, and its
numbers against `optbench verify` on optbench's own ob_step (through
ctypes), which must be the same to the last digit.

Usage: test_python_module.py OPTBENCH LIBOPTBENCH.so|-   (unittest; NumPy for
the ctypes comparison and the NumPy-array mode, skipped without it; - : no
library to load, that comparison skipped)
"""
import array
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "golden", "python"), os.path.join(ROOT, "examples", "python")]
sys.dont_write_bytecode = True
import optbench_golden as og  # noqa: E402

try:
    import numpy as np
except ImportError:
    np = None

OPTBENCH = LIB = None
INFO = None

# Two cases of SGD, values worked out by hand: case a, lr 1/2:
#   p0 = 1 - (1/2)*2 = +0 (scale max(|p|, |lr*g|) = 1);
#   p1 = -0 - (1/2)*(1/4) = -1/8 (scale 1/8).
# case b, the book's quadratic from (1, 1), lr 1/2: step 1 g = (f32(1/10), 2),
#   x = 1 - f32(0.1)/2 = 0x1.e666666p-1, rounded 0x1.e66666p-1; y = 1 - 1 = 0;
#   step 2 g = (f32(x/10) = 0x1.851eb8p-4, 0), x = 0x1.ce147a8p-1 (a tie,
#   rounded to even 0x1.ce147ap-1), y = 0.
GOOD = """optbench-golden 4
family sgd
cases 2
# a comment
case a
note one step
op sgd
float lr 0x1p-1
int t 1
in p 2 0x1p+0 -0x0p+0
in g 2 0x1p+1 0x1p-2
out p 2
0x0p+0 0x0p+0 0x1p+0
-0x1p-3 -0x1p-3 0x1p-3
end
case b
note a trajectory
op sgd
grad quadratic
step 1
float lr 0x1p-1
int t 1
in p 2 0x1p+0 0x1p+0
in g 2 0x1.99999ap-4 0x1p+1
out p 2
0x1.e666666p-1 0x1.e66666p-1 0x1p+0
0x0p+0 0x0p+0 0x1p+0
step 2
float lr 0x1p-1
int t 2
in g 2 0x1.851eb8p-4 0x0p+0
out p 2
0x1.ce147a8p-1 0x1.ce147ap-1 0x1.e66666p-1
0x0p+0 0x0p+0 0x0p+0
end
"""

# (what, old, new): the good file with one change the reader must refuse
BROKEN = [
    ("old version", "optbench-golden 4\n", "optbench-golden 3\n"),
    ("kernel version", "optbench-golden 4\n", "optbench-golden-ops 1\n"),
    ("future version", "optbench-golden 4\n", "optbench-golden 5\n"),
    ("comment first", "optbench-golden 4\n", "# x\noptbench-golden 4\n"),
    ("unknown family", "family sgd", "family nosuch"),
    ("family line", "family sgd", "family sgd x"),
    ("fewer cases", "cases 2", "cases 3"),
    ("more cases", "cases 2", "cases 1"),
    ("leading zero", "cases 2", "cases 02"),
    ("duplicate id", "case b\n", "case a\n"),
    ("note trailing space", "note one step", "note one step "),
    ("no note", "note one step\n", ""),
    ("other family's op", "op sgd\nfloat lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -",
     "op adam\nfloat lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -"),
    ("unknown op", "op sgd\ngrad", "op nosuch\ngrad"),
    ("outside what", "op sgd\nfloat lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -",
     "op sgd\noutside maybe\nfloat lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -"),
    ("outside after grad", "grad quadratic\n", "grad quadratic\noutside refused\n"),
    ("grad what", "grad quadratic", "grad linear"),
    ("blank line", "case b\n", "\ncase b\n"),
    ("trailing space", "int t 1\nin p 2 0x1p+0 -", "int t 1 \nin p 2 0x1p+0 -"),
    ("double space", "float lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -",
     "float  lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -"),
    ("tab", "note one step", "note one\tstep"),
    ("non-ASCII", "note a trajectory", "note a tr\u00e4jectory"),
    ("not canonical", "float lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -",
     "float lr 0x1.0p-1\nint t 1\nin p 2 0x1p+0 -"),
    ("exponent zero", "in p 2 0x1p+0 -0x0p+0", "in p 2 0x1p+00 -0x0p+0"),
    ("minus zero exponent", "in p 2 0x1p+0 -0x0p+0", "in p 2 0x1p-0 -0x0p+0"),
    ("not float32", "in p 2 0x1p+0 -0x0p+0", "in p 2 0x1.000001p+0 -0x0p+0"),
    ("beyond float32", "in p 2 0x1p+0 -0x0p+0", "in p 2 0x1p+128 -0x0p+0"),
    ("beyond double", "in p 2 0x1p+0 -0x0p+0", "in p 2 0x1p+1024 -0x0p+0"),
    ("underflow", "in p 2 0x1p+0 -0x0p+0", "in p 2 0x1p-1075 -0x0p+0"),
    ("minus nan", "in p 2 0x1p+0 -0x0p+0", "in p 2 -nan -0x0p+0"),
    ("decimal", "in p 2 0x1p+0 -0x0p+0", "in p 2 1.0 -0x0p+0"),
    ("uppercase hex", "in g 2 0x1.99999ap-4", "in g 2 0x1.99999Ap-4"),
    ("count", "in p 2 0x1p+0 -0x0p+0", "in p 3 0x1p+0 -0x0p+0"),
    ("rounded", "-0x1p-3 -0x1p-3 0x1p-3", "-0x1p-3 -0x1p-2 0x1p-3"),
    ("signs", "-0x1p-3 -0x1p-3 0x1p-3", "-0x1p-3 0x1p-3 0x1p-3"),
    ("nan rounded", "-0x1p-3 -0x1p-3 0x1p-3", "-0x1p-3 nan 0x1p-3"),
    ("zero exact", "0x0p+0 0x0p+0 0x1p+0\n-0x1p-3", "0x0p+0 0x1p-149 0x1p+0\n-0x1p-3"),
    ("negative scale", "-0x1p-3 -0x1p-3 0x1p-3", "-0x1p-3 -0x1p-3 -0x1p-3"),
    ("minus zero scale", "-0x1p-3 -0x1p-3 0x1p-3", "-0x1p-3 -0x1p-3 -0x0p+0"),
    ("inf scale", "-0x1p-3 -0x1p-3 0x1p-3", "-0x1p-3 -0x1p-3 inf"),
    ("element fields", "-0x1p-3 -0x1p-3 0x1p-3", "-0x1p-3 -0x1p-3"),
    ("short out", "-0x1p-3 -0x1p-3 0x1p-3\nend\ncase b", "end\ncase b"),
    ("order", "int t 1\nin p 2 0x1p+0 -", "in p 2 0x1p+0 -0x0p+0\nint t 1\nin q 2 0x1p+0 -"),
    ("step number", "step 2", "step 3"),
    ("carried input", "in g 2 0x1.851eb8p-4", "in p 2 0x1p+0 0x1p+0\nin g 2 0x1.851eb8p-4"),
    ("step after records", "op sgd\nfloat lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -",
     "op sgd\nfloat lr 0x1p-1\nstep 1\nint t 1\nin p 2 0x1p+0 -"),
    ("quadratic gradient", "in g 2 0x1.851eb8p-4 0x0p+0", "in g 2 0x1.851ebap-4 0x0p+0"),
    ("quadratic sign", "in g 2 0x1.851eb8p-4 0x0p+0", "in g 2 0x1.851eb8p-4 -0x0p+0"),
    ("end args", "0x0p+0 0x0p+0 0x0p+0\nend", "0x0p+0 0x0p+0 0x0p+0\nend x"),
    ("no end", "0x0p+0 0x0p+0 0x0p+0\nend\n", "0x0p+0 0x0p+0 0x0p+0\n"),
    ("no newline", "0x0p+0 0x0p+0 0x0p+0\nend\n", "0x0p+0 0x0p+0 0x0p+0\nend"),
    ("unknown record", "int t 2\n", "int t 2\nfrob x\n"),
    ("bad name", "in p 2 0x1p+0 -0x0p+0", "in P 2 0x1p+0 -0x0p+0"),
    ("no name", "int t 2\n", "int\n"),
    ("name twice", "int t 1\nin p 2 0x1p+0 -", "int t 1\nfloat t 0x1p+0\nin p 2 0x1p+0 -"),
    ("int sign", "int t 2", "int t -2"),
    ("int range", "int t 2", "int t 18446744073709551616"),
    ("word", "int t 2\n", "int t 2\nword kind Book\n"),
    ("mask bits", "int t 2\n", "int t 2\nmask m 3 0f\n"),
    ("mask digits", "int t 2\n", "int t 2\nmask m 9 0f\n"),
    ("mask hex", "int t 2\n", "int t 2\nmask m 8 0F\n"),
    ("mask empty", "int t 2\n", "int t 2\nmask m 0 00\n"),
    ("trailing data", "0x0p+0 0x0p+0 0x0p+0\nend\n", "0x0p+0 0x0p+0 0x0p+0\nend\nextra\n"),
]


def write(d, text):
    path = os.path.join(d, "sgd.txt")
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))
    return path


class Metric(unittest.TestCase):
    def test_ulp(self):
        self.assertEqual(og.ulp(1.0), 2.0**-23)
        self.assertEqual(og.ulp(1.9999), 2.0**-23)
        self.assertEqual(og.ulp(-3.0), 2.0**-22)
        self.assertEqual(og.ulp(2.0**-126), 2.0**-149)
        self.assertEqual(og.ulp(2.0**-127), 2.0**-149)  # subnormal: the smallest spacing
        self.assertEqual(og.ulp(0.0), 2.0**-149)
        self.assertEqual(og.ulp(math.nan), 2.0**-149)
        self.assertEqual(og.ulp(math.inf), math.inf)

    def test_scale_ulps(self):
        m = og.scale_ulps
        self.assertEqual(m(1 + 2.0**-23, 1.0, 1.0, 0.0), 1.0)
        self.assertEqual(m(1 + 2.0**-23, 1.0, 1.0, 4.0), 0.25)  # ulp(4) = 2^-21
        self.assertEqual(m(1.0, 1 + 2.0**-25, 1.0, 0.0), 0.25)  # against exact, not rounded
        self.assertEqual(m(math.nan, math.nan, math.nan, 0.0), 0.0)
        self.assertEqual(m(1.0, math.nan, math.nan, 0.0), math.inf)
        self.assertEqual(m(-math.inf, -1e39, -math.inf, 0.0), 0.0)  # exact overflows float32
        self.assertEqual(m(og.FLT_MAX, 1e39, math.inf, 0.0), math.inf)
        self.assertEqual(m(math.inf, 1.0, 1.0, 0.0), math.inf)
        self.assertEqual(m(-0.0, 0.0, 0.0, 1.0), math.inf)  # strict zero sign
        self.assertEqual(m(-0.0, 0.0, 0.0, 1.0, strict_zero=False), 0.0)
        self.assertEqual(m(2.0**-149, -0.0, -0.0, 0.0), 1.0)  # a residue is measured
        self.assertEqual(m(3.0, 1.0, 1.0, math.inf), 2.0 / 2.0**-23)  # inf scale left out

    def test_formats(self):
        self.assertEqual(og.fmt_a(0.1), "0x1.999999999999ap-4")
        self.assertEqual(og.fmt_a(-0.0), "-0x0p+0")
        self.assertEqual(og.fmt_a(1.0), "0x1p+0")
        self.assertEqual(og.fmt_a(5e-324), "0x0.0000000000001p-1022")
        self.assertEqual(og.f32(1 + 2.0**-24), 1.0)  # a tie, to even
        self.assertEqual(og.f32(3.5e38), math.inf)
        self.assertEqual(og.nextafter32(1.0, 2.0), 1 + 2.0**-23)
        self.assertEqual(og.nextafter32(-0.0, 1.0), 2.0**-149)


class Reader(unittest.TestCase):
    def test_good(self):
        with tempfile.TemporaryDirectory() as d:
            f = og.load(write(d, GOOD), og.families_of(INFO))
        self.assertEqual((f.family, len(f.cases)), ("sgd", 2))
        a, b = f.cases
        self.assertEqual((a.id, a.line, a.note, b.grad), ("a", 5, "one step", "quadratic"))
        o = a.steps[0].find("out", "p")
        self.assertEqual(o.exact, [0.0, -0.125])
        self.assertTrue(o.dense and o.line == 12)
        self.assertEqual(math.copysign(1, a.steps[0].find("in", "p").values[1]), -1)
        self.assertEqual(b.input(2, "p")[0], [float.fromhex("0x1.e66666p-1"), 0.0])

    def test_broken_like_c(self):
        """Every broken file refused, with the C reader's message word for word."""
        with tempfile.TemporaryDirectory() as d:
            for what, old, new in BROKEN:
                with self.subTest(what):
                    self.assertIn(old, GOOD)
                    path = write(d, GOOD.replace(old, new, 1) if what != "no newline"
                                 else GOOD[:-1])
                    with self.assertRaises(og.GoldenError) as cm:
                        og.load(path, og.families_of(INFO))
                    r = subprocess.run([OPTBENCH, "verify", "--golden-dir", d, "--algo", "sgd",
                                        "--variant", "scalar", "-q"], capture_output=True,
                                       text=True)
                    self.assertEqual(r.returncode, 1)
                    self.assertEqual(str(cm.exception), r.stderr.strip().split("optbench: ")[-1])

    def test_empty_and_missing(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(og.GoldenError, r"sgd.txt:1: empty file"):
                og.load(write(d, ""))
            with self.assertRaisesRegex(og.GoldenError, r"nofile.txt:0: cannot open"):
                og.load(os.path.join(d, "nofile.txt"))

    def test_every_file(self):
        gdir = os.path.join(ROOT, "golden")
        for name in sorted(os.listdir(gdir)):
            if name.endswith(".txt"):
                f = og.load(os.path.join(gdir, name), og.families_of(INFO))
                self.assertEqual(f.family, name[:-4])


def sgd_inplace(p, g, hp, t):
    for i in range(len(p)):
        p[i] = p[i] - hp["lr"] * g[i]  # exact in double, one rounding on the store


class Checker(unittest.TestCase):
    def check(self, fn, text=GOOD, **kw):
        with tempfile.TemporaryDirectory() as d:
            return og.check_rule(fn, "sgd", d, path=write(d, text), info=INFO, **kw)

    def test_in_place_array(self):
        st = self.check(sgd_inplace, arrays="array")
        self.assertTrue(st.passed, st.worst)
        # a: 2 elements; b: 2 steps x 2 fresh + 2 x 2 on its own state
        # the largest error is case b's tie: |0x1.ce147ap-1 - 0x1.ce147a8p-1| = 2^-26,
        # in ulps of its scale 0x1.e66666p-1 (2^-24): 1/4
        self.assertEqual((st.cases_run, st.elements, st.max_err, st.finite), (2, 10, 0.25, 6))
        self.assertEqual(st.bound, 1.0)

    def test_returned_forms(self):
        def as_list(p, g, hp, t):
            return [og.f32(p[i] - hp["lr"] * g[i]) for i in range(len(p))]

        def as_tuple(p, g, hp, t):
            return (as_list(p, g, hp, t),)

        def as_dict(p, g, hp, t):
            return {"p": array.array("f", as_list(p, g, hp, t))}
        for fn in (as_list, as_tuple, as_dict):
            st = self.check(fn, arrays="array")
            self.assertTrue(st.passed, st.worst)

    def test_wrong_value_reported(self):
        def off(p, g, hp, t):
            sgd_inplace(p, g, hp, t)
            if t == 2:
                p[0] = og.nextafter32(og.nextafter32(p[0], 0.0), 0.0)  # 2 ulps off
        st = self.check(off, arrays="array", name="off")
        self.assertFalse(st.passed)
        self.assertEqual(st.cases_passed, 1)
        # fresh: err = (2^-23 + 2^-26) / 2^-24 = 2.25 (the result two ulps below
        # the rounded value, a quarter ulp below the exact one); on its own state
        # the scale is the largest magnitude so far (x was 1 at step 1): the same
        # difference in ulps of 1 (2^-23) is 1.125 <= 2 x bound: passes, 0.5625 a step
        self.assertEqual(st.max_err, 2.25)
        self.assertEqual(st.own_max, 0.5625)
        self.assertEqual(len(st.failures), 1)
        want = ("sgd.txt:16: case 'b' step 2 (line 28), fresh (op sgd, impl off): out p[0] "
                "(line 33): got 0x1.ce1476p-1 (0.902499855), exact 0x1.ce147a8p-1 "
                "(0.90249998867511749), rounded 0x1.ce147ap-1, scale 0x1.e66666p-1: err 2.250 "
                "scale-ULPs > allowed 1.000; inputs: p 0x1.e66666p-1, g 0x1.851eb8p-4")
        self.assertTrue(st.first.endswith(want), st.first)

    def test_zero_sign(self):
        def minus_zero(p, g, hp, t):
            sgd_inplace(p, g, hp, t)
            if t == 1 and len(p) == 2 and p[0] == 0:
                p[0] = -0.0
        st = self.check(minus_zero, arrays="array")
        self.assertIn("out p[0] (line 13): got -0x0p+0", st.first)
        self.assertIn("special value or zero sign mismatch", st.first)

    def test_unread_hyperparameter(self):
        text = GOOD.replace("float lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -",
                            "float lr 0x1p-1\nfloat weight_decay 0x1p-4\nint t 1\nin p 2 0x1p+0 -")
        st = self.check(sgd_inplace, text=text, arrays="array")
        self.assertIn("line 9: the callable did not read hyperparameter 'weight_decay' "
                      "(0.0625), which is not 0", st.first)

    def test_g_modified_and_exception(self):
        def writes_g(p, g, hp, t):
            sgd_inplace(p, g, hp, t)
            g[0] = 0.0

        def raises(p, g, hp, t):
            raise ZeroDivisionError("boom")
        self.assertIn("modified its input 'g'", self.check(writes_g, arrays="array").first)
        self.assertIn("the call raised ZeroDivisionError: boom",
                      self.check(raises, arrays="array").first)

    def test_refused_and_unbounded(self):
        refused = GOOD.replace("op sgd\nfloat lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -",
                               "op sgd\noutside refused\nfloat lr 0x1p-1\nint t 1\nin p 2 0x1p+0 -")
        st = self.check(sgd_inplace, text=refused, arrays="array")
        self.assertIn("outside refused: the call returned and changed an array, want "
                      "ValueError", st.first)
        st = self.check(lambda p, g, hp, t: None, text=refused, arrays="array")
        self.assertIn("outside refused: the call returned, want ValueError", st.first)

        def refuses(p, g, hp, t):
            if hp["lr"] == 0.5 and len(p) == 2 and p[0] == 1 and p[1] == 0:
                raise ValueError("lr")
            sgd_inplace(p, g, hp, t)
        self.assertTrue(self.check(refuses, text=refused, arrays="array").passed)

        def refuses_late(p, g, hp, t):
            p[0] = 5.0
            raise ValueError("after writing")
        self.assertIn("and changed an array", self.check(refuses_late, text=refused,
                                                          arrays="array").first)
        unbounded = refused.replace("outside refused", "outside unbounded")

        def wrong(p, g, hp, t):
            p[0] = 7.0 + hp["lr"]
        st = self.check(wrong, text=unbounded, arrays="array")
        self.assertEqual(st.cases_passed, 1)  # case a unchecked; b fails
        self.assertNotIn("case 'a'", st.first)

    @unittest.skipIf(np is None, "NumPy not installed")
    def test_numpy_dtype(self):
        def f64(p, g, hp, t):
            return p.astype(np.float64) - hp["lr"] * g
        self.assertIn("returned p as float64, not float32", self.check(f64).first)

    def test_bound_given(self):
        st = self.check(sgd_inplace, arrays="array", bound=0.25)  # the tie's quarter
        self.assertTrue(st.passed)
        self.assertEqual(st.bound, 0.25)
        self.assertFalse(self.check(sgd_inplace, arrays="array", bound=0.24).passed)


@unittest.skipIf(np is None, "NumPy not installed")
class AgainstVerify(unittest.TestCase):
    def test_ob_step(self):
        """optbench's ob_step through ctypes, scalar and the widest vector variant
        (FMA: other errors, other bound): the same numbers as the C checker."""
        if LIB == "-":
            self.skipTest("no liboptbench.so to load (a sanitizer build: its runtime must "
                          "come first in the process, which python3 is not built with)")
        import optbench_ctypes
        serial = [v for v in INFO["variants"] if v["supported"] and not v["parallel"]]
        for v in (serial[0], serial[-1]):
            with tempfile.TemporaryDirectory() as d:
                out = os.path.join(d, "v.json")
                subprocess.run([OPTBENCH, "verify", "-q", "--variant", v["name"], "--json", out]
                               + sum((["--algo", r["name"]] for r in INFO["rules"]), []),
                               check=False, capture_output=True)
                with open(out, encoding="utf-8") as fp:
                    rows = {r["op"]: r for r in json.load(fp)["results"] if r["kind"] == "rule"}
            self.assertEqual(sorted(rows), sorted(r["name"] for r in INFO["rules"]))
            for rule, c in rows.items():
                with self.subTest(rule=rule, variant=v["name"]):
                    step = optbench_ctypes.ob_step_callable(LIB, rule, v["name"])
                    st = og.check_rule(step, rule, os.path.join(ROOT, "golden"), info=INFO,
                                       bound="fma" if v["fma"] else "exact")
                    py = st.as_dict()
                    for k in ("cases", "passed", "elements", "failed_elements", "max_err",
                              "own_max", "bound", "max_err_decay", "pass"):
                        self.assertEqual(py[k], c[k], k)
                    self.assertAlmostEqual(py["mean_err"], c["mean_err"], delta=1e-12)

if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    OPTBENCH, LIB = sys.argv[1], sys.argv[2]
    INFO = og.optbench_info(OPTBENCH)
    unittest.main(argv=sys.argv[:1] + sys.argv[3:], verbosity=1)
