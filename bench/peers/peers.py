#!/usr/bin/python3
"""Peers: time PyTorch's CPU optimizers and the textbook's NumPy update rules on
the same sizes and threads as optbench_bench, and write the results in Google
Benchmark's JSON format so the same plotting code reads them.

Usage: peers.py [--algo A]... [--peer P]... [--min-size N] [--max-size N]
                [--numpy-max-size N] [--threads LIST] [--quick] [--min-time S]
                [--info FILE] [--out FILE]

Benchmark names:
  peer/torch/<algo>/n:<n>/threads:<t>           torch.optim.*, foreach=False
  peer/torch-foreach/<algo>/n:<n>/threads:<t>   torch.optim.*, foreach=True
  peer/numpy/<algo>/n:<n>/threads:1             the row's NumPy step
<algo> is a rule of optbench's list at its defaults, or <rule>+<label>, the rule in
an option configuration of bench/configs.def (the rows optbench_bench times beside
the defaults: torch_adam+amsgrad, ...; in the full sweep at 2^10, 2^16, 2^20 and 2^24
only, as optbench_bench, and so are the torch rows when no --algo names a rule);
--algo R selects R and its configurations (a torch R at every size).
Each row's "label" says exactly what ran. Counters: ns_per_elem, bytes_per_second
from optbench's traffic model (bytes/element = 4 * ((2 + s) reads + (1 + s)
writes), s = the state arrays the hyperparameters use: a state an option switches
on counts only when it is on), items_per_second = elements/s.

The rules come from `optbench info --json` (--info FILE, else scripts/obinfo.py
asks $OPTBENCH or build/optbench), which expands impl/include/optbench_algos.def:
each rule's convention (book or torch), hyperparameters (its defaults: the
textbook's, or torch.optim's for a torch row), its torch.optim constructor and
how torch's formula differs from the book's (written to the JSON context), and
its NumPy step (the book's code; for a torch row torch's documented algorithm,
several statements with `if` blocks). A rule with no torch constructor has no
torch rows. The torch rows evaluate the constructor with the hyperparameters'
values (and bool, for the flags). The NumPy rows run the rule's statements as
the book's optimizer classes do: the body of a function called per parameter
array, with p, g, the states by name (zeros at first, or the hyperparameter a
state starts at, torch's initial_accumulator_value; a state the statements
rebind kept as rebound), the hyperparameters and the step number t (1 at the
first step) in scope.

Timing: one optimizer step on one float32 parameter of n elements with its
gradient set (fixed-seed random data). Three warm-up steps (they also create
the optimizer state), one timed step to choose k, one untimed batch of k steps,
then 5 batches of k back-to-back steps timed with time.perf_counter_ns; k is
chosen so that the 5 batches
together take at least --min-time seconds (default 0.05), and k >= 1, so at least
5 timed steps. The reported time is the best batch's mean time per step;
"iterations" is k.

Needs Debian's python3-numpy and python3-torch (for /usr/bin/python3); exits 2
with a message if either is missing. Progress goes to stderr; the JSON is written
to FILE.tmp and renamed.
"""
import argparse
import ast
import datetime
import json
import math
import os
import platform
import re
import socket
import sys
import textwrap
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "scripts"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import obinfo  # noqa: E402  (the rules from `optbench info --json`)

PROG = "peers.py"
PEERS = ["torch", "torch-foreach", "numpy"]
BATCHES = 5
SEED = 20240603
# The largest NumPy size by default (--numpy-max-size overrides): the whole
# 2^8..2^26 range fits the ~4-minute budget on 2 cores (NumPy's Adam at 2^24:
# ~50 ms a step; the default full run measured 2 min 54 s in all), so no cut.
NUMPY_MAX_SIZE_DEFAULT = 1 << 26


CONFIGS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "configs.def")
CONFIG_ROW = re.compile(r'^BENCH_CONFIG\(\s*(\w+),\s*(\w+),\s*"([^"]*)"\)')
# the sizes of a configuration's rows in the full sweep: optbench_bench's for the
# forms other than the defaults (bench/bench_register.c, the weight-decay sizes)
CONFIG_SIZES = {1 << 10, 1 << 16, 1 << 20, 1 << 24}
# what a row's statements and constructor may call besides np: the flags' bool()
BUILTINS = {"bool": bool}


def hparams(rule):
    """The rule's hyperparameters as written (0.01, not 0.00999999978), with a
    configuration's settings over them."""
    return {**{k: obinfo.f32(v) for k, v in rule["hparams"].items()}, **rule.get("settings", {})}


def used_states(rule):
    """The states a step with the rule's hyperparameters reads and writes."""
    hp = hparams(rule)
    return [s for s in rule["states"] if not s.get("condition") or hp.get(s["condition"])]


def configurations(rules, path=CONFIGS):
    """bench/configs.def's rows as rules: '<rule>+<label>' with their settings.
    A row that does not parse, names an unknown rule or sets a field the rule
    does not read is an error naming the file and line."""
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise obinfo.Error(f"{path}: cannot read: {e.strerror}")
    for i, line in enumerate(lines, 1):
        if not line.startswith("BENCH_CONFIG("):
            continue
        m = CONFIG_ROW.match(line)
        rule = rules.get(m.group(1).lower()) if m else None
        if not rule:
            raise obinfo.Error(f"{path}:{i}: not BENCH_CONFIG(ID, label, \"field=value ...\") "
                               "of a rule of the list")
        try:
            settings = {k: float(v) for k, v in (kv.split("=") for kv in m.group(3).split())}
        except ValueError:
            raise obinfo.Error(f"{path}:{i}: settings '{m.group(3)}' are not field=value")
        if set(settings) - set(rule["hparams"]):
            raise obinfo.Error(f"{path}:{i}: {rule['name']} does not read "
                               f"{', '.join(sorted(set(settings) - set(rule['hparams'])))}")
        name = f"{rule['name']}+{m.group(2)}"
        out[name] = {**rule, "name": name, "title": f"{rule['title']} {m.group(3)}",
                     "settings": settings}
    return out


def notes(rules):
    """What the JSON context says about the formulas, from the list."""
    hp = "; ".join(f"{r['title']} " + " ".join(f"{k}={v:g}" for k, v in hparams(r).items())
                   for r in rules)
    diff = " ".join(f"{r['title']} - {r['torch']['note']}." if r["torch"]["ctor"] else
                    f"{r['title']} - no torch peer ({r['torch']['note'] or 'none in torch.optim'})."
                    for r in rules if r["torch"]["note"] or not r["torch"]["ctor"])
    return (f"Hyperparameters are optbench's defaults (a book row's the textbook's, a torch "
            f"row's torch.optim's; a configuration's settings over them): {hp}. Where PyTorch "
            f"differs from the book: {diff or 'nowhere'} NumPy rows are each row's step as "
            "written (the book's code, or torch's documented algorithm for a torch row; "
            "in-place updates where the code has them; a state the step rebinds "
            "is a new array each step; a float64 scalar such as Adam's lr_t times a float32 array "
            "stays float32 in NumPy 1.x); NumPy's elementwise ops are single-threaded.")


def rule_of(name):
    """The rule of a row name: "torch_adam" for torch_adam and torch_adam+amsgrad."""
    return name.split("+", 1)[0]


def err(msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


def import_peers():
    missing = []
    try:
        import numpy  # noqa: F401
    except ImportError:
        missing.append(("numpy", "python3-numpy"))
    try:
        import torch  # noqa: F401
    except ImportError:
        missing.append(("torch", "python3-torch"))
    if missing:
        for mod, pkg in missing:
            err(f"error: Python module '{mod}' not found for {sys.executable}; "
                f"install Debian's package: apt-get install -y {pkg}")
        if not sys.executable.startswith("/usr/bin/"):
            err("note: Debian's packages are for /usr/bin/python3; run peers.py with it")
        sys.exit(2)


# ---- The book's NumPy step and PyTorch, both from the rule's row ------------------

class BookStep:
    """The rule's NumPy statements as the book's optimizer classes run them: the
    state arrays created (zeros) at the first update, t counted from 1. The
    statements become the body of a function of p, g, t and the states (so the
    call costs what the book's method call does), with the hyperparameters and
    np as its globals; it returns p and the states, as rebound or not."""

    def __init__(self, rule):
        import numpy as np
        self.states = [s["name"] for s in rule["states"]]
        src = (f"def step(p, g, t{''.join(', ' + s for s in self.states)}):\n"
               + textwrap.indent(rule["numpy"], "    ") + "\n"
               + f"    return p, ({''.join(s + ', ' for s in self.states)})\n")
        hp = hparams(rule)
        scope = {"__builtins__": BUILTINS, "np": np, **hp}
        exec(compile(src, f"<the {rule['name']} row's numpy step>", "exec"), scope)
        self.step = scope["step"]
        # where each state starts: 0, or the hyperparameter it names (a float32 value)
        self.start = [np.float32(hp[s["initial"]]) if s.get("initial") else np.float32(0)
                      for s in rule["states"]]
        self.t = 0
        self.mem = None  # per parameter array: its state arrays

    def update(self, params, grads):
        import numpy as np
        if self.mem is None:
            self.mem = {key: tuple(np.full_like(val, x) for x in self.start)
                        for key, val in params.items()}
        self.t += 1
        for key in params.keys():
            params[key], self.mem[key] = self.step(params[key], grads[key], self.t,
                                                   *self.mem[key])


class Values(ast.NodeTransformer):
    """The constructor with each hyperparameter's name replaced by its value."""

    def __init__(self, hp):
        self.hp = hp

    def visit_Name(self, node):
        return ast.copy_location(ast.Constant(self.hp[node.id]), node) if node.id in self.hp else node


def torch_optimizer(rule, param, foreach):
    """(optimizer, label): the row's torch.optim constructor, its names bound to
    the rule's hyperparameters and p to [param], with foreach=foreach."""
    import torch
    tree = ast.parse(rule["torch"]["ctor"], mode="eval")
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise ValueError(f"{rule['name']}: torch ctor {rule['torch']['ctor']!r} is not a call")
    if not any(k.arg == "foreach" for k in call.keywords):
        call.keywords.append(ast.keyword(arg="foreach", value=ast.Constant(foreach)))
    ast.fix_missing_locations(tree)
    hp = hparams(rule)
    scope = {"__builtins__": BUILTINS, call.func.id: getattr(torch.optim, call.func.id),
             "p": [param], **hp}
    opt = eval(compile(tree, f"<the {rule['name']} row's torch ctor>", "eval"), scope)
    return opt, "torch.optim." + ast.unparse(Values(hp).visit(tree))


# ---- Timing -------------------------------------------------------------------

def measure(step, min_time_ns):
    """Best-of-BATCHES mean ns per call and the calls per batch."""
    pc = time.perf_counter_ns
    for _ in range(3):  # warm-up: creates the state, settles the allocator
        step()
    t0 = pc()
    step()
    est = max(pc() - t0, 1)
    k = max(1, math.ceil(min_time_ns / BATCHES / est))
    best = math.inf
    for _ in range(k):  # one more untimed batch
        step()
    for _ in range(BATCHES):
        t0 = pc()
        for _ in range(k):
            step()
        best = min(best, (pc() - t0) / k)
    return best, k


def make_data(n):
    import numpy as np
    rng = np.random.default_rng(SEED)
    p = (rng.random(n, dtype=np.float32) * 2 - 1).astype(np.float32, copy=False)
    g = ((rng.random(n, dtype=np.float32) * 2 - 1) * np.float32(0.01)).astype(np.float32,
                                                                                copy=False)
    return p, g


def run_case(peer, rule, n, threads, data, min_time_ns):
    """(ns per step, iterations, label)."""
    p0, g0 = data
    if peer == "numpy":
        book = BookStep(rule)
        params = {"W": p0.copy()}
        grads = {"W": g0}
        ns, k = measure(lambda: book.update(params, grads), min_time_ns)
        del book, params
        hp = ", ".join(f"{k_}={v:g}" for k_, v in hparams(rule).items())
        whose = "torch's documented" if rule.get("convention") == "torch" else "the book's"
        return ns, k, f"NumPy, {whose} step: {rule['numpy']} ({hp})"
    import torch
    torch.set_num_threads(threads)
    param = torch.nn.Parameter(torch.from_numpy(p0.copy()))
    # its own copy of the gradient: torch's foreach Nesterov adds the momentum buffer
    # into the gradient in place, thousands of times, so a shared one became +-inf
    # and the NumPy rules timed next (the book's code) ran on infinities and NaNs
    param.grad = torch.from_numpy(g0.copy())
    opt, label = torch_optimizer(rule, param, peer == "torch-foreach")
    ns, k = measure(opt.step, min_time_ns)
    del opt, param
    return ns, k, label


# ---- Options ------------------------------------------------------------------

def parse_size(s):
    try:
        v = int(s, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad size '{s}'")
    if v < 1 or v > (1 << 40):
        raise argparse.ArgumentTypeError(f"bad size '{s}'")
    return v


def parse_threads(s):
    out = []
    for part in s.split(","):
        try:
            v = int(part, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad --threads '{s}' (comma-separated counts)")
        if v < 1 or v > 1024:
            raise argparse.ArgumentTypeError(f"bad --threads '{s}' (counts 1..1024)")
        out.append(v)
    return sorted(set(out))


def options(argv):
    ap = argparse.ArgumentParser(
        prog=PROG, description="Time PyTorch's CPU optimizers and the textbook's NumPy "
        "update rules; write Google Benchmark JSON.")
    ap.add_argument("--algo", action="append",
                    help="only this rule and its configurations (repeatable; default every rule of the list)")
    ap.add_argument("--peer", action="append", choices=PEERS,
                    help="only this peer (repeatable; default all)")
    ap.add_argument("--min-size", type=parse_size, default=1)
    ap.add_argument("--max-size", type=parse_size, default=1 << 40)
    ap.add_argument("--numpy-max-size", type=parse_size, default=None,
                    help=f"largest size for NumPy (default {NUMPY_MAX_SIZE_DEFAULT} in the "
                    "full sweep, no extra limit with --quick)")
    ap.add_argument("--threads", type=parse_threads, default=None,
                    help="thread counts for torch (default 1..nproc; --quick: 1 and nproc); "
                    "NumPy always runs on 1")
    ap.add_argument("--quick", action="store_true", help="sizes 2^10, 2^16, 2^22 only")
    ap.add_argument("--min-time", type=float, default=0.05,
                    help="seconds of timed work per benchmark, at least (default 0.05)")
    ap.add_argument("--info", help="`optbench info --json` output to read the rules from "
                    "(default: ask $OPTBENCH, else build/optbench)")
    ap.add_argument("--out", default="peers.json", help="JSON output (default peers.json)")
    o = ap.parse_args(argv)
    if o.min_size > o.max_size:
        ap.error("--min-size is above --max-size")
    if not (o.min_time >= 0):
        ap.error("--min-time must be >= 0")
    return o


def nproc():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def write_atomic(path, text):
    tmp = path + ".tmp"
    try:
        with open(tmp, "w") as f:
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


def main(argv):
    o = options(argv)
    try:
        info = obinfo.load(o.info) if o.info else obinfo.find()
    except obinfo.Error as e:
        err(f"error: {e}")
        return 2
    rules = {r["name"]: r for r in info["rules"]}
    unknown = [a for a in o.algo or [] if a not in rules]
    if unknown:
        err(f"error: unknown rule {', '.join(unknown)} (the list has {', '.join(rules)})")
        return 2
    try:  # each rule's configurations right after it
        configs = configurations(rules)
    except obinfo.Error as e:
        err(f"error: {e}")
        return 2
    rules = {k: v for r in rules for k, v in [(r, rules[r])] + [
        (c, configs[c]) for c in configs if rule_of(c) == r]}
    import_peers()
    import numpy as np
    import torch

    ncpu = nproc()
    if o.quick:
        sizes = [1 << e for e in (10, 16, 22)]
    else:
        sizes = [1 << e for e in range(8, 27)]
    sizes = [n for n in sizes if o.min_size <= n <= o.max_size]
    numpy_max = o.numpy_max_size
    if numpy_max is None:
        numpy_max = (1 << 40) if o.quick else NUMPY_MAX_SIZE_DEFAULT
    threads = o.threads or (sorted({1, ncpu}) if o.quick else list(range(1, ncpu + 1)))
    algos = [a for a in rules if not o.algo or rule_of(a) in o.algo]
    peers = o.peer or PEERS
    for a in algos:
        if not rules[a]["torch"]["ctor"] and set(peers) - {"numpy"}:
            err(f"{a}: no torch peer ({rules[a]['torch']['note'] or 'none in torch.optim'})")

    cases = []  # (peer, algo, n, threads), grouped by size so the data is made once
    for n in sizes:
        for algo in rules:
            # a configuration at the benchmark's sizes for its other forms (the full
            # sweep), and so a torch row in a run that names no rule, as
            # optbench_bench times it (bench_rules.c, reduced_sweep)
            reduced = "settings" in rules[algo] or (not o.algo
                                                    and rules[algo].get("convention") == "torch")
            if algo not in algos or (reduced and not o.quick and n not in CONFIG_SIZES):
                continue
            for peer in PEERS:
                if peer not in peers or (peer != "numpy" and not rules[algo]["torch"]["ctor"]):
                    continue
                if peer == "numpy":
                    if n <= numpy_max:
                        cases.append((peer, algo, n, 1))
                else:
                    cases.extend((peer, algo, n, t) for t in threads)
    if not cases:
        err("error: the filters select no benchmark")
        return 2

    err(f"torch {torch.__version__}, numpy {np.__version__}, {len(cases)} benchmarks, "
        f"sizes {sizes[0]}..{sizes[-1]}, torch threads {threads}, "
        f"numpy up to n={min(numpy_max, sizes[-1])}")
    start = time.monotonic()
    min_time_ns = o.min_time * 1e9
    rows = []
    data_n, data = None, None
    for i, (peer, algo, n, t) in enumerate(cases):
        if n != data_n:
            data = None
            data_n, data = n, make_data(n)
        name = f"peer/{peer}/{algo}/n:{n}/threads:{t}"
        try:
            ns, k, label = run_case(peer, rules[algo], n, t, data, min_time_ns)
        except (RuntimeError, MemoryError) as e:
            err(f"[{i + 1}/{len(cases)}] {name}: skipped: {e}")
            rows.append({"name": name, "run_name": name, "run_type": "iteration",
                         "error_occurred": True, "error_message": str(e)})
            continue
        secs = ns * 1e-9
        states = len(used_states(rules[algo]))
        traffic = 4 * ((2 + states) + (1 + states))
        rows.append({
            "name": name, "family_index": 0, "per_family_instance_index": 0,
            "run_name": name, "run_type": "iteration", "repetitions": 1,
            "repetition_index": 0, "threads": t, "iterations": k,
            "real_time": ns, "cpu_time": ns, "time_unit": "ns",
            "bytes_per_second": traffic * n / secs, "items_per_second": n / secs,
            "ns_per_elem": ns / n, "label": label,
        })
        err(f"[{i + 1}/{len(cases)}] {name}: {ns:.0f} ns/step, {ns / n:.3f} ns/elem, "
            f"{traffic * n / secs / 1e9:.2f} GB/s")
    for idx, r in enumerate(rows):
        r["family_index"] = idx
    elapsed = time.monotonic() - start

    context = {
        "date": datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(
            timespec="seconds"),
        "host_name": socket.gethostname(),
        "executable": os.path.abspath(__file__),
        "num_cpus": ncpu,
        "mhz_per_cpu": 0,
        "cpu_scaling_enabled": False,
        "caches": [],
        "library_build_type": "release",
        "peer_python_version": platform.python_version(),
        "peer_torch_version": torch.__version__,
        "peer_numpy_version": np.__version__,
        "peer_timing": (f"one optimizer step on one float32 tensor of n elements with .grad "
                        f"set (seed {SEED}); 3 warm-up steps + 1 timed step + 1 untimed batch, "
                        f"then best of {BATCHES} batches of k steps (k from a timed step so the batches total "
                        f">= {o.min_time} s), time.perf_counter_ns; real_time = cpu_time = "
                        "best batch's ns per step; iterations = k"),
        "peer_numpy_max_size": str(numpy_max),
        "peer_run_seconds": f"{elapsed:.1f}",
        "peer_notes": notes([rules[a] for a in rules if a in algos]),
        "optbench_traffic_model": "bytes/element = 4 * ((2 + states) reads + (1 + states) "
                                  "writes), states = the rule's state arrays its hyperparameters "
                                  "use (optbench info --json: a state's condition)",
    }
    out = o.out
    d = os.path.dirname(out)
    if d:
        os.makedirs(d, exist_ok=True)
    write_atomic(out, json.dumps({"context": context, "benchmarks": rows}, indent=2) + "\n")
    err(f"wrote {out} ({len(rows)} benchmarks, {elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        err("interrupted; no output written")
        sys.exit(130)
