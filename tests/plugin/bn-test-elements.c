/* gst-bitnet: elements used only by the test suites (not installed)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>

/* ---- test-trace: a transform that reports every call on the bus ---------- */

#define BN_TYPE_TEST_TRACE (bn_test_trace_get_type ())
G_DECLARE_FINAL_TYPE (BnTestTrace, bn_test_trace, BN, TEST_TRACE, BnElement)
struct _BnTestTrace {
  BnElement parent_instance;
};
G_DEFINE_FINAL_TYPE (BnTestTrace, bn_test_trace, BN_TYPE_ELEMENT)

static void
trace (BnElement *e, const char *event)
{
  bn_element_post_message (e, bn_message_new_element (e, "trace", g_variant_new_string (event)));
}

static gboolean
trace_start (BnElement *e, GError **error)
{
  trace (e, "start");
  return TRUE;
}

static void
trace_stop (BnElement *e)
{
  trace (e, "stop");
}

static BnFlowReturn
trace_chain (BnElement *e, BnPad *pad, BnItem *item)
{
  trace (e, "chain");
  return bn_element_push (e, item);
}

static BnFlowReturn
trace_finish (BnElement *e)
{
  trace (e, "finish");
  return BN_FLOW_OK;
}

static void
bn_test_trace_class_init (BnTestTraceClass *klass)
{
  BnElementClass *ec = BN_ELEMENT_CLASS (klass);
  ec->start = trace_start;
  ec->stop = trace_stop;
  ec->chain = trace_chain;
  ec->finish = trace_finish;
  bn_element_class_set_metadata (ec, "Test trace", "Transform", "Posts a trace message for each call (tests only)",
                                 "tests");
  bn_element_class_add_static_pad_template (ec, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
  bn_element_class_add_static_pad_template (ec, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "ANY");
}

static void
bn_test_trace_init (BnTestTrace *self)
{
}

/* ---- test-fail: fails where asked, in the error domain asked ------------ */

typedef enum { FAIL_NONE, FAIL_START, FAIL_CHAIN, FAIL_FINISH } FailWhere;
typedef enum { DOMAIN_CORE, DOMAIN_STRICT, DOMAIN_REGRESSION } FailDomain;

static GType
fail_where_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { FAIL_NONE, "FAIL_NONE", "none" },
    { FAIL_START, "FAIL_START", "start" },
    { FAIL_CHAIN, "FAIL_CHAIN", "chain" },
    { FAIL_FINISH, "FAIL_FINISH", "finish" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnTestFailWhere", v));
  return id;
}

static GType
fail_domain_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { DOMAIN_CORE, "DOMAIN_CORE", "core" },
    { DOMAIN_STRICT, "DOMAIN_STRICT", "strict" },
    { DOMAIN_REGRESSION, "DOMAIN_REGRESSION", "regression" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnTestFailDomain", v));
  return id;
}

#define BN_TYPE_TEST_FAIL (bn_test_fail_get_type ())
G_DECLARE_FINAL_TYPE (BnTestFail, bn_test_fail, BN, TEST_FAIL, BnElement)
struct _BnTestFail {
  BnElement parent_instance;
  FailWhere where;
  FailDomain domain;
  guint after;
  guint seen;
};
G_DEFINE_FINAL_TYPE (BnTestFail, bn_test_fail, BN_TYPE_ELEMENT)

enum { FPROP_0, FPROP_WHERE, FPROP_DOMAIN, FPROP_AFTER };

static GError *
make_error (BnTestFail *self)
{
  switch (self->domain) {
  case DOMAIN_STRICT:
    return g_error_new (BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK, "Strict mode: Mock computation detected");
  case DOMAIN_REGRESSION:
    return g_error_new (BN_REGRESSION_ERROR, BN_REGRESSION_ERROR_CRITICAL, "critical regression (test)");
  default: return g_error_new (BN_CORE_ERROR, BN_CORE_ERROR_FAILED, "test-fail failed on purpose");
  }
}

static gboolean
fail_start (BnElement *e, GError **error)
{
  BnTestFail *self = BN_TEST_FAIL (e);
  self->seen = 0;
  if (self->where == FAIL_START) {
    g_propagate_error (error, make_error (self));
    return FALSE;
  }
  return TRUE;
}

static BnFlowReturn
fail_chain (BnElement *e, BnPad *pad, BnItem *item)
{
  BnTestFail *self = BN_TEST_FAIL (e);
  if (self->where == FAIL_CHAIN && ++self->seen > self->after) {
    g_autoptr (GError) err = make_error (self);
    g_object_unref (item);
    bn_element_post_error (e, err, "deliberate failure");
    return BN_FLOW_ERROR;
  }
  return bn_element_push (e, item);
}

static BnFlowReturn
fail_finish (BnElement *e)
{
  BnTestFail *self = BN_TEST_FAIL (e);
  if (self->where == FAIL_FINISH) {
    g_autoptr (GError) err = make_error (self);
    bn_element_post_error (e, err, NULL);
    return BN_FLOW_ERROR;
  }
  return BN_FLOW_OK;
}

static void
fail_set_property (GObject *o, guint id, const GValue *v, GParamSpec *p)
{
  BnTestFail *self = BN_TEST_FAIL (o);
  if (id == FPROP_WHERE)
    self->where = g_value_get_enum (v);
  else if (id == FPROP_DOMAIN)
    self->domain = g_value_get_enum (v);
  else if (id == FPROP_AFTER)
    self->after = g_value_get_uint (v);
}

static void
fail_get_property (GObject *o, guint id, GValue *v, GParamSpec *p)
{
  BnTestFail *self = BN_TEST_FAIL (o);
  if (id == FPROP_WHERE)
    g_value_set_enum (v, self->where);
  else if (id == FPROP_DOMAIN)
    g_value_set_enum (v, self->domain);
  else if (id == FPROP_AFTER)
    g_value_set_uint (v, self->after);
}

static void
bn_test_fail_class_init (BnTestFailClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  BnElementClass *ec = BN_ELEMENT_CLASS (klass);
  oc->set_property = fail_set_property;
  oc->get_property = fail_get_property;
  ec->start = fail_start;
  ec->chain = fail_chain;
  ec->finish = fail_finish;
  g_object_class_install_property (oc, FPROP_WHERE,
                                   g_param_spec_enum ("where", "Where", "Where to fail", fail_where_get_type (),
                                                      FAIL_CHAIN, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (oc, FPROP_DOMAIN,
                                   g_param_spec_enum ("domain", "Domain", "Error domain to fail with",
                                                      fail_domain_get_type (), DOMAIN_CORE,
                                                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (oc, FPROP_AFTER,
                                   g_param_spec_uint ("after", "After", "Items to pass before failing in chain", 0,
                                                      G_MAXUINT, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  bn_element_class_set_metadata (ec, "Test failure", "Transform", "Fails on purpose (tests only)", "tests");
  bn_element_class_add_static_pad_template (ec, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
  bn_element_class_add_static_pad_template (ec, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "ANY");
}

static void
bn_test_fail_init (BnTestFail *self)
{
  self->where = FAIL_CHAIN;
}

/* ---- test-capssrc: pushes items with the caps it is given ---------------- */

#define BN_TYPE_TEST_CAPS_SRC (bn_test_caps_src_get_type ())
G_DECLARE_FINAL_TYPE (BnTestCapsSrc, bn_test_caps_src, BN, TEST_CAPS_SRC, BnElement)
struct _BnTestCapsSrc {
  BnElement parent_instance;
  BnCaps *caps;
  gboolean done;
};
G_DEFINE_FINAL_TYPE (BnTestCapsSrc, bn_test_caps_src, BN_TYPE_ELEMENT)

static gboolean
capssrc_start (BnElement *e, GError **error)
{
  BN_TEST_CAPS_SRC (e)->done = FALSE;
  return TRUE;
}

static BnFlowReturn
capssrc_produce (BnElement *e)
{
  BnTestCapsSrc *self = BN_TEST_CAPS_SRC (e);
  if (self->done)
    return BN_FLOW_EOS;
  self->done = TRUE;
  return bn_element_push (e, bn_item_new (self->caps));
}

static void
capssrc_set_property (GObject *o, guint id, const GValue *v, GParamSpec *p)
{
  BnTestCapsSrc *self = BN_TEST_CAPS_SRC (o);
  g_clear_pointer (&self->caps, bn_caps_unref);
  self->caps = g_value_dup_boxed (v);
}

static void
capssrc_get_property (GObject *o, guint id, GValue *v, GParamSpec *p)
{
  g_value_set_boxed (v, BN_TEST_CAPS_SRC (o)->caps);
}

static void
capssrc_finalize (GObject *o)
{
  g_clear_pointer (&BN_TEST_CAPS_SRC (o)->caps, bn_caps_unref);
  G_OBJECT_CLASS (bn_test_caps_src_parent_class)->finalize (o);
}

static void
bn_test_caps_src_class_init (BnTestCapsSrcClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  BnElementClass *ec = BN_ELEMENT_CLASS (klass);
  oc->set_property = capssrc_set_property;
  oc->get_property = capssrc_get_property;
  oc->finalize = capssrc_finalize;
  ec->start = capssrc_start;
  ec->produce = capssrc_produce;
  g_object_class_install_property (oc, 1,
                                   g_param_spec_boxed ("caps", "Caps", "Caps of the one item to push", BN_TYPE_CAPS,
                                                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  bn_element_class_set_metadata (ec, "Test caps source", "Source", "Pushes one item with the given caps (tests only)",
                                 "tests");
  bn_element_class_add_static_pad_template (ec, "src", BN_PAD_SRC, BN_PAD_ALWAYS,
                                            "model/bitnet; model/gguf; bench/run");
}

static void
bn_test_caps_src_init (BnTestCapsSrc *self)
{
  self->caps = bn_caps_from_string ("model/bitnet, format=i2s", NULL);
}

/* ---- test-recordsrc: pushes bench/run records made of any JSON ----------- */

/* Bypasses receipt-src's checks, so that the elements that consume runs can
 * be shown to check the records themselves (hostile corpus). */
#define BN_TYPE_TEST_RECORD_SRC (bn_test_record_src_get_type ())
G_DECLARE_FINAL_TYPE (BnTestRecordSrc, bn_test_record_src, BN, TEST_RECORD_SRC, BnElement)
struct _BnTestRecordSrc {
  BnElement parent_instance;
  char *json;
  guint count, pushed;
};
G_DEFINE_FINAL_TYPE (BnTestRecordSrc, bn_test_record_src, BN_TYPE_ELEMENT)

static void
recordsrc_set_property (GObject *o, guint id, const GValue *v, GParamSpec *ps)
{
  BnTestRecordSrc *self = BN_TEST_RECORD_SRC (o);
  if (id == 1) {
    g_free (self->json);
    self->json = g_value_dup_string (v);
  } else {
    self->count = g_value_get_uint (v);
  }
}

static void
recordsrc_get_property (GObject *o, guint id, GValue *v, GParamSpec *ps)
{
  BnTestRecordSrc *self = BN_TEST_RECORD_SRC (o);
  if (id == 1)
    g_value_set_string (v, self->json);
  else
    g_value_set_uint (v, self->count);
}

static gboolean
recordsrc_start (BnElement *e, GError **error)
{
  BN_TEST_RECORD_SRC (e)->pushed = 0;
  return TRUE;
}

static BnFlowReturn
recordsrc_produce (BnElement *e)
{
  BnTestRecordSrc *self = BN_TEST_RECORD_SRC (e);
  if (self->pushed++ >= self->count)
    return BN_FLOW_EOS;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) n = json_from_string (self->json ? self->json : "{}", &error);
  if (!n || !JSON_NODE_HOLDS_OBJECT (n)) {
    bn_element_post_error_literal (e, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, "json= is not a JSON object");
    return BN_FLOW_ERROR;
  }
  return bn_element_push (e, BN_ITEM (bn_record_new (BN_RUN_MEDIA_TYPE, json_node_dup_object (n))));
}

static void
recordsrc_finalize (GObject *o)
{
  g_free (BN_TEST_RECORD_SRC (o)->json);
  G_OBJECT_CLASS (bn_test_record_src_parent_class)->finalize (o);
}

static void
bn_test_record_src_class_init (BnTestRecordSrcClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  BnElementClass *ec = BN_ELEMENT_CLASS (klass);
  oc->set_property = recordsrc_set_property;
  oc->get_property = recordsrc_get_property;
  oc->finalize = recordsrc_finalize;
  ec->start = recordsrc_start;
  ec->produce = recordsrc_produce;
  g_object_class_install_property (oc, 1,
                                   g_param_spec_string ("json", "JSON", "The record's members, unchecked", NULL,
                                                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (
      oc, 2,
      g_param_spec_uint ("count", "Count", "Records to push", 0, 1000, 1, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  bn_element_class_set_metadata (ec, "Test record source", "Source",
                                 "Pushes bench/run records of the given JSON (tests only)", "tests");
  bn_element_class_add_static_pad_template (ec, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "bench/run");
}

static void
bn_test_record_src_init (BnTestRecordSrc *self)
{
  self->count = 1;
}

/* ---- test-modelsink: accepts only quantized models ----------------------- */

#define BN_TYPE_TEST_MODEL_SINK (bn_test_model_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnTestModelSink, bn_test_model_sink, BN, TEST_MODEL_SINK, BnElement)
struct _BnTestModelSink {
  BnElement parent_instance;
};
G_DEFINE_FINAL_TYPE (BnTestModelSink, bn_test_model_sink, BN_TYPE_ELEMENT)

static BnFlowReturn
modelsink_chain (BnElement *e, BnPad *pad, BnItem *item)
{
  g_object_unref (item);
  return BN_FLOW_OK;
}

static void
bn_test_model_sink_class_init (BnTestModelSinkClass *klass)
{
  BnElementClass *ec = BN_ELEMENT_CLASS (klass);
  ec->chain = modelsink_chain;
  bn_element_class_set_metadata (ec, "Test model sink", "Sink", "Accepts quantized models only (tests only)", "tests");
  bn_element_class_add_static_pad_template (ec, "sink", BN_PAD_SINK, BN_PAD_ALWAYS,
                                            "model/bitnet, format={ i2s, tl1, tl2 }");
}

static void
bn_test_model_sink_init (BnTestModelSink *self)
{
}

/* ---- test-dual: two named sink pads, emits a count at the end ------------ */

#define BN_TYPE_TEST_DUAL (bn_test_dual_get_type ())
G_DECLARE_FINAL_TYPE (BnTestDual, bn_test_dual, BN, TEST_DUAL, BnElement)
struct _BnTestDual {
  BnElement parent_instance;
  guint ours, reference;
};
G_DEFINE_FINAL_TYPE (BnTestDual, bn_test_dual, BN_TYPE_ELEMENT)

static gboolean
dual_start (BnElement *e, GError **error)
{
  BN_TEST_DUAL (e)->ours = BN_TEST_DUAL (e)->reference = 0;
  return TRUE;
}

static BnFlowReturn
dual_chain (BnElement *e, BnPad *pad, BnItem *item)
{
  BnTestDual *self = BN_TEST_DUAL (e);
  if (g_str_equal (bn_pad_get_name (pad), "ours"))
    self->ours++;
  else
    self->reference++;
  g_object_unref (item);
  return BN_FLOW_OK;
}

static BnFlowReturn
dual_finish (BnElement *e)
{
  BnTestDual *self = BN_TEST_DUAL (e);
  bn_element_post_message (
      e, bn_message_new_element (e, "dual-count", g_variant_new ("(uu)", self->ours, self->reference)));
  return bn_element_push (e, bn_item_new (NULL));
}

static void
bn_test_dual_class_init (BnTestDualClass *klass)
{
  BnElementClass *ec = BN_ELEMENT_CLASS (klass);
  ec->start = dual_start;
  ec->chain = dual_chain;
  ec->finish = dual_finish;
  bn_element_class_set_metadata (ec, "Test dual input", "Analyzer", "Counts items on two inputs (tests only)", "tests");
  bn_element_class_add_static_pad_template (ec, "ours", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
  bn_element_class_add_static_pad_template (ec, "reference", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
  bn_element_class_add_static_pad_template (ec, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "ANY");
}

static void
bn_test_dual_init (BnTestDual *self)
{
}

/* ---- test-props: one property of every kind the parser converts ---------- */

typedef enum { COLOR_RED, COLOR_GREEN } TestColor;
typedef enum { OPT_A = 1, OPT_B = 2, OPT_C = 4 } TestOpts;

static GType
color_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { COLOR_RED, "COLOR_RED", "red" },
    { COLOR_GREEN, "COLOR_GREEN", "green" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnTestColor", v));
  return id;
}

static GType
opts_get_type (void)
{
  static gsize id;
  static const GFlagsValue v[] = {
    { OPT_A, "OPT_A", "a" },
    { OPT_B, "OPT_B", "b" },
    { OPT_C, "OPT_C", "c" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_flags_register_static ("BnTestOpts", v));
  return id;
}

#define BN_TYPE_TEST_PROPS (bn_test_props_get_type ())
G_DECLARE_FINAL_TYPE (BnTestProps, bn_test_props, BN, TEST_PROPS, BnElement)
struct _BnTestProps {
  BnElement parent_instance;
  GValue values[16];
};
G_DEFINE_FINAL_TYPE (BnTestProps, bn_test_props, BN_TYPE_ELEMENT)

enum {
  P_0,
  P_INT,
  P_UINT,
  P_INT64,
  P_UINT64,
  P_DOUBLE,
  P_FLOAT,
  P_BOOL,
  P_ENUM,
  P_FLAGS,
  P_STRING,
  P_STRV,
  P_CAPS,
  P_SIZE,
  P_DURATION,
  P_READONLY,
  N_P
};

static void
props_set_property (GObject *o, guint id, const GValue *v, GParamSpec *p)
{
  BnTestProps *self = BN_TEST_PROPS (o);
  g_value_copy (v, &self->values[id]);
}

static void
props_get_property (GObject *o, guint id, GValue *v, GParamSpec *p)
{
  g_value_copy (&BN_TEST_PROPS (o)->values[id], v);
}

static void
props_finalize (GObject *o)
{
  BnTestProps *self = BN_TEST_PROPS (o);
  for (guint i = 1; i < N_P; i++)
    g_value_unset (&self->values[i]);
  G_OBJECT_CLASS (bn_test_props_parent_class)->finalize (o);
}

static void
props_constructed (GObject *o)
{
  G_OBJECT_CLASS (bn_test_props_parent_class)->constructed (o);
}

static BnFlowReturn
props_chain (BnElement *e, BnPad *pad, BnItem *item)
{
  g_object_unref (item);
  return BN_FLOW_OK;
}

static void
bn_test_props_class_init (BnTestPropsClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  BnElementClass *ec = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamSpec *ps[N_P] = { NULL };

  oc->set_property = props_set_property;
  oc->get_property = props_get_property;
  oc->finalize = props_finalize;
  oc->constructed = props_constructed;
  ec->chain = props_chain;
  ps[P_INT] = g_param_spec_int ("int", "Int", "An int in -10..10", -10, 10, 0, rw);
  ps[P_UINT] = g_param_spec_uint ("uint", "Uint", "A uint in 1..100", 1, 100, 1, rw);
  ps[P_INT64] = g_param_spec_int64 ("int64", "Int64", "An int64", G_MININT64, G_MAXINT64, 0, rw);
  ps[P_UINT64] = g_param_spec_uint64 ("uint64", "Uint64", "A uint64", 0, G_MAXUINT64, 0, rw);
  ps[P_DOUBLE] = g_param_spec_double ("double", "Double", "A double in 0..1", 0, 1, 0.5, rw);
  ps[P_FLOAT] = g_param_spec_float ("float", "Float", "A float", -1e6f, 1e6f, 0, rw);
  ps[P_BOOL] = g_param_spec_boolean ("bool", "Bool", "A boolean", FALSE, rw);
  ps[P_ENUM] = g_param_spec_enum ("color", "Color", "An enum", color_get_type (), COLOR_RED, rw);
  ps[P_FLAGS] = g_param_spec_flags ("opts", "Opts", "Flags", opts_get_type (), 0, rw);
  ps[P_STRING] = g_param_spec_string ("string", "String", "A string", NULL, rw);
  ps[P_STRV] = g_param_spec_boxed ("list", "List", "A list of strings", G_TYPE_STRV, rw);
  ps[P_CAPS] = g_param_spec_boxed ("caps", "Caps", "Caps", BN_TYPE_CAPS, rw);
  ps[P_SIZE] = bn_param_spec_set_unit (g_param_spec_uint64 ("size", "Size", "A size in bytes", 0, G_MAXUINT64, 0, rw),
                                       BN_PARAM_UNIT_BYTES);
  ps[P_DURATION] = bn_param_spec_set_unit (
      g_param_spec_double ("duration", "Duration", "A duration in ms", 0, 1e9, 0, rw), BN_PARAM_UNIT_MILLISECONDS);
  ps[P_READONLY] =
      g_param_spec_int ("readonly", "Read-only", "Cannot be set", 0, 10, 3, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (oc, N_P, ps);
  bn_element_class_set_metadata (ec, "Test properties", "Sink", "Has one property of each type (tests only)", "tests");
  bn_element_class_add_static_pad_template (ec, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
}

static void
bn_test_props_init (BnTestProps *self)
{
  guint n;
  g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self), &n);
  for (guint i = 0; i < n; i++)
    if (specs[i]->param_id > 0 && specs[i]->owner_type == BN_TYPE_TEST_PROPS) {
      g_value_init (&self->values[specs[i]->param_id], specs[i]->value_type);
      g_param_value_set_default (specs[i], &self->values[specs[i]->param_id]);
    }
}

static gboolean
plugin_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "test-trace", 0, BN_TYPE_TEST_TRACE)
         && bn_element_register (plugin, "test-fail", 0, BN_TYPE_TEST_FAIL)
         && bn_element_register (plugin, "test-capssrc", 0, BN_TYPE_TEST_CAPS_SRC)
         && bn_element_register (plugin, "test-recordsrc", 0, BN_TYPE_TEST_RECORD_SRC)
         && bn_element_register (plugin, "test-modelsink", 0, BN_TYPE_TEST_MODEL_SINK)
         && bn_element_register (plugin, "test-dual", 0, BN_TYPE_TEST_DUAL)
         && bn_element_register (plugin, "test-props", 0, BN_TYPE_TEST_PROPS);
}

BN_PLUGIN_DEFINE (testelements, "Elements for the test suites (not installed)", plugin_init, BN_VERSION,
                  "LGPL-2.1-or-later", "gst-bitnet", "gst-bitnet tests")
