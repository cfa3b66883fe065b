/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/ids.h"
#include "core/log.h"
#include "modules/module.h"

#ifndef TSUNAGU_VERSION
#define TSUNAGU_VERSION "0.1.0"
#endif

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tsunagu: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

const char *cli_default_data_dir(void)
{
    const char *env = getenv("TSUNAGU_DATA_DIR");
    return env && *env ? env : "./data";
}

void cli_print_options(const struct cli_option *options)
{
    for (const struct cli_option *o = options; o->name; o++) {
        char left[64];
        snprintf(left, sizeof(left), "--%s%s", o->name, o->value ? " VALUE" : "");
        printf("  %-26s %s%s%s%s\n", left, o->help, o->env ? " [env " : "", o->env ? o->env : "",
               o->env ? "]" : "");
    }
}

static const struct cli_option *find(const struct cli_option *options, const char *name)
{
    for (const struct cli_option *o = options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

bool cli_parse(const char *command, int argc, char **argv, const struct cli_option *options)
{
    for (const struct cli_option *o = options; o->name; o++) {
        const char *env = o->env ? getenv(o->env) : NULL;
        if (!env || !*env)
            continue;
        if (o->value)
            *o->value = env;
        else if (o->flag)
            *o->flag = strcmp(env, "0") != 0 && strcmp(env, "false") != 0;
    }
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            cli_error("%s: unexpected argument '%s' (see 'tsunagu %s --help')", command, arg,
                      command);
            return false;
        }
        const char *eq = strchr(arg, '=');
        char name[64];
        snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - arg - 2) : (int)strlen(arg + 2),
                 arg + 2);
        const struct cli_option *o = find(options, name);
        if (!o) {
            cli_error("%s: unknown option '--%s' (see 'tsunagu %s --help')", command, name,
                      command);
            return false;
        }
        if (o->flag) {
            if (eq) {
                cli_error("%s: --%s takes no value", command, name);
                return false;
            }
            *o->flag = true;
            continue;
        }
        if (eq) {
            *o->value = eq + 1;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            cli_error("%s: --%s needs a value", command, name);
            return false;
        }
    }
    return true;
}

/* Reads environment variable name as a whole number of unit from lo to hi into *out (0 when
 * unset). */
static bool env_whole(const char *name, const char *unit, long lo, long hi, long *out)
{
    const char *env = getenv(name);
    *out = 0;
    if (!env || !*env)
        return true;
    char *end;
    *out = strtol(env, &end, 10);
    if (*end || *out < lo || *out > hi) {
        cli_error("%s must be a whole number of %s (%ld to %ld)", name, unit, lo, hi);
        return false;
    }
    return true;
}

/* TSUNAGU_TEST_CLOCK_SHIFT_DAYS=N runs every command N days ahead (or back), and
 * TSUNAGU_TEST_CLOCK_SHIFT_MINUTES=M M minutes more: the tests use them to run the suite on
 * another date, or a command at another hour. A production build refuses them rather than run
 * on a clock it was not told about. */
static bool test_clock_from_env(void)
{
    long days, minutes;
    if (!env_whole("TSUNAGU_TEST_CLOCK_SHIFT_DAYS", "days", -36500, 36500, &days) ||
        !env_whole("TSUNAGU_TEST_CLOCK_SHIFT_MINUTES", "minutes", -1440, 1440, &minutes))
        return false;
    if (days == 0 && minutes == 0)
        return true;
    if (!clock_shift_set((int64_t)days * 86400000 + (int64_t)minutes * 60000)) {
        cli_error("TSUNAGU_TEST_CLOCK_SHIFT_DAYS and _MINUTES are honoured only by a test build "
                  "(meson -Dtest_clock=true); unset them");
        return false;
    }
    const char *way = days * 1440 + minutes >= 0 ? "ahead" : "behind";
    if (minutes == 0)
        log_msg(LOG_WARN, "clock.shifted", "test build: the clock runs %ld days %s", labs(days),
                way);
    else
        log_msg(LOG_WARN, "clock.shifted", "test build: the clock runs %ld days and %ld minutes %s",
                labs(days), labs(minutes), way);
    return true;
}

static void usage(FILE *out)
{
    fputs("usage: tsunagu <command> [options]\n"
          "\n"
          "tsunagu connects the hospitals, clinics, nursing stations, pharmacies and care\n"
          "managers of a region around the same patients.\n"
          "\n"
          "commands:\n"
          "  serve                   run the server (see 'tsunagu serve --help')\n"
          "  init [--demo]           create the data directory (with the demo region)\n",
          out);
    for (const struct module *const *m = modules_all; *m; m++)
        for (const struct module_command *c = (*m)->commands; c && c->name; c++)
            fprintf(out, "  %-22s  %s\n", c->synopsis, c->summary);
    fputs("  audit verify            check the audit trail's hash chain\n"
          "  openapi                 print the OpenAPI document of the app API\n"
          "  dicom dump FILE         print a DICOM file as DICOM JSON (PS3.18 F.2)\n"
          "  dicom frames FILE       print where each frame of its pixel data lies\n"
          "  --version               print the version\n"
          "  --help                  this text\n",
          out);
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("tsunagu %s\n", TSUNAGU_VERSION);
        return CLI_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (!test_clock_from_env())
        return CLI_USAGE;
    if (!ids_init()) {
        cli_error("cannot initialise libsodium");
        return CLI_FAIL;
    }
    modules_init();
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {
        {"serve", cli_serve},     {"init", cli_init},   {"audit", cli_audit},
        {"openapi", cli_openapi}, {"dicom", cli_dicom},
    };
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    for (const struct module *const *m = modules_all; *m; m++)
        for (const struct module_command *c = (*m)->commands; c && c->name; c++)
            if (strcmp(cmd, c->name) == 0)
                return c->run(argc - 2, argv + 2);
    cli_error("unknown command '%s'", cmd);
    usage(stderr);
    return CLI_USAGE;
}
