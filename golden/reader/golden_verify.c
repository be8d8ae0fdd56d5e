/* golden_verify - load, run and report the golden vectors of every algorithm. */
#include "golden_verify.h"

#include "outfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gv_config_init(gv_config *cfg, const char *golden_dir) {
  memset(cfg, 0, sizeof *cfg);
  cfg->golden_dir = golden_dir;
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    cfg->algo[a] = 1;
  for (int op = 0; op < OB_OP_COUNT; op++)
    cfg->op[op] = 1;
  cfg->noffsets = 1;
  cfg->offsets[0] = 0;
  cfg->own_state = 1;
}

void gv_free(gv_result *res) {
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    gf_free(&res->file[a]);
  for (int op = 0; op < OB_OP_COUNT; op++)
    gof_free(&res->ops_file[op]);
  free(res->rows);
  free(res->op_rows);
  memset(res, 0, sizeof *res);
}

/* Index of the first op of op's family (where its file is kept). */
static int family_slot(ob_op op) {
  for (int k = 0; k < (int)op; k++)
    if (!strcmp(ob_op_family((ob_op)k), ob_op_family(op)))
      return k;
  return (int)op;
}

const gof_file *gv_ops_file(const gv_result *res, ob_op op) {
  return &res->ops_file[family_slot(op)];
}

/* The layer ops: one file per family of a selected op, a row per op x
 * variant (every offset merged). A selected op with no case in its file
 * fails its rows: the list promises vectors for every op. */
static int run_ops(const gv_config *cfg, gv_result *res, char *err, size_t errlen) {
  size_t nops = 0;
  for (int op = 0; op < OB_OP_COUNT; op++) {
    if (!cfg->op[op])
      continue;
    nops++;
    int slot = family_slot((ob_op)op);
    if (res->ops_file[slot].path)
      continue;
    char path[4096];
    int k = snprintf(path, sizeof path, "%s/%s.txt", cfg->golden_dir, ob_op_family((ob_op)op));
    if (k < 0 || (size_t)k >= sizeof path) {
      snprintf(err, errlen, "%s/%s.txt:0: path too long", cfg->golden_dir, ob_op_family((ob_op)op));
      return -1;
    }
    if (gof_load(path, &res->ops_file[slot], err, errlen) < 0)
      return -1;
    if (strcmp(res->ops_file[slot].family, ob_op_family((ob_op)op)) != 0) {
      snprintf(err, errlen, "%s:%zu: the file is for family '%s', expected '%s'", path,
               res->ops_file[slot].family_line, res->ops_file[slot].family,
               ob_op_family((ob_op)op));
      return -1;
    }
  }
  res->op_rows = calloc(nops * cfg->nvariants + 1, sizeof *res->op_rows);
  if (!res->op_rows) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int op = 0; op < OB_OP_COUNT; op++) {
    if (!cfg->op[op])
      continue;
    const gof_file *f = gv_ops_file(res, (ob_op)op);
    for (size_t vi = 0; vi < cfg->nvariants; vi++) {
      gv_op_row *row = &res->op_rows[res->nop_rows++];
      row->op = (ob_op)op;
      row->variant = cfg->variants[vi];
      goc_stats_init(&row->st);
      row->st.bound = ob_op_error_bound(row->op, row->variant);
      for (size_t oi = 0; oi < res->noffsets; oi++) {
        goc_options opt = goc_default_options();
        opt.offset = res->offsets[oi];
        goc_stats st;
        goc_stats_init(&st);
        if (goc_run_op(f, row->op, row->variant, &opt, &st) < 0) {
          snprintf(err, errlen, "out of memory running %s on %s", ob_op_name(row->op),
                   ob_variant_name(row->variant));
          return -1;
        }
        goc_stats_merge(&row->st, &st);
      }
      row->pass = row->st.cases_run > 0 && row->st.cases_passed == row->st.cases_run;
      if (row->st.cases_run == 0)
        snprintf(row->st.worst, sizeof row->st.worst, "%s: no case of op %s", f->path,
                 ob_op_name(row->op));
      if (!row->pass)
        res->pass = 0;
    }
  }
  return 0;
}

int gv_run(const gv_config *cfg, gv_result *res, char *err, size_t errlen) {
  memset(res, 0, sizeof *res);
  if (err && errlen)
    err[0] = '\0';
  res->golden_dir = cfg->golden_dir;
  res->noffsets = cfg->noffsets ? cfg->noffsets : 1;
  if (cfg->noffsets)
    memcpy(res->offsets, cfg->offsets, cfg->noffsets * sizeof cfg->offsets[0]);
  res->pass = 1;

  size_t nalgos = 0;
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    if (!cfg->algo[a])
      continue;
    nalgos++;
    char path[4096];
    int k = snprintf(path, sizeof path, "%s/%s.txt", cfg->golden_dir, ob_algo_name((ob_algo)a));
    if (k < 0 || (size_t)k >= sizeof path) {
      snprintf(err, errlen, "%s/%s.txt:0: path too long", cfg->golden_dir,
               ob_algo_name((ob_algo)a));
      return -1;
    }
    if (gf_load(path, &res->file[a], err, errlen) < 0)
      return -1;
    if ((int)res->file[a].algo != a) {
      snprintf(err, errlen, "%s:%zu: the file is for algorithm '%s', expected '%s'", path,
               res->file[a].algo_line, ob_algo_name(res->file[a].algo), ob_algo_name((ob_algo)a));
      return -1;
    }
  }

  res->rows = calloc(nalgos * cfg->nvariants + 1, sizeof *res->rows);
  if (!res->rows) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    if (!cfg->algo[a])
      continue;
    for (size_t vi = 0; vi < cfg->nvariants; vi++) {
      gv_row *row = &res->rows[res->nrows++];
      row->algo = (ob_algo)a;
      row->variant = cfg->variants[vi];
      gc_stats_init(&row->st);
      row->st.bound = ob_error_bound(row->algo, row->variant);
      for (size_t oi = 0; oi < res->noffsets; oi++) {
        gc_options opt = gc_default_options();
        opt.offset = res->offsets[oi];
        opt.own_state = cfg->own_state;
        gc_stats st;
        gc_stats_init(&st);
        if (gc_run_file(&res->file[a], row->variant, &opt, &st) < 0) {
          snprintf(err, errlen, "out of memory running %s on %s", ob_algo_name(row->algo),
                   ob_variant_name(row->variant));
          return -1;
        }
        gc_stats_merge(&row->st, &st);
      }
      row->pass = row->st.cases_run > 0 ? row->st.cases_passed == row->st.cases_run
                                        : res->file[a].ncases == 0;
      if (!row->pass)
        res->pass = 0;
    }
  }
  return run_ops(cfg, res, err, errlen) < 0 ? -1 : res->pass ? 0 : 1;
}

static int same_failure(const gc_failure *a, const gc_failure *b) {
  return a->mode == b->mode && strcmp(a->case_id, b->case_id) == 0 && a->step == b->step &&
         a->offset == b->offset && a->array == b->array && a->index == b->index &&
         strcmp(a->what, b->what) == 0;
}

void gv_print_table(FILE *out, const gv_result *res, int details) {
  fprintf(out, "%-9s %-12s %13s %10s %9s %9s %9s %6s %9s  %s\n", "algo", "variant", "cases",
          "elements", "max err", "mean err", "own max", "bound", "decay max", "result");
  for (size_t r = 0; r < res->nrows; r++) {
    const gv_row *row = &res->rows[r];
    char cases[32];
    snprintf(cases, sizeof cases, "%zu/%zu", row->st.cases_passed, row->st.cases_run);
    fprintf(out, "%-9s %-12s %13s %10zu %9.3f %9.3f %9.3f %6.2f %9.3f  %s\n",
            ob_algo_name(row->algo), ob_variant_name(row->variant), cases, row->st.elements,
            row->st.max_err, gc_mean_err(&row->st), row->st.own_max, row->st.bound,
            row->st.max_err_decay, row->pass ? "PASS" : "FAIL");
    if (details && !row->pass && row->st.worst.set) {
      char buf[2048];
      gc_format_failure(&row->st.worst, &res->file[row->algo], row->variant, "    ", buf,
                        sizeof buf);
      fprintf(out, "  worst of %zu failing elements, %zu other failures:\n%s\n",
              row->st.failed_elements, row->st.other_failures, buf);
      if (row->st.first.set && !same_failure(&row->st.first, &row->st.worst)) {
        gc_format_failure(&row->st.first, &res->file[row->algo], row->variant, "    ", buf,
                          sizeof buf);
        fprintf(out, "  first:\n%s\n", buf);
      }
    }
  }
  if (res->nop_rows) {
    fprintf(out, "\n%-18s %-12s %13s %10s %9s %9s %6s  %s\n", "op", "variant", "cases", "elements",
            "max err", "mean err", "bound", "result");
    for (size_t r = 0; r < res->nop_rows; r++) {
      const gv_op_row *row = &res->op_rows[r];
      char cases[32];
      snprintf(cases, sizeof cases, "%zu/%zu", row->st.cases_passed, row->st.cases_run);
      fprintf(out, "%-18s %-12s %13s %10zu %9.3f %9.3f %6.2f  %s\n", ob_op_name(row->op),
              ob_variant_name(row->variant), cases, row->st.elements, row->st.max_err,
              goc_mean_err(&row->st), row->st.bound, row->pass ? "PASS" : "FAIL");
      if (details && !row->pass && row->st.worst[0]) {
        fprintf(out, "  worst of %zu failing elements, %zu other failures:\n    %s\n",
                row->st.failed_elements, row->st.other_failures, row->st.worst);
        if (row->st.first[0] && strcmp(row->st.first, row->st.worst) != 0)
          fprintf(out, "  first:\n    %s\n", row->st.first);
      }
    }
  }
  fprintf(out, "offsets:");
  for (size_t i = 0; i < res->noffsets; i++)
    fprintf(out, " %zu", res->offsets[i]);
  fprintf(out, " floats; err, own max and bound in scale-ULPs (golden/FORMAT.md);\n"
               "decay max: the steps with weight decay, allowed bound + 1 per decay term "
               "(ob_step_error_bound)\n");
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_str(FILE *fp, const char *s) {
  fputc('"', fp);
  for (; s && *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\')
      fprintf(fp, "\\%c", ch);
    else if (ch == '\n')
      fputs("\\n", fp);
    else if (ch < 0x20 || ch >= 0x7f)
      fprintf(fp, "\\u%04x", ch);
    else
      fputc(ch, fp);
  }
  fputc('"', fp);
}

static void json_num(FILE *fp, double x) {
  if (isfinite(x))
    fprintf(fp, "%.17g", x);
  else
    fputs("null", fp);
}

int gv_write_json(const char *path, const gv_result *res, const char *cpu,
                  const ob_variant *const *skipped, size_t nskipped, char *err, size_t errlen) {
  ob_outfile out;
  if (ob_out_open(&out, path, err, errlen) < 0)
    return -1;
  FILE *fp = out.f;
  fputs("{\n  \"cpu\": ", fp);
  json_str(fp, cpu);
  fputs(",\n  \"golden_dir\": ", fp);
  json_str(fp, res->golden_dir);
  fputs(",\n  \"offsets\": [", fp);
  for (size_t i = 0; i < res->noffsets; i++)
    fprintf(fp, "%s%zu", i ? ", " : "", res->offsets[i]);
  fputs("],\n  \"skipped\": [", fp);
  for (size_t i = 0; i < nskipped; i++) {
    fputs(i ? ", " : "", fp);
    json_str(fp, ob_variant_name(skipped[i]));
  }
  fprintf(fp, "],\n  \"pass\": %s,\n  \"results\": [", res->pass ? "true" : "false");
  for (size_t r = 0; r < res->nrows; r++) {
    const gv_row *row = &res->rows[r];
    const gc_stats *st = &row->st;
    fprintf(fp, "%s\n    {\"algo\": ", r ? "," : "");
    json_str(fp, ob_algo_name(row->algo));
    fputs(", \"variant\": ", fp);
    json_str(fp, ob_variant_name(row->variant));
    fprintf(fp, ", \"cases\": %zu, \"passed\": %zu, \"elements\": %zu, \"failed_elements\": %zu",
            st->cases_run, st->cases_passed, st->elements, st->failed_elements);
    fputs(", \"max_err\": ", fp);
    json_num(fp, st->max_err);
    fputs(", \"mean_err\": ", fp);
    json_num(fp, gc_mean_err(st));
    fputs(", \"own_max\": ", fp);
    json_num(fp, st->own_max);
    fputs(", \"bound\": ", fp);
    json_num(fp, st->bound);
    fputs(", \"max_err_decay\": ", fp);
    json_num(fp, st->max_err_decay);
    fprintf(fp, ", \"pass\": %s", row->pass ? "true" : "false");
    if (!row->pass && st->worst.set) {
      char buf[2048];
      gc_format_failure(&st->worst, &res->file[row->algo], row->variant, "", buf, sizeof buf);
      fputs(", \"worst\": ", fp);
      json_str(fp, buf);
    }
    fputc('}', fp);
  }
  fputs("\n  ],\n  \"op_results\": [", fp);
  for (size_t r = 0; r < res->nop_rows; r++) {
    const gv_op_row *row = &res->op_rows[r];
    const goc_stats *st = &row->st;
    fprintf(fp, "%s\n    {\"op\": ", r ? "," : "");
    json_str(fp, ob_op_name(row->op));
    fputs(", \"family\": ", fp);
    json_str(fp, ob_op_family(row->op));
    fputs(", \"variant\": ", fp);
    json_str(fp, ob_variant_name(row->variant));
    fprintf(fp, ", \"cases\": %zu, \"passed\": %zu, \"elements\": %zu, \"failed_elements\": %zu",
            st->cases_run, st->cases_passed, st->elements, st->failed_elements);
    fputs(", \"max_err\": ", fp);
    json_num(fp, st->max_err);
    fputs(", \"mean_err\": ", fp);
    json_num(fp, goc_mean_err(st));
    fputs(", \"bound\": ", fp);
    json_num(fp, st->bound);
    fprintf(fp, ", \"pass\": %s", row->pass ? "true" : "false");
    if (!row->pass && st->worst[0]) {
      fputs(", \"worst\": ", fp);
      json_str(fp, st->worst);
    }
    fputc('}', fp);
  }
  fputs("\n  ]\n}\n", fp);
  return ob_out_commit(&out, err, errlen);
}
