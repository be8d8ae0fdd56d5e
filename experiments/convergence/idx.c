/* idx.c - see idx.h. */
#include "idx.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

const char *idx_strerror(idx_status s) {
  static const char *const msg[IDX_STATUS_COUNT] = {
      "ok",
      "cannot open file",
      "corrupt gzip data",
      "truncated file",
      "wrong magic number",
      "bad dimensions",
      "label out of range",
      "image and label counts differ",
      "out of memory",
  };
  return (unsigned)s < IDX_STATUS_COUNT ? msg[s] : "unknown idx status";
}

static idx_status fail(char *err, size_t errlen, idx_status s, const char *path, const char *fmt,
                       ...) {
  if (err && errlen) {
    int k = snprintf(err, errlen, "%s: %s: ", path ? path : "(null)", idx_strerror(s));
    if (k >= 0 && (size_t)k < errlen) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
      va_end(ap);
    }
  }
  return s;
}

/* The file as a byte source: a single gzip member inflated here (not
 * through gzread, which skips bytes after the stream), or, when the file
 * does not start with the gzip magic, its plain bytes. */
typedef struct {
  FILE *fp;
  const char *path;
  int gz;    /* a gzip stream (else plain) */
  int zinit; /* inflateInit2 done */
  int ended; /* gzip: the stream's end (trailer checked) was reached */
  z_stream zs;
  unsigned char in[1 << 16];
} src;

/* Up to len bytes into buf; *got says how many. IDX_OK with *got < len only
 * at the end of the data (plain end of file, or the gzip stream's end). */
static idx_status src_read(src *S, unsigned char *buf, size_t len, size_t *got, const char *what,
                           char *err, size_t errlen) {
  *got = 0;
  if (!S->gz) {
    *got = fread(buf, 1, len, S->fp);
    if (*got < len && ferror(S->fp))
      return fail(err, errlen, IDX_EOPEN, S->path, "reading the %s: %s", what, strerror(errno));
    return IDX_OK;
  }
  while (*got < len && !S->ended) {
    if (S->zs.avail_in == 0 && !feof(S->fp)) {
      S->zs.next_in = S->in;
      S->zs.avail_in = (uInt)fread(S->in, 1, sizeof S->in, S->fp);
      if (ferror(S->fp))
        return fail(err, errlen, IDX_EOPEN, S->path, "reading the %s: %s", what, strerror(errno));
    }
    const size_t want = len - *got > (1u << 30) ? (1u << 30) : len - *got; /* fits uInt */
    S->zs.next_out = buf + *got;
    S->zs.avail_out = (uInt)want;
    const int zr = inflate(&S->zs, Z_NO_FLUSH);
    *got += want - S->zs.avail_out;
    if (zr == Z_STREAM_END)
      S->ended = 1;
    else if (zr == Z_MEM_ERROR)
      return fail(err, errlen, IDX_ENOMEM, S->path, "reading the %s: zlib: out of memory", what);
    else if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_STREAM_ERROR)
      return fail(err, errlen, IDX_EGZIP, S->path, "reading the %s: zlib: %s", what,
                  S->zs.msg ? S->zs.msg : "corrupt data");
    else if (zr == Z_BUF_ERROR && S->zs.avail_in == 0 && feof(S->fp))
      return fail(err, errlen, IDX_ETRUNC, S->path,
                  "the %s is cut short (compressed stream cut short: unexpected end of gzip data)",
                  what);
  }
  return IDX_OK;
}

/* Exactly len bytes, or IDX_ETRUNC naming what ended early. */
static idx_status read_exact(src *S, void *buf, size_t len, const char *what, char *err,
                             size_t errlen) {
  size_t got = 0;
  idx_status s = src_read(S, buf, len, &got, what, err, errlen);
  if (s == IDX_OK && got < len)
    s = fail(err, errlen, IDX_ETRUNC, S->path, "the %s ends after %zu of %zu bytes", what, got,
             len);
  return s;
}

/* Opens path: a gzip stream if it starts with 1f 8b, else plain bytes. */
static idx_status src_open(src *S, const char *path, char *err, size_t errlen) {
  memset(S, 0, offsetof(src, in));
  S->path = path;
  errno = 0;
  if (!(S->fp = fopen(path, "rb")))
    return fail(err, errlen, errno == ENOMEM ? IDX_ENOMEM : IDX_EOPEN, path, "%s",
                errno ? strerror(errno) : "fopen failed");
  const size_t n = fread(S->in, 1, 2, S->fp);
  S->gz = n == 2 && S->in[0] == 0x1f && S->in[1] == 0x8b;
  if (!S->gz) { /* plain: start again from the first byte */
    rewind(S->fp);
    return IDX_OK;
  }
  S->zs.next_in = S->in;
  S->zs.avail_in = (uInt)n;
  if (inflateInit2(&S->zs, 16 + MAX_WBITS) != Z_OK) /* 16 +: a gzip wrapper only */
    return fail(err, errlen, IDX_ENOMEM, path, "zlib: cannot start inflating");
  S->zinit = 1;
  return IDX_OK;
}

static void src_close(src *S) {
  if (S->zinit)
    inflateEnd(&S->zs);
  if (S->fp)
    fclose(S->fp);
  S->fp = NULL;
  S->zinit = 0;
}

static uint32_t be32(const unsigned char b[4]) {
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* Opens path, checks the magic, reads the dims (ndims of them); on failure
 * the source is closed. */
static idx_status open_header(const char *path, uint32_t magic, int ndims, uint32_t dims[3], src *S,
                              char *err, size_t errlen) {
  memset(S, 0, offsetof(src, in));
  if (!path)
    return fail(err, errlen, IDX_EOPEN, path, "no path given");
  idx_status s = src_open(S, path, err, errlen);
  unsigned char h[16];
  if (s == IDX_OK)
    s = read_exact(S, h, 4, "magic number", err, errlen);
  if (s == IDX_OK && be32(h) != magic)
    s = fail(err, errlen, IDX_EMAGIC, path, "0x%08x, want 0x%08x (%s)", (unsigned)be32(h),
             (unsigned)magic,
             magic == IDX_MAGIC_IMAGES ? "uint8 images, 3 dimensions"
                                       : "uint8 labels, 1 dimension");
  if (s == IDX_OK)
    s = read_exact(S, h + 4, 4 * (size_t)ndims, "header", err, errlen);
  for (int i = 0; s == IDX_OK && i < ndims; i++)
    if ((dims[i] = be32(h + 4 + 4 * i)) == 0)
      s = fail(err, errlen, IDX_ESHAPE, path, "dimension %d is 0", i);
  if (s != IDX_OK)
    src_close(S);
  return s;
}

/* After the data: the data must end here, the gzip stream too (its CRC
 * checked), and nothing may follow the stream in the file. */
static idx_status expect_end(src *S, char *err, size_t errlen) {
  unsigned char extra;
  size_t got = 0;
  idx_status s = src_read(S, &extra, 1, &got, "end of the data", err, errlen);
  if (s != IDX_OK)
    return s;
  if (got == 1)
    return fail(err, errlen, IDX_ESHAPE, S->path,
                "bytes after the data the header declares (header and size disagree)");
  if (!S->gz)
    return IDX_OK;
  if (!S->ended)
    return fail(err, errlen, IDX_ETRUNC, S->path,
                "the gzip stream is cut short after the data (no trailer)");
  size_t after = S->zs.avail_in;
  while (!feof(S->fp) && !ferror(S->fp))
    after += fread(S->in, 1, sizeof S->in, S->fp);
  if (after)
    return fail(err, errlen, IDX_EGZIP, S->path,
                "%zu byte%s after the end of the gzip stream (a second stream or junk)", after,
                after == 1 ? "" : "s");
  return IDX_OK;
}

/* The `total` bytes of data, in a buffer grown as they arrive (from 1 MiB,
 * doubling), then the end of the file: a header declaring more than the
 * file holds costs at most twice what is there, not what it declares.
 * *out is NULL on failure. */
static idx_status read_data(src *S, size_t total, unsigned char **out, const char *what, char *err,
                            size_t errlen) {
  unsigned char *buf = NULL;
  size_t cap = 0, done = 0;
  idx_status s = IDX_OK;
  *out = NULL;
  while (s == IDX_OK && done < total) {
    if (done == cap) {
      size_t nc = cap ? 2 * cap : (size_t)1 << 20;
      if (nc > total)
        nc = total;
      unsigned char *g = realloc(buf, nc);
      if (!g) {
        s = fail(err, errlen, IDX_ENOMEM, S->path, "%zu bytes of %s", nc, what);
        break;
      }
      buf = g;
      cap = nc;
    }
    size_t got = 0;
    const size_t want = cap - done;
    s = src_read(S, buf + done, want, &got, what, err, errlen);
    done += got;
    if (s == IDX_OK && got < want)
      s = fail(err, errlen, IDX_ETRUNC, S->path, "the %s ends after %zu of %zu bytes", what, done,
               total);
  }
  if (s == IDX_OK)
    s = expect_end(S, err, errlen);
  if (s != IDX_OK) {
    free(buf);
    return s;
  }
  *out = buf;
  return IDX_OK;
}

idx_status idx_read_images(const char *path, idx_images *out, char *err, size_t errlen) {
  if (err && errlen)
    err[0] = '\0';
  if (!out)
    return fail(err, errlen, IDX_EOPEN, path, "no output given");
  memset(out, 0, sizeof *out);
  uint32_t d[3];
  src S;
  idx_status s = open_header(path, IDX_MAGIC_IMAGES, 3, d, &S, err, errlen);
  if (s != IDX_OK)
    return s;
  const size_t n = d[0], rows = d[1], cols = d[2];
  unsigned char *raw = NULL;
  if (rows > 4096 || cols > 4096 || n > IDX_MAX_BYTES / (rows * cols))
    s = fail(err, errlen, IDX_ESHAPE, path, "%zu images of %zu x %zu is more than %zu bytes", n,
             rows, cols, IDX_MAX_BYTES);
  const size_t total = n * rows * cols;
  if (s == IDX_OK)
    s = read_data(&S, total, &raw, "pixel data", err, errlen);
  src_close(&S);
  float *px = s == IDX_OK ? malloc(total * sizeof *px) : NULL; /* the data is all there */
  if (s == IDX_OK && !px)
    s = fail(err, errlen, IDX_ENOMEM, path, "%zu pixels", total);
  if (s != IDX_OK) {
    free(raw);
    return s;
  }
  for (size_t i = 0; i < total; i++)
    px[i] = (float)raw[i] / 255.0f;
  free(raw);
  out->n = n;
  out->rows = rows;
  out->cols = cols;
  out->pixels = px;
  return IDX_OK;
}

idx_status idx_read_labels(const char *path, idx_labels *out, char *err, size_t errlen) {
  if (err && errlen)
    err[0] = '\0';
  if (!out)
    return fail(err, errlen, IDX_EOPEN, path, "no output given");
  memset(out, 0, sizeof *out);
  uint32_t d[3];
  src S;
  idx_status s = open_header(path, IDX_MAGIC_LABELS, 1, d, &S, err, errlen);
  if (s != IDX_OK)
    return s;
  const size_t n = d[0];
  uint8_t *lab = NULL;
  if (n > IDX_MAX_BYTES)
    s = fail(err, errlen, IDX_ESHAPE, path, "%zu labels is more than %zu bytes", n, IDX_MAX_BYTES);
  if (s == IDX_OK)
    s = read_data(&S, n, &lab, "label data", err, errlen);
  src_close(&S);
  for (size_t i = 0; s == IDX_OK && i < n; i++)
    if (lab[i] > 9)
      s = fail(err, errlen, IDX_ELABEL, path, "label %u at index %zu (want 0..9)", lab[i], i);
  if (s != IDX_OK) {
    free(lab);
    return s;
  }
  out->n = n;
  out->labels = lab;
  return IDX_OK;
}

idx_status idx_read_set(const char *images_path, const char *labels_path, idx_set *out, char *err,
                        size_t errlen) {
  if (!out)
    return fail(err, errlen, IDX_EOPEN, images_path, "no output given");
  memset(out, 0, sizeof *out);
  idx_status s = idx_read_images(images_path, &out->x, err, errlen);
  if (s == IDX_OK)
    s = idx_read_labels(labels_path, &out->y, err, errlen);
  if (s == IDX_OK && out->x.n != out->y.n)
    s = fail(err, errlen, IDX_ECOUNT, labels_path, "%zu labels, but %s holds %zu images", out->y.n,
             images_path, out->x.n);
  if (s != IDX_OK)
    idx_free_set(out);
  return s;
}

void idx_free_images(idx_images *x) {
  if (x) {
    free(x->pixels);
    memset(x, 0, sizeof *x);
  }
}

void idx_free_labels(idx_labels *y) {
  if (y) {
    free(y->labels);
    memset(y, 0, sizeof *y);
  }
}

void idx_free_set(idx_set *s) {
  if (s) {
    idx_free_images(&s->x);
    idx_free_labels(&s->y);
  }
}
