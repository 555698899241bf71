/* gst-bitnet: kernel-bench, micro-benchmarks the ternary kernels
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-kernel-elements.h"

#include "kernels/bn-ternary.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/**
 * SECTION:element-kernel-bench
 * @title: kernel-bench
 *
 * Times the ternary matrix-vector product for every (format, variant,
 * shape), as the seed's Criterion benchmarks did, and pushes one
 * `bench/kernel` record each: every ns/op sample, the median with its
 * distribution-free 95% confidence interval (order statistics with exact
 * binomial coverage, bn_stats_median_ci(); [min, max], covering less, below
 * 6 samples), Melem/s, G weights/s and GB/s of
 * weight bytes, and the accuracy envelope against FP32 with its tolerance.
 *
 * `memory=resident` repeats the product on one matrix that stays in cache;
 * `memory=streaming` cycles through copies of it larger than the last-level
 * cache, and the same run measures the single-thread DRAM read bandwidth so
 * each result states the fraction of it reached.
 *
 * |[
 * bn-launch kernel-bench formats=i2s,tl2 shapes=2560x6912 ! summary-sink
 * ]|
 */

typedef enum { MEM_RESIDENT, MEM_STREAMING } MemoryMode;

static GType
memory_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { MEM_RESIDENT, "weights stay in cache", "resident" },
    { MEM_STREAMING, "weights stream from DRAM", "streaming" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnKernelBenchMemory", v));
  return id;
}

struct _BnKernelBench {
  BnElement parent_instance;
  char **formats, **variants, **shapes;
  MemoryMode memory;
  double warmup_ms, measure_ms;
  guint min_samples;
  guint64 stream_bytes;
  /* run state */
  GPtrArray *jobs;
  guint next;
  double bandwidth_gbs;
};

G_DEFINE_FINAL_TYPE (BnKernelBench, bn_kernel_bench, BN_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_FORMATS,
  PROP_VARIANTS,
  PROP_SHAPES,
  PROP_MEMORY,
  PROP_WARMUP,
  PROP_MEASURE,
  PROP_MIN_SAMPLES,
  PROP_STREAM_BYTES,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

typedef struct {
  BnTernaryFormat format;
  const BnKernels *kernels;
  size_t rows, cols;
} Job;

static void
bn_kernel_bench_finalize (GObject *object)
{
  BnKernelBench *self = BN_KERNEL_BENCH (object);
  g_strfreev (self->formats);
  g_strfreev (self->variants);
  g_strfreev (self->shapes);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_kernel_bench_parent_class)->finalize (object);
}

static void
bn_kernel_bench_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnKernelBench *self = BN_KERNEL_BENCH (object);
  switch (id) {
  case PROP_FORMATS: g_value_set_boxed (value, self->formats); break;
  case PROP_VARIANTS: g_value_set_boxed (value, self->variants); break;
  case PROP_SHAPES: g_value_set_boxed (value, self->shapes); break;
  case PROP_MEMORY: g_value_set_enum (value, self->memory); break;
  case PROP_WARMUP: g_value_set_double (value, self->warmup_ms); break;
  case PROP_MEASURE: g_value_set_double (value, self->measure_ms); break;
  case PROP_MIN_SAMPLES: g_value_set_uint (value, self->min_samples); break;
  case PROP_STREAM_BYTES: g_value_set_uint64 (value, self->stream_bytes); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_kernel_bench_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnKernelBench *self = BN_KERNEL_BENCH (object);
  switch (id) {
  case PROP_FORMATS:
    g_strfreev (self->formats);
    self->formats = g_value_dup_boxed (value);
    break;
  case PROP_VARIANTS:
    g_strfreev (self->variants);
    self->variants = g_value_dup_boxed (value);
    break;
  case PROP_SHAPES:
    g_strfreev (self->shapes);
    self->shapes = g_value_dup_boxed (value);
    break;
  case PROP_MEMORY: self->memory = g_value_get_enum (value); break;
  case PROP_WARMUP: self->warmup_ms = g_value_get_double (value); break;
  case PROP_MEASURE: self->measure_ms = g_value_get_double (value); break;
  case PROP_MIN_SAMPLES: self->min_samples = g_value_get_uint (value); break;
  case PROP_STREAM_BYTES: self->stream_bytes = g_value_get_uint64 (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_kernel_bench_start (BnElement *element, GError **error)
{
  BnKernelBench *self = BN_KERNEL_BENCH (element);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  self->jobs = g_ptr_array_new_with_free_func (g_free);
  self->next = 0;
  self->bandwidth_gbs = 0;

  guint64 mem = bn_machine_total_memory ();
  if (self->memory == MEM_STREAMING && mem && self->stream_bytes > mem / 2) {
    g_autofree char *want = g_format_size_full (self->stream_bytes, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *half = g_format_size_full (mem / 2, G_FORMAT_SIZE_IEC_UNITS);
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("stream-bytes=%s is more than half of this machine's memory: the limit here is %s"), want, half);
    return FALSE;
  }
  g_autoptr (GPtrArray) kernels = g_ptr_array_new ();
  for (guint i = 0; self->variants && self->variants[i]; i++) {
    const char *v = self->variants[i];
    if (!strcmp (v, "best") || !strcmp (v, "all")) {
      for (int k = 0; k < BN_KERNEL_N_VARIANTS; k++)
        if (bn_kernel_variant_supported (k) && (!strcmp (v, "all") || k == (int) bn_kernel_variant_best ()))
          g_ptr_array_add (kernels, (gpointer) bn_kernels_get (k));
      continue;
    }
    const BnKernels *k = NULL;
    char err[256];
    if (bn_kernels_select (v, &k, err, sizeof err) != BN_K_OK) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, "variants: %s", err);
      return FALSE;
    }
    g_ptr_array_add (kernels, (gpointer) k);
  }
  for (guint f = 0; self->formats && self->formats[f]; f++) {
    BnTernaryFormat format;
    if (bn_ternary_format_from_name (self->formats[f], &format) != BN_K_OK) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                   _("formats: unknown format \"%s\" (use i2s, tl1, tl2, tq2_0, tq1_0)"), self->formats[f]);
      return FALSE;
    }
    for (guint s = 0; self->shapes && self->shapes[s]; s++) {
      guint64 rows = 0, cols = 0;
      char *x = strchr (self->shapes[s], 'x');
      if (!x || !g_ascii_string_to_unsigned (x + 1, 10, 1, 1 << 18, &cols, NULL)) {
        g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                     _("shapes: \"%s\" is not ROWSxCOLS (e.g. 2560x6912)"), self->shapes[s]);
        return FALSE;
      }
      g_autofree char *r = g_strndup (self->shapes[s], x - self->shapes[s]);
      if (!g_ascii_string_to_unsigned (r, 10, 1, 1 << 20, &rows, NULL)) {
        g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                     _("shapes: \"%s\" is not ROWSxCOLS (e.g. 2560x6912)"), self->shapes[s]);
        return FALSE;
      }
      if (bn_ternary_check_shape (format, rows, cols) != BN_K_OK) {
        g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("shape %s cannot be tiled by format %s"),
                     self->shapes[s], self->formats[f]);
        return FALSE;
      }
      guint64 mem = bn_machine_total_memory (), need = (guint64) rows * cols * sizeof (float);
      if (mem && need > mem / 4) {
        g_autofree char *n = g_format_size_full (need, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *m = g_format_size_full (mem, G_FORMAT_SIZE_IEC_UNITS);
        g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                     _("shape %s needs %s of weights, more than a quarter of this machine's %s of memory"),
                     self->shapes[s], n, m);
        return FALSE;
      }
      for (guint k = 0; k < kernels->len; k++) {
        Job *j = g_new0 (Job, 1);
        *j = (Job){ format, kernels->pdata[k], rows, cols };
        g_ptr_array_add (self->jobs, j);
      }
    }
  }
  if (self->jobs->len == 0) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("Nothing to benchmark: give formats, shapes and variants"));
    return FALSE;
  }
  return TRUE;
}

/* The median of @samples and its distribution-free 95% interval
 * (bn_stats_median_ci()); below the 6 samples such an interval needs,
 * [min, max], which then covers less than 95% (93.75% at 5 samples). */
static void
median_ci (GArray *samples, double *median, double *lo, double *hi)
{
  const double *v = (const double *) samples->data;
  guint n = samples->len;
  *median = bn_stats_median (v, n);
  if (!bn_stats_median_ci (v, n, 0.95, lo, hi, NULL)) {
    *lo = bn_stats_quantile (v, n, 0);
    *hi = bn_stats_quantile (v, n, 1);
  }
}

static BnFlowReturn
bn_kernel_bench_produce (BnElement *element)
{
  BnKernelBench *self = BN_KERNEL_BENCH (element);
  if (self->next >= self->jobs->len)
    return BN_FLOW_EOS;
  Job *j = self->jobs->pdata[self->next++];
  g_autofree char *label =
      g_strdup_printf ("%s %s %zux%zu", bn_ternary_format_name (j->format), j->kernels->name, j->rows, j->cols);
  bn_element_post_progress (element, (self->next - 1.0) / self->jobs->len, label);
  if (self->memory == MEM_STREAMING && self->bandwidth_gbs == 0)
    self->bandwidth_gbs = bn_machine_read_bandwidth (self->stream_bytes, 1);

  /* a seeded random ternary matrix and activation vector */
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  size_t n = j->rows * j->cols;
  size_t size = bn_ternary_packed_size (j->format, j->rows, j->cols);
  guint copies = self->memory == MEM_STREAMING ? MAX (1, (guint) (self->stream_bytes / size)) : 1;
  g_autofree float *w = g_try_new (float, n);
  guint8 *packed = w ? bn_kalloc (size * copies) : NULL;
  if (!packed) {
    g_autofree char *need =
        g_format_size_full ((guint64) n * sizeof (float) + (guint64) size * copies, G_FORMAT_SIZE_IEC_UNITS);
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("Cannot allocate %s for %s: lower stream-bytes or the shape"), need, label);
    return BN_FLOW_ERROR;
  }
  for (size_t i = 0; i < n; i++)
    w[i] = (float) ((gint) g_rand_int_range (rand, 0, 3) - 1) * 0.02f;
  BnTernary *mats = g_new (BnTernary, copies);
  bn_ternary_pack_f32 (j->format, packed, size, w, j->rows, j->cols, &mats[0]);
  for (guint c = 1; c < copies; c++) {
    memcpy (packed + c * size, packed, size);
    mats[c] = mats[0];
    mats[c].data = packed + c * size;
  }
  g_autofree float *x = g_new (float, j->cols);
  for (size_t i = 0; i < j->cols; i++)
    x[i] = (float) g_rand_double_range (rand, -1, 1);
  gsize abuf_size = bn_act_buffer_size (j->cols);
  void *abuf = bn_kalloc (abuf_size);
  BnActQ8 act;
  bn_act_init (&act, abuf, abuf_size, j->cols);
  bn_act_quantize (&act, x);
  size_t lut_size = bn_ternary_lut_size (j->format, j->cols);
  void *lut = lut_size ? bn_kalloc (lut_size) : NULL;
  g_autofree float *y = g_new (float, j->rows);
  const char *kname = NULL;

  /* the table is built per token in the engine: it is part of the timed op */
  gint64 warm_end = g_get_monotonic_time () + (gint64) (self->warmup_ms * 1000);
  guint c = 0;
  do {
    if (lut)
      bn_act_build_lut (j->kernels, &act, j->format, lut, lut_size, NULL);
    bn_ternary_gemm (j->kernels, &mats[c++ % copies], &act, 1, 0, j->rows, NULL, y, &kname);
  } while (g_get_monotonic_time () < warm_end && !bn_element_is_cancelled (element));

  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 end = g_get_monotonic_time () + (gint64) (self->measure_ms * 1000);
  while ((g_get_monotonic_time () < end || samples->len < self->min_samples) && !bn_element_is_cancelled (element)) {
    struct timespec a, b;
    clock_gettime (CLOCK_MONOTONIC, &a);
    if (lut)
      bn_act_build_lut (j->kernels, &act, j->format, lut, lut_size, NULL);
    bn_ternary_gemm (j->kernels, &mats[c++ % copies], &act, 1, 0, j->rows, NULL, y, NULL);
    clock_gettime (CLOCK_MONOTONIC, &b);
    double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
    g_array_append_val (samples, ns);
  }

  BnAccuracy acc;
  g_autoptr (GRand) arand = g_rand_new_with_seed (1234);
  const char *acc_kernel = NULL;
  bn_measure_accuracy (j->kernels, &mats[0], w, 64, arand, &acc_kernel, &acc);
  double tol = bn_format_default_tolerance (j->format);

  bn_kfree (packed);
  g_free (mats);
  bn_kfree (abuf);
  bn_kfree (lut);

  double med, lo, hi;
  median_ci (samples, &med, &lo, &hi);
  double weights = (double) n;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
#define STR(k, v) (json_builder_set_member_name (b, k), json_builder_add_string_value (b, v))
#define NUM(k, v) (json_builder_set_member_name (b, k), json_builder_add_double_value (b, v))
#define INT(k, v) (json_builder_set_member_name (b, k), json_builder_add_int_value (b, v))
  STR ("format", bn_ternary_format_name (j->format));
  STR ("variant", j->kernels->name);
  STR ("kernel", kname ? kname : "");
  INT ("rows", j->rows);
  INT ("cols", j->cols);
  INT ("threads", 1);
  STR ("memory", self->memory == MEM_STREAMING ? "streaming" : "resident");
  INT ("weight_bytes", size);
  INT ("samples_count", samples->len);
  NUM ("median_ns", med);
  NUM ("ci95_low_ns", lo);
  NUM ("ci95_high_ns", hi);
  NUM ("melem_per_s", weights / med * 1e3);
  NUM ("gweights_per_s", weights / med);
  NUM ("gb_per_s", size / med);
  if (self->memory == MEM_STREAMING) {
    NUM ("read_bandwidth_gb_per_s", self->bandwidth_gbs);
    NUM ("fraction_of_bandwidth", (size / med) / self->bandwidth_gbs);
  }
  json_builder_set_member_name (b, "accuracy");
  json_builder_begin_object (b);
  NUM ("output_rel_mse", acc.out_rel_mse);
  NUM ("e2e_rel_mse", acc.e2e_rel_mse);
  NUM ("cosine", acc.cosine);
  NUM ("max_abs_error", acc.max_abs);
  NUM ("tolerance", tol);
  json_builder_set_member_name (b, "pass");
  json_builder_add_boolean_value (b, acc.out_rel_mse <= tol);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "samples_ns");
  json_builder_begin_array (b);
  for (guint i = 0; i < samples->len; i++)
    json_builder_add_double_value (b, g_array_index (samples, double, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
#undef STR
#undef NUM
#undef INT
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  BnRecord *rec = bn_record_new ("bench/kernel", json_node_dup_object (root));
  bn_element_post_progress (element, (double) self->next / self->jobs->len, label);
  return bn_element_push (element, BN_ITEM (rec));
}

static void
bn_kernel_bench_class_init (BnKernelBenchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_kernel_bench_finalize;
  object_class->get_property = bn_kernel_bench_get_property;
  object_class->set_property = bn_kernel_bench_set_property;
  element_class->start = bn_kernel_bench_start;
  element_class->produce = bn_kernel_bench_produce;

  props[PROP_FORMATS] = g_param_spec_boxed ("formats", "Formats",
                                            "Comma-separated formats: i2s, tl1, tl2, tq2_0, tq1_0", G_TYPE_STRV, rw);
  props[PROP_VARIANTS] = g_param_spec_boxed ("variants", "Variants",
                                             "Comma-separated kernel variants: scalar, avx2, avx512, "
                                             "neon, best (the dispatch's choice) or all",
                                             G_TYPE_STRV, rw);
  props[PROP_SHAPES] = g_param_spec_boxed (
      "shapes", "Shapes", "Comma-separated ROWSxCOLS (default: the 2B4T layer shapes)", G_TYPE_STRV, rw);
  props[PROP_MEMORY] = g_param_spec_enum ("memory", "Memory", "Where the weights live while timed", memory_get_type (),
                                          MEM_RESIDENT, rw);
  props[PROP_WARMUP] = bn_param_spec_set_unit (
      g_param_spec_double ("warmup-time", "Warm-up time", "Untimed runs before measuring", 0, 600000, 200, rw),
      BN_PARAM_UNIT_MILLISECONDS);
  props[PROP_MEASURE] =
      bn_param_spec_set_unit (g_param_spec_double ("measurement-time", "Measurement time",
                                                   "Time spent collecting samples", 0, 600000, 1000, rw),
                              BN_PARAM_UNIT_MILLISECONDS);
  props[PROP_MIN_SAMPLES] = g_param_spec_uint ("min-samples", "Minimum samples",
                                               "Samples collected even past the measurement time", 1, 1000000, 20, rw);
  props[PROP_STREAM_BYTES] = bn_param_spec_set_unit (
      g_param_spec_uint64 ("stream-bytes", "Stream bytes",
                           "Bytes of weight copies cycled through in streaming mode (larger than "
                           "the last-level cache; at most 4 GiB and half the machine's memory)",
                           1 << 20, G_GUINT64_CONSTANT (1) << 32, 256 << 20, rw),
      BN_PARAM_UNIT_BYTES);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Kernel benchmark", "Source",
                                 "Times ternary GEMV per format, variant and shape, with confidence "
                                 "intervals and accuracy envelopes",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "bench/kernel");
}

static void
bn_kernel_bench_init (BnKernelBench *self)
{
  self->formats = g_strsplit ("i2s,tl1,tl2,tq2_0,tq1_0", ",", -1);
  self->variants = g_strsplit ("best", ",", -1);
  self->shapes = g_strsplit ("2560x2560,640x2560,6912x2560,2560x6912", ",", -1);
  self->warmup_ms = 200;
  self->measure_ms = 1000;
  self->min_samples = 20;
  self->stream_bytes = 256 << 20;
}
