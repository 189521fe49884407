/* run_exec.h — start one command (fork/execvp, no shell), with its own timeout,
 * stdout/stderr into files, and Ctrl-C turned into a clean stop.
 *
 * The child runs in its own process group so that a timeout or Ctrl-C ends the
 * whole launcher tree (mpiexec and its proxies, srun and its steps) and nothing else. */
#ifndef BBD_RUN_EXEC_H
#define BBD_RUN_EXEC_H

#include "bbd_err.h"
#include "run_argv.h"

enum run_exec_status {
    RUN_EXITED,      /* exited by itself: see exit_code / signal */
    RUN_TIMEOUT,     /* killed after its timeout */
    RUN_INTERRUPTED, /* killed because of SIGINT/SIGTERM to bbd */
};

struct run_exec_result {
    enum run_exec_status status;
    int exit_code; /* valid when status == RUN_EXITED and signal == 0 */
    int signal;    /* signal that ended it, 0 if it exited */
    double seconds;
};

/* Catch SIGINT and SIGTERM: they set a flag that run_exec and the caller poll. */
void run_exec_catch_interrupts(void);
int run_exec_interrupted(void);
/* Forget a handled interrupt, so that later children (e.g. gnuplot for the report of an
 * interrupted run) are not killed for it; a new SIGINT/SIGTERM sets the flag again. */
void run_exec_clear_interrupt(void);

/* Run argv with `env` ("K=V" added to the environment) writing stdout and stderr to
 * the given files; wait at most `timeout` seconds (0 = no limit). Returns -1 only
 * when the command could not be started (the error says why, e.g. execvp(srun)). */
int run_exec(const struct run_argv *argv, const struct run_argv *env, const char *stdout_path,
             const char *stderr_path, double timeout, struct run_exec_result *res,
             struct bbd_err *err);

#endif
