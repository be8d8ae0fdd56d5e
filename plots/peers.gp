# optbench's fastest variant against PyTorch's CPU optimizers and the book's
# NumPy code: ns per element against size, 1 thread, log-log.
# usage: gnuplot -e "algo='adam'; datadir='RESULTS/data'; out='adam_peers.png'" plots/peers.gp
if (!exists("algo") || !exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"algo='adam'; datadir='RESULTS/data'; out='FILE.png'\" peers.gp"; exit status 2
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1100,650 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1100,650
}
set output out
load datadir."/".algo."_meta.gp"
load datadir."/".algo."_peers.gp"
f = datadir."/".algo."_peers.dat"
set datafile missing "?"
set title sprintf("%s: optbench's fastest variant against PyTorch and the book's NumPy code, 1 thread (lower is better)\n{/*0.85 same sizes, same machine, one run; PyTorch's formulas differ in detail (see the report)}", algo_title)
set xlabel "n, float32 elements per array (log scale)"
set ylabel "ns per element (log scale)"
set logscale xy
set logscale x 2
set format x "2^{%L}"
set format y "%g"
set grid xtics ytics mytics lc rgb "#dddddd"
set key outside right top box opaque
do for [i=1:ncache] {
    set arrow from cache_n[i], graph 0 to cache_n[i], graph 1 nohead lc rgb "#777777" dt 3 lw 1.5 back
    set label cache_label[i] at cache_n[i], graph 0.97 rotate by 90 right offset -0.7,0 tc rgb "#555555" font ",10"
}
plot f using 1:2 with linespoints lc rgb "#d62728" lw 3 pt 7 ps 0.8 title "optbench (fastest variant)", \
     for [i=1:peer_n] f using 1:(column(i+2)) with linespoints lw 1.5 pt 6 ps 0.8 title peer_title[i]
