#include "watchdog.h"

#include <errno.h>
#include <mpi.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool running, armed, stop;
    bool final; /* armed for the end of the run: leave without MPI_Abort */
    struct timespec deadline;
    double timeout;
    int rank;
    const char *what;
    size_t size;
} wd = {.lock = PTHREAD_MUTEX_INITIALIZER};

void bench_abort_job(void)
{
    fflush(stderr);
    usleep(300000);
    MPI_Abort(MPI_COMM_WORLD, BBD_EXIT_ENV);
}

static void expire(void)
{
    char at[48] = "";
    if (wd.size != WATCHDOG_NO_SIZE) snprintf(at, sizeof(at), " at %zu bytes", wd.size);
    fprintf(stderr,
            "bbd-bench: timeout: rank %d: %s%s did not finish within %g s "
            "(a peer died or the MPI is stuck); %s with exit code 3\n",
            wd.rank, wd.what, at, wd.timeout, wd.final ? "leaving" : "aborting");
    fflush(stderr);
    /* MPI_COMM_WORLD is being freed inside MPI_Finalize: MPI_Abort would fail there (MPICH:
     * "Invalid communicator") and the launcher could tear the job down before forwarding
     * the message above. The peers' own watchdogs end them. */
    if (!wd.final) {
        bench_abort_job();
        sleep(10); /* MPI_Abort should not return; if it does, leave anyway */
    }
    _exit(BBD_EXIT_ENV);
}

static void *watch(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&wd.lock);
    while (!wd.stop) {
        int rc = wd.armed ? pthread_cond_timedwait(&wd.cond, &wd.lock, &wd.deadline)
                          : pthread_cond_wait(&wd.cond, &wd.lock);
        if (rc == ETIMEDOUT && wd.armed && !wd.stop) {
            pthread_mutex_unlock(&wd.lock);
            expire();
        }
    }
    pthread_mutex_unlock(&wd.lock);
    return NULL;
}

int watchdog_start(double timeout, int rank, struct bbd_err *err)
{
    if (timeout <= 0.0) return 0;
    wd.timeout = timeout;
    wd.rank = rank;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&wd.cond, &attr);
    pthread_condattr_destroy(&attr);
    int rc = pthread_create(&wd.thread, NULL, watch, NULL);
    if (rc) {
        errno = rc;
        return bbd_err_sys(err, "pthread_create", "watchdog");
    }
    wd.running = true;
    return 0;
}

static void arm(const char *what, size_t size, bool final)
{
    if (!wd.running) return;
    pthread_mutex_lock(&wd.lock);
    wd.final = final;
    clock_gettime(CLOCK_MONOTONIC, &wd.deadline);
    double whole = (double)(long)wd.timeout;
    wd.deadline.tv_sec += (time_t)whole;
    wd.deadline.tv_nsec += (long)((wd.timeout - whole) * 1e9);
    if (wd.deadline.tv_nsec >= 1000000000L) {
        wd.deadline.tv_sec++;
        wd.deadline.tv_nsec -= 1000000000L;
    }
    wd.what = what;
    wd.size = size;
    wd.armed = true;
    pthread_cond_signal(&wd.cond);
    pthread_mutex_unlock(&wd.lock);
}

void watchdog_arm(const char *what, size_t size)
{
    arm(what, size, false);
}

void watchdog_arm_final(const char *what)
{
    arm(what, WATCHDOG_NO_SIZE, true);
}

void watchdog_disarm(void)
{
    if (!wd.running) return;
    pthread_mutex_lock(&wd.lock);
    wd.armed = false;
    pthread_cond_signal(&wd.cond);
    pthread_mutex_unlock(&wd.lock);
}

void watchdog_stop(void)
{
    if (!wd.running) return;
    pthread_mutex_lock(&wd.lock);
    wd.stop = true;
    pthread_cond_signal(&wd.cond);
    pthread_mutex_unlock(&wd.lock);
    pthread_join(wd.thread, NULL);
    wd.running = false;
}
