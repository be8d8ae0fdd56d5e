#!/usr/bin/env python3
"""mpi_section.py: the report's section on the sharded step over MPI (issue
15), from what mpi/bench.sh and plots/mpi_report.py wrote in a run's mpi/
folder. section(mpi_dir, out_dir) returns HTML and copies the two charts
(mpi_breakdown.png, mpi_projection.png) into out_dir.

It reads the structured files, not report.md: bench_r<R>.json (the measured
breakdown, through mpi_report.breakdown so the page and report.md cannot
disagree), projection.json (formula, fitted constants, assumptions, rows) and
train/ (check_train.log's verdict, r<R>/memory.txt and ref/memory.txt). A file
that is missing or malformed is named in the section, not fatal to the report."""
import glob
import html
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import mpi_report  # noqa: E402  (the breakdown and the cost model, written once)

CHARTS = [("mpi_breakdown.png", "measured: compute, communication and waiting per step "
           "against R, per list (slowest rank)"),
          ("mpi_projection.png", "PROJECTION (cost model, not measured): step time against "
           "machines N, per model and network")]


class Bad(Exception):
    """A file of the mpi folder that cannot be used: the message names it."""


def esc(s):
    return html.escape(str(s), quote=True)


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise Bad(f"{path}: {e}") from e


def runs_of(mpi_dir):
    """{R: bench_r<R>.json}, each file's R checked against its name."""
    runs = {}
    for path in sorted(glob.glob(os.path.join(mpi_dir, "bench_r*.json"))):
        m = re.fullmatch(r"bench_r(\d+)\.json", os.path.basename(path))
        if not m:
            continue
        run = load_json(path)
        if not isinstance(run, dict) or run.get("ranks") != int(m.group(1)) \
                or not isinstance(run.get("lists"), list):
            raise Bad(f"{path}: not optbench_mpi_bench's output for {m.group(1)} ranks")
        runs[run["ranks"]] = run
    if not runs:
        raise Bad(f"{mpi_dir}: no bench_r<R>.json")
    return runs


def table(head, rows):
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows]
    return "".join(out) + "</table>"


def by_size(bd):
    return sorted(bd.items(), key=lambda kv: kv[1][min(kv[1])]["elements"])


def measured(runs, bd):
    rows = [[name, f"{x['elements']:,}", r, f"{1e3 * x['compute']:.1f}",
             f"{1e3 * x['comm']:.1f}", f"{1e3 * x['wait']:.1f}", f"{1e3 * x['step']:.1f}",
             f"{1e3 * x['reduce']:.1f}", f"{1e3 * x['rs']:.1f}"]
            for name, by_r in by_size(bd) for r, x in sorted(by_r.items())]
    parts = [table(["list", "elements", "R", "compute ms", "communication ms", "waiting ms",
                    "step ms", "fixed-order exchange + fold ms", "MPI_Reduce_scatter ms"], rows)]
    skipped = sorted({l["list"] for run in runs.values() for l in run["lists"]
                      if l.get("status") != "ok"})
    if skipped:
        parts.append("<p>Not run (their buffers on all ranks would pass half the free memory, "
                     "or the run failed): " + esc(", ".join(skipped)) + ".</p>")
    return parts


def against_model(bd, k):
    rows = []
    for name, by_r in by_size(bd):
        for r, x in sorted(by_r.items()):
            compute, comm = mpi_report.model(k, x["elements"], r, k["alpha_s"], k["beta_Bps"])
            rows.append([name, r, f"{1e3 * x['step']:.1f}", f"{1e3 * (compute + comm):.1f}",
                         f"{x['step'] / (compute + comm):.2f}"])
    return table(["list", "R", "measured step ms", "model ms", "measured / model"], rows)


def constants(k):
    return ("<ul>"
            f"<li>alpha = {k['alpha_s'] * 1e6:.2f} us, beta = {k['beta_Bps'] / 1e9:.2f} GB/s: "
            "MPI over shared memory on this machine, from the ping-pong between ranks 0 and 1 "
            "(alpha: the fastest one-way time of 8 bytes; beta: the inverse least-squares "
            "slope of the fastest one-way times of 1 MB and up)</li>"
            f"<li>c_copy = {k['c_copy_s_per_element'] * 1e9:.3f} ns, "
            f"c_add = {k['c_add_s_per_element'] * 1e9:.3f} ns, "
            f"c_update = {k['c_update_s_per_element'] * 1e9:.3f} ns per element (medians over "
            "the lists; R = 1 for copy and update, R = 2 for the fold)</li></ul>")


def projection(proj):
    rows, models, nets, machines = {}, [], [], []
    for r in proj["rows"]:
        key = (r["model"], r["network"])
        if key not in rows:
            rows[key] = {}
            models += [] if r["model"] in models else [r["model"]]
            nets += [] if r["network"] in nets else [r["network"]]
        rows[key][r["machines"]] = r
        machines += [] if r["machines"] in machines else [r["machines"]]
    machines.sort()
    body = [[m, n] + [f"{rows[(m, n)][N]['step_s'] * 1e3:,.0f}" if N in rows.get((m, n), {})
                      else "" for N in machines] for m in models for n in nets]
    state = {(r["model"], r["machines"]): r["state_bytes_per_machine"] for r in proj["rows"]}
    state = [[m] + [f"{state[(m, N)] / 2**30:.2f}" if (m, N) in state else ""
                    for N in machines] for m in models]
    parts = ["<h3>PROJECTION (a model, not a measurement)</h3>",
             f"<p><b>{esc(proj['label'])}.</b> The step time of the sharded step on N machines, "
             "from the cost model with this machine's per-element costs and each network's "
             "stated latency and bandwidth:</p>",
             f"<p><code>{esc(proj['formula'])}</code></p>",
             "<ul>" + "".join(f"<li>{esc(k)}: {esc(v)}</li>" for k, v in proj["terms"].items())
             + "</ul><p>Assumptions:</p><ul>"
             + "".join(f"<li>{esc(a)}</li>" for a in proj["assumptions"]) + "</ul>",
             "<p>Projected ms per step:</p>",
             table(["model", "network"] + [f"N={N}" for N in machines], body),
             "<p>Projected optimizer state per machine (GiB):</p>",
             table(["model"] + [f"N={N}" for N in machines], state)]
    return parts


def memory_rows(path):
    """(ranks column, rank, begin, end, measured, held) per line of memory.txt."""
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                if line.startswith("#") or not line.strip():
                    continue
                w = line.split()
                if len(w) != 6 or not all(x.isdigit() for x in w[1:]):
                    raise Bad(f"{path}:{no}: want 'ranks rank begin end measured held'")
                out.append((w[0],) + tuple(int(x) for x in w[1:]))
    except OSError as e:
        raise Bad(f"{path}: {e}") from e
    return out


def training(mpi_dir):
    train = os.path.join(mpi_dir, "train")
    log = os.path.join(train, "check_train.log")
    if not os.path.exists(log):
        return []
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = [ln.rstrip("\n") for ln in f]
    verdict = [ln for ln in lines if ln.startswith("check_train:")]
    losses = [ln for ln in lines if re.match(r"optbench_mpi_train: \d+ ranks, .*; loss ", ln)]
    parts = ["<h3>The figure 6-9 network, data-parallel</h3>",
             "<p>The book's network trained with the sharded step under "
             "<code>mpirun -np R</code> and once without MPI (<code>--reference</code>); "
             "<code>mpi/check_train.sh</code> compares the loss curves and parameters byte for "
             "byte.</p>",
             "<pre>" + esc("\n".join(losses + verdict) or "no verdict in " + log) + "</pre>"]
    ref = os.path.join(train, "ref", "memory.txt")
    whole = next((x[4] for x in memory_rows(ref) if x[0] == "reference"), None) \
        if os.path.exists(ref) else None
    rows = []
    for d in sorted(glob.glob(os.path.join(train, "r*")), key=lambda p: (len(p), p)):
        if re.fullmatch(r"r\d+", os.path.basename(d)) and os.path.isdir(d):
            for ranks, rank, b, e, meas, held in memory_rows(os.path.join(d, "memory.txt")):
                rows.append([ranks, rank, f"[{b:,}, {e:,})", f"{meas:,}", f"{held:,}",
                             f"{meas / whole:.3f}" if whole else ""])
    if rows:
        parts += [f"<p>Each rank's optimizer state, measured on the heap"
                  + (f" (one process: {whole:,} bytes)" if whole else "") + ":</p>",
                  table(["R", "rank", "parameters", "state bytes (measured)", "bytes held",
                         "of one process"], rows)]
    return parts


def chart(name, alt, mpi_dir, out_dir):
    src = os.path.join(mpi_dir, name)
    if not os.path.exists(src):
        return f"<p><i>{esc(name)} is missing from {esc(mpi_dir)}.</i></p>"
    if out_dir is not None:
        shutil.copyfile(src, os.path.join(out_dir, name))
    return f"<p>{esc(alt)}</p><img src='{esc(name)}' alt='{esc(alt)}'>"


def section(mpi_dir, out_dir=None):
    head = ["<h2 id='mpi'>The sharded step over MPI</h2>"]
    try:
        runs = runs_of(mpi_dir)
        proj = load_json(os.path.join(mpi_dir, "projection.json"))
        need = ("constants", "label", "formula", "terms", "assumptions", "rows")
        missing = [key for key in need if not isinstance(proj, dict) or key not in proj]
        if missing:
            raise Bad(f"{os.path.join(mpi_dir, 'projection.json')}: no {', '.join(missing)}")
        k = proj["constants"]
        bd = mpi_report.breakdown(runs)
        algo = runs[min(runs)].get("algo", "?")
        parts = head + [
            f"<p>The optimizer step ({esc(algo)}) sharded over R MPI ranks "
            "(<code>mpi/</code>, <code>mpi/bench.sh</code>): each rank owns 1/R of the flat "
            "parameters and their state; a step exchanges the gradients, sums them in a fixed "
            "tree order, updates the owned shard and gathers the parameters. Measured on this "
            "machine (2 shared cores: R = 3 and 4 are oversubscribed, every number noisy); per "
            "column the slowest rank's median. compute = the gradient's copy + the fold + the "
            "update; communication = the two exchanges; waiting = the agreement at the start "
            "of the step.</p>"]
        parts += measured(runs, bd)
        parts.append(chart(*CHARTS[0], mpi_dir, out_dir))
        parts += ["<h3>The cost model against the measurement</h3>",
                  "<p>The model below, with this machine's constants, against the measured step "
                  "(past 2 ranks the model, which assumes a core per rank, is optimistic "
                  "here):</p>", against_model(bd, k),
                  "<h3>Fitted constants</h3>", constants(k)]
        parts += projection(proj)
        parts.append(chart(*CHARTS[1], mpi_dir, out_dir))
        parts += training(mpi_dir)
    except (Bad, KeyError, TypeError, ValueError, ZeroDivisionError, StopIteration) as e:
        msg = str(e) if isinstance(e, Bad) else f"{mpi_dir}: malformed results ({e!r})"
        print(f"mpi_section.py: warning: {msg}", file=sys.stderr)
        return "\n".join(head + [f"<p><b>Not shown:</b> {esc(msg)}</p>"])
    return "\n".join(parts)
