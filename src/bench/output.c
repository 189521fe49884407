#include "output.h"

#include "clock.h"

#include <string.h>

static const char *api_suffix(const char *gpu_api)
{
    if (!strcmp(gpu_api, "cuda")) return "-CUDA";
    if (!strcmp(gpu_api, "hip")) return "-ROCM";
    if (!strcmp(gpu_api, "standin")) return "-STANDIN";
    return "";
}

static const char *where(char p)
{
    return p == 'D' ? "DEVICE (D)" : "HOST (H)";
}

void out_text_header(FILE *f, const struct run_info *ri)
{
    const struct bench_opts *o = ri->o;
    fprintf(f, "# bbd-bench %s%s %s v%s\n", bench_api_word(ri->t), api_suffix(ri->gpu_api),
            ri->t->title, BBD_VERSION);
    if (strcmp(ri->gpu_api, "none"))
        fprintf(f, "# Send Buffer on %s and Receive Buffer on %s (transfer: %s)\n",
                where(o->placement[0]), where(o->placement[1]), ri->transfer);
    if (ri->t->aggregate)
        fprintf(f, "# [ pairs: %d ] [ window size: %d ]\n", ri->pairs, ri->window);
    if (o->gpu_timer) fprintf(f, "# Timing: %s events around each iteration\n", ri->gpu_api);
    fprintf(f, "# Datatype: MPI_CHAR.\n");
    fprintf(f, "%-*s%*s", OUT_SIZE_WIDTH, "# Size", OUT_FIELD_WIDTH, ri->t->column);
    if (ri->t->aggregate) fprintf(f, "%*s", OUT_FIELD_WIDTH, "Messages/s");
    if (o->full) {
        static const char *const cols[] = {"Min", "P50", "P90", "P99", "CI95(P50)", "Iterations"};
        for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
            fprintf(f, "%*s", OUT_FIELD_WIDTH, cols[i]);
    }
    if (o->validate) fprintf(f, "%*s", OUT_FIELD_WIDTH, "Validation");
    fputc('\n', f);
    fflush(f);
}

void out_text_row(FILE *f, const struct run_info *ri, const struct size_result *r)
{
    fprintf(f, "%-*zu%*.2f", OUT_SIZE_WIDTH, r->size, OUT_FIELD_WIDTH, r->value);
    if (ri->t->aggregate) fprintf(f, "%*.2f", OUT_FIELD_WIDTH, r->msg_rate);
    if (ri->o->full)
        fprintf(f, "%*.2f%*.2f%*.2f%*.2f%*.2f%*ld", OUT_FIELD_WIDTH, r->st.min, OUT_FIELD_WIDTH,
                r->st.p50, OUT_FIELD_WIDTH, r->st.p90, OUT_FIELD_WIDTH, r->st.p99, OUT_FIELD_WIDTH,
                r->st.ci95, OUT_FIELD_WIDTH, r->iterations);
    if (ri->o->validate) fprintf(f, "%*s", OUT_FIELD_WIDTH, r->errors ? "Fail" : "Pass");
    fputc('\n', f);
    fflush(f);
}

void out_json_record(struct jsonw *w, const struct run_info *ri, const struct size_result *r,
                     const char *timestamp)
{
    const struct bench_opts *o = ri->o;
    char placement[4] = {o->placement[0], ' ', o->placement[1], '\0'};
    jsonw_reset(w);
    jsonw_obj_begin(w);
    jsonw_kstr(w, "schema", "bbd-bench/1");
    jsonw_kstr(w, "run_id", ri->run_id);
    jsonw_kstr(w, "test", ri->t->name);
    jsonw_kint(w, "size", (long long)r->size);
    jsonw_kstr(w, "unit", ri->t->unit);
    jsonw_knum(w, "value", r->value);
    jsonw_knum(w, "min", r->st.min);
    jsonw_knum(w, "max", r->st.max);
    jsonw_knum(w, "mean", r->st.mean);
    jsonw_knum(w, "p50", r->st.p50);
    jsonw_knum(w, "p90", r->st.p90);
    jsonw_knum(w, "p99", r->st.p99);
    jsonw_knum(w, "ci95", r->st.ci95);
    bool windowed = ri->t->value == VALUE_MB_S; /* messages in flight, a message rate */
    if (windowed) jsonw_knum(w, "msg_rate", r->msg_rate);
    jsonw_kint(w, "iterations", r->iterations);
    jsonw_kint(w, "warmup", r->warmup);
    if (windowed) jsonw_kint(w, "window", ri->window);
    jsonw_kint(w, "pairs", ri->pairs);
    jsonw_kstr(w, "placement", placement);
    jsonw_kstr(w, "gpu_api", ri->gpu_api);
    jsonw_kstr(w, "transfer", ri->transfer);
    jsonw_kbool(w, "validated", o->validate);
    jsonw_kint(w, "errors", (long long)r->errors);
    jsonw_kbool(w, "adaptive", r->adaptive);
    if (r->adaptive) jsonw_kbool(w, "converged", r->converged);
    jsonw_kint(w, "ranks", ri->ranks);
    jsonw_key(w, "hosts");
    jsonw_arr_begin(w);
    for (int i = 0; i < ri->nhosts; i++)
        jsonw_str(w, ri->hosts[i]);
    jsonw_arr_end(w);
    jsonw_kstr(w, "mpi_version", ri->mpi_version);
    jsonw_kstr(w, "bbd_version", BBD_VERSION);
    jsonw_kstr(w, "cmdline", ri->cmdline);
    jsonw_kstr(w, "timestamp", timestamp);
    jsonw_kstr(w, "clock", o->gpu_timer ? "gpu-events" : bench_clock.name);
    if (ri->json_extra) ri->json_extra(w, ri->json_extra_arg, r);
    if (ri->provenance_json) {
        jsonw_key(w, "provenance");
        jsonw_raw(w, ri->provenance_json);
    }
    jsonw_obj_end(w);
}
