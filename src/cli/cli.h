/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CLI_CLI_H
#define TSUNAGU_CLI_CLI_H

#include <stdbool.h>

#include "core/errors.h"
#include "store/store.h"

/** Exit codes of the command line. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/** One option of a subcommand: "--name VALUE" (value != NULL) or "--name" (flag != NULL). */
struct cli_option {
    const char *name;
    const char *env; /* TSUNAGU_* variable giving the default, or NULL */
    const char **value;
    bool *flag;
    const char *help;
};

/**
 * Parses argv against options (terminated by a NULL name); environment variables fill defaults
 * first. Prints a clear message and returns false on an unknown option, a missing value or a
 * stray argument.
 */
bool cli_parse(const char *command, int argc, char **argv, const struct cli_option *options);
/** Prints the options of a subcommand. */
void cli_print_options(const struct cli_option *options);
/** Prints "tsunagu: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** The whole command line (main() calls this). */
int cli_main(int argc, char **argv);

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_openapi(int argc, char **argv);
/** `tsunagu dicom dump FILE`: a DICOM file as DICOM JSON. */
int cli_dicom(int argc, char **argv);

/** Opens the store of data_dir for an administrative command; prints the error. */
struct store *cli_store_open(const char *data_dir);
/** The data directory default: $TSUNAGU_DATA_DIR or "./data". */
const char *cli_default_data_dir(void);

#endif
