#!/usr/bin/env python3
"""plots/noise.py on synthetic runs whose answers are worked out by hand in
the comments: the spread of a point's repetitions, the load/steal/clock
summary of the samples, the quiet/noisy verdict and each of its reasons, and
the command line end to end on a results folder.

usage: test_noise.py SOURCE_DIR"""
import json
import os
import subprocess
import sys
import tempfile

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
sys.path.insert(0, os.path.join(src, "plots"))
sys.dont_write_bytecode = True
import noise  # noqa: E402

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print(f"FAIL: {what}")


def close(a, b):
    return a is not None and abs(a - b) < 1e-12


def rep(name, t, i):
    return {"name": name, "run_name": name, "run_type": "iteration", "repetition_index": i,
            "real_time": t, "time_unit": "ns"}


# ---- spreads ------------------------------------------------------------------
rows = [rep("step/a/x/n:1024/threads:1", t, i) for i, t in enumerate([110.0, 90.0, 100.0])]
rows += [rep("step/a/y/n:1024/threads:1", t, i) for i, t in enumerate([99.0, 101.0, 100.0])]
rows += [rep("step/a/one/n:1024/threads:1", 50.0, 0)]
rows += [{"name": "step/a/err", "run_name": "step/a/err", "run_type": "iteration",
          "error_occurred": True, "real_time": 1.0}]
# an older run: aggregates only
rows += [{"name": "old_median", "run_name": "old", "run_type": "aggregate",
          "aggregate_name": "median", "real_time": 40.0},
         {"name": "old_cv", "run_name": "old", "run_type": "aggregate",
          "aggregate_name": "cv", "real_time": 0.05}]
sp = noise.spreads(rows)
# (110 - 90) / 100 = 0.2; (101 - 99) / 100 = 0.02
check(close(sp["step/a/x/n:1024/threads:1"]["spread"], 0.2), f"spread x: {sp.get('step/a/x/n:1024/threads:1')}")
check(close(sp["step/a/x/n:1024/threads:1"]["median"], 100.0), "median x")
check(close(sp["step/a/y/n:1024/threads:1"]["spread"], 0.02), "spread y")
check(sp["step/a/one/n:1024/threads:1"]["spread"] is None, "one sample has no spread")
check("step/a/err" not in sp, "a failed benchmark is no point")
# 2 x cv = 0.1 stands in for the range
check(close(sp["old"]["spread"], 0.1) and sp["old"]["from"] == "cv" and close(sp["old"]["median"], 40.0),
      f"aggregates-only run: {sp.get('old')}")

# ---- environment -----------------------------------------------------------------
text = """# epoch load1 load5 load15 cpu_total cpu_steal mhz_min mhz_max
1000 1.0 1.0 1.0 1000 10 2000 2400
1005 2.5 1.2 1.0 1400 30 1900 2400
1010 3.0 1.5 1.1 1800 50 2100 2500
1020 0.5 1.4 1.1 2000 60 2000 2300
not a sample line
"""
env = noise.environment(noise.parse_samples(text))
check(env["samples"] == 4, f"samples: {env['samples']}")
# loads 1.0 2.5 3.0 0.5: before 1.0, after 0.5, max 3.0, median (1.0 + 2.5) / 2
check(env["load"] == {"before": 1.0, "after": 0.5, "max": 3.0, "median": 1.75}, f"load: {env['load']}")
# steal (60 - 10) / (2000 - 1000) = 0.05
check(close(env["steal"], 0.05), f"steal: {env.get('steal')}")
check(env["mhz"] == {"min": 1900.0, "max": 2500.0}, f"mhz: {env.get('mhz')}")
check(env["seconds"] == 20.0, f"seconds: {env.get('seconds')}")
check("steal" not in noise.environment(noise.parse_samples("1 0.1 0.1 0.1 ? ? ? ?\n")),
      "unreadable /proc/stat: no steal figure")

# ---- verdict ------------------------------------------------------------------------
quiet_env = {"samples": 10, "load": {"before": 1.0, "after": 1.0, "max": 1.4, "median": 1.0},
             "steal": 0.001, "mhz": {"min": 2400.0, "max": 2400.0}}
pts = {f"p{i}": {"spread": 0.02} for i in range(20)}
v = noise.verdict(quiet_env, pts, 2)
check(v["state"] == "quiet" and not v["reasons"] and v["measured"] == 20, f"quiet: {v}")

# load median 2.0 on 2 CPUs: above 2 - 0.5
busy = dict(quiet_env, load={"before": 1.0, "after": 2.0, "max": 3.1, "median": 2.0})
v = noise.verdict(busy, pts, 2)
check(v["state"] == "noisy" and len(v["reasons"]) == 1 and "load average 2.0" in v["reasons"][0],
      f"busy: {v['reasons']}")
# load 1.4 on 2 CPUs is our own benchmark thread plus a little: quiet
v = noise.verdict(dict(quiet_env, load={"before": 1, "after": 1, "max": 1.9, "median": 1.4}), pts, 2)
check(v["state"] == "quiet", f"load 1.4 of 2: {v['reasons']}")

# ---- the CPUs other processes used (10-field samples) --------------------------------
# 2 CPUs, 100 ticks per CPU per interval: total +200 each time.
# interval 1: busy +150, ours +100 -> others 50 ticks of 200 -> 0.5 CPU
# interval 2: busy +110, ours +100 -> 0.1 CPU; interval 3: busy +190, ours +100 -> 0.9 CPU
# median of (0.5, 0.1, 0.9) = 0.5
ticks = """1 1.0 1.0 1.0 1000 0 ? ? 500 100
6 1.0 1.0 1.0 1200 0 ? ? 650 200
11 1.0 1.0 1.0 1400 0 ? ? 760 300
16 1.0 1.0 1.0 1600 0 ? ? 950 400
"""
env = noise.environment(noise.parse_samples(ticks), 2)
check(close(env.get("others"), 0.5), f"others: {env.get('others')}")
v = noise.verdict(env, pts, 2)
check(v["state"] == "noisy" and "other processes used 0.50 of the 2 CPUs" in v["reasons"][0],
      f"others 0.5: {v['reasons']}")
# the run's own threads (ours = busy) leave nothing to others, whatever the load average says:
# load 1.9 of 2 is our two threads, quiet
own = """1 1.9 1.9 1.9 1000 0 ? ? 500 100
6 1.9 1.9 1.9 1200 0 ? ? 700 300
"""
env = noise.environment(noise.parse_samples(own), 2)
check(close(env.get("others"), 0.0), f"own threads only: {env.get('others')}")
check(noise.verdict(env, pts, 2)["state"] == "quiet", "own threads only: quiet")
t = noise.tree_ticks(os.getpid())
check(isinstance(t, int) and t >= 0, f"this process's ticks: {t}")
check(noise.tree_ticks(2 ** 30) is None, "a process that does not exist")
# the speed stage's window: stages at 5 (speed) and 12 (verify): the sample before (1),
# those inside (6, 11) and the first after (16)
stages = "5 speed\n12 verify\n"
w = noise.speed_window(noise.parse_samples(ticks + "21 1 1 1 1800 0 ? ? 1000 500\n"), stages)
check([x["t"] for x in w] == [1.0, 6.0, 11.0, 16.0], f"window: {[x['t'] for x in w]}")
check(noise.speed_window(noise.parse_samples(ticks), "") == noise.parse_samples(ticks),
      "no stages: every sample")

v = noise.verdict(dict(quiet_env, steal=0.05), pts, 2)
check(v["state"] == "noisy" and "steal time 5.0 %" in v["reasons"][0], f"steal: {v['reasons']}")

v = noise.verdict(dict(quiet_env, mhz={"min": 1800.0, "max": 2400.0}), pts, 2)
check(v["state"] == "noisy" and "1800 and 2400 MHz" in v["reasons"][0], f"clock: {v['reasons']}")

# 1 of 20 points above 10 %: 5 %, within the 10 % share -- quiet, but that point is listed
one_bad = dict(pts, p0={"spread": 0.3})
v = noise.verdict(quiet_env, one_bad, 2)
check(v["state"] == "quiet" and v["unreliable"] == ["p0"], f"one bad point: {v}")
# 3 of 20: 15 % of the points
three_bad = dict(one_bad, p1={"spread": 0.11}, p2={"spread": 0.5})
v = noise.verdict(quiet_env, three_bad, 2)
# the machine was quiet: the run is quiet, the share is a note (median spread of the 20: 0.02)
check(v["state"] == "quiet" and v["unreliable"] == ["p0", "p1", "p2"] and not v["reasons"]
      and "3 of 20 points" in v["notes"][0] and "median spread 2 %" in v["notes"][0],
      f"three bad points: {v}")
# a spread of exactly the limit is not above it
v = noise.verdict(quiet_env, dict(pts, p0={"spread": 0.1}), 2)
check(v["unreliable"] == [], "spread at the limit")

v = noise.verdict(quiet_env, pts, 2, roof_errors=["adam/avx512/n:1024/threads:1 at 151 %"])
check(v["state"] == "quiet" and "1 points above 105 %" in v["notes"][0], f"roofline: {v}")

v = noise.verdict({"samples": 0}, {"p": {"spread": None}}, 2)
check(v["state"] == "unknown", f"nothing measured: {v}")

# ---- sampling: a real line from this machine parses back ---------------------------
line = noise.sample_line()
s = noise.parse_samples(line + "\n")
check(len(s) == 1 and s[0]["t"] and s[0]["load1"] is not None, f"sample line: {line}")

# ---- the command line on a results folder ---------------------------------------------
with tempfile.TemporaryDirectory() as d:
    with open(os.path.join(d, "speed.json"), "w") as f:
        json.dump({"context": {"num_cpus": 2}, "benchmarks": rows}, f)
    with open(os.path.join(d, "load.txt"), "w") as f:
        f.write(text)
    r = subprocess.run([sys.executable, os.path.join(src, "plots", "noise.py"), d],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"noise.py exit {r.returncode}: {r.stderr}")
    doc = json.load(open(os.path.join(d, "data", "noise.json")))
    # load median 1.75 > 1.5 (8-field samples: no tick data, the load rule), steal 5 %,
    # clock 1900-2500 (24 %): 3 reasons; 1 of the 3 measured points (x 20 %; y 2 %, old
    # 10 % = the limit) is above 10 %: 33 % of them, a note
    check(doc["state"] == "noisy" and len(doc["reasons"]) == 3 and len(doc["notes"]) == 1,
          f"cli reasons: {doc['reasons']}, notes {doc.get('notes')}")
    check(doc["unreliable"] == ["step/a/x/n:1024/threads:1"] and doc["measured"] == 3,
          f"cli unreliable: {doc['unreliable']}, measured {doc['measured']}")
    r = subprocess.run([sys.executable, os.path.join(src, "plots", "noise.py")],
                       capture_output=True, text=True)
    check(r.returncode == 2, "usage without a folder: exit 2")

print("test_noise: " + ("ok" if not failures else f"{failures} failures"))
sys.exit(1 if failures else 0)
