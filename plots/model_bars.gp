# The whole-model step, every rule (best variant): list/flat ratio (kind='ratio')
# or % of the stream roofline (kind='frac'), by list.
# usage: gnuplot -e "kind='ratio'; threads=1; datadir='RESULTS/data'; out='model_ratio_t1.png'" plots/model_bars.gp
if (!exists("kind") || !exists("threads") || !exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"kind='ratio'; threads=1; datadir='RESULTS/data'; out='FILE.png'\" model_bars.gp"; exit status 2
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1100,550 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1100,550
}
set output out
load datadir."/model_rules.gp"
f = sprintf("%s/model_%s_t%d.dat", datadir, kind, threads)
set datafile missing "?"
if (kind eq "ratio") {
    set title sprintf("A model's list against one flat array of the same total, %d thread%s (1 = as fast; goal <= 1.10)", threads, threads > 1 ? "s" : "")
    set ylabel "list time / flat time"
    set yrange [0:*]
    goal = 1.10
} else {
    set title sprintf("A model's step as a fraction of the stream roofline of its traffic, %d thread%s (goal for GPT-2: >= 90 %%)", threads, threads > 1 ? "s" : "")
    set ylabel "% of the stream ceiling"
    set yrange [0:*]
    goal = 90
}
set style fill solid 0.85 border -1
set xtics rotate by -20 nomirror
set grid ytics lc rgb "#dddddd"
set key outside right top box opaque
set arrow from graph 0, first goal to graph 1, first goal nohead lc rgb "#d62728" dt 2 lw 2 front
# Bars clustered by list, one per rule (boxes at computed places rather than the
# histogram style, so that one bar can be drawn differently from its series).
# A fraction above the limit (plots/noise.py: 105 %) is a measurement error, not
# a result: its bar stops at the limit, hatched, with the error's legend entry.
# usage adds: roof_limit_pct=105 (plots/noise.py's ROOF_LIMIT, in %)
w = 0.9 / (nrules + 1)
bx(i) = column(0) + (i - (nrules + 1) / 2.0) * w
set xrange [-0.6:*]
if (kind eq "frac") {
    # the limit from plots/noise.py (make_report.sh passes it)
    lim = exists("roof_limit_pct") ? roof_limit_pct : 105
    set yrange [0:lim + 15]
    set arrow from graph 0, first 100 to graph 1, first 100 nohead lc rgb "#000000" lw 2 back
    err(x) = x > lim ? lim : NaN
    ok(x) = x > lim ? NaN : x
} else {
    err(x) = NaN
    ok(x) = x
}
plot for [i=1:nrules] f using (bx(i)):(ok(column(i+1))):(w) with boxes lc i title rule_title(i), \
     for [i=1:nrules] f using (bx(i)):(err(column(i+1))):(w) with boxes fs pattern 4 border lc rgb "#e41a1c" lc rgb "#e41a1c" notitle, \
     f using 0:(NaN):xtic(1) with points notitle, \
     NaN with boxes fs pattern 4 border lc rgb "#e41a1c" lc rgb "#e41a1c" title (kind eq "frac" ? sprintf("error: > %g %% (not a result)", lim) : "")
