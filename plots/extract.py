#!/usr/bin/env python3
"""Turn one results folder's speed.json (Google Benchmark JSON) into gnuplot data.

Usage: extract.py RESULTS_DIR

Reads RESULTS_DIR/speed.json and writes RESULTS_DIR/data/, per kernel - an
update rule (sgd, torch_adam, ...), a rule with weight decay (adam+l2,
adam+decoupled), a rule in an option configuration of bench/configs.def
(torch_adam+amsgrad) or a layer kernel (dropout_train, ...), whatever the
results hold:
  <algo>_ns.dat       n, ns/element per variant (1 thread), roofline, memory floor, arithmetic floor
  <algo>_frac.dat     n, fraction of the roofline per variant (1 thread; +omp also on all threads)
  <algo>_speedup.dat  n, speed-up over scalar per variant, then intrinsics over autovec
  <algo>_threads.dat  threads, GB/s of each +omp variant at the two largest sizes, roofline GB/s
  <algo>_meta.gp      column titles, colours, cache-size markers: loaded by plots/*.gp
  summary.dat         per kernel, size band and thread count: best variant, GB/s, % roofline, speed-up
  summary.json        the same with the machine context, for report.py
  charts.txt          "algo kind" per chart that has data (used by make_report.sh)
  mask.dat            from RESULTS_DIR/mask.json if there (bench/mask_layout.c): dropout's mask
                      as bits against bytes, ns/element per direction and size

Only the standard library. Every file is written to a temporary name and renamed.
A rule's state arrays (its traffic and working set) are the rows' "states" counter
(the states the timed hyperparameters use: torch_sgd at momentum 0 has none); rows
without it (older results) count the rule's states in RESULTS_DIR/info.json
(`optbench info --json`, written by scripts/bench.sh; else the build's,
scripts/obinfo.py), less those an option switches on. Each rule's convention (book,
torch) goes into summary.json ("conventions") for the report's labels.
Benchmark names (anything else is ignored, so other rows may share the file):
  step/<algo>[+l2|+decoupled|+<configuration>]/<variant>/n:<n>/threads:<t>
  op/<op>/<variant>/n:<n>/threads:<t>
  roofline/mem/r<r>w<w>/n:<n>/threads:<t>      the rules' memory ceiling
  roofline/stream/<shape>/n:<n>/threads:<t>    a layer kernel's memory ceiling
  roofline/arith/<algo>/threads:<t>
A layer kernel's traffic, working set, roofline shape and OpenMP threshold come
from the context's "optbench_ops" (JSON written by bench/bench_context.c).
With repetitions the "median" aggregate is used, otherwise the median of the iteration rows.
"""
import json
import math
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "scripts"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import obinfo  # noqa: E402  (the rules from `optbench info --json`)

PROG = "extract.py"
# Name components Google Benchmark itself may append; they do not identify a run.
GB_SUFFIX = re.compile(r"^(real_time|process_time|manual_time|iterations:\d+|repeats:\d+|"
                       r"min_time:[0-9.]+s?|min_warmup_time:[0-9.]+s?)$")
PALETTE = ["#000000", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
UNITS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class Fail(Exception):
    pass


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(1)


def warn(msg):
    print(f"{PROG}: warning: {msg}", file=sys.stderr)


def write_atomic(path, text):
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise Fail(f"{path}: no such file (run the speed benchmark first)")
    except OSError as e:
        raise Fail(f"{path}: cannot read: {e.strerror}")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Fail(f"{path}: not UTF-8 text, so not a Google Benchmark JSON file")
    except json.JSONDecodeError as e:
        raise Fail(f"{path}: corrupt JSON at line {e.lineno}, column {e.colno}: {e.msg}"
                   " (a truncated or interrupted run?)")
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise Fail(f"{path}: not Google Benchmark JSON: no \"benchmarks\" list at the top level")
    ctx = doc.get("context")
    if not isinstance(ctx, dict):
        warn(f"{path}: no \"context\" object; machine details and cache sizes unknown")
        ctx = {}
    return ctx, doc["benchmarks"]


def parse_name(name):
    """-> ('step' | 'op', kernel, variant, n, t) | ('mem', r, w, n, t) | ('stream', shape, n, t)
    | ('arith', algo, t) | None"""
    parts = [p for p in name.split("/") if not GB_SUFFIX.match(p)]
    kv = {}
    plain = []
    for p in parts:
        m = re.match(r"^(n|threads):(\d+)$", p)
        if m:
            kv[m.group(1)] = int(m.group(2))
        else:
            plain.append(p)
    t = kv.get("threads", 1)
    if len(plain) == 3 and plain[0] in ("step", "op") and "n" in kv:
        return (plain[0], plain[1], plain[2], kv["n"], t)
    if len(plain) == 3 and plain[:2] == ["roofline", "stream"] and "n" in kv:
        return ("stream", plain[2], kv["n"], t)
    if len(plain) == 3 and plain[:2] == ["roofline", "mem"] and "n" in kv:
        m = re.match(r"^r(\d+)w(\d+)$", plain[2])
        if m:
            return ("mem", int(m.group(1)), int(m.group(2)), kv["n"], t)
    if len(plain) == 3 and plain[:2] == ["roofline", "arith"]:
        return ("arith", plain[2], t)
    return None


def num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0


def median(xs):
    xs = sorted(xs)
    k = len(xs)
    return xs[k // 2] if k % 2 else 0.5 * (xs[k // 2 - 1] + xs[k // 2])


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def ns_per_elem(row, n):
    if num(row.get("ns_per_elem")):
        return float(row["ns_per_elem"])
    if num(row.get("items_per_second")):
        return 1e9 / row["items_per_second"]
    if num(row.get("real_time")) and n:
        return row["real_time"] * UNITS.get(row.get("time_unit", "ns"), 1.0) / n
    return None


def select_rows(path, rows):
    """Group by run name; keep the median aggregate, else the iteration rows."""
    runs = {}   # run name -> {"median": row|None, "iters": [rows]}
    order = []
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or not isinstance(r.get("name"), str):
            raise Fail(f"{path}: benchmarks[{i}] has no \"name\" string")
        if r.get("error_occurred") or r.get("skipped"):
            continue
        rt = r.get("run_type", "iteration")
        if rt == "aggregate":
            agg = r.get("aggregate_name", "")
            run = r.get("run_name")
            if not isinstance(run, str):
                run = r["name"][:-len("_" + agg)] if agg and r["name"].endswith("_" + agg) else r["name"]
        else:
            agg, run = None, r.get("run_name", r["name"])
        if run not in runs:
            runs[run] = {"median": None, "iters": []}
            order.append(run)
        if agg == "median":
            runs[run]["median"] = r
        elif rt != "aggregate":
            runs[run]["iters"].append(r)
    out = []
    for run in order:
        g = runs[run]
        if g["median"] is not None:
            out.append((run, [g["median"]]))
        elif g["iters"]:
            out.append((run, g["iters"]))
    return out


def rule_of(k):
    """The update rule of a kernel name: "adam" for adam, adam+l2, adam+decoupled."""
    return k.split("+", 1)[0]


DECAY_FORMS = ("l2", "decoupled")  # bench/bench_rules.c; any other suffix is a configuration


def kind_of(a):
    """"rule", "decay" (adam+l2) or "option" (torch_adam+amsgrad) for a step/ kernel."""
    form = a.partition("+")[2]
    return "rule" if not form else "decay" if form in DECAY_FORMS else "option"


class Data:
    def __init__(self, path, ctx, rows, info=None):
        self.ctx = ctx
        self.step = {}      # (kernel, variant, n, t) -> ns/elem
        self.bps = {}       # kernel -> [bytes/elem estimates]
        self.mem = {}       # (r, w, n, t) -> bytes/s
        self.stream = {}    # (shape, n, t) -> bytes/s
        self.arith = {}     # (algo, t) -> ns/elem
        self.kind = {}      # kernel -> "rule" | "decay" | "option" | "op"
        self.used = {}      # kernel -> the "states" counter of its rows (states used)
        self.algos, self.variants = [], []   # every kernel, in the order of the results
        try:
            self.opinfo = json.loads(ctx.get("optbench_ops") or "{}")
        except (TypeError, json.JSONDecodeError):
            warn(f"{path}: context \"optbench_ops\" is not JSON; layer kernels have no roofline")
            self.opinfo = {}
        for run, rs in select_rows(path, rows):
            p = parse_name(run)
            if p is None:
                continue
            if p[0] in ("step", "op"):
                kind, a, v, n, t = p
                ns = [x for x in (ns_per_elem(r, n) for r in rs) if x]
                if not ns:
                    warn(f"{path}: {run}: no ns_per_elem, items_per_second or real_time; skipped")
                    continue
                self.step[(a, v, n, t)] = median(ns)
                for r in rs:
                    e = ns_per_elem(r, n)
                    if num(r.get("bytes_per_second")) and e:
                        self.bps.setdefault(a, []).append(r["bytes_per_second"] * e * 1e-9)
                if a not in self.algos:
                    self.algos.append(a)
                    self.kind[a] = "op" if kind == "op" else kind_of(a)
                used = [r["states"] for r in rs if isinstance(r.get("states"), (int, float))]
                if used and kind != "op":
                    self.used[a] = int(round(median(used)))
                if v not in self.variants:
                    self.variants.append(v)
            elif p[0] == "mem":
                _, r_, w, n, t = p
                b = [r["bytes_per_second"] for r in rs if num(r.get("bytes_per_second"))]
                if b:
                    self.mem[(r_, w, n, t)] = median(b)
                else:
                    warn(f"{path}: {run}: no bytes_per_second; skipped")
            elif p[0] == "stream":
                _, shape, n, t = p
                b = [r["bytes_per_second"] for r in rs if num(r.get("bytes_per_second"))]
                if b:
                    self.stream[(shape, n, t)] = median(b)
            else:
                _, a, t = p
                ns = [x for x in (ns_per_elem(r, 1) for r in rs) if x]
                if ns:
                    self.arith[(a, t)] = median(ns)
        if not self.step:
            raise Fail(f"{path}: no step/<algo>/... or op/<op>/... results in it")
        # the results' order is shuffled by the interleaving: the library's order again
        library_order(self)
        # Per kernel: bytes per element moved (the traffic model) and held (the working set).
        # A rule with s state arrays moves 4((2+s)+(1+s)) and holds 4(2+s) bytes per element.
        self.states, self.bpe, self.footprint = {}, {}, {}
        for a in self.algos:
            est = self.bps.get(a)
            if self.kind[a] == "op":
                op = self.opinfo.get(a, {})
                if num(op.get("bytes_read", 0) + op.get("bytes_written", 0)):
                    self.bpe[a] = op.get("bytes_read", 0) + op.get("bytes_written", 0)
                elif est:
                    self.bpe[a] = round(8 * median(est)) / 8
                else:
                    self.bpe[a] = 8.0
                    warn(f"{path}: op/{a}: no traffic model; assuming 8 B/element")
                self.footprint[a] = op.get("footprint") if num(op.get("footprint")) else self.bpe[a]
                continue
            r = obinfo.rule(info, rule_of(a)) if info else None
            if a in self.used:
                s = self.used[a]
            elif r:  # at the defaults: a state an option switches on is off (0)
                s = sum(1 for x in r["states"] if not x.get("condition")
                        or r["hparams"].get(x["condition"]))
            elif est:
                s = round((median(est) / 4 - 3) / 2)
            else:
                s = 1
                warn(f"{path}: step/{a}: not in the rule list and no bytes_per_second; "
                     f"assuming {s} state array")
            self.states[a] = max(s, 0)
            self.bpe[a] = 4 * ((2 + self.states[a]) + (1 + self.states[a]))
            self.footprint[a] = 4 * (2 + self.states[a])
        self.threads = sorted({k[3] for k in self.step})
        self.caches = []   # (label, bytes) for L1 data, L2, L3
        for c in ctx.get("caches", []) or []:
            if not isinstance(c, dict) or not num(c.get("size")) or c.get("type") == "Instruction":
                continue
            lvl = c.get("level")
            if lvl in (1, 2, 3) and lvl not in [x[2] for x in self.caches]:
                lab = "L1d" if lvl == 1 else f"L{lvl}"
                self.caches.append((lab, int(c["size"]), lvl))
        if not self.caches:  # Google Benchmark reads /sys only: the library's own (cpuid)
            for lvl, key in ((1, "optbench_cache_l1d"), (2, "optbench_cache_l2"),
                             (3, "optbench_cache_l3")):
                size = ctx.get(key)
                if str(size).isdigit() and int(size) > 0:
                    self.caches.append(("L1d" if lvl == 1 else f"L{lvl}", int(size), lvl))
        self.caches.sort(key=lambda x: x[2])

    def sizes(self, a, t=None):
        return sorted({k[2] for k in self.step if k[0] == a and (t is None or k[3] == t)})

    def variants_of(self, a, t):
        return [v for v in self.variants if any(k[0] == a and k[1] == v and k[3] == t for k in self.step)]

    def floors(self, a, n, t):
        """(roofline, memory floor, arithmetic floor) in ns/elem; None where unknown.

        The ceilings for t threads are the best measured with 1..t threads, and
        below the library's OpenMP threshold (optbench_omp_threshold in the
        context) the one-thread ones: a +omp variant stays on the calling
        thread there, by design, so a team's ceiling is not within its reach.
        A layer kernel's memory ceiling is the streaming kernel of its shape
        (roofline/stream/<shape>); a kernel that draws random numbers has
        Philox alone as its arithmetic ceiling (roofline/arith/philox)."""
        if n < self.omp_threshold(a):
            t = 1
        if self.kind.get(a) == "op":
            shape = self.opinfo.get(a, {}).get("roofline")
            bws = [self.stream[(shape, n, u)] for u in range(1, t + 1) if self.stream.get((shape, n, u))]
            ar_ = self.opinfo.get(a, {}).get("arith")  # "philox": drawing the numbers alone
            ars = [self.arith[(ar_, u)] for u in range(1, t + 1) if ar_ and self.arith.get((ar_, u))]
        else:
            s = self.states[a]
            bws = [self.mem[(2 + s, 1 + s, n, u)] for u in range(1, t + 1)
                   if self.mem.get((2 + s, 1 + s, n, u))]
            ars = [self.arith[(rule_of(a), u)] for u in range(1, t + 1) if self.arith.get((rule_of(a), u))]
        b = max(bws) if bws else None
        memf = self.bpe[a] / b * 1e9 if b else None
        ar = min(ars) if ars else None
        fl = [x for x in (memf, ar) if x]
        return (max(fl) if fl else None, memf, ar)

    def omp_threshold(self, a):
        """The library's OpenMP threshold for kernel a: a layer kernel's from
        "optbench_ops", a rule's from "sgd:131072,..." (or one number for all,
        older results); a rule with weight decay has its rule's."""
        if self.kind.get(a) == "op":
            x = self.opinfo.get(a, {}).get("omp_threshold", 0)
            return x if isinstance(x, int) else 0
        a = rule_of(a)
        raw = str(self.ctx.get("optbench_omp_threshold", "0") or "0")
        if ":" not in raw:
            return int(raw) if raw.isdigit() else 0
        per = dict(kv.split(":", 1) for kv in raw.split(",") if ":" in kv)
        return int(per.get(a, "0")) if per.get(a, "0").isdigit() else 0

    def frac(self, a, v, n, t):
        ns = self.step.get((a, v, n, t))
        roof = self.floors(a, n, t)[0]
        return roof / ns if ns and roof else None

    def band(self, a, n):
        foot = self.footprint[a] * n
        for lab, size, lvl in self.caches:
            if foot <= size:
                return f"L{lvl}"
        return "DRAM" if self.caches else "all"


def base(v):
    return v[:-4] if v.endswith("+omp") else v


def fmt(x):
    if x is None:
        return "?"
    return str(x) if isinstance(x, int) else f"{x:.6g}"


def size_label(b):
    for unit, k in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= k and b % k == 0:
            return f"{b // k} {unit}"
        if b >= k:
            return f"{b / k:.1f} {unit}"
    return f"{b} B"


def gp_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def gp_array(name, vals):
    vals = list(vals) or [""]
    items = ", ".join(gp_str(v) if isinstance(v, str) else repr(v) for v in vals)
    return f"array {name}[{len(vals)}] = [{items}]\n"


def table(header, rows):
    out = "# " + " ".join(header) + "\n"
    for r in rows:
        out += " ".join(fmt(x) if not isinstance(x, str) else x for x in r) + "\n"
    return out


def series_style(d, v, tmax_series=False):
    """colour by ISA, dashed for +omp on 1 thread, squares for +omp on all threads."""
    bases = []
    for x in d.variants:
        if base(x) not in bases:
            bases.append(base(x))
    col = PALETTE[bases.index(base(v)) % len(PALETTE)]
    if tmax_series:
        return col, 1, 5, 2.5
    return (col, 2, 6, 1.5) if v.endswith("+omp") else (col, 1, 7, 1.5)


# ---- noise (issue 14): which points plots/noise.py found unreliable, and the
# fractions of the roofline that can only be measurement errors --------------

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import noise  # noqa: E402


class Noise:
    """A run's unreliable points (spread of the repetitions above the limit),
    by parsed name; empty for a run from before plots/noise.py."""

    def __init__(self, results):
        doc = noise.load_noise(results) or {}
        self.limit = doc.get("limits", {}).get("spread", noise.SPREAD_LIMIT)
        self.bad = set()
        for run, p in doc.get("points", {}).items():
            if p.get("spread") is not None and p["spread"] > self.limit:
                self.bad.add(parse_name(run))
        self.roof_errors = []  # names of the points above noise.ROOF_LIMIT of their roofline

    def step(self, d, a, v, n, t):
        """Whether (a, v, n, t)'s own time is unreliable (a +omp variant on one
        thread stands in for its ISA's time)."""
        k = "op" if d.kind.get(a) == "op" else "step"
        return (k, a, v, n, t) in self.bad or (t == 1 and (k, a, base(v), n, 1) in self.bad)

    def ceiling(self, d, a, n, t):
        """Whether any ceiling measurement the roofline of (a, n, t) draws on is unreliable."""
        if n < d.omp_threshold(a):
            t = 1
        for u in range(1, t + 1):
            if d.kind.get(a) == "op":
                info = d.opinfo.get(a, {})
                if ("stream", info.get("roofline"), n, u) in self.bad or \
                        ("arith", info.get("arith"), u) in self.bad:
                    return True
            else:
                s = d.states.get(a, 0)
                if ("mem", 2 + s, 1 + s, n, u) in self.bad or ("arith", rule_of(a), u) in self.bad:
                    return True
        return False

    def frac(self, d, a, v, n, t):
        return self.step(d, a, v, n, t) or self.ceiling(d, a, n, t)

    def check_roof(self, d, a, v, n, t):
        """The fraction of the roofline, or None where it exceeds noise.ROOF_LIMIT:
        a kernel cannot beat its own ceiling, so that number is not a result (noted
        once in roof_errors, whether a chart or a table met it)."""
        f = d.frac(a, v, n, t)
        if f is not None and f > noise.ROOF_LIMIT:
            e = f"{a}/{v}/n:{n}/threads:{t} at {100 * f:.0f} %"
            if e not in self.roof_errors:
                self.roof_errors.append(e)
            return None
        return f


def library_order(d):
    """Kernels and variants in the library's own order (the rules, the rules with L2
    decay, with decoupled decay, in their option configurations, the layer kernels; the ISAs, then their +omp forms,
    in the variant registry's order), read from the
    context bench/bench_context.c writes: with the repetitions interleaved the results come
    in a shuffled order, which would reorder the tables and recolour the charts."""
    rules = [kv.split(":", 1)[0] for kv in str(d.ctx.get("optbench_omp_threshold", "")).split(",")]
    ops = list(d.opinfo)
    forms = ["", "+l2", "+decoupled"]

    def kernel_key(a):
        r, _, form = a.partition("+")
        if r in rules:
            # the option configurations after the decay forms
            return (0, 0 if not form else forms.index("+" + form) if "+" + form in forms
                    else len(forms), rules.index(r), a)
        return (1, ops.index(a), 0, a) if a in ops else (2, 0, 0, a)
    reg = [kv.split(":", 1)[0] for kv in str(d.ctx.get("optbench_variants", "")).split(",")]
    d.algos.sort(key=kernel_key)
    d.variants.sort(key=lambda v: (v.endswith("+omp"), reg.index(base(v)) if base(v) in reg else len(reg), v))


def size_text(n):
    """2^k for a power of two (gnuplot's enhanced text), the number otherwise."""
    return f"2^{{{n.bit_length() - 1}}}" if n & (n - 1) == 0 else str(n)


def write_overlay(path, rows, marks):
    """The marked points of a chart's rows ([x, y1, y2, ...]): marks(col, x) is
    True for an unreliable point. One "x y" line each; gnuplot draws them with
    their own point type over the chart."""
    pts = [(r[0], y) for r in rows for i, y in enumerate(r[1:]) if y is not None and marks(i, r[0])]
    write_atomic(path, "# points whose repetitions spread beyond the limit (plots/noise.py)\n"
                 + "".join(f"{fmt(x)} {fmt(y)}\n" for x, y in pts))
    return len(pts)


def extract(results):
    path = os.path.join(results, "speed.json")
    ctx, rows = load(path)
    try:
        info = obinfo.find(results)
    except obinfo.Error as e:
        warn(f"{e}; state arrays estimated from bytes_per_second")
        info = None
    d = Data(path, ctx, rows, info)
    out = os.path.join(results, "data")
    os.makedirs(out, exist_ok=True)
    nz = Noise(results)
    tmax = d.threads[-1]
    charts, summary = [], []
    for a in d.algos:
        bpe, foot = d.bpe[a], d.footprint[a]
        ns_t1 = d.sizes(a, 1)
        v1 = d.variants_of(a, 1)
        omp = [v for v in d.variants_of(a, tmax) if v.endswith("+omp")] if tmax > 1 else []
        # fraction and speed-up charts: each ISA on 1 thread, its +omp form on all threads
        # (a +omp variant on 1 thread is its ISA's code: it only adds near-duplicate lines)
        p1 = [v for v in v1 if not v.endswith("+omp") or base(v) not in v1]
        title = a.replace("_", "\\_")  # not a subscript in gnuplot's enhanced text
        if d.kind[a] == "op" and d.opinfo.get(a, {}).get("batch_features"):
            title += f" (batch x {d.opinfo[a]['batch_features']} features)"
        meta = (f"# generated by plots/extract.py from {path}\n"
                f"algo_title = {gp_str(title)}\nstates = {d.states.get(a, 0)}\nbpe = {bpe}\n"
                f"tmax = {tmax}\nfootprint = {foot}\n"
                f"noise_pct = {100 * nz.limit:g}\nroof_limit_pct = {100 * noise.ROOF_LIMIT:g}\n")
        cn = [(lab, int(size / foot)) for lab, size, _ in d.caches]
        allsz = d.sizes(a)
        meta += f"nmin = {allsz[0]}\nnmax = {allsz[-1]}\n"
        meta += f"ncache = {len(cn)}\n" + gp_array("cache_n", [x[1] for x in cn] or [1])
        meta += gp_array("cache_label", [f"{lab} {size_label(size)}" for lab, size, _ in d.caches])

        def styles(prefix, names, tm):
            st = [series_style(d, v, t) for v, t in zip(names, tm)]
            return (gp_array(prefix + "_lc", [x[0] for x in st]) + gp_array(prefix + "_dt", [x[1] for x in st]) +
                    gp_array(prefix + "_pt", [x[2] for x in st]) + gp_array(prefix + "_lw", [x[3] for x in st]))

        if d.kind[a] in ("decay", "option"):
            # a rule with weight decay or in an option configuration: in the summary
            # and goals.py's table only; its four sizes would add a dozen near-copies
            # of the rule's own charts
            write_atomic(os.path.join(out, f"{a}_meta.gp"), meta)
            ns_t1 = []
        if ns_t1 and v1:
            # 1. ns per element
            rows_ = []
            for n in ns_t1:
                roof, memf, ar = d.floors(a, n, 1)
                rows_.append([n] + [d.step.get((a, v, n, 1)) for v in v1] + [roof, memf, ar])
            write_atomic(os.path.join(out, f"{a}_ns.dat"),
                         f"# {a}: ns per element, 1 thread; roofline = max(memory floor, arithmetic floor)\n"
                         + table(["n"] + v1 + ["roofline", "mem_floor", "arith_floor"], rows_))
            meta += f"ns_nv = {len(v1)}\n" + gp_array("ns_title", v1) + styles("ns", v1, [False] * len(v1))
            meta += f"ns_noisy = {write_overlay(os.path.join(out, f'{a}_ns_noise.dat'), [r[:len(v1) + 1] for r in rows_], lambda i, n: nz.step(d, a, v1[i], n, 1))}\n"
            meta += f"has_arith = {1 if any(r[-1] for r in rows_) else 0}\n"
            meta += "arith_title = " + gp_str("Philox floor (drawing the numbers alone)" if d.kind[a] == "op"
                                              else "arithmetic floor (sqrt, division)") + "\n"
            charts.append((a, "ns"))
            # 2. fraction of roofline
            fr_names = p1 + [f"{v}, {tmax} threads" for v in omp]
            fr_rows = [[n] + [nz.check_roof(d, a, v, n, 1) for v in p1] + [nz.check_roof(d, a, v, n, tmax) for v in omp]
                       for n in sorted(set(ns_t1) | set(d.sizes(a, tmax)))]
            fr_vt = [(v, 1) for v in p1] + [(v, tmax) for v in omp]
            meta += f"fr_noisy = {write_overlay(os.path.join(out, f'{a}_frac_noise.dat'), fr_rows, lambda i, n: nz.frac(d, a, fr_vt[i][0], n, fr_vt[i][1]))}\n"
            err = [[n] + [noise.ROOF_LIMIT if (d.frac(a, v, n, t) or 0) > noise.ROOF_LIMIT else None
                          for v, t in fr_vt] for n in [r[0] for r in fr_rows]]
            meta += f"fr_errors = {write_overlay(os.path.join(out, f'{a}_frac_errors.dat'), err, lambda i, n: True)}\n"
            if any(x for r in fr_rows for x in r[1:]):
                write_atomic(os.path.join(out, f"{a}_frac.dat"),
                             f"# {a}: fraction of the same-run roofline (roofline ns / measured ns)\n"
                             + table(["n"] + [x.replace(", ", "@").replace(" threads", "t") for x in fr_names], fr_rows))
                meta += f"fr_nv = {len(fr_names)}\n" + gp_array("fr_title", fr_names) + \
                    styles("fr", p1 + omp, [False] * len(p1) + [True] * len(omp))
                charts.append((a, "frac"))
            elif any(x for r in err for x in r[1:]):
                warn(f"{a}: every fraction of the roofline is above {100 * noise.ROOF_LIMIT:.0f} % "
                     "(measurement errors, e.g. an unoptimised build's ceiling): no frac chart")
            # 3. speed-up over scalar; intrinsics over autovec
            if "scalar" in v1:
                sp = [v for v in p1 if v != "scalar"]
                sp_names = sp + [f"{v}, {tmax} threads" for v in omp]
                av = [v for v in v1 if v not in ("scalar", "autovec") and not v.endswith("+omp")] \
                    if "autovec" in v1 else []
                sp_rows = []
                for n in ns_t1:
                    sc = d.step.get((a, "scalar", n, 1))

                    def ratio(num_, den):
                        return num_ / den if num_ and den else None
                    sp_rows.append([n] + [ratio(sc, d.step.get((a, v, n, 1))) for v in sp]
                                   + [ratio(sc, d.step.get((a, v, n, tmax))) for v in omp]
                                   + [ratio(d.step.get((a, "autovec", n, 1)), d.step.get((a, v, n, 1))) for v in av])
                write_atomic(os.path.join(out, f"{a}_speedup.dat"),
                             f"# {a}: speed-up over scalar (1 thread) per variant, then intrinsics over autovec\n"
                             + table(["n"] + [x.replace(", ", "@").replace(" threads", "t") for x in sp_names]
                                     + [f"{v}/autovec" for v in av], sp_rows))
                sp_vt = [(v, 1) for v in sp] + [(v, tmax) for v in omp] + [(v, 1) for v in av]
                nl = len(sp) + len(omp)  # the left panel's columns; the rest: the right panel's
                meta += f"sp_noisy = {write_overlay(os.path.join(out, f'{a}_speedup_noise.dat'), [r[:nl + 1] for r in sp_rows], lambda i, n: nz.step(d, a, sp_vt[i][0], n, sp_vt[i][1]) or nz.step(d, a, 'scalar', n, 1))}\n"
                meta += f"av_noisy = {write_overlay(os.path.join(out, f'{a}_speedup_av_noise.dat'), [r[:1] + r[nl + 1:] for r in sp_rows], lambda i, n: nz.step(d, a, av[i], n, 1) or nz.step(d, a, 'autovec', n, 1))}\n"
                meta += f"sp_nv = {len(sp_names)}\n" + gp_array("sp_title", sp_names) + \
                    styles("sp", sp + omp, [False] * len(sp) + [True] * len(omp))
                meta += f"av_nv = {len(av)}\n" + gp_array("av_title", [f"{v} over autovec" for v in av]) + \
                    styles("av", av, [False] * len(av))
                charts.append((a, "speedup"))
        # 4. thread scaling of +omp variants at the two largest sizes
        # (a +omp variant on one thread calls its ISA's kernel directly: where the
        # results have no 1-thread row for it, the ISA's own time stands in)
        ompv = [v for v in d.variants if v.endswith("+omp") and len({k[3] for k in d.step
                                                                    if k[0] == a and k[1] in (v, base(v))}) > 1
                and d.kind[a] not in ("decay", "option")]
        if ompv:
            big = [n for n in d.sizes(a) if all(any((a, v, n, t) in d.step or (t == 1 and (a, base(v), n, 1) in d.step)
                                                    for v in ompv) for t in d.threads)][-2:][::-1]
            th_names, th_st, th_rows = [], [], []
            for n in big:
                for v in ompv:
                    th_names.append(f"{v}, n = {size_text(n)}")
                    c, dt, pt, lw = series_style(d, v)
                    th_st.append((c, 1 if n == big[0] else 2, 7 if n == big[0] else 6, 1.5))
            for n in big:
                th_names.append(f"roofline, n = {size_text(n)}")
                th_st.append(("#000000", 1 if n == big[0] else 2, 0, 3))
            for t in d.threads:
                r = [t]
                for n in big:
                    for v in ompv:
                        ns = d.step.get((a, v, n, t)) or (d.step.get((a, base(v), n, 1)) if t == 1 else None)
                        r.append(bpe / ns if ns else None)
                for n in big:
                    roof = d.floors(a, n, t)[0]
                    r.append(bpe / roof if roof else None)
                th_rows.append(r)
            if big:
                write_atomic(os.path.join(out, f"{a}_threads.dat"),
                             f"# {a}: GB/s (traffic model, {bpe} B/element) against threads\n"
                             + table(["threads"] + [x.replace(", n = ", "@n").replace("^", "") for x in th_names], th_rows))
                meta += f"th_nv = {len(th_names)}\n" + gp_array("th_title", th_names)
                th_key = [(n, v) for n in big for v in ompv]
                meta += f"th_noisy = {write_overlay(os.path.join(out, f'{a}_threads_noise.dat'), [r[:len(th_key) + 1] for r in th_rows], lambda i, t: nz.step(d, a, th_key[i][1], th_key[i][0], t))}\n"
                meta += (gp_array("th_lc", [x[0] for x in th_st]) + gp_array("th_dt", [x[1] for x in th_st]) +
                         gp_array("th_pt", [x[2] for x in th_st]) + gp_array("th_lw", [x[3] for x in th_st]))
                charts.append((a, "threads"))
        write_atomic(os.path.join(out, f"{a}_meta.gp"), meta)
        # summary: per band and thread count (1 and all)
        for t in sorted({1, tmax}):
            bands = {}
            for n in d.sizes(a, t):
                bands.setdefault(d.band(a, n), []).append(n)
            for band in ["L1", "L2", "L3", "DRAM", "all"]:
                ns_ = bands.get(band)
                if not ns_:
                    continue
                best = None
                for v in d.variants_of(a, t):
                    vals = [d.step.get((a, v, n, t)) for n in ns_]
                    if None in vals:
                        continue
                    g = geomean(vals)
                    if best is None or g < best[1]:
                        best = (v, g)
                if best is None:
                    continue
                v, g = best
                fr = [d.frac(a, v, n, t) for n in ns_]
                noisy_pts = sum(1 for n in ns_ if nz.frac(d, a, v, n, t))
                roof_err = any([nz.check_roof(d, a, v, n, t) is None and f is not None
                                for n, f in zip(ns_, fr)])
                sc = [d.step.get((a, "scalar", n, 1)) / d.step[(a, v, n, t)] for n in ns_
                      if (a, "scalar", n, 1) in d.step]
                summary.append({
                    "algo": a, "band": band, "threads": t, "n_min": min(ns_), "n_max": max(ns_),
                    "sizes": len(ns_), "best": v, "gbps": bpe / g,
                    "roof_pct": 100 * geomean(fr) if None not in fr else None,
                    "roof_pct_min": 100 * min(fr) if None not in fr else None,
                    "speedup_scalar": geomean(sc) if len(sc) == len(ns_) else None,
                    "unreliable": noisy_pts, "roof_error": roof_err})
    srows = [[r["algo"], r["band"], r["threads"], r["n_min"], r["n_max"], r["best"], r["gbps"],
              r["roof_pct"], r["roof_pct_min"], r["speedup_scalar"]] for r in summary]
    write_atomic(os.path.join(out, "summary.dat"),
                 "# per kernel, size band (working set against the caches) and threads:\n"
                 "# best variant by geometric-mean time over the band's sizes; GB/s from the traffic model;\n"
                 "# % of roofline (geometric mean and worst size); speed-up over scalar on 1 thread\n"
                 + table(["algo", "band", "threads", "n_min", "n_max", "best", "GB/s",
                          "roof%", "roof%_min", "x_scalar"], srows))
    conventions = {r["name"]: r.get("convention", "book") for r in (info or {}).get("rules", [])}
    meta = {"source": os.path.abspath(path), "context": ctx, "algos": d.algos, "kinds": d.kind,
            "conventions": {a: conventions[rule_of(a)] for a in d.algos if rule_of(a) in conventions},
            "variants": d.variants, "threads": d.threads, "states": d.states, "bytes_per_elem": d.bpe,
            "footprint": d.footprint,
            "caches": [{"label": lab, "bytes": size} for lab, size, _ in d.caches],
            "charts": [{"algo": a, "kind": k} for a, k in charts], "summary": summary,
            "roof_errors": nz.roof_errors}
    meta["mask"] = mask_layout(results, out)
    write_atomic(os.path.join(out, "summary.json"), json.dumps(meta, indent=1) + "\n")
    write_atomic(os.path.join(out, "charts.txt"), "".join(f"{a} {k}\n" for a, k in charts))
    return d, charts


def mask_layout(results, out):
    """mask/<bits|bytes>/<forward|backward>/n:<n> from mask.json: rows of
    {direction, n, bits, bytes} in ns/element, bytes/bits the slowdown; [] if absent."""
    path = os.path.join(results, "mask.json")
    if not os.path.exists(path):
        return []
    try:
        _, rows = load(path)
    except Fail as e:
        warn(str(e))
        return []
    t = {}
    for run, rs in select_rows(path, rows):
        parts = [p for p in run.split("/") if not GB_SUFFIX.match(p)]
        m = re.match(r"^n:(\d+)$", parts[-1]) if parts else None
        if len(parts) != 4 or parts[0] != "mask" or not m:
            continue
        n = int(m.group(1))
        ns = [x for x in (ns_per_elem(r, n) for r in rs) if x]
        if ns:
            t[(parts[1], parts[2], n)] = median(ns)
    res = []
    for d_ in ("forward", "backward"):
        for n in sorted({k[2] for k in t if k[1] == d_}):
            b, y = t.get(("bits", d_, n)), t.get(("bytes", d_, n))
            res.append({"direction": d_, "n": n, "bits": b, "bytes": y,
                        "bytes_over_bits": y / b if b and y else None})
    write_atomic(os.path.join(out, "mask.dat"),
                 "# dropout's mask: ns per element with a bit mask and a byte mask (bench/mask_layout.c)\n"
                 + table(["direction", "n", "bits", "bytes", "bytes/bits"],
                         [[r["direction"], r["n"], r["bits"], r["bytes"], r["bytes_over_bits"]] for r in res]))
    return res


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr if len(argv) != 2 else sys.stdout)
        return 2 if len(argv) != 2 else 0
    try:
        d, charts = extract(argv[1])
    except Fail as e:
        die(str(e))
    except OSError as e:
        die(f"{e.filename or argv[1]}: {e.strerror}")
    print(f"{PROG}: {len(d.algos)} kernels, {len(d.variants)} variants, threads {d.threads}: "
          f"{len(charts)} charts' data in {os.path.join(argv[1], 'data')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
