/* commands.h — the sub-commands of `bbd`. Each lives in its part's library and is
 * compiled in when that part exists (BBD_HAVE_<PART> set by src/bbd/CMakeLists.txt).
 * A command returns the process exit code (enum bbd_exit in bbd_err.h). */
#ifndef BBD_COMMANDS_H
#define BBD_COMMANDS_H

int bbd_cmd_probe(int argc, char **argv);  /* src/prov */
int bbd_cmd_plan(int argc, char **argv);   /* src/plan */
int bbd_cmd_exec(int argc, char **argv);   /* src/plan */
int bbd_cmd_run(int argc, char **argv);    /* src/run */
int bbd_cmd_import(int argc, char **argv); /* src/run */
int bbd_cmd_report(int argc, char **argv); /* src/run */

#endif
