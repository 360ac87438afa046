# SPDX-License-Identifier: GPL-2.0
#
# gnuplot script of the bench suite: latency distributions (cumulative
# fraction of calls against round-trip time, log scale) from the series
# files tests/bench/plot.sh writes.  Variables: dir (the series files and
# the output directory), title.
set terminal pngcairo size 1100,650 noenhanced font ",10"
set output dir."/latency.png"
set title title
set logscale x 10
set xlabel "latency (us, TCG-emulated)"
set ylabel "fraction of calls at or below"
set yrange [0:1.005]
set grid xtics ytics mxtics
set key right bottom
set datafile separator ","
plot \
	dir."/cdf-ours-rtt.csv" using 1:2 with steps lw 2 title "virtio_scmi: clock rate get", \
	dir."/cdf-upstream-rtt.csv" using 1:2 with steps lw 2 title "upstream: clock rate get", \
	dir."/cdf-ours-async.csv" using 1:2 with steps lw 1 title "virtio_scmi: delayed response", \
	dir."/cdf-upstream-async.csv" using 1:2 with steps lw 1 title "upstream: delayed response", \
	dir."/cdf-ours-polling.csv" using 1:2 with steps lw 1 dt 2 title "virtio_scmi polling mode", \
	dir."/cdf-ours-atomic.csv" using 1:2 with steps lw 1 dt 2 title "virtio_scmi atomic mode", \
	dir."/cdf-ours-raw.csv" using 1:2 with steps lw 2 dt 3 title "floor: raw cmdq round trip, sleeping", \
	dir."/cdf-ours-raw_spin.csv" using 1:2 with steps lw 2 dt 4 title "floor: raw cmdq round trip, busy-waiting"
