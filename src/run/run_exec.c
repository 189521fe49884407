#include "run_exec.h"

#include "bbd_time.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Grace period between SIGTERM and SIGKILL: lets mpiexec/srun tear down their ranks. */
#define RUN_KILL_GRACE_S 5.0

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

void run_exec_catch_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int run_exec_interrupted(void)
{
    return interrupted;
}

void run_exec_clear_interrupt(void)
{
    interrupted = 0;
}

/* In the child: only async-signal-safe calls until execvp. A failure is sent to the
 * parent through `report` (close-on-exec, so a successful exec sends nothing). */
static void child(const struct run_argv *argv, const struct run_argv *env, int out, int errfd,
                  int report, pid_t parent)
{
    setpgid(0, 0);
    /* A killed bbd takes its launcher along (mpiexec's proxies and ranks follow it): a
     * launcher left running would write into the log of the cell that --resume reruns. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    dup2(out, STDOUT_FILENO);
    dup2(errfd, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    for (int i = 0; env && i < env->n; i++)
        putenv(env->v[i]);
    execvp(argv->v[0], argv->v);
    int e = errno;
    (void)!write(report, &e, sizeof(e));
    _exit(127);
}

static void kill_group(pid_t pid, double *term_sent, double t)
{
    if (*term_sent == 0) {
        kill(-pid, SIGTERM);
        *term_sent = t;
    } else if (t - *term_sent > RUN_KILL_GRACE_S) {
        kill(-pid, SIGKILL);
    }
}

int run_exec(const struct run_argv *argv, const struct run_argv *env, const char *stdout_path,
             const char *stderr_path, double timeout, struct run_exec_result *res,
             struct bbd_err *err)
{
    int out = -1, errfd = -1, pipefd[2] = {-1, -1}, rc = -1;
    memset(res, 0, sizeof(*res));
    /* new files, not truncated ones: a process of an earlier attempt that is still alive
     * (an orphan) keeps writing into its own, not into this attempt's */
    if (strcmp(stdout_path, "/dev/null")) unlink(stdout_path);
    if (strcmp(stderr_path, "/dev/null") && strcmp(stderr_path, stdout_path)) unlink(stderr_path);
    out = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) return bbd_err_sys(err, "open", stdout_path);
    errfd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (errfd < 0) {
        bbd_err_sys(err, "open", stderr_path);
        goto out;
    }
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        bbd_err_sys(err, "pipe2", argv->v[0]);
        goto out;
    }
    double start = bbd_monotonic_s();
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        bbd_err_sys(err, "fork", argv->v[0]);
        goto out;
    }
    if (pid == 0) child(argv, env, out, errfd, pipefd[1], parent);
    setpgid(pid, pid); /* also here: no race with kill(-pid) below */
    close(pipefd[1]);
    pipefd[1] = -1;
    int exec_errno = 0;
    if (read(pipefd[0], &exec_errno, sizeof(exec_errno)) == (ssize_t)sizeof(exec_errno)) {
        waitpid(pid, NULL, 0);
        errno = exec_errno;
        bbd_err_sys(err, "execvp", argv->v[0]);
        goto out;
    }
    double term_sent = 0;
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) {
            bbd_err_sys(err, "waitpid", argv->v[0]);
            goto out;
        }
        double t = bbd_monotonic_s();
        if (interrupted) {
            res->status = RUN_INTERRUPTED;
            kill_group(pid, &term_sent, t);
        } else if (timeout > 0 && t - start > timeout) {
            res->status = RUN_TIMEOUT;
            kill_group(pid, &term_sent, t);
        }
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    /* Ranks the launcher left behind must not outlive the cell. */
    kill(-pid, SIGKILL);
    res->seconds = bbd_monotonic_s() - start;
    if (WIFEXITED(status)) res->exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) res->signal = WTERMSIG(status);
    rc = 0;
out:
    if (out >= 0) close(out);
    if (errfd >= 0) close(errfd);
    if (pipefd[0] >= 0) close(pipefd[0]);
    if (pipefd[1] >= 0) close(pipefd[1]);
    return rc;
}
