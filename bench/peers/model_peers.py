#!/usr/bin/env python3
"""Model peers: one optimizer step of PyTorch's Adam and AdamW (for-loop, foreach
and fused forms) and DeepSpeed's DeepSpeedCPUAdam over the same parameter lists
as optbench_model (bench/models/<name>.txt, read here, with the same timed run),
written as Google Benchmark JSON.

Usage: model_peers.py --out FILE [--threads T] [--list NAME]... [--peer P]...
                      [--quick] [--rounds N] [--models DIR] [--lib LIBOPTBENCH] [--check]

Benchmark names: model-peer/<peer>/<list>/<algo>/threads:<t>, with
  peer  torch-loop (foreach=False), torch-foreach (foreach=True),
        torch-fused (fused=True), deepspeed (DeepSpeedCPUAdam, its AVX C++ kernel)
  algo  adam (weight_decay 0) or adam+decoupled (AdamW, weight_decay 0.01 /
        DeepSpeedCPUAdam(adamw_mode=True)), optbench's names for the same rules.
  optbench (with --lib): the library's ob_step_list through ctypes on the same
        tensors, best ISA on 1 thread, its +omp form on more, timed in the same
        rounds as the peers, so the ratios come from the same seconds of a busy
        machine
Counters: ms_step (median over the rounds), gbps (optbench's traffic model:
4 * ((2 + s) + (1 + s)) bytes an element, s = Adam's state arrays), tensors, elements, and with --lib x_optbench:
the median over the rounds of this form's time over optbench's in that round;
"label" names the form and versions.

Timing: the list's timed run as separately allocated float32 tensors (p = 1,
grad = 0.01, like optbench_model's), every form's optimizer alive at once on
the same tensors (each with its own state), a warm-up step each (it creates
the state), then --rounds rounds, each one sample of k steps of every form in
a rotating order (k per form so a sample takes >= 4 ms); the median sample's
time per step. The slow forms take seconds a step on the big lists: a round is
then one step of each.

The formulas differ in detail (both put eps after the bias correction:
p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps); the book and optbench add
eps to sqrt(v) and fold both corrections into lr_t): compare time per step on
identical shapes, not bits. --threads sets torch.set_num_threads and OpenMP's
(DeepSpeed's kernel uses OpenMP): run once per thread count (run_model_peers.sh).
--check loads every list and checks its counts, then exits (no torch needed).
"""
import argparse
import datetime
import json
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import nproc, obinfo, write_atomic  # noqa: E402  (one writer for every peers file)

PROG = "model_peers.py"
MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
PEERS = ["torch-loop", "torch-foreach", "torch-fused", "deepspeed"]
ALGOS = ["adam", "adam+decoupled"]
DECAY = 1e-2  # +decoupled's weight decay; Adam's own hyperparameters are the list's
SAMPLE_S = 0.004


def err(msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


def load_list(path):
    """The list as bench/model_lists.c reads it: (name, sizes, header dict);
    raises ValueError if the counts do not match the header."""
    name = os.path.basename(path)[:-4]
    sizes, head = [], {}
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if line.startswith("#"):
                key, sep, val = line.lstrip("# ").partition(":")
                if sep and key in ("tensors", "total", "timed-first", "timed-cap", "quick",
                                   "timed-cut"):
                    head[key] = val.strip()
                continue
            dims = line.split()
            if not dims or not all(d.isdigit() and int(d) > 0 for d in dims):
                raise ValueError(f"{path}:{no}: not a tensor shape")
            n = 1
            for d in dims:
                n *= int(d)
            sizes.append(n)
    if "tensors" not in head or "total" not in head:
        raise ValueError(f"{path}: the header lacks '# tensors:' or '# total:'")
    if len(sizes) != int(head["tensors"]) or sum(sizes) != int(head["total"]):
        raise ValueError(f"{path}: {len(sizes)} tensors of {sum(sizes)} elements in all, "
                         f"the header says {head['tensors']} and {head['total']}")
    return name, sizes, head


def timed_run(sizes, head):
    """The timed run: whole tensors from timed-first, at most timed-cap elements."""
    first, cap = int(head.get("timed-first", 0)), int(head.get("timed-cap", 0))
    out, total = [], 0
    for n in sizes[first:]:
        if cap and total + n > cap:
            break
        out.append(n)
        total += n
    return out


def load_lists(models):
    """Every list, smallest timed run first (as optbench_model orders them)."""
    lists = []
    for f in sorted(os.listdir(models)):
        if f.endswith(".txt"):
            name, sizes, head = load_list(os.path.join(models, f))
            lists.append((name, sizes, head, timed_run(sizes, head)))
    lists.sort(key=lambda x: (sum(x[3]), x[0]))
    return lists


def adam_rule(out):
    """Adam's row of the list (the run's info.json beside OUT, else the build's):
    its hyperparameters as the book writes them and its bytes per element."""
    adam = obinfo.rule(obinfo.find(os.path.dirname(os.path.abspath(out))), "adam")
    if adam is None:
        raise obinfo.Error("the rule list has no adam")
    hp = {k: obinfo.f32(v) for k, v in adam["hparams"].items()}
    s = len(adam["states"])
    return {"lr": hp["lr"], "betas": (hp["beta1"], hp["beta2"]), "eps": hp["eps"],
            "bytes": 4 * ((2 + s) + (1 + s))}  # optbench's traffic model


def make_optimizer(peer, algo, params, adam):
    import torch
    decay = DECAY if algo == "adam+decoupled" else 0.0
    hp = {"lr": adam["lr"], "betas": adam["betas"], "eps": adam["eps"], "weight_decay": decay}
    if peer == "deepspeed":
        from deepspeed.ops.adam import DeepSpeedCPUAdam
        return DeepSpeedCPUAdam(params, **hp, adamw_mode=algo == "adam+decoupled")
    cls = torch.optim.AdamW if algo == "adam+decoupled" else torch.optim.Adam
    form = {"torch-loop": {"foreach": False}, "torch-foreach": {"foreach": True},
            "torch-fused": {"fused": True}}[peer]
    return cls(params, **hp, **form)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def measure(steps, rounds):
    """{form: [seconds per step, one per round]} for {form: step function}:
    a warm-up step of each (it creates the state), k from a timed step, then
    the rounds, every form once a round in a rotating order."""
    ks = {}
    for name, step in steps.items():
        step()
        t0 = time.perf_counter()
        step()
        ks[name] = max(1, min(1000, int(SAMPLE_S / max(time.perf_counter() - t0, 1e-9)) + 1))
    names = list(steps)
    out = {name: [] for name in names}
    for r in range(rounds):
        for j in range(len(names)):
            name = names[(r + j) % len(names)]
            t0 = time.perf_counter()
            for _ in range(ks[name]):
                steps[name]()
            out[name].append((time.perf_counter() - t0) / ks[name])
    return out, ks


class Optbench:
    """ob_step_list from liboptbench through ctypes, on torch tensors."""

    def __init__(self, path, threads):
        import ctypes as C
        self.C = C
        lib = C.CDLL(path)

        # ob_hparams as this library lays it out: its size, then a float per
        # hyperparameter of its list, in order (optbench.h)
        lib.ob_hparam_name.restype = C.c_char_p
        names = [lib.ob_hparam_name(i).decode() for i in range(lib.ob_hparam_count())]

        class Hparams(C.Structure):
            _fields_ = [("size", C.c_uint32)] + [(f, C.c_float) for f in names]
        lib.ob_hparams_defaults.argtypes = [C.c_int, C.POINTER(Hparams)]
        lib.ob_algo_from_name.argtypes = [C.c_char_p]
        lib.ob_variant_best.restype = C.c_void_p
        lib.ob_variant_isa.restype = C.c_char_p
        lib.ob_variant_isa.argtypes = [C.c_void_p]
        lib.ob_variant_find.restype = C.c_void_p
        lib.ob_variant_find.argtypes = [C.c_char_p]
        lib.ob_variant_name.restype = C.c_char_p
        lib.ob_variant_name.argtypes = [C.c_void_p]
        lib.ob_strerror.restype = C.c_char_p
        P = C.POINTER(C.c_void_p)
        lib.ob_step_list.argtypes = [C.c_void_p, C.c_int, C.POINTER(Hparams), C.c_int64,
                                     C.c_size_t, P, P, P, P, C.POINTER(C.c_size_t)]
        self.lib, self.Hparams = lib, Hparams
        best = lib.ob_variant_best()
        self.variant = best if threads > 1 else lib.ob_variant_find(lib.ob_variant_isa(best))
        self.name = lib.ob_variant_name(self.variant).decode()

    def stepper(self, algo, params):
        """A step function of `algo` (adam, adam+decoupled) over params (with .grad)."""
        import torch
        C = self.C
        a = self.lib.ob_algo_from_name(b"adam")
        hp = self.Hparams(size=C.sizeof(self.Hparams))
        if self.lib.ob_hparams_defaults(a, C.byref(hp)) != 0:
            raise RuntimeError("ob_hparams_defaults(adam) failed")
        if algo == "adam+decoupled":
            hp.decoupled_decay = DECAY
        n = len(params)
        s0 = [torch.zeros_like(p) for p in params]
        s1 = [torch.zeros_like(p) for p in params]

        def ptrs(ts):
            return (C.c_void_p * n)(*[t.data_ptr() for t in ts])
        arrays = (ptrs([p.data for p in params]), ptrs([p.grad for p in params]),
                  ptrs(s0), ptrs(s1), (C.c_size_t * n)(*[p.numel() for p in params]))
        state = {"t": 0, "keep": (s0, s1, arrays)}

        def step():
            state["t"] += 1
            st = self.lib.ob_step_list(self.variant, a, C.byref(hp), state["t"], n, *arrays)
            if st:
                raise RuntimeError("ob_step_list: " + self.lib.ob_strerror(st).decode())
        return step


def versions(peers):
    import torch
    v = {"torch": torch.__version__}
    if "deepspeed" in peers:
        import deepspeed
        v["deepspeed"] = deepspeed.__version__
    return v


def options(argv):
    ap = argparse.ArgumentParser(prog=PROG)
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--list", action="append")
    ap.add_argument("--peer", action="append", choices=PEERS)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--models", default=MODELS)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--lib", help="liboptbench.so: time optbench in the same rounds")
    o = ap.parse_args(argv)
    if not o.check and not o.out:
        ap.error("--out is required")
    return o


def main(argv):
    o = options(argv)
    try:
        lists = load_lists(o.models)
    except (OSError, ValueError) as e:
        err(f"error: {e}")
        return 1
    if o.check:
        for name, sizes, head, run in lists:
            print(f"{name}: {len(sizes)} tensors, {sum(sizes)} elements; "
                  f"timed {len(run)} tensors, {sum(run)} elements")
        return 0
    lists = [x for x in lists if (x[0] in o.list if o.list else (not o.quick or x[2].get("quick") == "1"))]
    try:
        adam = adam_rule(o.out)
    except obinfo.Error as e:
        err(f"error: {e}")
        return 2
    try:
        import torch
    except ImportError:
        err("error: no torch for " + sys.executable + " (make bench-peers makes build/venv)")
        return 2
    torch.set_num_threads(o.threads)
    peers = list(o.peer or PEERS)
    if "deepspeed" in peers:
        try:
            import deepspeed.ops.adam  # noqa: F401
        except Exception as e:  # noqa: BLE001 - any import failure means: not here
            err(f"deepspeed not usable, left out: {e}")
            peers.remove("deepspeed")
    ver = versions(peers)
    rounds = o.rounds or (2 if o.quick else 3)
    err(f"torch {ver['torch']}, deepspeed {ver.get('deepspeed', '-')}, {len(lists)} lists, "
        f"threads {o.threads}, {rounds} rounds")
    ob = Optbench(o.lib, o.threads) if o.lib else None
    rows, start = [], time.monotonic()
    for name, _, _, run in lists:
        total = sum(run)
        params = [torch.nn.Parameter(torch.ones(n)) for n in run]
        for p in params:
            p.grad = torch.full_like(p, 0.01)
        for algo in ALGOS:
            steps = {}
            for peer in peers:
                try:
                    steps[peer] = make_optimizer(peer, algo, params, adam).step
                # TypeError: a torch without the form (torch 1.13's AdamW takes no fused)
                except (RuntimeError, MemoryError, TypeError) as e:
                    err(f"model-peer/{peer}/{name}/{algo}: skipped: {e}")
            if ob:
                steps["optbench"] = ob.stepper(algo, params)
            try:
                secs, ks = measure(steps, rounds)
            except (RuntimeError, MemoryError) as e:
                err(f"{name}/{algo}: skipped: {e}")
                continue
            finally:
                steps = None
            for form, xs in secs.items():
                bench = f"model-peer/{form}/{name}/{algo}/threads:{o.threads}"
                ms = 1e3 * median(xs)
                label = (f"optbench {ob.name} (ob_step_list via ctypes)" if form == "optbench" else
                         f"{form} {algo}: torch {ver['torch']}" +
                         (f", deepspeed {ver['deepspeed']}" if form == "deepspeed" else ""))
                row = {"name": bench, "run_name": bench, "run_type": "iteration",
                       "repetitions": 1, "repetition_index": 0, "threads": o.threads,
                       "iterations": ks[form], "real_time": ms, "cpu_time": ms,
                       "time_unit": "ms", "ms_step": ms, "gbps": adam["bytes"] * total / ms / 1e6,
                       "tensors": len(run), "elements": total, "label": label}
                if "optbench" in secs:
                    row["x_optbench"] = median([x / y for x, y in zip(xs, secs["optbench"])])
                rows.append(row)
                err(f"{bench}: {ms:.2f} ms/step" +
                    (f", {row['x_optbench']:.2f}x optbench's" if "x_optbench" in row else ""))
        params = None
    for i, r in enumerate(rows):
        r["family_index"] = i
        r["per_family_instance_index"] = 0
    context = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "num_cpus": nproc(), "executable": os.path.abspath(__file__),
        "peer_python_version": platform.python_version(),
        "peer_python": sys.executable,
        "peer_versions": json.dumps(ver),
        "peer_run_seconds": f"{time.monotonic() - start:.1f}",
        "peer_timing": (f"every form on the same tensors, {rounds} rounds of one sample each "
                        f"(k steps, a sample >= {SAMPLE_S} s), rotating order; medians"),
        "peer_notes": ("PyTorch's Adam/AdamW and DeepSpeedCPUAdam add eps after the bias "
                       "correction (eps / sqrt(1-b2^t) in the book's terms); optbench adds it to "
                       "sqrt(v): time per step on identical shapes is compared, not bits. "
                       f"lr {adam['lr']}, betas {adam['betas']}, eps {adam['eps']}; AdamW weight_decay "
                       f"{DECAY}."),
    }
    os.makedirs(os.path.dirname(os.path.abspath(o.out)), exist_ok=True)
    write_atomic(o.out, json.dumps({"context": context, "benchmarks": rows}, indent=2) + "\n")
    err(f"wrote {o.out} ({len(rows)} benchmarks)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
