#!/usr/bin/python3
"""Peers: time PyTorch's CPU optimizers and the textbook's NumPy update rules on
the same sizes and threads as optbench_bench, and write the results in Google
Benchmark's JSON format so the same plotting code reads them.

Usage: peers.py [--algo A]... [--peer P]... [--min-size N] [--max-size N]
                [--numpy-max-size N] [--threads LIST] [--quick] [--min-time S]
                [--out FILE]

Benchmark names:
  peer/torch/<algo>/n:<n>/threads:<t>           torch.optim.*, foreach=False
  peer/torch-foreach/<algo>/n:<n>/threads:<t>   torch.optim.*, foreach=True
  peer/numpy/<algo>/n:<n>/threads:1             the book's common/optimizer.py
<algo> is optbench's name (sgd, momentum, nesterov, adagrad, rmsprop, adam); each
row's "label" says exactly what ran. Counters: ns_per_elem, bytes_per_second from
optbench's traffic model (bytes/element = 4 * ((2 + s) reads + (1 + s) writes),
s = state arrays of the optbench algorithm), items_per_second = elements/s.

Timing: one optimizer step on one float32 parameter of n elements with its
gradient set (fixed-seed random data). Three warm-up steps (they also create
the optimizer state), one timed step to choose k, one untimed batch of k steps,
then 5 batches of k back-to-back steps timed with time.perf_counter_ns; k is
chosen so that the 5 batches
together take at least --min-time seconds (default 0.05), and k >= 1, so at least
5 timed steps. The reported time is the best batch's mean time per step;
"iterations" is k.

Hyperparameters are the textbook's (DESIGN.md). Where PyTorch's formulas differ
from the book's (see FORMULA_NOTES below, also written to the JSON context):
  - Momentum: PyTorch keeps buf = mu*buf + g and does p -= lr*buf; the book keeps
    v = mu*v - lr*g and does p += v. Equal in exact arithmetic for a constant lr
    (v = -lr*buf), rounded differently.
  - Nesterov: PyTorch's SGD(nesterov=True) does p -= lr*(g + mu*buf_new), i.e.
    p += mu^2*v_old - (1+mu)*lr*g (Bengio et al.'s form); the book's code applies
    mu^2 to the already-updated v: p += mu^2*v_new - (1+mu)*lr*g. A different
    rule; timed only as a same-cost stand-in and labelled so.
  - Adam: PyTorch adds eps to the bias-corrected sqrt(v_hat):
    p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps), i.e. in the book's terms
    eps is eps*sqrt(1-b2^t); the book adds eps to sqrt(v) and folds both
    corrections into lr_t. m, v: b*m + (1-b)*g vs the book's m += (1-b)*(g-m)
    (same in exact arithmetic).
  - RMSprop: with centered=False, momentum=0 PyTorch's rule is the book's
    (h = alpha*h + (1-alpha)*g*g; p -= lr*g/(sqrt(h)+eps)), eps outside the sqrt;
    only PyTorch's default eps (1e-8) differs - set to the book's 1e-7 here.
  - Adagrad: the book's rule (lr_decay=0, initial_accumulator_value=0); PyTorch's
    default eps 1e-10 is set to the book's 1e-7.

Needs Debian's python3-numpy and python3-torch (for /usr/bin/python3); exits 2
with a message if either is missing. Progress goes to stderr; the JSON is written
to FILE.tmp and renamed.
"""
import argparse
import datetime
import json
import math
import os
import platform
import socket
import sys
import time

PROG = "peers.py"
ALGOS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
STATES = {"sgd": 0, "momentum": 1, "nesterov": 1, "adagrad": 1, "rmsprop": 1, "adam": 2}
PEERS = ["torch", "torch-foreach", "numpy"]
BATCHES = 5
SEED = 20240603
# The largest NumPy size by default (--numpy-max-size overrides): the whole
# 2^8..2^26 range fits the ~4-minute budget on 2 cores (NumPy's Adam at 2^24:
# ~50 ms a step; the default full run measured 2 min 54 s in all), so no cut.
NUMPY_MAX_SIZE_DEFAULT = 1 << 26

FORMULA_NOTES = (
    "Hyperparameters are the textbook's: SGD lr=0.01; Momentum lr=0.01 momentum=0.9; "
    "AdaGrad lr=0.01 eps=1e-7; RMSprop lr=0.01 alpha(decay_rate)=0.99 eps=1e-7; "
    "Adam lr=0.001 betas=(0.9,0.999) eps=1e-7. Where PyTorch differs from the book: "
    "Momentum - PyTorch keeps buf=mu*buf+g, p-=lr*buf; the book v=mu*v-lr*g, p+=v "
    "(equal in exact arithmetic for constant lr, rounded differently). "
    "Nesterov - torch 'nesterov' rows are SGD(momentum=0.9, nesterov=True): "
    "p-=lr*(g+mu*buf_new) = p+=mu^2*v_old-(1+mu)*lr*g, whereas the book's code uses "
    "the updated v: p+=mu^2*v_new-(1+mu)*lr*g - a different rule, timed as a "
    "same-cost stand-in. Adam - PyTorch adds eps to the bias-corrected sqrt(v_hat): "
    "p-=lr/(1-b1^t)*m/(sqrt(v)/sqrt(1-b2^t)+eps) (in the book's terms eps becomes "
    "eps*sqrt(1-b2^t)); the book adds eps to sqrt(v) and uses "
    "lr_t=lr*sqrt(1-b2^t)/(1-b1^t); moments b*m+(1-b)*g vs the book's m+=(1-b)*(g-m). "
    "RMSprop - with centered=False, momentum=0 PyTorch's rule is the book's "
    "(eps outside the sqrt), only its default eps 1e-8 differs (set to 1e-7). "
    "Adagrad - the book's rule with lr_decay=0, initial_accumulator_value=0 (default "
    "eps 1e-10 set to 1e-7). NumPy rows are the book's common/optimizer.py code as "
    "written (in-place p updates; Momentum rebinds v to a new array each step; "
    "Adam's lr_t is a float64 scalar, which NumPy 1.x casts by value so the "
    "arithmetic stays float32); NumPy's elementwise ops are single-threaded."
)


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


# ---- The textbook's NumPy code (common/optimizer.py), as the book writes it ----

class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        import numpy as np
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)
        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        import numpy as np
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)
        for key in params.keys():
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.lr * grads[key]


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        import numpy as np
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)
        for key in params.keys():
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        import numpy as np
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)
        for key in params.keys():
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        import numpy as np
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in params.items():
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key]**2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


NUMPY_RULES = {
    "sgd": (SGD, "common/optimizer.py SGD(lr=0.01)"),
    "momentum": (Momentum, "common/optimizer.py Momentum(lr=0.01, momentum=0.9)"),
    "nesterov": (Nesterov, "common/optimizer.py Nesterov(lr=0.01, momentum=0.9)"),
    "adagrad": (AdaGrad, "common/optimizer.py AdaGrad(lr=0.01), eps 1e-7"),
    "rmsprop": (RMSprop, "common/optimizer.py RMSprop(lr=0.01, decay_rate=0.99), eps 1e-7"),
    "adam": (Adam, "common/optimizer.py Adam(lr=0.001, beta1=0.9, beta2=0.999), eps 1e-7"),
}


# ---- PyTorch ------------------------------------------------------------------

def torch_optimizer(algo, param, foreach):
    """(optimizer, label) with the textbook's hyperparameters."""
    import torch
    o = torch.optim
    if algo == "sgd":
        opt, desc = o.SGD([param], lr=0.01, foreach=foreach), "SGD(lr=0.01)"
    elif algo == "momentum":
        opt, desc = (o.SGD([param], lr=0.01, momentum=0.9, foreach=foreach),
                     "SGD(lr=0.01, momentum=0.9)")
    elif algo == "nesterov":
        opt, desc = (o.SGD([param], lr=0.01, momentum=0.9, nesterov=True, foreach=foreach),
                     "SGD(lr=0.01, momentum=0.9, nesterov=True): PyTorch's Nesterov form, "
                     "not the book's")
    elif algo == "adagrad":
        opt, desc = o.Adagrad([param], lr=0.01, eps=1e-7, foreach=foreach), \
            "Adagrad(lr=0.01, eps=1e-7)"
    elif algo == "rmsprop":
        opt, desc = (o.RMSprop([param], lr=0.01, alpha=0.99, eps=1e-7, foreach=foreach),
                     "RMSprop(lr=0.01, alpha=0.99, eps=1e-7)")
    elif algo == "adam":
        opt, desc = (o.Adam([param], lr=0.001, betas=(0.9, 0.999), eps=1e-7, foreach=foreach),
                     "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-7): eps added to "
                     "bias-corrected sqrt(v_hat)")
    else:
        raise ValueError(algo)
    return opt, f"torch.optim.{desc}, foreach={foreach}"


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


def run_case(peer, algo, n, threads, data, min_time_ns):
    """(ns per step, iterations, label)."""
    p0, g0 = data
    if peer == "numpy":
        cls, label = NUMPY_RULES[algo]
        rule = cls()
        params = {"W": p0.copy()}
        grads = {"W": g0}
        ns, k = measure(lambda: rule.update(params, grads), min_time_ns)
        del rule, params
        return ns, k, "NumPy " + label
    import torch
    torch.set_num_threads(threads)
    param = torch.nn.Parameter(torch.from_numpy(p0.copy()))
    # its own copy of the gradient: torch's foreach Nesterov adds the momentum buffer
    # into the gradient in place, thousands of times, so a shared one became +-inf
    # and the NumPy rules timed next (the book's code) ran on infinities and NaNs
    param.grad = torch.from_numpy(g0.copy())
    opt, label = torch_optimizer(algo, param, peer == "torch-foreach")
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
    ap.add_argument("--algo", action="append", choices=ALGOS,
                    help="only this algorithm (repeatable; default all)")
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
    algos = o.algo or ALGOS
    peers = o.peer or PEERS

    cases = []  # (peer, algo, n, threads), grouped by size so the data is made once
    for n in sizes:
        for algo in ALGOS:
            if algo not in algos:
                continue
            for peer in PEERS:
                if peer not in peers:
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
            ns, k, label = run_case(peer, algo, n, t, data, min_time_ns)
        except (RuntimeError, MemoryError) as e:
            err(f"[{i + 1}/{len(cases)}] {name}: skipped: {e}")
            rows.append({"name": name, "run_name": name, "run_type": "iteration",
                         "error_occurred": True, "error_message": str(e)})
            continue
        secs = ns * 1e-9
        traffic = 4 * ((2 + STATES[algo]) + (1 + STATES[algo]))
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
        "peer_notes": FORMULA_NOTES,
        "optbench_traffic_model": "bytes/element = 4 * ((2 + states) reads + (1 + states) "
                                  "writes), by optbench algorithm name",
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
