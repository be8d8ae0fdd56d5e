# The sharded step over MPI (issue 15), from plots/mpi_report.py's files:
#   chart='breakdown'   measured: compute, communication and waiting per step
#                       against the rank count, one panel per list
#   chart='projection'  PROJECTED step time on N machines (the cost model)
# usage: gnuplot -e "datadir='DIR'; chart='breakdown'; rule='adam'; out='FILE.png'" plots/mpi.gp
if (!exists("datadir") || !exists("chart") || !exists("out")) {
    print "usage: gnuplot -e \"datadir='DIR'; chart='breakdown|projection'; out='FILE.png'\" mpi.gp"; exit status 2
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1200,520 font "sans,10" linewidth 1
} else {
    set terminal png enhanced size 1200,520
}
set output out
if (!exists("rule")) rule = "adam"
set grid ytics lc rgb "#dddddd"

if (chart eq "breakdown") {
    f = datadir."/breakdown.dat"
    load datadir."/breakdown_lists.gp"
    n = words(lists)
    set multiplot layout 1, n title "The sharded ".rule." step, measured on this machine (2 cores, shared: R = 3, 4 oversubscribed; medians, slowest rank)"
    set style data histograms
    set style histogram rowstacked
    set style fill solid 0.85 border -1
    set boxwidth 0.7
    set ylabel "ms per step"
    set xlabel "ranks R"
    set key top left
    do for [i=0:n-1] {
        set title word(lists, i + 1)
        plot f index i using 3:xtic(2) title "compute" lc rgb "#4477aa", \
             '' index i using 4 title "communication" lc rgb "#ee6677", \
             '' index i using 5 title "waiting" lc rgb "#ccbb44"
        unset key
    }
    unset multiplot
} else {
    f = datadir."/projection.dat"
    set title "PROJECTION, not a measurement: one sharded ".rule." step on N machines\n{/*0.85 T(N) = P c_{copy} + (N-1)/N P c_{add} + P/N c_{update} + 2[(N-1) alpha + (N-1)/N 4P/beta]; constants fitted here, networks assumed (report.md)}"
    set logscale xy
    set xlabel "machines N"
    set ylabel "seconds per step (log)"
    set xtics (1, 2, 4, 8, 16, 32, 64)
    set format y "%g"
    set key outside right top
    dash(i) = i < 5 ? 1 : 2 # GPT-2 solid, OLMoE dashed
    plot for [i=2:7] f using 1:i with linespoints lw 2 dt dash(i) title columnheader(i)
}
