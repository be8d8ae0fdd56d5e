#!/usr/bin/env python3
"""The report's convergence section, from an optbench_convergence output folder.

section(conv_dir) returns HTML: figure 6-8 (trajectories, with the golden-path
check from trajectory.txt), figure 6-9 (loss curves, final-accuracy table from
mnist_summary.md) and the scalar-against-best agreement (mnist_compare.md).
The charts are expected beside the report as conv_traj.png, conv_loss.png and
conv_agree.png (plots/make_report.sh draws them). Standard library only.
"""
import html
import os


def esc(x):
    return html.escape(str(x))


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def md_table(text):
    """The first markdown table in text as HTML, and the lines after it."""
    lines = text.splitlines()
    rows = [ln for ln in lines if ln.startswith("|")]
    rest = [ln for ln in lines if ln.strip() and not ln.startswith("|")]
    if len(rows) < 2:
        return "", rest
    cells = [[c.strip() for c in r.strip("|").split("|")] for r in rows if "---" not in r]
    out = ["<table><tr>" + "".join(f"<th>{esc(c)}</th>" for c in cells[0]) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in cells[1:]]
    return "\n".join(out) + "</table>", rest


def section(conv):
    parts = ["<h2 id='convergence'>Convergence: the book's experiments</h2>",
             "<p>The same update rules, now judged by what they do rather than how fast: the "
             "book's figures 6-8 and 6-9 re-run through the library's kernels "
             "(<code>make convergence</code>).</p>"]
    traj = read(os.path.join(conv, "trajectory.txt"))
    parts.append("<h3>Figure 6-8: paths on f(x, y) = x²/20 + y²</h3>")
    if traj:
        checks = [ln.split("trajectory:", 1)[1].strip() for ln in traj.splitlines()
                  if "golden trajectory" in ln]
        parts.append("<p>Every path is computed by every variant and checked against the "
                     "golden trajectory (exact arithmetic, <code>golden/*.txt</code>, case "
                     "<code>book_quadratic</code>):</p><ul>" +
                     "".join(f"<li>{esc(c)}</li>" for c in checks) + "</ul>")
    parts.append("<img src='conv_traj.png' alt='figure 6-8: optimizer paths'>")
    summ = read(os.path.join(conv, "mnist_summary.md"))
    if summ:
        tab, rest = md_table(summ)
        parts += ["<h3>Figure 6-9: training on Fashion-MNIST</h3>",
                  "<img src='conv_loss.png' alt='figure 6-9: training loss'>",
                  "<p>Final smoothed training loss, test accuracy on the 10,000 test images "
                  "and time per iteration:</p>", tab] + [f"<p>{esc(r)}</p>" for r in rest]
    comp = read(os.path.join(conv, "mnist_compare.md"))
    if comp:
        tab, rest = md_table(comp)
        parts += ["<h3>Scalar against the best variant, end to end</h3>",
                  "<p>The same training (same seeds, same batches) with the scalar variant and "
                  "with the best one. The fused multiply-adds of the best variant change the "
                  "last bit of some updates; SGD, Momentum and AdaGrad stay within a few 1e-7 of "
                  "each other, Nesterov and Adam drift by a few 1e-3. RMSProp at lr 0.01 has loss "
                  "spikes whose timing a last-bit difference moves, so its two curves separate "
                  "while both still train to the same level: a property of the rule at that "
                  "rate, not an error in either variant (both pass the golden vectors).</p>",
                  "<img src='conv_agree.png' alt='scalar against best variant'>", tab]
        parts += [f"<p>{esc(r)}</p>" for r in rest]
    return "\n".join(parts)
