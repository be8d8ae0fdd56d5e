# Fraction of the same-run roofline per variant and size: each ISA on 1 thread, +omp on all threads.
# usage: gnuplot -e "algo='adam'; datadir='RESULTS/data'; out='adam_frac.png'" plots/frac.gp
if (!exists("algo") || !exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"algo='adam'; datadir='RESULTS/data'; out='FILE.png'\" frac.gp"; exit status 2
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1100,650 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1100,650
}
set output out
load datadir."/".algo."_meta.gp"
f = datadir."/".algo."_frac.dat"
set datafile missing "?"
set title sprintf("%s: fraction of the roofline reached (higher is better)\n{/*0.85 100 %% = the higher floor (the lower ceiling), measured in the same run at the same size and threads; the rules' goal: 90 %% from 2^{14}}", algo_title)
set xlabel sprintf("n, float32 elements per array (log scale; working set = %g B x n)", footprint)
set ylabel "% of roofline"
set logscale x 2
set format x "2^{%L}"
set xrange [nmin/1.3:nmax*1.3]
set yrange [0:*]
set ytics 10
set grid xtics ytics lc rgb "#dddddd"
set key outside right top box opaque
set arrow from graph 0, first 100 to graph 1, first 100 nohead lc rgb "#000000" lw 3 back
set arrow from graph 0, first 90 to graph 1, first 90 nohead lc rgb "#000000" lw 1 dt 2 back
set label "goal 90 %" at graph 0.01, first 87 font ",9"
do for [i=1:ncache] {
    if (cache_n[i] >= nmin/1.3 && cache_n[i] <= nmax*1.3) {
        set arrow from cache_n[i], graph 0 to cache_n[i], graph 1 nohead lc rgb "#777777" dt 3 lw 1.5 back
        set label cache_label[i] at cache_n[i], graph 0.03 rotate by 90 left offset -0.7,0 tc rgb "#555555" font ",10"
    }
}
plot for [i=1:fr_nv] f using 1:(100*column(i+1)) with linespoints lc rgb fr_lc[i] dt fr_dt[i] pt fr_pt[i] lw fr_lw[i] ps 0.7 title fr_title[i]
