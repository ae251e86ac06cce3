/* sssim validate: parse and validate scenario files without running them. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_validate(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: sssim validate SCENARIO...\n\n"
                "Parse and validate each scenario; print 'ok FILE' or the first error.\n"
                "Fields Kubernetes has but sssim does not model are listed as ignored.\n");
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    int status = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        struct scenario *s = cli_load(argv[i], NULL, 0);
        if (s == NULL) {
            status = EXIT_USAGE;
            continue;
        }
        printf("ok %s\n", argv[i]);
        for (uint32_t k = 0; k < s->nwarnings; k++)
            printf("  warning: %s\n", s->warnings[k]);
        for (uint32_t k = 0; k < s->nignored; k++)
            printf("  ignored (not modelled): %s\n", s->ignored[k]);
        scenario_free(s);
    }
    return status;
}
