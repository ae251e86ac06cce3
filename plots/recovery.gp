# sssim recovery distribution over replications: histogram (left axis) and empirical CDF
# (right axis), p50 and p99 marked; replications that never recovered are counted in the
# title.
#   gnuplot -e "datafile='DIR/recovery-0.dat'; outfile='DIR/recovery-0.png'; fmt='png'" recovery.gp
# fmt is png (pngcairo when available), svg or dumb (text). Default size 1000x500.

if (!exists("datafile")) datafile = 'recovery.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'recovery.' . (fmt eq 'dumb' ? 'txt' : fmt)
if (!exists("width")) width = 1000
if (!exists("height")) height = 500

# index 0: n never p50 p99 mean title (p50, p99, mean are -1 when n is 0)
stats datafile index 0 using (n = int($1), never = int($2), p50 = $3, p99 = $4, \
                              mean = $5, t_title = strcol(6), 1) nooutput

# gnuplot 5.4 has no "else if": nested blocks.
if (fmt eq 'svg') {
    set terminal svg size width, height dynamic noenhanced font 'sans,11' \
        background rgb 'white'
} else {
    if (fmt eq 'dumb') {
        set terminal dumb size 120, 35 noenhanced
    } else {
        if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
            set terminal pngcairo size width, height noenhanced font 'sans,10' \
                background rgb 'white'
        } else {
            set terminal png size width, height noenhanced background rgb 'white'
        }
    }
}
set output outfile

set title sprintf("%s\nn = %d recovered, %d never recovered", t_title, n, never) offset 0, 0.8
set xlabel 'seconds'
set ylabel 'replications'
set y2label 'fraction recovered within x (empirical CDF)'
set ytics nomirror
set y2tics 0.2 nomirror
set y2range [0 : 1.05]
set yrange [0 : *]
set grid xtics ytics lc rgb '#dddddd'
set key outside bottom center horizontal
set bmargin 5
set style fill solid 0.5 border lc rgb '#1f77b4'

if (n == 0) {
    set label 'no replication recovered' at graph 0.5, graph 0.5 center
    set xrange [0 : 1]
    set yrange [0 : 1]
    # gnuplot refuses a plot whose every point is undefined (NaN): draw one outside.
    plot -1 notitle
} else {
    # The quantiles are dashed lines, named at their top and, with their values, in the key.
    set arrow from p50, graph 0 to p50, graph 1 nohead dt 2 lw 2 lc rgb '#2ca02c' front
    set label 'p50' at p50, graph 1 center offset 0, 0.7 tc rgb '#2ca02c' front
    set arrow from p99, graph 0 to p99, graph 1 nohead dt 2 lw 2 lc rgb '#d62728' front
    set label 'p99' at p99, graph 1 center offset 0, 0.7 tc rgb '#d62728' front
    set offsets graph 0.02, graph 0.02, graph 0.1, 0
    plot datafile index 1 using (($1 + $2) / 2) : 3 : ($2 - $1) with boxes lc rgb '#1f77b4' \
             title 'histogram', \
         datafile index 2 using 1 : 2 axes x1y2 with steps lw 2 lc rgb '#000000' \
             title 'empirical CDF', \
         NaN with lines dt 2 lw 2 lc rgb '#2ca02c' title sprintf('p50 = %.1f s', p50), \
         NaN with lines dt 2 lw 2 lc rgb '#d62728' title sprintf('p99 = %.1f s', p99)
}
