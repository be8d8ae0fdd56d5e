# Fraction of the same-run roofline per variant and size: each ISA on 1 thread, +omp on all threads.
# usage: gnuplot -e "algo='adam'; datadir='RESULTS/data'; out='adam_frac.png'" plots/frac.gp
if (!exists("algo") || !exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"algo='adam'; datadir='RESULTS/data'; out='FILE.png'\" frac.gp"; exit status 2
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1100,760 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1100,760
}
set output out
load datadir."/".algo."_meta.gp"
f = datadir."/".algo."_frac.dat"
set datafile missing "?"
set title sprintf("%s: fraction of the roofline reached (higher is better)\n{/*0.85 100 %% = the higher floor (the lower ceiling), measured in the same run at the same size and threads}\n{/*0.85 the rules' goal: 90 %% from 2^{14}}", algo_title)
set xlabel sprintf("n, float32 elements per array (log scale; working set = %g B x n)\n", footprint)
set ylabel "% of roofline"
set logscale x 2
set format x "2^{%L}"
set xrange [nmin/1.3:nmax*1.3]
# a fraction above roof_limit_pct is a measurement error: not plotted as a result,
# but marked at that height; so the frame stops just above it and 100 % is inside
if (!exists("roof_limit_pct")) { roof_limit_pct = 105 }
set yrange [0:roof_limit_pct + 10]
set ytics 10
set grid xtics ytics lc rgb "#dddddd"
# below the frame, in columns: at the right the legend took a third of the width
set key below box maxrows 4
set arrow from graph 0, first 100 to graph 1, first 100 nohead lc rgb "#000000" lw 3 back
set arrow from graph 0, first 90 to graph 1, first 90 nohead lc rgb "#000000" lw 1 dt 2 back
set label "goal 90 %" at graph 0.01, first 87 font ",9"
set label "100 %" at graph 0.01, first 102 font ",9"
do for [i=1:ncache] {
    if (cache_n[i] >= nmin/1.3 && cache_n[i] <= nmax*1.3) {
        set arrow from cache_n[i], graph 0 to cache_n[i], graph 1 nohead lc rgb "#777777" dt 3 lw 1.5 back
        set label cache_label[i] at cache_n[i], graph 0.03 rotate by 90 left offset -0.7,0 tc rgb "#555555" font ",10"
    }
}
# unreliable points (plots/noise.py: repetitions spread beyond the limit), ringed in red
if (!exists("noise_pct")) { noise_pct = 10 }
noisy_title = sprintf("unreliable (spread > %g %%)", noise_pct)
if (!exists("fr_noisy")) { fr_noisy = 0 }
if (!exists("fr_errors")) { fr_errors = 0 }
noisy = fr_noisy > 0 ? sprintf(", '%s' using 1:(100*$2) with points pt 6 ps 2.2 lw 2 lc rgb '#e41a1c' title '%s'", datadir."/".algo."_frac_noise.dat", noisy_title) : ""
errors = fr_errors > 0 ? sprintf(", '%s' using 1:(100*$2) with points pt 2 ps 2 lw 2 lc rgb '#e41a1c' title 'error: > %g %% of roofline'", datadir."/".algo."_frac_errors.dat", roof_limit_pct) : ""
plot for [i=1:fr_nv] f using 1:(100*column(i+1)) with linespoints lc rgb fr_lc[i] dt fr_dt[i] pt fr_pt[i] lw fr_lw[i] ps 0.7 title fr_title[i] @noisy @errors
