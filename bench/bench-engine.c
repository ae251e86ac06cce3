/* Hold-model benchmark of the event queue against a bare binary heap. */
#include <stdio.h>

#include "engine/holdbench.h"
#include "util/util.h"

int main(void)
{
    static const size_t sizes[] = {1000, 100000, 1000000};
    /* Two million hold operations per side and round keep the whole run to a few seconds
     * while timing more operations than the largest queue holds, so every event of the
     * initial fill has been popped at least once on average. */
    const uint64_t ops = 2000000;
    struct holdbench_result res[ARRAY_LEN(sizes)];

    for (size_t i = 0; i < ARRAY_LEN(sizes); i++)
        holdbench_run(sizes[i], ops, &res[i]);
    printf("hold model: pop the earliest event, schedule one at its time + Exp(1 ms)\n");
    holdbench_print(stdout, res, ARRAY_LEN(res));
    return 0;
}
