# Thread scaling of the +omp variants at the two largest sizes: GB/s against threads, with the roofline.
# usage: gnuplot -e "algo='adam'; datadir='RESULTS/data'; out='adam_threads.png'" plots/threads.gp
if (!exists("algo") || !exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"algo='adam'; datadir='RESULTS/data'; out='FILE.png'\" threads.gp"; exit status 2
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1100,760 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1100,760
}
set output out
load datadir."/".algo."_meta.gp"
f = datadir."/".algo."_threads.dat"
set datafile missing "?"
# two short subtitle lines: one long line ran past the 1100-pixel frame on both sides
set title sprintf("%s: thread scaling of the +omp variants at the largest sizes (higher is better)\n{/*0.85 GB/s from the traffic model, %g B/element; thick black = the roofline at that size and thread count}\n{/*0.85 at 1 thread: the ISA itself, which +omp calls directly}", algo_title, bpe)
set xlabel "threads\n"
set ylabel "GB/s (10^9 bytes per second)"
set xrange [0.8:tmax+0.2]
set xtics 1
set yrange [0:*]
set grid xtics ytics lc rgb "#dddddd"
# below the frame, in columns: at the right the legend took a third of the width
set key below box maxrows 4
# unreliable points (plots/noise.py: repetitions spread beyond the limit), ringed in red
if (!exists("noise_pct")) { noise_pct = 10 }
noisy_title = sprintf("unreliable (spread > %g %%)", noise_pct)
if (!exists("th_noisy")) { th_noisy = 0 }
noisy = th_noisy > 0 ? sprintf(", '%s' using 1:2 with points pt 6 ps 2.2 lw 2 lc rgb '#e41a1c' title '%s'", datadir."/".algo."_threads_noise.dat", noisy_title) : ""
plot for [i=1:th_nv] f using 1:(column(i+1)) with linespoints lc rgb th_lc[i] dt th_dt[i] pt th_pt[i] lw th_lw[i] ps 1 title th_title[i] @noisy
