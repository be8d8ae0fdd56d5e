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
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -20 nomirror
set grid ytics lc rgb "#dddddd"
set key outside right top box opaque
set arrow from graph 0, first goal to graph 1, first goal nohead lc rgb "#d62728" dt 2 lw 2 front
plot for [i=1:nrules] f using (column(i+1)):xtic(1) title rule_title(i)
