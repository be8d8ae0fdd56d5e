# ns per element against size, log-log, a line per variant (1 thread), the roofline bound,
# the L1/L2/L3 sizes marked.  Data from plots/extract.py.
# usage: gnuplot -e "algo='adam'; datadir='RESULTS/data'; out='adam_ns.png'" plots/ns.gp
if (!exists("algo") || !exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"algo='adam'; datadir='RESULTS/data'; out='FILE.png'\" ns.gp"; exit status 2
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1100,760 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1100,760
}
set output out
load datadir."/".algo."_meta.gp"
f = datadir."/".algo."_ns.dat"
set datafile missing "?"
set title sprintf("%s: time per element against array size, 1 thread (lower is better)\n{/*0.85 traffic model %g B/element}\n{/*0.85 roofline = max(memory floor, arithmetic floor), measured in the same run}", algo_title, bpe)
set xlabel sprintf("n, float32 elements per array (log scale; working set = %g B x n)\n", footprint)
set ylabel "ns per element (log scale)"
set logscale xy
set format x "2^{%L}"
set logscale x 2
set format y "%g"
set xrange [nmin/1.3:nmax*1.3]
set grid xtics ytics mytics lc rgb "#dddddd"
# below the frame, in columns: at the right the legend took a third of the width
set key below box maxrows 4
do for [i=1:ncache] {
    if (cache_n[i] >= nmin/1.3 && cache_n[i] <= nmax*1.3) {
        set arrow from cache_n[i], graph 0 to cache_n[i], graph 1 nohead lc rgb "#777777" dt 3 lw 1.5 back
        set label cache_label[i] at cache_n[i], graph 0.97 rotate by 90 right offset -0.7,0 tc rgb "#555555" font ",10"
    }
}
# the arithmetic floor only for the rules that have one (an empty column would warn)
if (!exists("arith_title")) { arith_title = "arithmetic floor" }
# unreliable points (plots/noise.py: repetitions spread beyond the limit), ringed in red
if (!exists("noise_pct")) { noise_pct = 10 }
noisy_title = sprintf("unreliable (spread > %g %%)", noise_pct)
if (!exists("ns_noisy")) { ns_noisy = 0 }
noisy = ns_noisy > 0 ? sprintf(", '%s' using 1:2 with points pt 6 ps 2.2 lw 2 lc rgb '#e41a1c' title '%s'", datadir."/".algo."_ns_noise.dat", noisy_title) : ""
arith = has_arith ? sprintf(", f using 1:(column(%d)) with lines lc rgb '#999999' lw 2 dt 5 title '%s'", ns_nv+4, arith_title) : ""
plot for [i=1:ns_nv] f using 1:(column(i+1)) with linespoints lc rgb ns_lc[i] dt ns_dt[i] pt ns_pt[i] lw ns_lw[i] ps 0.7 title ns_title[i], \
     f using 1:(column(ns_nv+2)) with lines lc rgb "#000000" lw 5 title "roofline bound", \
     f using 1:(column(ns_nv+3)) with lines lc rgb "#999999" lw 2 dt 4 title "memory floor" @arith @noisy
