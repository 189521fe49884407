#include "run_store.h"

#include "bbd_time.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

struct run_store {
    sqlite3 *db;
    char *path;
    int in_tx;
    int lock_fd; /* FILE.lock (run claims), -1 until one is claimed */
    const char *journal;
};

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS runs("
    " id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, host TEXT NOT NULL,"
    " bbd_version TEXT NOT NULL, kind TEXT NOT NULL, label TEXT, matrix TEXT, folder TEXT,"
    " status TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS provenance(id INTEGER PRIMARY KEY, json TEXT NOT NULL UNIQUE);"
    "CREATE TABLE IF NOT EXISTS cells("
    " id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), key TEXT NOT NULL,"
    " mode TEXT NOT NULL, gtl INTEGER NOT NULL, test TEXT NOT NULL, placement TEXT NOT NULL,"
    " status TEXT NOT NULL, reason TEXT, exit_code INTEGER, seconds REAL, command TEXT,"
    " log_dir TEXT, finished TEXT NOT NULL, UNIQUE(run_id, key));"
    "CREATE TABLE IF NOT EXISTS records("
    " id INTEGER PRIMARY KEY, cell_id INTEGER NOT NULL REFERENCES cells(id), size INTEGER NOT NULL,"
    " unit TEXT NOT NULL, value REAL NOT NULL, min REAL, max REAL, mean REAL, p50 REAL, p90 REAL,"
    " p99 REAL, ci95 REAL, msg_rate REAL, iterations INTEGER, warmup INTEGER, window INTEGER,"
    " pairs INTEGER, ranks INTEGER, validated INTEGER, errors INTEGER, hosts TEXT,"
    " mpi_version TEXT, bench_run_id TEXT, timestamp TEXT,"
    " provenance_id INTEGER REFERENCES provenance(id), json TEXT);"
    "CREATE INDEX IF NOT EXISTS records_cell ON records(cell_id);"
    "CREATE INDEX IF NOT EXISTS cells_run ON cells(run_id);";

static int db_fail(struct run_store *st, struct bbd_err *err, const char *what)
{
    return bbd_err_set(err, BBD_EXIT_ENV, "sqlite3 %s(%s): %s", what, st->path,
                       sqlite3_errmsg(st->db));
}

static int exec_sql(struct run_store *st, const char *sql, struct bbd_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    bbd_err_set(err, BBD_EXIT_ENV, "sqlite3_exec(%s): %.60s: %s", st->path, sql, msg ? msg : "?");
    sqlite3_free(msg);
    return -1;
}

static int prepare(struct run_store *st, sqlite3_stmt **stmt, const char *sql, struct bbd_err *err)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) == SQLITE_OK) return 0;
    return db_fail(st, err, "prepare");
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static void bind_num(sqlite3_stmt *s, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

static void bind_int(sqlite3_stmt *s, int i, long long v)
{
    if (v >= 0)
        sqlite3_bind_int64(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

/* A newer bbd may have changed the schema; refusing is safer than writing rows it can't read. */
static int schema_check(struct run_store *st, struct bbd_err *err)
{
    sqlite3_stmt *s = NULL;
    if (prepare(st, &s, "SELECT value FROM meta WHERE key='schema_version'", err) < 0) return -1;
    int version = 0, rc = 0;
    if (sqlite3_step(s) == SQLITE_ROW) version = atoi((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (version == 0) {
        char sql[128];
        snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES('schema_version','%d')",
                 RUN_STORE_SCHEMA_VERSION);
        rc = exec_sql(st, sql, err);
    } else if (version != RUN_STORE_SCHEMA_VERSION) {
        rc = bbd_err_set(err, BBD_EXIT_ENV, "%s: schema version %d, this bbd reads %d", st->path,
                         version, RUN_STORE_SCHEMA_VERSION);
    }
    return rc;
}

/* SQLite's write-ahead log needs memory shared by every process using the file, which
 * network file systems do not give: there the rollback journal stays. */
static bool network_fs(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    struct statfs fs;
    if (statfs(slash ? (dir[0] ? dir : "/") : ".", &fs) != 0) return true; /* be careful */
    static const long network[] = {0x6969 /* NFS */,      0x0BD00BD0 /* Lustre */,
                                   0x47504653 /* GPFS */, 0xFF534D42 /* CIFS */,
                                   0xFE534D42 /* SMB2 */, 0x19830326 /* BeeGFS */,
                                   0x65735546 /* FUSE */, 0x013111A8 /* IBRIX */,
                                   0x5346414F /* AFS */,  0x00C36400 /* Ceph */};
    for (size_t i = 0; i < sizeof(network) / sizeof(network[0]); i++)
        if ((long)fs.f_type == network[i]) return true;
    return false;
}

/* A store on read-only media (a results folder mounted read-only, a file without write
 * permission) can still be read: a WAL file there cannot get its -shm index, so SQLite
 * is told the file will not change (immutable) instead. Writers then fail on their first
 * INSERT with "attempt to write a readonly database". */
static bool read_only_media(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = 0;
    else
        *slash = 0;
    return access(path, F_OK) == 0 && (access(path, W_OK) != 0 || access(dir, W_OK) != 0);
}

/* "file:PATH?immutable=1" with the characters a URI path may not hold escaped. */
static char *immutable_uri(const char *path)
{
    size_t n = strlen(path);
    char *uri = malloc(3 * n + 32), *o = uri;
    if (uri == NULL) return NULL;
    o += sprintf(o, "file:");
    for (const char *p = path; *p; p++)
        if (strchr("%?# ", *p) || (unsigned char)*p < 0x20)
            o += sprintf(o, "%%%02X", (unsigned char)*p);
        else
            *o++ = *p;
    strcpy(o, "?immutable=1");
    return uri;
}

static int store_connect(struct run_store *st, bool read_only, struct bbd_err *err)
{
    char *uri = read_only ? immutable_uri(st->path) : NULL;
    if (read_only && uri == NULL) return bbd_err_set(err, BBD_EXIT_ENV, "malloc: out of memory");
    int flags = read_only ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(read_only ? uri : st->path, &st->db, flags, NULL);
    free(uri);
    if (rc != SQLITE_OK) return db_fail(st, err, "open");
    /* Several bbd run / import / report may share the file: a writer waits for another
     * (each cell is one short transaction) instead of failing at once. */
    sqlite3_busy_timeout(st->db, 60000);
    if (!read_only && !network_fs(st->path)) {
        sqlite3_stmt *s = NULL;
        if (prepare(st, &s, "PRAGMA journal_mode=WAL", err) < 0) return -1;
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) &&
            !strcmp((const char *)sqlite3_column_text(s, 0), "wal"))
            st->journal = "wal";
        sqlite3_finalize(s);
    }
    if (exec_sql(st, read_only ? "BEGIN" : "PRAGMA synchronous=FULL; BEGIN IMMEDIATE", err) < 0 ||
        exec_sql(st, schema_sql, err) < 0 || schema_check(st, err) < 0 ||
        exec_sql(st, "COMMIT", err) < 0) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

int run_store_open(const char *path, struct run_store **out, struct bbd_err *err)
{
    struct run_store *st = calloc(1, sizeof(*st));
    if (st == NULL) return bbd_err_set(err, BBD_EXIT_ENV, "calloc: out of memory");
    st->path = strdup(path);
    st->lock_fd = -1;
    st->journal = "delete";
    int rc = st->path ? store_connect(st, false, err)
                      : bbd_err_set(err, BBD_EXIT_ENV, "strdup: out of memory");
    if (rc < 0 && st->path && read_only_media(path)) {
        struct bbd_err first = *err;
        sqlite3_close(st->db);
        st->db = NULL;
        st->journal = "immutable";
        rc = store_connect(st, true, err);
        if (rc < 0) *err = first; /* the read-write failure says more */
    }
    if (rc < 0) {
        run_store_close(st);
        return -1;
    }
    *out = st;
    return 0;
}

const char *run_store_journal(const struct run_store *st)
{
    return st->journal;
}

int run_store_claim_run(struct run_store *st, long long id, struct bbd_err *err)
{
    char lock[4200];
    snprintf(lock, sizeof(lock), "%s.lock", st->path);
    if (st->lock_fd < 0 && (st->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
        return bbd_err_sys(err, "open", lock);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = id, .l_len = 1};
    if (fcntl(st->lock_fd, F_SETLK, &fl) == 0) return 0;
    if (errno != EACCES && errno != EAGAIN) return bbd_err_sys(err, "fcntl(F_SETLK)", lock);
    struct flock who = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = id, .l_len = 1};
    long pid = fcntl(st->lock_fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK ? who.l_pid : 0;
    return bbd_err_set(err, BBD_EXIT_ENV,
                       "run %lld of %s is being run by process %ld: wait for it to finish or "
                       "stop it (kill %ld), then resume",
                       id, st->path, pid, pid);
}

void run_store_close(struct run_store *st)
{
    if (st == NULL) return;
    if (st->lock_fd >= 0) close(st->lock_fd);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

int run_store_begin(struct run_store *st, struct bbd_err *err)
{
    if (exec_sql(st, "BEGIN IMMEDIATE", err) < 0) return -1;
    st->in_tx = 1;
    return 0;
}

int run_store_commit(struct run_store *st, struct bbd_err *err)
{
    st->in_tx = 0;
    if (exec_sql(st, "COMMIT", err) == 0) return 0;
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

void run_store_rollback(struct run_store *st)
{
    st->in_tx = 0;
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int run_store_run_new(struct run_store *st, const char *kind, const char *label, const char *matrix,
                      const char *folder, long long *id, struct bbd_err *err)
{
    char host[256] = "", when[32];
    gethostname(host, sizeof(host) - 1);
    bbd_utc_iso(when, sizeof(when));
    sqlite3_stmt *s = NULL;
    if (prepare(st, &s,
                "INSERT INTO runs(started,host,bbd_version,kind,label,matrix,folder,status)"
                " VALUES(?,?,?,?,?,?,?,'running')",
                err) < 0)
        return -1;
    bind_text(s, 1, when);
    bind_text(s, 2, host);
    bind_text(s, 3, BBD_VERSION);
    bind_text(s, 4, kind);
    bind_text(s, 5, label);
    bind_text(s, 6, matrix);
    bind_text(s, 7, folder);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, err, "INSERT runs");
    sqlite3_finalize(s);
    if (rc == 0) *id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

/* UPDATE runs ... ?1 ?2 WHERE id=?3 — the updates of a run row. */
static int run_update(struct run_store *st, long long id, const char *sql, const char *v1,
                      const char *v2, struct bbd_err *err)
{
    sqlite3_stmt *s = NULL;
    if (prepare(st, &s, sql, err) < 0) return -1;
    bind_text(s, 1, v1);
    bind_text(s, 2, v2);
    sqlite3_bind_int64(s, 3, id);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, err, "UPDATE runs");
    sqlite3_finalize(s);
    return rc;
}

int run_store_run_finish(struct run_store *st, long long id, const char *status,
                         struct bbd_err *err)
{
    char when[32];
    bbd_utc_iso(when, sizeof(when));
    return run_update(st, id, "UPDATE runs SET status=?1, finished=?2 WHERE id=?3", status, when,
                      err);
}

int run_store_set_folder(struct run_store *st, long long id, const char *folder,
                         struct bbd_err *err)
{
    return run_update(st, id, "UPDATE runs SET folder=?1 WHERE id=?3", folder, NULL, err);
}

static int query_id(struct run_store *st, const char *sql, const char *arg, long long *id,
                    struct bbd_err *err)
{
    sqlite3_stmt *s = NULL;
    if (prepare(st, &s, sql, err) < 0) return -1;
    if (arg) bind_text(s, 1, arg);
    int step = sqlite3_step(s), rc = 0;
    *id = 0;
    if (step == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        rc = db_fail(st, err, "SELECT");
    sqlite3_finalize(s);
    return rc;
}

int run_store_run_last(struct run_store *st, long long *id, struct bbd_err *err)
{
    return query_id(st, "SELECT max(id) FROM runs", NULL, id, err);
}

int run_store_run_find_matrix(struct run_store *st, const char *matrix, long long *id,
                              struct bbd_err *err)
{
    return query_id(st, "SELECT max(id) FROM runs WHERE kind='run' AND matrix=?", matrix, id, err);
}

int run_store_run_get(struct run_store *st, long long id, struct store_run *out,
                      struct bbd_err *err)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s = NULL;
    if (prepare(st, &s,
                "SELECT started,finished,host,bbd_version,kind,label,matrix,folder,status"
                " FROM runs WHERE id=?",
                err) < 0)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        char **cols[] = {&out->started, &out->finished, &out->host,   &out->bbd_version, &out->kind,
                         &out->label,   &out->matrix,   &out->folder, &out->status};
        for (int i = 0; i < 9; i++)
            *cols[i] = col_dup(s, i);
        out->id = id;
    } else {
        rc = bbd_err_set(err, BBD_EXIT_USAGE, "%s: no run with id %lld", st->path, id);
    }
    sqlite3_finalize(s);
    return rc;
}

void run_store_run_free(struct store_run *r)
{
    char *cols[] = {r->started, r->finished, r->host,   r->bbd_version, r->kind,
                    r->label,   r->matrix,   r->folder, r->status};
    for (int i = 0; i < 9; i++)
        free(cols[i]);
    memset(r, 0, sizeof(*r));
}

int run_store_cell_ok(struct run_store *st, long long run_id, const char *key, struct bbd_err *err)
{
    sqlite3_stmt *s = NULL;
    if (prepare(st, &s, "SELECT count(*) FROM cells WHERE run_id=? AND key=? AND status='ok'",
                err) < 0)
        return -1;
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, key);
    int rc = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) > 0
                                           : db_fail(st, err, "SELECT cells");
    sqlite3_finalize(s);
    return rc;
}

static int provenance_id(struct run_store *st, const char *json, long long *id, struct bbd_err *err)
{
    *id = 0;
    if (json == NULL) return 0;
    sqlite3_stmt *s = NULL;
    if (prepare(st, &s, "INSERT OR IGNORE INTO provenance(json) VALUES(?)", err) < 0) return -1;
    bind_text(s, 1, json);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, err, "INSERT provenance");
    sqlite3_finalize(s);
    return rc < 0 ? -1 : query_id(st, "SELECT id FROM provenance WHERE json=?", json, id, err);
}

static int delete_cell(struct run_store *st, long long run_id, const char *key, struct bbd_err *err)
{
    static const char *const sql[] = {
        "DELETE FROM records WHERE cell_id IN (SELECT id FROM cells WHERE run_id=? AND key=?)",
        "DELETE FROM cells WHERE run_id=? AND key=?"};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *s = NULL;
        if (prepare(st, &s, sql[i], err) < 0) return -1;
        sqlite3_bind_int64(s, 1, run_id);
        bind_text(s, 2, key);
        int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, err, "DELETE");
        sqlite3_finalize(s);
        if (rc < 0) return -1;
    }
    return 0;
}

static int put_record(struct run_store *st, sqlite3_stmt *s, long long cell_id,
                      const struct run_record *r, struct bbd_err *err)
{
    long long prov = 0;
    if (provenance_id(st, r->provenance_json, &prov, err) < 0) return -1;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    int i = 1;
    sqlite3_bind_int64(s, i++, cell_id);
    sqlite3_bind_int64(s, i++, r->size);
    bind_text(s, i++, r->unit);
    const double nums[] = {r->value, r->min, r->max,  r->mean,    r->p50,
                           r->p90,   r->p99, r->ci95, r->msg_rate};
    for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
        bind_num(s, i++, nums[k]);
    const long long ints[] = {r->iterations, r->warmup,    r->window, r->pairs,
                              r->ranks,      r->validated, r->errors};
    for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++)
        bind_int(s, i++, ints[k]);
    const char *texts[] = {r->hosts_json, r->mpi_version, r->bench_run_id, r->timestamp};
    for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
        bind_text(s, i++, texts[k]);
    bind_int(s, i++, prov ? prov : -1);
    bind_text(s, i++, r->json);
    return sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, err, "INSERT records");
}

int run_store_cell_put(struct run_store *st, long long run_id, const struct store_cell *c,
                       const struct run_record *recs, int n, struct bbd_err *err)
{
    if (!st->in_tx) return bbd_err_set(err, BBD_EXIT_ENV, "run_store_cell_put: no transaction");
    if (delete_cell(st, run_id, c->key, err) < 0) return -1;
    char when[32];
    bbd_utc_iso(when, sizeof(when));
    sqlite3_stmt *s = NULL;
    if (prepare(st, &s,
                "INSERT INTO cells(run_id,key,mode,gtl,test,placement,status,reason,exit_code,"
                "seconds,command,log_dir,finished) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                err) < 0)
        return -1;
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, c->key);
    bind_text(s, 3, c->mode);
    sqlite3_bind_int(s, 4, c->gtl);
    bind_text(s, 5, c->test);
    bind_text(s, 6, c->placement);
    bind_text(s, 7, c->status);
    bind_text(s, 8, c->reason);
    sqlite3_bind_int(s, 9, c->exit_code);
    bind_num(s, 10, c->seconds);
    bind_text(s, 11, c->command);
    bind_text(s, 12, c->log_dir);
    bind_text(s, 13, when);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, err, "INSERT cells");
    sqlite3_finalize(s);
    if (rc < 0) return -1;
    long long cell_id = sqlite3_last_insert_rowid(st->db);
    if (prepare(st, &s,
                "INSERT INTO records(cell_id,size,unit,value,min,max,mean,p50,p90,p99,ci95,"
                "msg_rate,iterations,warmup,window,pairs,ranks,validated,errors,hosts,"
                "mpi_version,bench_run_id,timestamp,provenance_id,json)"
                " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                err) < 0)
        return -1;
    for (int i = 0; i < n && rc == 0; i++)
        rc = put_record(st, s, cell_id, &recs[i], err);
    sqlite3_finalize(s);
    return rc;
}

/* Run a SELECT whose one parameter is the run id and append one element per result row
 * to a growing array; fill() reads the row's columns into the element. On error the
 * elements filled so far stay in *arr (the caller's _free function releases them). */
static int select_into(struct run_store *st, const char *sql, long long run_id, size_t elem_size,
                       void (*fill)(sqlite3_stmt *s, void *elem), void **arr, int *n,
                       const char *what, struct bbd_err *err)
{
    sqlite3_stmt *s = NULL;
    *arr = NULL;
    *n = 0;
    if (prepare(st, &s, sql, err) < 0) return -1;
    sqlite3_bind_int64(s, 1, run_id);
    int cap = 0, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            void *grown = realloc(*arr, (size_t)cap * elem_size);
            if (grown == NULL) {
                sqlite3_finalize(s);
                return bbd_err_sys(err, "realloc", what);
            }
            *arr = grown;
        }
        fill(s, (char *)*arr + (size_t)(*n)++ * elem_size);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) return db_fail(st, err, what);
    return 0;
}

static void fill_row(sqlite3_stmt *s, void *elem)
{
    struct store_row *r = elem;
    r->in_place = sqlite3_column_int(s, 10);
    r->failed = sqlite3_column_int(s, 11);
    r->ranks = sqlite3_column_type(s, 12) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 12);
    r->mode = col_dup(s, 0);
    r->gtl = sqlite3_column_int(s, 1);
    r->test = col_dup(s, 2);
    r->placement = col_dup(s, 3);
    r->unit = col_dup(s, 4);
    r->size = sqlite3_column_int64(s, 5);
    r->value = sqlite3_column_double(s, 6);
    r->ci95 = sqlite3_column_type(s, 7) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 7);
    r->prov_id = sqlite3_column_int64(s, 8);
    r->hosts = sqlite3_column_type(s, 9) == SQLITE_NULL ? NULL : col_dup(s, 9);
}

int run_store_rows(struct run_store *st, long long run_id, struct store_row **rows, int *n,
                   struct bbd_err *err)
{
    return select_into(st,
                       "SELECT c.mode,c.gtl,c.test,c.placement,r.unit,r.size,r.value,r.ci95,"
                       " coalesce(r.provenance_id,0),r.hosts,"
                       " coalesce(json_extract(r.json,'$.in_place'),0)=1,c.status!='ok',r.ranks"
                       " FROM records r JOIN cells c ON r.cell_id=c.id WHERE c.run_id=?"
                       " ORDER BY c.status!='ok',c.test,11,c.placement,r.unit,c.mode,c.gtl,"
                       "r.size",
                       run_id, sizeof(**rows), fill_row, (void **)rows, n, "SELECT records", err);
}

void run_store_rows_free(struct store_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        free(rows[i].mode);
        free(rows[i].test);
        free(rows[i].placement);
        free(rows[i].unit);
        free(rows[i].hosts);
    }
    free(rows);
}

static void fill_cell(sqlite3_stmt *s, void *elem)
{
    struct store_cell_info *c = elem;
    c->key = col_dup(s, 0);
    c->status = col_dup(s, 1);
    c->reason = col_dup(s, 2);
    c->log_dir = col_dup(s, 3);
    c->seconds = sqlite3_column_double(s, 4);
    c->n_records = sqlite3_column_int(s, 5);
}

int run_store_cells(struct run_store *st, long long run_id, struct store_cell_info **cells, int *n,
                    struct bbd_err *err)
{
    return select_into(st,
                       "SELECT c.key,c.status,c.reason,c.log_dir,c.seconds,"
                       " (SELECT count(*) FROM records r WHERE r.cell_id=c.id)"
                       " FROM cells c WHERE c.run_id=? ORDER BY c.id",
                       run_id, sizeof(**cells), fill_cell, (void **)cells, n, "SELECT cells", err);
}

void run_store_cells_free(struct store_cell_info *cells, int n)
{
    for (int i = 0; i < n; i++) {
        free(cells[i].key);
        free(cells[i].status);
        free(cells[i].reason);
        free(cells[i].log_dir);
    }
    free(cells);
}

char *run_store_provenance(struct run_store *st, long long prov_id)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT json FROM provenance WHERE id=?", -1, &s, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(s, 1, prov_id);
    char *out = sqlite3_step(s) == SQLITE_ROW ? col_dup(s, 0) : NULL;
    sqlite3_finalize(s);
    return out;
}
