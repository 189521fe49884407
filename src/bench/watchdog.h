/* watchdog.h — never hang forever: a thread that aborts the job (exit code 3) when
 * one message size takes longer than --timeout seconds, naming test, size and rank. */
#ifndef BBD_WATCHDOG_H
#define BBD_WATCHDOG_H

#include "bbd_err.h"

#include <stddef.h>

/* Start the watchdog thread (nothing happens when timeout <= 0). */
int watchdog_start(double timeout, int rank, struct bbd_err *err);
/* Start the clock for one unit of work ("latency", 4096); size WATCHDOG_NO_SIZE for work
 * that has none (e.g. "MPI_Finalize": a peer that vanished can hang it too). */
#define WATCHDOG_NO_SIZE ((size_t)-1)
void watchdog_arm(const char *what, size_t size);
/* The same for the end of the run (MPI_Finalize): every result is written by then, and
 * MPI_Abort is no longer valid once MPI_Finalize has begun, so on expiry this process
 * prints the message and leaves by itself with exit code 3. */
void watchdog_arm_final(const char *what);
void watchdog_disarm(void);
/* End the whole job with exit code 3 after a line was written to stderr: flush it, give
 * the launcher a moment to forward it (MPI_Abort can tear the job down first), abort. */
void bench_abort_job(void);
void watchdog_stop(void);

#endif
