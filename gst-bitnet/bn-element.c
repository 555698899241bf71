/* gst-bitnet: the base class of every element
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-element.h"
#include "bn-error.h"
#include "bn-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/**
 * SECTION:bn-element
 * @title: BnElement
 * @short_description: the base class of every element
 *
 * Elements are the stages of a pipeline: sources produce items, transforms
 * turn items into other items, sinks and analyzers consume them. Each
 * element class declares metadata (shown by `bn-inspect`), pad templates,
 * and properties with real blurbs, ranges and defaults.
 *
 * Items flow by bn_pad_push() calling the downstream element's
 * #BnElementClass.chain in the same thread, so a pipeline's schedule is
 * sequential and deterministic. End of stream follows the items; when it
 * has arrived on every sink pad, #BnElementClass.finish runs and the
 * element forwards end of stream downstream.
 */

typedef struct {
  GHashTable *metadata; /* key -> value */
  GList *templates;     /* BnPadTemplate*, owned */
} ClassData;

typedef struct {
  char *name;
  char *factory_name;
  BnElement *parent; /* not owned */
  BnBus *bus;        /* owned; given by the parent bin */
  GPtrArray *pads;   /* BnPad*, owned */
  BnState state;
  GCancellable *cancellable;
  guint next_request_id;
} BnElementPrivate;

/**
 * BnElement:
 *
 * The base class of every element.
 *
 * Since: 0.1
 */
G_DEFINE_TYPE_WITH_PRIVATE (BnElement, bn_element, G_TYPE_INITIALLY_UNOWNED)

enum { PROP_0, PROP_NAME, N_PROPS };
static GParamSpec *props[N_PROPS];

static GQuark
class_data_quark (void)
{
  static GQuark q;
  if (!q)
    q = g_quark_from_static_string ("bn-element-class-data");
  return q;
}

static ClassData *
class_data (GType type, gboolean create)
{
  ClassData *d = g_type_get_qdata (type, class_data_quark ());
  if (!d && create) {
    d = g_new0 (ClassData, 1);
    d->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_type_set_qdata (type, class_data_quark (), d);
  }
  return d;
}

static void
bn_element_constructed (GObject *object)
{
  BnElement *self = BN_ELEMENT (object);
  BnElementPrivate *priv = bn_element_get_instance_private (self);

  G_OBJECT_CLASS (bn_element_parent_class)->constructed (object);

  if (!priv->name) {
    static gint counter;
    g_autofree char *lower = g_ascii_strdown (G_OBJECT_TYPE_NAME (object), -1);
    priv->name = g_strdup_printf ("%s%d", lower, g_atomic_int_add (&counter, 1));
  }

  g_autoptr (GList) templates = bn_element_class_get_pad_template_list (BN_ELEMENT_GET_CLASS (self));
  for (GList *l = templates; l; l = l->next) {
    BnPadTemplate *t = l->data;
    if (bn_pad_template_get_presence (t) != BN_PAD_ALWAYS)
      continue;
    g_autoptr (BnPad) pad = bn_pad_new_from_template (t, NULL);
    bn_element_add_pad (self, pad);
  }
}

static void
bn_element_dispose (GObject *object)
{
  BnElementPrivate *priv = bn_element_get_instance_private (BN_ELEMENT (object));
  if (priv->pads) {
    for (guint i = 0; i < priv->pads->len; i++)
      _bn_pad_set_parent (priv->pads->pdata[i], NULL);
    g_ptr_array_set_size (priv->pads, 0);
  }
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->bus);
  G_OBJECT_CLASS (bn_element_parent_class)->dispose (object);
}

static void
bn_element_finalize (GObject *object)
{
  BnElementPrivate *priv = bn_element_get_instance_private (BN_ELEMENT (object));
  g_free (priv->name);
  g_free (priv->factory_name);
  g_ptr_array_unref (priv->pads);
  G_OBJECT_CLASS (bn_element_parent_class)->finalize (object);
}

static void
bn_element_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  switch (id) {
  case PROP_NAME: g_value_set_string (value, bn_element_get_name (BN_ELEMENT (object))); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_element_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnElementPrivate *priv = bn_element_get_instance_private (BN_ELEMENT (object));
  switch (id) {
  case PROP_NAME:
    if (g_value_get_string (value)) {
      g_free (priv->name);
      priv->name = g_value_dup_string (value);
    }
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static BnFlowReturn
bn_element_default_sink_eos (BnElement *self, BnPad *pad)
{
  BnElementPrivate *priv = bn_element_get_instance_private (self);
  for (guint i = 0; i < priv->pads->len; i++) {
    BnPad *p = priv->pads->pdata[i];
    if (bn_pad_get_direction (p) == BN_PAD_SINK && !bn_pad_is_eos (p))
      return BN_FLOW_OK;
  }
  return _bn_element_do_eos (self);
}

static BnPad *
bn_element_default_request_new_pad (BnElement *self, BnPadTemplate *templ, const char *name, GError **error)
{
  BnElementPrivate *priv = bn_element_get_instance_private (self);
  const char *pattern = bn_pad_template_get_name_template (templ);
  g_autofree char *chosen = NULL;
  const char *pct = strstr (pattern, "%u");

  if (name) {
    if (bn_element_get_static_pad (self, name)) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH, _("Element %s already has a pad named %s"), priv->name,
                   name);
      return NULL;
    }
    if (pct) {
      size_t pre = pct - pattern;
      const char *post = pct + 2;
      size_t nlen = strlen (name), postlen = strlen (post);
      gboolean ok =
          nlen > pre + postlen && strncmp (name, pattern, pre) == 0 && strcmp (name + nlen - postlen, post) == 0;
      for (size_t i = pre; ok && i < nlen - postlen; i++)
        ok = g_ascii_isdigit (name[i]);
      if (!ok) {
        g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
                     _("Pad name %s does not match the template %s of element %s"), name, pattern, priv->name);
        return NULL;
      }
    } else if (strcmp (name, pattern) != 0) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
                   _("Pad name %s does not match the template %s of element %s"), name, pattern, priv->name);
      return NULL;
    }
    chosen = g_strdup (name);
  } else if (pct) {
    do {
      GString *s = g_string_new_len (pattern, pct - pattern);
      g_string_append_printf (s, "%u%s", priv->next_request_id++, pct + 2);
      g_free (chosen);
      chosen = g_string_free (s, FALSE);
    } while (bn_element_get_static_pad (self, chosen));
  } else {
    if (bn_element_get_static_pad (self, pattern)) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH, _("Element %s already has its only %s pad"), priv->name,
                   pattern);
      return NULL;
    }
    chosen = g_strdup (pattern);
  }

  BnPad *pad = bn_pad_new_from_template (templ, chosen);
  bn_element_add_pad (self, pad);
  g_object_unref (pad);
  return pad;
}

static void
bn_element_class_init (BnElementClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = bn_element_constructed;
  object_class->dispose = bn_element_dispose;
  object_class->finalize = bn_element_finalize;
  object_class->get_property = bn_element_get_property;
  object_class->set_property = bn_element_set_property;
  klass->sink_eos = bn_element_default_sink_eos;
  klass->request_new_pad = bn_element_default_request_new_pad;

  /**
   * BnElement:name:
   *
   * The element's name, unique within its bin; used in references such as
   * `t.` and in message paths.
   *
   * Since: 0.1
   */
  props[PROP_NAME] = g_param_spec_string ("name", "Name", "The element's name, unique within its pipeline", NULL,
                                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
bn_element_init (BnElement *self)
{
  BnElementPrivate *priv = bn_element_get_instance_private (self);
  priv->pads = g_ptr_array_new_with_free_func (g_object_unref);
}

/* ---- class metadata and templates --------------------------------------- */

/**
 * bn_element_class_set_metadata:
 * @klass: an element class
 * @long_name: a human-readable name, e.g. `Kernel executor`
 * @classification: `Source`, `Transform`, `Sink` or `Analyzer` (several
 *   joined with `/`)
 * @description: what the element does, in one line
 * @author: who wrote it
 *
 * Sets the metadata that bn-inspect shows. Call it from class_init.
 *
 * Since: 0.1
 */
void
bn_element_class_set_metadata (BnElementClass *klass, const char *long_name, const char *classification,
                               const char *description, const char *author)
{
  g_return_if_fail (BN_IS_ELEMENT_CLASS (klass));
  ClassData *d = class_data (G_TYPE_FROM_CLASS (klass), TRUE);
  g_hash_table_replace (d->metadata, g_strdup (BN_ELEMENT_METADATA_LONGNAME), g_strdup (long_name));
  g_hash_table_replace (d->metadata, g_strdup (BN_ELEMENT_METADATA_KLASS), g_strdup (classification));
  g_hash_table_replace (d->metadata, g_strdup (BN_ELEMENT_METADATA_DESCRIPTION), g_strdup (description));
  g_hash_table_replace (d->metadata, g_strdup (BN_ELEMENT_METADATA_AUTHOR), g_strdup (author));
}

/**
 * bn_element_class_get_metadata:
 * @klass: an element class
 * @key: a metadata key such as %BN_ELEMENT_METADATA_DESCRIPTION
 *
 * Gets the value, looked up in @klass and then its ancestors.
 *
 * Returns: (transfer none) (nullable): the value, looked up in @klass and
 *   then its ancestors.
 *
 * Since: 0.1
 */
const char *
bn_element_class_get_metadata (BnElementClass *klass, const char *key)
{
  g_return_val_if_fail (BN_IS_ELEMENT_CLASS (klass), NULL);
  for (GType t = G_TYPE_FROM_CLASS (klass); t && t != BN_TYPE_ELEMENT; t = g_type_parent (t)) {
    ClassData *d = class_data (t, FALSE);
    const char *v = d ? g_hash_table_lookup (d->metadata, key) : NULL;
    if (v)
      return v;
  }
  return NULL;
}

/**
 * bn_element_class_add_pad_template:
 * @klass: an element class
 * @templ: (transfer floating): a pad template
 *
 * Declares a pad template. Always templates give every instance a pad of
 * that name. Call it from class_init.
 *
 * Since: 0.1
 */
void
bn_element_class_add_pad_template (BnElementClass *klass, BnPadTemplate *templ)
{
  g_return_if_fail (BN_IS_ELEMENT_CLASS (klass));
  g_return_if_fail (BN_IS_PAD_TEMPLATE (templ));
  ClassData *d = class_data (G_TYPE_FROM_CLASS (klass), TRUE);
  d->templates = g_list_append (d->templates, g_object_ref (templ));
}

/**
 * bn_element_class_add_static_pad_template:
 * @klass: an element class
 * @name_template: pad name or `%u` pattern
 * @direction: its direction
 * @presence: its presence
 * @caps: its caps as a string; must parse
 *
 * Convenience for bn_element_class_add_pad_template().
 *
 * Since: 0.1
 */
void
bn_element_class_add_static_pad_template (BnElementClass *klass, const char *name_template, BnPadDirection direction,
                                          BnPadPresence presence, const char *caps)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnCaps) c = bn_caps_from_string (caps, &error);
  if (!c) {
    g_critical ("%s: bad template caps: %s", G_OBJECT_CLASS_NAME (klass), error->message);
    return;
  }
  g_autoptr (BnPadTemplate) t = bn_pad_template_new (name_template, direction, presence, c);
  bn_element_class_add_pad_template (klass, t);
}

/**
 * bn_element_class_get_pad_template_list:
 * @klass: an element class
 *
 * Gets the pad templates of @klass and its ancestors, ancestors first.
 *
 * Returns: (transfer container) (element-type BnPadTemplate): the pad
 *   templates of @klass and its ancestors, ancestors first.
 *
 * Since: 0.1
 */
GList *
bn_element_class_get_pad_template_list (BnElementClass *klass)
{
  g_return_val_if_fail (BN_IS_ELEMENT_CLASS (klass), NULL);
  GList *out = NULL;
  for (GType t = G_TYPE_FROM_CLASS (klass); t && t != BN_TYPE_ELEMENT; t = g_type_parent (t)) {
    ClassData *d = class_data (t, FALSE);
    if (d)
      out = g_list_concat (g_list_copy (d->templates), out);
  }
  return out;
}

/**
 * bn_element_class_get_pad_template:
 * @klass: an element class
 * @name_template: the template's name or pattern
 *
 * Gets the template, or %NULL.
 *
 * Returns: (transfer none) (nullable): the template, or %NULL.
 *
 * Since: 0.1
 */
BnPadTemplate *
bn_element_class_get_pad_template (BnElementClass *klass, const char *name_template)
{
  g_autoptr (GList) list = bn_element_class_get_pad_template_list (klass);
  for (GList *l = list; l; l = l->next)
    if (!strcmp (bn_pad_template_get_name_template (l->data), name_template))
      return l->data;
  return NULL;
}

/* ---- instance accessors ------------------------------------------------- */

/**
 * bn_element_get_name:
 * @element: an element
 *
 * Gets the element's name.
 *
 * Returns: (transfer none): the element's name.
 *
 * Since: 0.1
 */
const char *
bn_element_get_name (BnElement *element)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), NULL);
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  return priv->name;
}

/**
 * bn_element_get_path_string:
 * @element: an element
 *
 * Gets the path of @element from the top-level bin, e.g. `/pipeline0/fakesink0`.
 *
 * Returns: (transfer full): the path of @element from the top-level bin,
 *   e.g. `/pipeline0/fakesink0`.
 *
 * Since: 0.1
 */
char *
bn_element_get_path_string (BnElement *element)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), NULL);
  GString *path = g_string_new (NULL);
  for (BnElement *e = element; e; e = bn_element_get_parent (e)) {
    g_string_prepend (path, bn_element_get_name (e));
    g_string_prepend_c (path, '/');
  }
  return g_string_free (path, FALSE);
}

/**
 * bn_element_get_parent:
 * @element: an element
 *
 * Gets the bin holding @element.
 *
 * Returns: (transfer none) (nullable): the bin holding @element.
 *
 * Since: 0.1
 */
BnElement *
bn_element_get_parent (BnElement *element)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), NULL);
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  return priv->parent;
}

void
_bn_element_set_parent (BnElement *element, BnElement *parent)
{
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  priv->parent = parent;
}

/**
 * bn_element_get_factory_name:
 * @element: an element
 *
 * Gets the name of the factory that made @element, e.g. `tee`.
 *
 * Returns: (transfer none) (nullable): the name of the factory that made
 *   @element, e.g. `tee`.
 *
 * Since: 0.1
 */
const char *
bn_element_get_factory_name (BnElement *element)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), NULL);
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  return priv->factory_name;
}

void
_bn_element_set_factory_name (BnElement *element, const char *name)
{
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  g_free (priv->factory_name);
  priv->factory_name = g_strdup (name);
}

/**
 * bn_element_get_state:
 * @element: an element
 *
 * Gets the element's current state.
 *
 * Returns: the element's current state.
 *
 * Since: 0.1
 */
BnState
bn_element_get_state (BnElement *element)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), BN_STATE_NULL);
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  return priv->state;
}

void
_bn_element_set_state (BnElement *element, BnState state)
{
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  priv->state = state;
}

void
_bn_element_set_cancellable (BnElement *element, GCancellable *cancellable)
{
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  g_set_object (&priv->cancellable, cancellable);
}

void
_bn_element_reset_pads (BnElement *element)
{
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  for (guint i = 0; i < priv->pads->len; i++)
    _bn_pad_reset (priv->pads->pdata[i]);
}

/* ---- pads ---------------------------------------------------------------- */

/**
 * bn_element_get_static_pad:
 * @element: an element
 * @name: a pad name
 *
 * Gets the pad called @name, whether always or already requested.
 *
 * Returns: (transfer none) (nullable): the pad called @name, whether
 *   always or already requested.
 *
 * Since: 0.1
 */
BnPad *
bn_element_get_static_pad (BnElement *element, const char *name)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), NULL);
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  for (guint i = 0; i < priv->pads->len; i++)
    if (!strcmp (bn_pad_get_name (priv->pads->pdata[i]), name))
      return priv->pads->pdata[i];
  return NULL;
}

/**
 * bn_element_get_pads:
 * @element: an element
 *
 * Gets the element's pads in the order they were added.
 *
 * Returns: (transfer none) (element-type BnPad): the element's pads in the
 *   order they were added.
 *
 * Since: 0.1
 */
GPtrArray *
bn_element_get_pads (BnElement *element)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), NULL);
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  return priv->pads;
}

/**
 * bn_element_count_pads:
 * @element: an element
 * @direction: which pads to count
 *
 * Gets the number of pads of @direction.
 *
 * Returns: the number of pads of @direction.
 *
 * Since: 0.1
 */
guint
bn_element_count_pads (BnElement *element, BnPadDirection direction)
{
  GPtrArray *pads = bn_element_get_pads (element);
  guint n = 0;
  for (guint i = 0; pads && i < pads->len; i++)
    n += bn_pad_get_direction (pads->pdata[i]) == direction;
  return n;
}

/**
 * bn_element_add_pad:
 * @element: an element
 * @pad: a pad without a parent; a reference is taken
 *
 * Adds a pad. Names must be unique within the element.
 *
 * Returns: %TRUE, or %FALSE when the name is taken.
 *
 * Since: 0.1
 */
gboolean
bn_element_add_pad (BnElement *element, BnPad *pad)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), FALSE);
  g_return_val_if_fail (BN_IS_PAD (pad), FALSE);
  g_return_val_if_fail (bn_pad_get_parent_element (pad) == NULL, FALSE);
  if (bn_element_get_static_pad (element, bn_pad_get_name (pad)))
    return FALSE;
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  g_ptr_array_add (priv->pads, g_object_ref (pad));
  _bn_pad_set_parent (pad, element);
  return TRUE;
}

/**
 * bn_element_request_pad:
 * @element: an element
 * @templ: one of its request templates
 * @name: (nullable): the wanted name, or %NULL for the next free one
 * @error: return location for a #GError
 *
 * Creates a pad from a request template.
 *
 * Returns: (transfer none) (nullable): the new pad, owned by @element.
 *
 * Since: 0.1
 */
BnPad *
bn_element_request_pad (BnElement *element, BnPadTemplate *templ, const char *name, GError **error)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), NULL);
  g_return_val_if_fail (BN_IS_PAD_TEMPLATE (templ), NULL);
  if (bn_pad_template_get_presence (templ) != BN_PAD_REQUEST) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
                 _("Pad template %s of element %s is not a request template"),
                 bn_pad_template_get_name_template (templ), bn_element_get_name (element));
    return NULL;
  }
  return BN_ELEMENT_GET_CLASS (element)->request_new_pad (element, templ, name, error);
}

/* Finds a free pad of @dir that can carry @caps, requesting one if needed. */
static BnPad *
find_free_pad (BnElement *element, BnPadDirection dir, BnCaps *caps, GError **error)
{
  GPtrArray *pads = bn_element_get_pads (element);
  for (guint i = 0; i < pads->len; i++) {
    BnPad *p = pads->pdata[i];
    if (bn_pad_get_direction (p) == dir && !bn_pad_is_linked (p)
        && bn_pad_template_get_presence (bn_pad_get_template (p)) == BN_PAD_ALWAYS
        && (!caps || bn_caps_can_intersect (caps, bn_pad_template_get_caps (bn_pad_get_template (p)))))
      return p;
  }
  g_autoptr (GList) templates = bn_element_class_get_pad_template_list (BN_ELEMENT_GET_CLASS (element));
  for (GList *l = templates; l; l = l->next) {
    BnPadTemplate *t = l->data;
    if (bn_pad_template_get_direction (t) == dir && bn_pad_template_get_presence (t) == BN_PAD_REQUEST
        && (!caps || bn_caps_can_intersect (caps, bn_pad_template_get_caps (t))))
      return bn_element_request_pad (element, t, NULL, error);
  }
  g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
               dir == BN_PAD_SRC ? _("Element %s has no free source pad") : _("Element %s has no free sink pad"),
               bn_element_get_name (element));
  return NULL;
}

/**
 * bn_element_link_pads:
 * @src: the upstream element
 * @srcpadname: (nullable): a pad name, a request pattern, or %NULL for any
 *   free compatible source pad
 * @sink: the downstream element
 * @sinkpadname: (nullable): likewise for a sink pad
 * @filter: (nullable): caps the link must satisfy
 * @error: return location for a #GError
 *
 * Links @src to @sink, requesting pads where needed.
 *
 * Returns: %TRUE on success.
 *
 * Since: 0.1
 */
gboolean
bn_element_link_pads (BnElement *src, const char *srcpadname, BnElement *sink, const char *sinkpadname, BnCaps *filter,
                      GError **error)
{
  g_return_val_if_fail (BN_IS_ELEMENT (src) && BN_IS_ELEMENT (sink), FALSE);
  BnPad *sp = NULL, *kp = NULL;

  if (srcpadname) {
    sp = bn_element_get_static_pad (src, srcpadname);
    if (!sp) {
      BnPadTemplate *t = NULL;
      g_autoptr (GList) templates = bn_element_class_get_pad_template_list (BN_ELEMENT_GET_CLASS (src));
      for (GList *l = templates; l && !t; l = l->next)
        if (bn_pad_template_get_direction (l->data) == BN_PAD_SRC
            && bn_pad_template_get_presence (l->data) == BN_PAD_REQUEST)
          t = l->data;
      if (!t) {
        g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH, _("Element %s has no pad named %s"),
                     bn_element_get_name (src), srcpadname);
        return FALSE;
      }
      const char *name = strcmp (srcpadname, bn_pad_template_get_name_template (t)) ? srcpadname : NULL;
      if (!(sp = bn_element_request_pad (src, t, name, error)))
        return FALSE;
    }
  }
  if (sinkpadname) {
    kp = bn_element_get_static_pad (sink, sinkpadname);
    if (!kp) {
      BnPadTemplate *t = NULL;
      g_autoptr (GList) templates = bn_element_class_get_pad_template_list (BN_ELEMENT_GET_CLASS (sink));
      for (GList *l = templates; l && !t; l = l->next)
        if (bn_pad_template_get_direction (l->data) == BN_PAD_SINK
            && bn_pad_template_get_presence (l->data) == BN_PAD_REQUEST)
          t = l->data;
      if (!t) {
        g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH, _("Element %s has no pad named %s"),
                     bn_element_get_name (sink), sinkpadname);
        return FALSE;
      }
      const char *name = strcmp (sinkpadname, bn_pad_template_get_name_template (t)) ? sinkpadname : NULL;
      if (!(kp = bn_element_request_pad (sink, t, name, error)))
        return FALSE;
    }
  }
  if (!sp
      && !(sp =
               find_free_pad (src, BN_PAD_SRC, kp ? bn_pad_template_get_caps (bn_pad_get_template (kp)) : NULL, error)))
    return FALSE;
  if (!kp && !(kp = find_free_pad (sink, BN_PAD_SINK, bn_pad_template_get_caps (bn_pad_get_template (sp)), error))) {
    /* say why in terms of caps when a sink pad exists but does not fit */
    if (bn_element_count_pads (sink, BN_PAD_SINK) > 0) {
      g_clear_error (error);
      GPtrArray *pads = bn_element_get_pads (sink);
      for (guint i = 0; i < pads->len; i++)
        if (bn_pad_get_direction (pads->pdata[i]) == BN_PAD_SINK && !bn_pad_is_linked (pads->pdata[i]))
          return bn_pad_link (sp, pads->pdata[i], filter, error);
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH, _("Element %s has no free sink pad"),
                   bn_element_get_name (sink));
    }
    return FALSE;
  }
  return bn_pad_link (sp, kp, filter, error);
}

/**
 * bn_element_link:
 * @src: the upstream element
 * @sink: the downstream element
 * @error: return location for a #GError
 *
 * Links the first free compatible pads of @src and @sink.
 *
 * Returns: %TRUE on success.
 *
 * Since: 0.1
 */
gboolean
bn_element_link (BnElement *src, BnElement *sink, GError **error)
{
  return bn_element_link_pads (src, NULL, sink, NULL, NULL, error);
}

/* ---- flow ---------------------------------------------------------------- */

/**
 * bn_element_push:
 * @element: an element
 * @item: (transfer full): an item
 *
 * Pushes @item out of every source pad of @element (sharing it by
 * reference), in pad order.
 *
 * Returns: the first flow return that is not %BN_FLOW_OK, or %BN_FLOW_OK.
 *
 * Since: 0.1
 */
BnFlowReturn
bn_element_push (BnElement *element, BnItem *item)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), BN_FLOW_ERROR);
  g_return_val_if_fail (BN_IS_ITEM (item), BN_FLOW_ERROR);
  GPtrArray *pads = bn_element_get_pads (element);
  BnFlowReturn ret = BN_FLOW_OK;

  bn_item_seal (item);
  for (guint i = 0; i < pads->len && ret == BN_FLOW_OK; i++) {
    BnPad *p = pads->pdata[i];
    if (bn_pad_get_direction (p) == BN_PAD_SRC)
      ret = bn_pad_push (p, g_object_ref (item));
  }
  g_object_unref (item);
  return ret;
}

/**
 * bn_element_push_eos:
 * @element: an element
 *
 * Pushes end of stream out of every source pad of @element.
 *
 * Returns: the first flow return that is not %BN_FLOW_OK, or %BN_FLOW_OK.
 *
 * Since: 0.1
 */
BnFlowReturn
bn_element_push_eos (BnElement *element)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), BN_FLOW_ERROR);
  GPtrArray *pads = bn_element_get_pads (element);
  BnFlowReturn ret = BN_FLOW_OK;
  for (guint i = 0; i < pads->len; i++) {
    BnPad *p = pads->pdata[i];
    if (bn_pad_get_direction (p) != BN_PAD_SRC)
      continue;
    BnFlowReturn r = bn_pad_push_eos (p);
    if (ret == BN_FLOW_OK && r != BN_FLOW_OK)
      ret = r;
  }
  return ret;
}

BnFlowReturn
_bn_element_do_eos (BnElement *element)
{
  BnElementClass *klass = BN_ELEMENT_GET_CLASS (element);
  BnFlowReturn ret = BN_FLOW_OK;
  if (klass->finish && !bn_element_is_cancelled (element))
    ret = klass->finish (element);
  if (ret != BN_FLOW_OK)
    return ret;
  if (bn_element_is_cancelled (element))
    return BN_FLOW_CANCELLED;
  return bn_element_push_eos (element);
}

/* ---- messages ------------------------------------------------------------ */

/**
 * bn_element_set_bus:
 * @element: an element
 * @bus: (nullable): the bus to post messages on, or %NULL
 *
 * Sets the bus @element posts its messages on. A bin calls this on each
 * child it adds, with the bus through which it handles its children's
 * messages (see #BnBinClass.handle_message), and with %NULL when it removes
 * the child; a pipeline sets its own bus on itself. Applications rarely
 * call it.
 *
 * Since: 0.2
 */
void
bn_element_set_bus (BnElement *element, BnBus *bus)
{
  g_return_if_fail (BN_IS_ELEMENT (element));
  g_return_if_fail (bus == NULL || BN_IS_BUS (bus));
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  g_set_object (&priv->bus, bus);
}

/**
 * bn_element_get_bus:
 * @element: an element
 *
 * Gets the bus @element posts its messages on: the one its bin gave it,
 * or, for a pipeline, the pipeline's own bus (bn_pipeline_get_bus()).
 *
 * Returns: (transfer none) (nullable): the bus @element posts its messages
 *   on, or %NULL when it is in no bin.
 *
 * Since: 0.1
 */
BnBus *
bn_element_get_bus (BnElement *element)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), NULL);
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  return priv->bus;
}

/**
 * bn_element_get_cancellable:
 * @element: an element
 *
 * Gets the cancellable of the current run; long operations check it between steps.
 *
 * Returns: (transfer none) (nullable): the cancellable of the current run;
 *   long operations check it between steps.
 *
 * Since: 0.1
 */
GCancellable *
bn_element_get_cancellable (BnElement *element)
{
  g_return_val_if_fail (BN_IS_ELEMENT (element), NULL);
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  return priv->cancellable;
}

/**
 * bn_element_is_cancelled:
 * @element: an element
 *
 * Checks whether the current run was cancelled.
 *
 * Returns: whether the current run was cancelled.
 *
 * Since: 0.1
 */
gboolean
bn_element_is_cancelled (BnElement *element)
{
  GCancellable *c = bn_element_get_cancellable (element);
  return c && g_cancellable_is_cancelled (c);
}

/**
 * bn_element_post_message:
 * @element: an element
 * @message: (transfer full): a message
 *
 * Posts @message on the element's bus (bn_element_get_bus()), through
 * which it rises from bin to bin to the pipeline's bus. An error message
 * also stops the pipeline. Without a bus, errors and warnings go to the
 * log and other messages are dropped.
 *
 * Since: 0.1
 */
void
bn_element_post_message (BnElement *element, BnMessage *message)
{
  g_return_if_fail (BN_IS_ELEMENT (element));
  g_return_if_fail (BN_IS_MESSAGE (message));
  BnElementPrivate *priv = bn_element_get_instance_private (element);
  if (priv->bus) {
    bn_bus_post (priv->bus, message);
    return;
  }
  if (bn_message_get_message_type (message) & (BN_MESSAGE_ERROR | BN_MESSAGE_WARNING)) {
    g_autofree char *s = bn_message_to_string (message);
    g_log (BN_LOG_DOMAIN_CORE, G_LOG_LEVEL_MESSAGE, "%s", s);
  }
  g_object_unref (message);
}

/**
 * bn_element_post_error:
 * @element: the failing element
 * @error: what failed
 * @debug: (nullable): details for developers
 *
 * Posts an error message; the pipeline stops after the current item.
 *
 * Since: 0.1
 */
void
bn_element_post_error (BnElement *element, const GError *error, const char *debug)
{
  bn_element_post_message (element, bn_message_new_error (element, error, debug));
}

/**
 * bn_element_post_error_literal:
 * @element: the failing element
 * @domain: the error domain
 * @code: the error code
 * @message: what failed, where, and what to do
 *
 * Posts an error message built from its parts.
 *
 * Since: 0.1
 */
void
bn_element_post_error_literal (BnElement *element, GQuark domain, int code, const char *message)
{
  g_autoptr (GError) error = g_error_new_literal (domain, code, message);
  bn_element_post_error (element, error, NULL);
}

/**
 * bn_element_post_warning:
 * @element: the element
 * @error: what went wrong
 * @debug: (nullable): details for developers
 *
 * Posts a warning message.
 *
 * Since: 0.1
 */
void
bn_element_post_warning (BnElement *element, const GError *error, const char *debug)
{
  bn_element_post_message (element, bn_message_new_warning (element, error, debug));
}

/**
 * bn_element_post_info:
 * @element: the element
 * @text: information for the user
 *
 * Posts an information message (shown by `bn-launch -v`).
 *
 * Since: 0.1
 */
void
bn_element_post_info (BnElement *element, const char *text)
{
  bn_element_post_message (element, bn_message_new_info (element, text));
}

/**
 * bn_element_post_progress:
 * @element: the element
 * @fraction: done fraction in [0, 1], negative when unknown
 * @text: (nullable): what is being done
 *
 * Posts a progress message (bn-launch draws a bar from it).
 *
 * Since: 0.1
 */
void
bn_element_post_progress (BnElement *element, double fraction, const char *text)
{
  bn_element_post_message (element, bn_message_new_progress (element, fraction, text));
}
