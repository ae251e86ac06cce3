/* sssim bench: the engine's hold-model benchmark against a bare binary heap. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/holdbench.h"

int cmd_bench(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: sssim bench\n\n"
               "Run the classic hold model on the event queue at 10^3, 10^5 and 10^6 pending\n"
               "events and print events per second next to a bare binary heap of\n"
               "(time, sequence) pairs measured in the same run.\n");
        return EXIT_OK;
    }
    static const size_t sizes[] = {1000, 100000, 1000000};
    struct holdbench_result res[3];
    for (size_t i = 0; i < 3; i++)
        holdbench_run(sizes[i], 2000000, &res[i]);
    holdbench_print(stdout, res, 3);
    return EXIT_OK;
}
