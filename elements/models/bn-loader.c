/* gst-bitnet: loader, reads a GGUF file into a model
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-model-elements.h"

#include <glib/gi18n-lib.h>

/**
 * SECTION:element-loader
 * @title: loader
 *
 * Opens a GGUF file through a read-only memory map, checks it (header,
 * metadata, tensor bounds, hyperparameters, tensor shapes and types) and
 * pushes one #BnModel. Validation never reads tensor data, so its cost does
 * not grow with the model's size. The load time (open, map, check,
 * fingerprint) is measured and stored in the model.
 *
 * With #BnLoader:fixture set and no file given (neither `location` nor
 * `BITNET_GGUF`), it synthesizes that fixture instead (see `fixture-src`),
 * so one pipeline benchmarks the user's model when there is one.
 *
 * |[
 * bn-launch -v loader location=model.gguf ! fakesink
 * bn-launch -v loader fixture=tiny ! fakesink
 * ]|
 */

struct _BnLoader {
  BnElement parent_instance;
  char *location;
  char *fixture;
  gboolean done;
};

G_DEFINE_FINAL_TYPE (BnLoader, bn_loader, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_LOCATION, PROP_FIXTURE, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_loader_finalize (GObject *object)
{
  g_free (BN_LOADER (object)->location);
  g_free (BN_LOADER (object)->fixture);
  G_OBJECT_CLASS (bn_loader_parent_class)->finalize (object);
}

static void
bn_loader_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  switch (id) {
  case PROP_LOCATION: g_value_set_string (value, BN_LOADER (object)->location); break;
  case PROP_FIXTURE: g_value_set_string (value, BN_LOADER (object)->fixture); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_loader_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnLoader *self = BN_LOADER (object);
  switch (id) {
  case PROP_LOCATION:
    if (g_strcmp0 (self->location, g_value_get_string (value))) {
      g_free (self->location);
      self->location = g_value_dup_string (value);
      g_object_notify_by_pspec (object, pspec);
    }
    break;
  case PROP_FIXTURE:
    g_free (self->fixture);
    self->fixture = g_value_dup_string (value);
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_loader_start (BnElement *element, GError **error)
{
  BnLoader *self = BN_LOADER (element);
  self->done = FALSE;
  if ((!self->location || !*self->location) && self->fixture && *self->fixture) {
    BnFixtureParams p;
    return bn_fixture_params_init (&p, self->fixture, BN_ARCH_BITNET_B158, error);
  }
  if (!self->location || !*self->location) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("No model to load: set location=FILE.gguf or the BITNET_GGUF environment variable"));
    return FALSE;
  }
  return TRUE;
}

static BnFlowReturn
bn_loader_produce (BnElement *element)
{
  BnLoader *self = BN_LOADER (element);
  g_autoptr (GError) error = NULL;
  if (self->done)
    return BN_FLOW_EOS;
  self->done = TRUE;

  if (!self->location || !*self->location) {
    /* no file: the fixture named by the fixture property */
    BnFixtureParams p;
    const char *seed = g_getenv ("BITNET_SEED");
    bn_fixture_params_init (&p, self->fixture, BN_ARCH_BITNET_B158, NULL);
    if (seed && *seed)
      p.seed = g_ascii_strtoull (seed, NULL, 10);
    bn_element_post_progress (element, -1, _("synthesizing fixture"));
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr (BnModel) fx = bn_fixture_generate (&p, &error);
    if (!fx) {
      bn_element_post_error (element, error, NULL);
      return BN_FLOW_ERROR;
    }
    bn_model_set_load_time (fx, g_get_monotonic_time () - t0);
    bn_post_model_info (element, fx);
    return bn_element_push (element, BN_ITEM (g_steal_pointer (&fx)));
  }
  bn_element_post_progress (element, 0.0, self->location);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (BnGguf) gguf = bn_gguf_open (self->location, &error);
  g_autoptr (BnModel) model = gguf ? bn_model_new_from_gguf (gguf, &error) : NULL;
  gint64 elapsed = g_get_monotonic_time () - t0;
  if (!model) {
    g_autofree char *msg = g_strdup_printf (_("Cannot load model %s: %s"), self->location, error->message);
    g_autoptr (GError) wrapped = g_error_new_literal (error->domain, error->code, msg);
    bn_element_post_error (element, wrapped, NULL);
    return BN_FLOW_ERROR;
  }
  bn_model_set_load_time (model, elapsed);
  bn_element_post_progress (element, 1.0, self->location);
  bn_post_model_info (element, model);
  return bn_element_push (element, BN_ITEM (g_steal_pointer (&model)));
}

static void
bn_loader_class_init (BnLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);

  object_class->finalize = bn_loader_finalize;
  object_class->get_property = bn_loader_get_property;
  object_class->set_property = bn_loader_set_property;
  element_class->start = bn_loader_start;
  element_class->produce = bn_loader_produce;

  props[PROP_LOCATION] = g_param_spec_string ("location", "Location", "GGUF file to load (default: $BITNET_GGUF)", NULL,
                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_FIXTURE] = g_param_spec_string ("fixture", "Fixture",
                                             "Fixture size (tiny, small, medium, 2b) to synthesize when "
                                             "no file is given",
                                             NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Model loader", "Source",
                                 "Reads a GGUF model through a memory map and checks it; "
                                 "measures the load time",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "model/bitnet");
}

static void
bn_loader_init (BnLoader *self)
{
  self->location = g_strdup (g_getenv ("BITNET_GGUF"));
}
