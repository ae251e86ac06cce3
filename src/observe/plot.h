/* Plots: plain whitespace-separated data files plus a gnuplot script from plots/,
 * rendered by running gnuplot when it is on PATH. Four plots: the timeline of one run and
 * its Pods by phase, the distribution of a recovery time over replications, and a sweep's
 * recovery times against the swept parameter.
 *
 * For a plot NAME in directory DIR: DIR/NAME.dat (the data), DIR/NAME.gp (the script from
 * plots/, preceded by defaults naming the data and the image, so it renders alone), and
 * DIR/NAME.png, .svg or .txt (dumb terminal). Every file is written whole or not at all.
 * Scripts are looked up in $SSSIM_PLOTS_DIR, then <exe dir>/../plots, <exe dir>/../../plots
 * and <exe dir>/../share/sssim/plots (a build tree, a relocated install), then the source
 * tree if config.h names it (SSSIM_SOURCE_PLOTS_DIR), then the install dir
 * (SSSIM_PLOTS_DIR).
 *
 * This module never prints: errors, the "gnuplot not found" notice and the text of dumb
 * plots are kept in the plotter for the caller to show. */
#ifndef SSSIM_PLOT_H
#define SSSIM_PLOT_H

#include <stddef.h>

#include "observe/timeline.h"

enum plot_format { PLOT_PNG, PLOT_SVG, PLOT_DUMB };
/* "png", "svg", "dumb"; -1 if unknown. */
int plot_format_parse(const char *name);

/* Results of the plot_ functions. */
enum plot_status {
    PLOT_OK = 0,         /* data, script and image written */
    PLOT_NO_GNUPLOT = 1, /* data and script written; gnuplot is not on PATH (a notice) */
    PLOT_ERROR = -1      /* something could not be written or gnuplot failed */
};

struct plotter;

/* A plotting session writing into dir (created, with its parents, when first needed). */
struct plotter *plotter_new(const char *dir, enum plot_format fmt);
void plotter_free(struct plotter *p);
/* The message of the last PLOT_ERROR ("" if none), without the "sssim: " prefix. */
const char *plotter_error(const struct plotter *p);
/* The one notice line when gnuplot was not found (NULL otherwise), without the prefix:
 * "gnuplot not found; data and scripts are in DIR (render with: gnuplot -e "..." ...)". */
const char *plotter_notice(const struct plotter *p);
/* The rendered dumb plots so far, one after the other ("" for png and svg). */
const char *plotter_text(const struct plotter *p, size_t *len);

/* The timeline of one run as "timeline": one row per identity (bars coloured by phase,
 * node names on each incarnation), faults and operator actions as labelled lines. A run
 * of more than 100 identities shows the 100 longest without a Ready Pod from the first
 * fault on (from the start if there is none), and says so in the title.
 * The timeline must be closed (the run ended, or timeline_close). */
int plot_timeline(struct plotter *p, const struct timeline *tl);

/* The StatefulSet Pods of one run as "phases": how many are in each phase (Pending ...
 * Terminating) over time, stacked, faults and operator actions as labelled lines; the
 * view of a run with too many identities for the timeline. The timeline must be closed. */
int plot_phases(struct plotter *p, const struct timeline *tl);
/* Both plots of one run: the timeline, then the phases (not tried after an error). */
int plot_run(struct plotter *p, const struct timeline *tl);

/* The distribution of a time over replications as NAME (e.g. "recovery-0"): histogram
 * and empirical CDF with p50 and p99 marked. seconds[0..n) may hold NaN for runs where
 * the moment never came; they are counted in the title, not plotted. */
int plot_distribution(struct plotter *p, const char *name, const char *title, const double *seconds,
                      size_t n);
/* The number of histogram bins plot_distribution uses for `finite` values. */
size_t plot_histogram_bins(size_t finite);

/* One line per setting of the other parameters: p50 and p99 at each value of the swept
 * parameter. p50 and p99 are [nseries][nx] (row-major), NaN where nothing recovered. */
struct plot_sweep {
    const char *title;
    const char *xlabel;         /* the swept parameter's path */
    const char *const *xvalues; /* [nx] as given on the command line ("40s", "3") */
    size_t nx;
    const char *const *series; /* [nseries] "path=value ..." of the other axes, or "" */
    size_t nseries;
    const double *p50, *p99;
};
int plot_sweep(struct plotter *p, const char *name, const struct plot_sweep *s);

#endif
