/* idx - a strict reader of gzip'd IDX files (the MNIST / Fashion-MNIST
 * format, http://yann.lecun.com/exdb/mnist/): images (magic 0x00000803,
 * uint8, n x rows x cols) and labels (magic 0x00000801, uint8, n).
 *
 * A file starting with the gzip magic is inflated with zlib as one gzip
 * stream; any other file is read as an uncompressed IDX file. Nothing
 * prints and nothing aborts: every failure returns a status and writes one
 * message "FILE: problem" into the caller's buffer. The whole file is read,
 * so a bad gzip CRC, data beyond what the header declares and any byte
 * after the gzip stream (junk, or a second stream) are errors. Memory grows
 * with the data actually read (from 1 MiB, doubling), never to the size a
 * header declares before the data is there; a data block over
 * IDX_MAX_BYTES is refused from the header.
 */
#ifndef OB_CONV_IDX_H
#define OB_CONV_IDX_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  IDX_OK = 0,
  IDX_EOPEN,  /* the file cannot be opened */
  IDX_EGZIP,  /* corrupt compressed data (bad deflate stream, CRC, bytes after it) */
  IDX_ETRUNC, /* the file ends before the header or the data do */
  IDX_EMAGIC, /* not the magic number asked for */
  IDX_ESHAPE, /* a dimension of 0, too large, or bytes after the data */
  IDX_ELABEL, /* a label outside 0..9 */
  IDX_ECOUNT, /* images and labels of a set disagree in number */
  IDX_ENOMEM, /* allocation failed */
  IDX_STATUS_COUNT
} idx_status;

const char *idx_strerror(idx_status);

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_MAX_BYTES    ((size_t)1 << 31) /* largest data block accepted */

typedef struct {
  size_t n, rows, cols;
  float *pixels; /* n * rows * cols values, uint8 / 255 in [0, 1], row-major */
} idx_images;

typedef struct {
  size_t n;
  uint8_t *labels; /* n values in 0..9 */
} idx_labels;

/* A labelled set: images and labels of the same count. */
typedef struct {
  idx_images x;
  idx_labels y;
} idx_set;

/* *out is always initialised (empty on failure), so the free functions are
 * safe after either result. err may be NULL when errlen is 0. */
idx_status idx_read_images(const char *path, idx_images *out, char *err, size_t errlen);
idx_status idx_read_labels(const char *path, idx_labels *out, char *err, size_t errlen);
idx_status idx_read_set(const char *images_path, const char *labels_path, idx_set *out, char *err,
                        size_t errlen);
void idx_free_images(idx_images *);
void idx_free_labels(idx_labels *);
void idx_free_set(idx_set *);

#endif /* OB_CONV_IDX_H */
