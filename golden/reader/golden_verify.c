/* golden_verify - load, run and report the golden vectors of every op. */
#include "golden_verify.h"

#include "json.h"
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
  for (int op = 0; op < GD_OP_COUNT; op++)
    gd_free(&res->file[op]);
  free(res->rows);
  memset(res, 0, sizeof *res);
}

/* The first op of op's family: where its file is kept. */
static gd_op family_slot(gd_op op) {
  for (gd_op k = 0; k < op; k++)
    if (!strcmp(gd_op_family(k), gd_op_family(op)))
      return k;
  return op;
}

const gd_file *gv_file(const gv_result *res, gd_op op) { return &res->file[family_slot(op)]; }

static int selected(const gv_config *cfg, gd_op op) {
  return gd_op_is_rule(op) ? cfg->algo[op] : cfg->op[op - OB_ALGO_COUNT];
}

static int load(const gv_config *cfg, gv_result *res, gd_op op, char *err, size_t errlen) {
  gd_file *f = &res->file[family_slot(op)];
  if (f->path)
    return 0;
  char path[4096];
  int k = snprintf(path, sizeof path, "%s/%s.txt", cfg->golden_dir, gd_op_family(op));
  if (k < 0 || (size_t)k >= sizeof path) {
    snprintf(err, errlen, "%s/%s.txt:0: path too long", cfg->golden_dir, gd_op_family(op));
    return -1;
  }
  if (gd_load(path, f, err, errlen) < 0)
    return -1;
  if (strcmp(f->family, gd_op_family(op)) != 0) {
    snprintf(err, errlen, "%s:%zu: the file is for family '%s', expected '%s'", path,
             f->family_line, f->family, gd_op_family(op));
    return -1;
  }
  return 0;
}

/* A selected op with no case in its file fails its rows: the lists promise
 * vectors for every op. */
int gv_run(const gv_config *cfg, gv_result *res, char *err, size_t errlen) {
  memset(res, 0, sizeof *res);
  if (err && errlen)
    err[0] = '\0';
  res->golden_dir = cfg->golden_dir;
  res->noffsets = cfg->noffsets ? cfg->noffsets : 1;
  if (cfg->noffsets)
    memcpy(res->offsets, cfg->offsets, cfg->noffsets * sizeof cfg->offsets[0]);
  res->pass = 1;
  size_t nops = 0;
  for (gd_op op = 0; op < GD_OP_COUNT; op++) {
    if (!selected(cfg, op))
      continue;
    nops++;
    if (load(cfg, res, op, err, errlen) < 0)
      return -1;
  }
  res->rows = calloc(nops * cfg->nvariants + 1, sizeof *res->rows);
  if (!res->rows) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (gd_op op = 0; op < GD_OP_COUNT; op++) {
    if (!selected(cfg, op))
      continue;
    const gd_file *f = gv_file(res, op);
    for (size_t vi = 0; vi < cfg->nvariants; vi++) {
      gv_row *row = &res->rows[res->nrows++];
      row->op = op;
      row->variant = cfg->variants[vi];
      const gc_options base = cfg->base ? *cfg->base : gc_default_options();
      row->name = base.name ? base.name : ob_variant_name(row->variant);
      gc_stats_init(&row->st);
      row->st.bound = base.bound >= 0 ? base.bound : gc_op_bound(op, row->variant);
      for (size_t oi = 0; oi < res->noffsets; oi++) {
        gc_options opt = base;
        opt.offset = res->offsets[oi];
        opt.own_state = cfg->own_state;
        gc_stats st;
        gc_stats_init(&st);
        if (err && errlen)
          err[0] = '\0';
        const long failed =
            cfg->run_op ? cfg->run_op(cfg->run_ctx, f, op, row->variant, &opt, &st, err, errlen)
                        : gc_run_op(f, op, row->variant, &opt, &st);
        if (failed < 0) {
          if (!err || !err[0])
            snprintf(err, errlen, "out of memory running %s on %s", gd_op_name(op), row->name);
          return -1;
        }
        gc_stats_merge(&row->st, &st);
      }
      row->pass = row->st.cases_run > 0 && row->st.cases_passed == row->st.cases_run;
      if (row->st.cases_run == 0)
        snprintf(row->st.worst, sizeof row->st.worst, "%s: no case of op %s", f->path,
                 gd_op_name(op));
      if (!row->pass)
        res->pass = 0;
    }
  }
  return res->pass ? 0 : 1;
}

/* A failure's text, every line indented */
static void print_indented(FILE *out, const char *indent, const char *text) {
  fputs(indent, out);
  for (; *text; text++) {
    fputc(*text, out);
    if (*text == '\n')
      fputs(indent, out);
  }
  fputc('\n', out);
}

const char *gv_convention(gd_op op) {
  return gd_op_is_rule(op) ? ob_algo_convention((ob_algo)op) : NULL;
}

/* The heading of a group of rows: the rules by convention, then the layer
 * kernels. */
static const char *group_title(gd_op op) {
  const char *c = gv_convention(op);
  if (!c)
    return "layer kernels";
  if (!strcmp(c, "torch"))
    return "PyTorch conventions (convention torch: torch.optim's documented algorithms)";
  if (!strcmp(c, "book"))
    return "textbook rules (convention book: chapter 6, common/optimizer.py)";
  return c;
}

void gv_print_table(FILE *out, const gv_result *res, int details) {
  int w = 12; /* the variant column: as wide as its longest name (an outside kernel's) */
  for (size_t r = 0; r < res->nrows; r++)
    if (res->rows[r].name && (int)strlen(res->rows[r].name) > w && strlen(res->rows[r].name) < 200)
      w = (int)strlen(res->rows[r].name);
  fprintf(out, "%-18s %-*s %13s %10s %9s %9s %9s %6s %9s  %s\n", "op", w, "variant", "cases",
          "elements", "max err", "mean err", "own max", "bound", "decay max", "result");
  for (size_t r = 0; r < res->nrows; r++) {
    const gv_row *row = &res->rows[r];
    if (r == 0 || strcmp(group_title(row->op), group_title(res->rows[r - 1].op)) != 0)
      fprintf(out, "-- %s\n", group_title(row->op));
    char cases[32];
    snprintf(cases, sizeof cases, "%zu/%zu", row->st.cases_passed, row->st.cases_run);
    fprintf(out, "%-18s %-*s %13s %10zu %9.3f %9.3f %9.3f %6.2f %9.3f  %s\n", gd_op_name(row->op),
            w, row->name, cases, row->st.elements, row->st.max_err, gc_mean_err(&row->st),
            row->st.own_max, row->st.bound, row->st.max_err_decay, row->pass ? "PASS" : "FAIL");
    if (details && !row->pass && row->st.worst[0]) {
      fprintf(out, "  worst of %zu failing elements, %zu other failures:\n",
              row->st.failed_elements, row->st.other_failures);
      print_indented(out, "    ", row->st.worst);
      if (row->st.first[0] && strcmp(row->st.first, row->st.worst) != 0) {
        fputs("  first:\n", out);
        print_indented(out, "    ", row->st.first);
      }
    }
  }
  fprintf(out, "offsets:");
  for (size_t i = 0; i < res->noffsets; i++)
    fprintf(out, " %zu", res->offsets[i]);
  fprintf(out, " floats; err, own max and bound in scale-ULPs (golden/FORMAT.md);\n"
               "own max: trajectories on their own state, err/step; decay max: rule steps with "
               "weight decay,\nallowed bound + 1 per decay term (ob_step_error_bound)\n");
}

/* ---- JSON ----------------------------------------------------------------- */

int gv_write_json(const char *path, const gv_result *res, const char *cpu,
                  const ob_variant *const *skipped, size_t nskipped, char *err, size_t errlen) {
  ob_outfile out;
  if (ob_out_open(&out, path, err, errlen) < 0)
    return -1;
  FILE *fp = out.f;
  fputs("{\n  \"cpu\": ", fp);
  ob_json_str(fp, cpu);
  fputs(",\n  \"golden_dir\": ", fp);
  ob_json_str(fp, res->golden_dir);
  fputs(",\n  \"offsets\": [", fp);
  for (size_t i = 0; i < res->noffsets; i++)
    fprintf(fp, "%s%zu", i ? ", " : "", res->offsets[i]);
  fputs("],\n  \"skipped\": [", fp);
  for (size_t i = 0; i < nskipped; i++) {
    fputs(i ? ", " : "", fp);
    ob_json_str(fp, ob_variant_name(skipped[i]));
  }
  fprintf(fp, "],\n  \"pass\": %s,\n  \"results\": [", res->pass ? "true" : "false");
  for (size_t r = 0; r < res->nrows; r++) {
    const gv_row *row = &res->rows[r];
    const gc_stats *st = &row->st;
    fprintf(fp, "%s\n    {\"op\": ", r ? "," : "");
    ob_json_str(fp, gd_op_name(row->op));
    fprintf(fp, ", \"kind\": \"%s\", \"family\": ", gd_op_is_rule(row->op) ? "rule" : "kernel");
    ob_json_str(fp, gd_op_family(row->op));
    fputs(", \"convention\": ", fp);
    ob_json_str(fp, gv_convention(row->op));
    fputs(", \"variant\": ", fp);
    ob_json_str(fp, row->name);
    fprintf(fp, ", \"cases\": %zu, \"passed\": %zu, \"elements\": %zu, \"failed_elements\": %zu",
            st->cases_run, st->cases_passed, st->elements, st->failed_elements);
    fputs(", \"max_err\": ", fp);
    ob_json_num(fp, 17, st->max_err);
    fputs(", \"mean_err\": ", fp);
    ob_json_num(fp, 17, gc_mean_err(st));
    fputs(", \"own_max\": ", fp);
    ob_json_num(fp, 17, st->own_max);
    fputs(", \"bound\": ", fp);
    ob_json_num(fp, 17, st->bound);
    fputs(", \"max_err_decay\": ", fp);
    ob_json_num(fp, 17, st->max_err_decay);
    fprintf(fp, ", \"pass\": %s", row->pass ? "true" : "false");
    if (!row->pass && st->worst[0]) {
      fputs(", \"worst\": ", fp);
      ob_json_str(fp, st->worst);
    }
    fputc('}', fp);
  }
  fputs("\n  ]\n}\n", fp);
  return ob_out_commit(&out, err, errlen);
}
