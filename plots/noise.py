#!/usr/bin/env python3
"""How far one run's numbers can be trusted: the spread of each point's
repetitions, the machine's load, steal time and clock during the run, and a
verdict (quiet or noisy, and why).

Usage: noise.py RESULTS_DIR            write RESULTS_DIR/data/noise.json
       noise.py sample FILE [SECONDS [PID]]
                                       append a line to FILE every SECONDS (default 5)
                                       until killed (SECONDS = 0: one line):
                                       scripts/bench.sh runs it in the background
                                       for the whole run, and once at its end, with
                                       PID its own process: the run's processes are
                                       PID and its descendants

A sample line: "epoch load1 load5 load15 cpu_total cpu_steal mhz_min mhz_max
cpu_busy cpu_ours" (/proc/loadavg; /proc/stat's first line in clock ticks,
steal its 8th field, busy every field but idle and iowait; ours the ticks of
PID's process tree, /proc/<pid>/stat's utime + stime of each process and the
cutime + cstime of PID itself, which holds its children that ended; the
clock from /sys cpufreq, else /proc/cpuinfo's "cpu MHz"; "?" where a file is
unreadable, as in containers without /sys cpufreq). Lines of 8 fields (runs
saved before busy/ours) are read too.

Other work is judged by the CPU time the run's own processes did not use,
over the speed stage (stages.txt), not by the load average: the load average
counts the run's own threads (and libgomp's spinning ones) and lags a minute
behind, so it still shows the build that ran before the benchmark.

A point is unreliable when its repetitions spread by more than SPREAD_LIMIT
((max - min) / median); a fraction of the roofline above ROOF_LIMIT is a
measurement error (a kernel cannot beat its own ceiling), never a result.
The run is noisy when the machine was: other processes' CPU, steal time, the
clock. A high share of unreliable points and points above their roofline
are notes beside the verdict (the timings' own jitter); the points stay
marked, and those above the roofline are drawn and written as errors.
Only the standard library."""
import json
import math
import os
import sys
import time

PROG = "noise.py"
SPREAD_LIMIT = 0.10    # (max - min) / median of a point's repetitions
ROOF_LIMIT = 1.05      # kernel / roofline above this: the two were timed under different load
LOAD_MARGIN = 0.5      # load1 above nproc - this: something else ran (no tick data only)
OTHERS_LIMIT = 0.25    # CPUs that other processes used, median over the speed stage
STEAL_LIMIT = 0.02     # share of the CPU time the hypervisor gave to other guests
SHARE_LIMIT = 0.10     # share of unreliable points above which the run is noisy
MHZ_LIMIT = 0.10       # (max - min) / max of the sampled clock


def median(xs):
    xs = sorted(xs)
    k = len(xs)
    if not k:
        return None
    return xs[k // 2] if k % 2 else 0.5 * (xs[k // 2 - 1] + xs[k // 2])


# ---- sampling -----------------------------------------------------------------

def read_first(path):
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def clock_mhz():
    """(min, max) MHz over the CPUs, or (None, None) where nothing says."""
    base = "/sys/devices/system/cpu"
    khz = []
    try:
        cpus = [c for c in os.listdir(base) if c.startswith("cpu") and c[3:].isdigit()]
    except OSError:
        cpus = []
    for c in cpus:
        t = read_first(f"{base}/{c}/cpufreq/scaling_cur_freq")
        if t and t.strip().isdigit():
            khz.append(int(t) / 1000.0)
    if not khz:
        for line in (read_first("/proc/cpuinfo") or "").splitlines():
            if line.startswith("cpu MHz"):
                try:
                    khz.append(float(line.split(":", 1)[1]))
                except ValueError:
                    pass
    return (min(khz), max(khz)) if khz else (None, None)


def tree_ticks(root):
    """CPU ticks of process root and its descendants (utime + stime), plus
    root's cutime + cstime (its children that ended); None if root is gone."""
    procs = {}
    for d in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not d.isdigit():
            continue
        st = read_first(f"/proc/{d}/stat")
        if not st or ")" not in st:
            continue
        f = st[st.rindex(")") + 2:].split()  # after "pid (comm) ": state ppid ...
        try:
            procs[int(d)] = (int(f[1]), int(f[11]) + int(f[12]), int(f[13]) + int(f[14]))
        except (IndexError, ValueError):
            continue
    if root not in procs:
        return None
    kids = {}
    for pid, (ppid, _, _) in procs.items():
        kids.setdefault(ppid, []).append(pid)
    ticks, todo = procs[root][2], [root]
    while todo:
        pid = todo.pop()
        ticks += procs[pid][1]
        todo += kids.get(pid, [])
    return ticks


def sample_line(root=None):
    la = (read_first("/proc/loadavg") or "").split()
    st = (read_first("/proc/stat") or "").split("\n", 1)[0].split()
    total = steal = busy = None
    if len(st) >= 9 and st[0] == "cpu":
        ticks = [int(x) for x in st[1:9]]  # user nice system idle iowait irq softirq steal
        total, steal = sum(ticks), ticks[7]
        busy = total - ticks[3] - ticks[4]
    ours = tree_ticks(root) if root else None
    lo, hi = clock_mhz()
    opt = lambda x: str(x) if x is not None else "?"  # noqa: E731
    vals = [f"{time.time():.0f}"] + (la[:3] if len(la) >= 3 else ["?"] * 3) + \
        [opt(total), opt(steal), f"{lo:.0f}" if lo else "?", f"{hi:.0f}" if hi else "?",
         opt(busy), opt(ours)]
    return " ".join(vals)


def sample(path, every, root=None):
    """Append a sample to path every `every` seconds until killed; every = 0: one."""
    with open(path, "a", encoding="ascii") as f:
        if f.tell() == 0:
            f.write("# epoch load1 load5 load15 cpu_total cpu_steal mhz_min mhz_max "
                    "cpu_busy cpu_ours\n")
        while True:
            f.write(sample_line(root) + "\n")
            f.flush()  # read while the run goes on
            if every <= 0:
                return
            time.sleep(every)


def parse_samples(text):
    out = []
    for line in text.splitlines():
        w = line.split()
        if not w or w[0].startswith("#") or len(w) not in (8, 10):
            continue

        def f(x):
            try:
                return float(x)
            except ValueError:
                return None
        out.append({"t": f(w[0]), "load1": f(w[1]), "load5": f(w[2]), "load15": f(w[3]),
                    "total": f(w[4]), "steal": f(w[5]), "mhz_min": f(w[6]), "mhz_max": f(w[7]),
                    "busy": f(w[8]) if len(w) == 10 else None,
                    "ours": f(w[9]) if len(w) == 10 else None})
    return out


# ---- the run's environment and its points ---------------------------------------

def others(samples, nproc):
    """The CPUs other processes used between consecutive samples (busy ticks
    less the run's own), median over the intervals; None without tick data."""
    used = []
    for a, b in zip(samples, samples[1:]):
        if None in (a["total"], b["total"], a["busy"], b["busy"], a["ours"], b["ours"]):
            continue
        dt = b["total"] - a["total"]
        if dt > 0 and b["ours"] >= a["ours"]:
            other = (b["busy"] - a["busy"]) - (b["ours"] - a["ours"])
            used.append(max(other, 0) / dt * nproc)
    return median(used) if used else None


def environment(samples, nproc=None):
    """Load, steal and clock over the samples (first = before, last = after);
    with nproc, the CPUs other processes used (others())."""
    env = {"samples": len(samples)}
    if nproc:
        o = others(samples, nproc)
        if o is not None:
            env["others"] = o
    loads = [s["load1"] for s in samples if s["load1"] is not None]
    if loads:
        env["load"] = {"before": loads[0], "after": loads[-1], "max": max(loads),
                       "median": median(loads)}
    tot = [s for s in samples if s["total"] is not None and s["steal"] is not None]
    if len(tot) >= 2 and tot[-1]["total"] > tot[0]["total"]:
        env["steal"] = (tot[-1]["steal"] - tot[0]["steal"]) / (tot[-1]["total"] - tot[0]["total"])
    lo = [s["mhz_min"] for s in samples if s["mhz_min"]]
    hi = [s["mhz_max"] for s in samples if s["mhz_max"]]
    if lo and hi:
        env["mhz"] = {"min": min(lo), "max": max(hi)}
    if len(samples) >= 2 and samples[0]["t"] and samples[-1]["t"]:
        env["seconds"] = samples[-1]["t"] - samples[0]["t"]
    return env


def spreads(rows):
    """Google Benchmark rows -> {run name: {"median", "spread", "reps", "from"}},
    the median in the row's time unit. The spread is (max - min) / median of the
    repetition rows; where the file has only aggregates (an older run with
    --benchmark_report_aggregates_only), 2 x the "cv" aggregate stands in for it
    (about the range of three normal samples); one sample has no spread."""
    reps, cv, med = {}, {}, {}
    for r in rows:
        if not isinstance(r, dict) or r.get("error_occurred") or r.get("skipped"):
            continue
        run = r.get("run_name", r.get("name"))
        if not isinstance(run, str):
            continue
        v = r.get("real_time")  # the time itself: a cv aggregate's counters are not fractions
        if r.get("run_type") == "aggregate":
            agg = r.get("aggregate_name")
            if agg == "cv" and isinstance(v, (int, float)):
                cv[run] = float(v)
            elif agg == "median" and isinstance(v, (int, float)):
                med[run] = float(v)
        elif isinstance(v, (int, float)) and math.isfinite(v) and v > 0:
            reps.setdefault(run, []).append(float(v))
    out = {}
    for run in set(reps) | set(med):
        xs = reps.get(run, [])
        m = median(xs) if xs else med.get(run)
        if len(xs) >= 2 and m:
            out[run] = {"median": m, "spread": (max(xs) - min(xs)) / m, "reps": len(xs),
                        "from": "range"}
        elif run in cv:
            out[run] = {"median": m, "spread": 2 * cv[run], "reps": None, "from": "cv"}
        else:
            out[run] = {"median": m, "spread": None, "reps": len(xs), "from": None}
    return out


def verdict(env, points, nproc, roof_errors=(), limit=SPREAD_LIMIT):
    """Quiet or noisy, and why. env from environment(), points from spreads(),
    roof_errors the names of points above ROOF_LIMIT of their roofline."""
    reasons = []
    unreliable = sorted(k for k, p in points.items()
                        if p["spread"] is not None and p["spread"] > limit)
    measured = sum(1 for p in points.values() if p["spread"] is not None)
    load = env.get("load")
    if env.get("others") is not None:
        if env["others"] > OTHERS_LIMIT:
            reasons.append(f"other processes used {env['others']:.2f} of the {nproc} CPUs (median "
                           f"over the speed stage; load average {load['median']:.1f} if measured)"
                           if load else
                           f"other processes used {env['others']:.2f} of the {nproc} CPUs")
    elif load and nproc and load["median"] > nproc - LOAD_MARGIN:
        reasons.append(f"load average {load['median']:.1f} (median of {env['samples']} samples, "
                       f"max {load['max']:.1f}) on {nproc} CPUs: other work competed for them")
    steal = env.get("steal")
    if steal is not None and steal > STEAL_LIMIT:
        reasons.append(f"steal time {100 * steal:.1f} % of the CPU time: the hypervisor ran "
                       "other guests on these CPUs")
    mhz = env.get("mhz")
    if mhz and mhz["max"] and (mhz["max"] - mhz["min"]) / mhz["max"] > MHZ_LIMIT:
        reasons.append(f"the clock moved between {mhz['min']:.0f} and {mhz['max']:.0f} MHz")
    # The points' own spread describes the timings, not the machine: on a VM whose
    # host is busy, repetitions minutes apart differ by 10-30 % with nothing else
    # running in it (measured here: 15-20 % median spread in idle QUICK runs, others
    # 0.02-0.07 CPU). The marks carry it point by point; a high share is said, apart.
    notes = []
    if measured and len(unreliable) > SHARE_LIMIT * measured:
        spread = median([p["spread"] for p in points.values() if p["spread"] is not None])
        notes.append(f"{len(unreliable)} of {measured} points spread by more than "
                     f"{100 * limit:.0f} % over their repetitions (median spread "
                     f"{100 * spread:.0f} %): the timings vary between repetitions even "
                     "where nothing else ran; those points are marked")
    if roof_errors:  # the timings' jitter again, point by point: drawn and written as errors
        notes.append(f"{len(roof_errors)} points above {100 * ROOF_LIMIT:.0f} % of their "
                     "roofline: a kernel cannot beat its ceiling, so the two were timed "
                     "under different conditions; they are errors, not results")
    if reasons:
        state = "noisy"
    elif not measured and not load:
        state = "unknown"
        reasons.append("no repetitions and no load samples: nothing measured the noise")
    else:
        state = "quiet"
    return {"state": state, "reasons": reasons, "notes": notes, "unreliable": unreliable,
            "measured": measured, "roof_errors": sorted(roof_errors),
            "limits": {"spread": limit, "roofline": ROOF_LIMIT, "steal": STEAL_LIMIT,
                       "share": SHARE_LIMIT, "load_margin": LOAD_MARGIN, "mhz": MHZ_LIMIT,
                       "others": OTHERS_LIMIT}}


def speed_window(samples, stages):
    """The samples of the speed stage (stages.txt: "epoch name" per stage), with
    the last one before it and the first one after it so its ends are covered;
    all of them if the stages are not recorded."""
    marks = []
    for line in stages.splitlines():
        w = line.split()
        if len(w) == 2 and w[0].isdigit():
            marks.append((int(w[0]), w[1]))
    start = next((t for t, n in marks if n == "speed"), None)
    if start is None:
        return samples
    end = next((t for t, n in marks if t >= start and n != "speed"), None)
    timed = [s for s in samples if s["t"] is not None]
    before = [s for s in timed if s["t"] < start][-1:]
    inside = [s for s in timed if s["t"] >= start and (end is None or s["t"] <= end)]
    after = [s for s in timed if end is not None and s["t"] > end][:1]
    window = before + inside + after
    return window if len(window) >= 2 else samples


def analyse(res):
    """RESULTS_DIR -> the noise document (verdict without the roofline check,
    which plots/extract.py adds from its fractions)."""
    try:
        with open(os.path.join(res, "speed.json"), encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise SystemExit(f"{PROG}: {os.path.join(res, 'speed.json')}: {e}")
    rows = doc.get("benchmarks", []) if isinstance(doc, dict) else []
    ctx = doc.get("context", {}) if isinstance(doc, dict) else {}
    samples = speed_window(parse_samples(read_first(os.path.join(res, "load.txt")) or ""),
                           read_first(os.path.join(res, "stages.txt")) or "")
    nproc = ctx.get("num_cpus") if isinstance(ctx.get("num_cpus"), int) else os.cpu_count()
    env = environment(samples, nproc)
    pts = spreads(rows)
    return {"env": env, "nproc": nproc, "points": pts,
            **verdict(env, pts, nproc)}


def load_noise(res):
    """RESULTS_DIR/data/noise.json, or None (a run from before noise.py)."""
    try:
        with open(os.path.join(res, "data", "noise.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError):
        return None


def main(argv):
    if len(argv) >= 3 and argv[1] == "sample":
        try:
            sample(argv[2], float(argv[3]) if len(argv) > 3 else 5.0,
                   int(argv[4]) if len(argv) > 4 else None)
        except KeyboardInterrupt:
            pass
        return 0
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    doc = analyse(argv[1])
    out = os.path.join(argv[1], "data")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "noise.json.tmp"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    os.replace(os.path.join(out, "noise.json.tmp"), os.path.join(out, "noise.json"))
    print(f"{PROG}: {doc['state']}: {len(doc['unreliable'])} of {doc['measured']} points spread "
          f"> {100 * SPREAD_LIMIT:.0f} %" + "".join(f"; {r}" for r in doc["reasons"])
          + "".join(f"; note: {n}" for n in doc.get("notes", [])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
