/* gst-bitnet: model-sink, writes models as GGUF
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-model-elements.h"

#include <glib/gi18n-lib.h>
#include <errno.h>

/**
 * SECTION:element-model-sink
 * @title: model-sink
 *
 * Writes each incoming model as a GGUF v3 file, atomically (a temporary
 * file renamed over the target once complete), so a failure never leaves a
 * half-written model. Directories in the path are created.
 *
 * |[
 * bn-launch fixture-src size=small ! model-sink location=crossval/fixtures/small.gguf
 * bn-launch loader location=a.gguf ! model-sink location=b.gguf
 * ]|
 */

struct _BnModelSink {
  BnElement parent_instance;
  char *location;
  guint written;
};

G_DEFINE_FINAL_TYPE (BnModelSink, bn_model_sink, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_LOCATION, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_model_sink_finalize (GObject *object)
{
  g_free (BN_MODEL_SINK (object)->location);
  G_OBJECT_CLASS (bn_model_sink_parent_class)->finalize (object);
}

static void
bn_model_sink_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  switch (id) {
  case PROP_LOCATION: g_value_set_string (value, BN_MODEL_SINK (object)->location); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_model_sink_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnModelSink *self = BN_MODEL_SINK (object);
  switch (id) {
  case PROP_LOCATION:
    if (g_strcmp0 (self->location, g_value_get_string (value))) {
      g_free (self->location);
      self->location = g_value_dup_string (value);
      g_object_notify_by_pspec (object, pspec);
    }
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_model_sink_start (BnElement *element, GError **error)
{
  BnModelSink *self = BN_MODEL_SINK (element);
  self->written = 0;
  if (!self->location || !*self->location) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("No output file: set location=FILE.gguf"));
    return FALSE;
  }
  return TRUE;
}

/* Writes @model to @location, creating directories; posts an error on failure. */
gboolean
bn_model_elements_write (BnElement *element, BnModel *model, const char *location)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (location);
  if (g_mkdir_with_parents (dir, 0755) != 0) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot create directory %s for %s: %s"), dir,
                      location, g_strerror (errno));
    return FALSE;
  }
  gint64 t0 = g_get_monotonic_time ();
  if (!bn_model_write_gguf (model, location, &error)) {
    BN_ELEMENT_ERROR (element, error->domain, error->code, _("Cannot write model %s: %s"), location, error->message);
    return FALSE;
  }
  g_autofree char *text = g_strdup_printf (_("wrote %s in %.3f s"), location, (g_get_monotonic_time () - t0) / 1e6);
  bn_element_post_info (element, text);
  return TRUE;
}

static BnFlowReturn
bn_model_sink_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnModelSink *self = BN_MODEL_SINK (element);
  g_autoptr (BnItem) owned = item;
  if (self->written++ > 0) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                      _("model-sink received a second model; it writes one file (use one "
                         "model-sink per model)"));
    return BN_FLOW_ERROR;
  }
  return bn_model_elements_write (element, BN_MODEL (owned), self->location) ? BN_FLOW_OK : BN_FLOW_ERROR;
}

static void
bn_model_sink_class_init (BnModelSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);

  object_class->finalize = bn_model_sink_finalize;
  object_class->get_property = bn_model_sink_get_property;
  object_class->set_property = bn_model_sink_set_property;
  element_class->start = bn_model_sink_start;
  element_class->chain = bn_model_sink_chain;

  props[PROP_LOCATION] = g_param_spec_string ("location", "Location", "GGUF file to write (atomically)", NULL,
                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Model sink", "Sink",
                                 "Writes the incoming model as a GGUF file, atomically", "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "model/bitnet");
}

static void
bn_model_sink_init (BnModelSink *self)
{
}
