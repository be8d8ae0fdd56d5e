# Left: speed-up over scalar (1 thread) per variant; right: intrinsics against autovec (1 thread).
# usage: gnuplot -e "algo='adam'; datadir='RESULTS/data'; out='adam_speedup.png'" plots/speedup.gp
if (!exists("algo") || !exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"algo='adam'; datadir='RESULTS/data'; out='FILE.png'\" speedup.gp"; exit status 2
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1400,720 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1400,720
}
set output out
load datadir."/".algo."_meta.gp"
f = datadir."/".algo."_speedup.dat"
set datafile missing "?"
set logscale x 2
set format x "2^{%L}"
set xrange [nmin/1.3:nmax*1.3]
set xlabel "n, float32 elements per array (log scale)\n"
set grid xtics ytics lc rgb "#dddddd"
# the legends below each panel: inside they covered the small sizes' points
set key below box font ",9" maxrows 4
set yrange [0:*]
if (av_nv > 0) { set multiplot layout 1,2 title sprintf("%s: speed-ups (higher is better)", algo_title) }
set title "over scalar on 1 thread"
set ylabel "speed-up over scalar (x)"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#000000" lw 2 back
do for [i=1:ncache] {
    if (cache_n[i] >= nmin/1.3 && cache_n[i] <= nmax*1.3) {
        set arrow (10+i) from cache_n[i], graph 0 to cache_n[i], graph 1 nohead lc rgb "#777777" dt 3 lw 1.5 back
        set label (10+i) cache_label[i] at cache_n[i], graph 0.97 rotate by 90 right offset -0.7,0 tc rgb "#555555" font ",10"
    }
}
# unreliable points (plots/noise.py: repetitions spread beyond the limit), ringed in red
if (!exists("noise_pct")) { noise_pct = 10 }
noisy_title = sprintf("unreliable (spread > %g %%)", noise_pct)
if (!exists("sp_noisy")) { sp_noisy = 0; av_noisy = 0 }
ring = ", '%s' using 1:2 with points pt 6 ps 2.2 lw 2 lc rgb '#e41a1c' title '%s'"
noisy = sp_noisy > 0 ? sprintf(ring, datadir."/".algo."_speedup_noise.dat", noisy_title) : ""
av_ring = av_noisy > 0 ? sprintf(ring, datadir."/".algo."_speedup_av_noise.dat", noisy_title) : ""
plot for [i=1:sp_nv] f using 1:(column(i+1)) with linespoints lc rgb sp_lc[i] dt sp_dt[i] pt sp_pt[i] lw sp_lw[i] ps 0.7 title sp_title[i] @noisy
if (av_nv > 0) {
    set title "intrinsics over autovec (the compiler's vectorisation), 1 thread"
    set ylabel "speed-up over autovec (x; above 1 = intrinsics faster)"
    set yrange [*:*]
    # eval: a block takes no @macro
    eval "plot for [i=1:av_nv] f using 1:(column(sp_nv+1+i)) with linespoints lc rgb av_lc[i] dt av_dt[i] pt av_pt[i] lw av_lw[i] ps 0.7 title av_title[i]".av_ring
    unset multiplot
}
