/* gst-bitnet: the top-level bin that runs a graph
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-pipeline.h"
#include "bn-error.h"
#include "bn-private.h"
#include "bn-file-private.h"

#include <glib/gi18n-lib.h>

/**
 * SECTION:bn-pipeline
 * @title: BnPipeline
 * @short_description: runs a graph of elements in a worker thread
 *
 * A pipeline checks its graph (every always pad linked, no cycles), starts
 * its elements from the sinks to the sources in the caller's thread, then
 * runs the sources one after the other in a worker thread: each source
 * produces until end of stream, and its items travel downstream
 * synchronously. This schedule is sequential and deterministic, so a
 * benchmark never competes with another branch for the CPU.
 *
 * Messages reach the application through the pipeline's #BnBus: the
 * pipeline's #BnBinClass.handle_message records the first error message
 * that rises from its elements, then queues every message on that bus. The
 * run ends with an end-of-stream message, or with the first error message
 * (whose source path names the failing element). bn_pipeline_cancel() stops
 * a run between items.
 *
 * |[<!-- language="C" -->
 * g_autoptr (BnElement) pipeline = bn_parse_launch ("fakesrc ! fakesink", &error);
 * if (!bn_pipeline_run (BN_PIPELINE (pipeline), &error))
 *   g_printerr ("%s\n", error->message);
 * ]|
 */

/**
 * BnPipeline:
 *
 * The top-level bin that runs a graph of elements.
 *
 * Since: 0.1
 */
struct _BnPipeline {
  BnBin parent_instance;
  BnBus *bus;
  GCancellable *cancellable;
  GThread *thread;
  GMutex lock;
  GError *error;    /* first error of the run */
  GPtrArray *order; /* leaf elements, sinks first */
  gboolean running;
};

G_DEFINE_FINAL_TYPE (BnPipeline, bn_pipeline, BN_TYPE_BIN)

static void
bn_pipeline_dispose (GObject *object)
{
  BnPipeline *self = BN_PIPELINE (object);
  if (self->running)
    bn_pipeline_stop (self);
  g_clear_pointer (&self->order, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_pipeline_parent_class)->dispose (object);
}

static void
bn_pipeline_finalize (GObject *object)
{
  BnPipeline *self = BN_PIPELINE (object);
  g_clear_object (&self->bus);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (bn_pipeline_parent_class)->finalize (object);
}

static void
note_error (BnPipeline *self, BnMessage *message)
{
  if (bn_message_get_message_type (message) != BN_MESSAGE_ERROR)
    return;
  g_mutex_lock (&self->lock);
  if (!self->error)
    bn_message_parse_error (message, &self->error, NULL);
  g_mutex_unlock (&self->lock);
}

static void
bn_pipeline_handle_message (BnBin *bin, BnMessage *message)
{
  note_error (BN_PIPELINE (bin), message);
  BN_BIN_CLASS (bn_pipeline_parent_class)->handle_message (bin, message);
}

static void
bn_pipeline_class_init (BnPipelineClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bn_pipeline_dispose;
  G_OBJECT_CLASS (klass)->finalize = bn_pipeline_finalize;
  BN_BIN_CLASS (klass)->handle_message = bn_pipeline_handle_message;
  bn_element_class_set_metadata (BN_ELEMENT_CLASS (klass), "Pipeline", "Generic/Bin", "Runs a graph of elements",
                                 "gst-bitnet");
}

static void
bn_pipeline_init (BnPipeline *self)
{
  self->bus = bn_bus_new ();
  bn_element_set_bus (BN_ELEMENT (self), self->bus);
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
}

/**
 * bn_pipeline_new:
 * @name: (nullable): the pipeline's name
 *
 * Creates a new, empty pipeline.
 *
 * Returns: (transfer floating): a new, empty pipeline.
 *
 * Since: 0.1
 */
BnElement *
bn_pipeline_new (const char *name)
{
  return g_object_new (BN_TYPE_PIPELINE, "name", name, NULL);
}

/**
 * bn_pipeline_get_bus:
 * @pipeline: a pipeline
 *
 * Gets the pipeline's bus.
 *
 * Returns: (transfer none): the pipeline's bus.
 *
 * Since: 0.1
 */
BnBus *
bn_pipeline_get_bus (BnPipeline *pipeline)
{
  g_return_val_if_fail (BN_IS_PIPELINE (pipeline), NULL);
  return pipeline->bus;
}

/**
 * bn_pipeline_get_cancellable:
 * @pipeline: a pipeline
 *
 * Gets the cancellable of the next or current run. Cancelling it (from any thread, e.g. a SIGINT handler through
 * g_unix_signal_add()) stops the run between items.
 *
 * Returns: (transfer none): the cancellable of the next or current run.
 *   Cancelling it (from any thread, e.g. a SIGINT handler through
 *   g_unix_signal_add()) stops the run between items.
 *
 * Since: 0.1
 */
GCancellable *
bn_pipeline_get_cancellable (BnPipeline *pipeline)
{
  g_return_val_if_fail (BN_IS_PIPELINE (pipeline), NULL);
  return pipeline->cancellable;
}

/**
 * bn_pipeline_dup_error:
 * @pipeline: a pipeline
 *
 * Gets a copy of the first error of the last run, or %NULL if it had none.
 *
 * Returns: (transfer full) (nullable): a copy of the first error of the
 *   last run, or %NULL if it had none.
 *
 * Since: 0.1
 */
GError *
bn_pipeline_dup_error (BnPipeline *pipeline)
{
  g_return_val_if_fail (BN_IS_PIPELINE (pipeline), NULL);
  g_mutex_lock (&pipeline->lock);
  GError *e = pipeline->error ? g_error_copy (pipeline->error) : NULL;
  g_mutex_unlock (&pipeline->lock);
  return e;
}

/* ---- graph check -------------------------------------------------------- */

enum { WHITE, GREY, BLACK };

static gboolean
visit (BnElement *e, GHashTable *color, GPtrArray *order, GError **error)
{
  g_hash_table_insert (color, e, GINT_TO_POINTER (GREY));
  GPtrArray *pads = bn_element_get_pads (e);
  for (guint i = 0; i < pads->len; i++) {
    BnPad *p = pads->pdata[i];
    if (bn_pad_get_direction (p) != BN_PAD_SRC || !bn_pad_get_peer (p))
      continue;
    BnElement *next = bn_pad_get_parent_element (bn_pad_get_peer (p));
    int c = GPOINTER_TO_INT (g_hash_table_lookup (color, next));
    if (c == GREY) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
                   _("The pipeline has a cycle through %s and %s; items must flow one way"), bn_element_get_name (e),
                   bn_element_get_name (next));
      return FALSE;
    }
    if (c == WHITE && !visit (next, color, order, error))
      return FALSE;
  }
  g_hash_table_insert (color, e, GINT_TO_POINTER (BLACK));
  g_ptr_array_add (order, e); /* post-order: downstream first */
  return TRUE;
}

static gboolean
contains (BnPipeline *self, BnElement *element)
{
  for (BnElement *e = element; e; e = bn_element_get_parent (e))
    if (e == BN_ELEMENT (self))
      return TRUE;
  return FALSE;
}

/* Returns the leaf elements, sinks first, or NULL with @error set. */
static GPtrArray *
check_graph (BnPipeline *self, GError **error)
{
  g_autoptr (GPtrArray) elements = bn_bin_get_elements_recursive (BN_BIN (self));
  if (elements->len == 0) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH, _("The pipeline %s is empty"),
                 bn_element_get_name (BN_ELEMENT (self)));
    return NULL;
  }
  for (guint i = 0; i < elements->len; i++) {
    BnElement *e = elements->pdata[i];
    GPtrArray *pads = bn_element_get_pads (e);
    if (pads->len == 0) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
                   _("Element %s has no pads and cannot take part in the pipeline"), bn_element_get_name (e));
      return NULL;
    }
    for (guint j = 0; j < pads->len; j++) {
      BnPad *p = pads->pdata[j];
      BnPad *peer = bn_pad_get_peer (p);
      if (!peer) {
        g_autofree char *path = bn_pad_get_path_string (p);
        g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_NOT_LINKED,
                     bn_pad_get_direction (p) == BN_PAD_SRC
                         ? _("Pad %s is not linked: link it to a sink (e.g. `! fakesink`)")
                         : _("Pad %s is not linked: link a source to it"),
                     path);
        return NULL;
      }
      if (!contains (self, bn_pad_get_parent_element (peer))) {
        g_autofree char *path = bn_pad_get_path_string (p);
        g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
                     _("Pad %s is linked to an element outside the pipeline"), path);
        return NULL;
      }
    }
  }

  g_autoptr (GHashTable) color = g_hash_table_new (NULL, NULL);
  GPtrArray *order = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < elements->len; i++)
    if (!g_hash_table_contains (color, elements->pdata[i]) && !visit (elements->pdata[i], color, order, error)) {
      g_ptr_array_unref (order);
      return NULL;
    }
  for (guint i = 0; i < order->len; i++)
    g_object_ref (order->pdata[i]);
  return order;
}

/**
 * bn_pipeline_check:
 * @pipeline: a pipeline
 * @error: return location for a #GError
 *
 * Checks the graph: not empty, every pad linked inside the pipeline, no
 * cycles.
 *
 * Returns: %TRUE if the graph can run.
 *
 * Since: 0.1
 */
gboolean
bn_pipeline_check (BnPipeline *pipeline, GError **error)
{
  g_return_val_if_fail (BN_IS_PIPELINE (pipeline), FALSE);
  g_autoptr (GPtrArray) order = check_graph (pipeline, error);
  return order != NULL;
}

/* ---- running ------------------------------------------------------------ */

/* The pipeline's own errors do not rise through handle_message. */
static void
post_own_error (BnPipeline *self, const GError *error)
{
  g_autoptr (BnMessage) message = bn_message_new_error (BN_ELEMENT (self), error, NULL);
  note_error (self, message);
  bn_element_post_message (BN_ELEMENT (self), g_steal_pointer (&message));
}

static void
post_pipeline_error (BnPipeline *self, int code, const char *text)
{
  g_autoptr (GError) error = g_error_new_literal (BN_CORE_ERROR, code, text);
  post_own_error (self, error);
}

static gpointer
run_thread (gpointer data)
{
  BnPipeline *self = data;
  BnFlowReturn ret = BN_FLOW_OK;
  BnElement *culprit = NULL;

  /* Sources in the order they were added: deterministic. */
  g_autoptr (GPtrArray) elements = bn_bin_get_elements_recursive (BN_BIN (self));
  /* files written during the run are renamed into place only if it ends
   * well (two-phase commit, docs/design/0017) */
  bn_file_transaction_begin ();
  for (guint i = 0; i < elements->len && ret == BN_FLOW_OK; i++) {
    BnElement *src = elements->pdata[i];
    if (bn_element_count_pads (src, BN_PAD_SINK) > 0)
      continue;
    BnElementClass *klass = BN_ELEMENT_GET_CLASS (src);
    if (!klass->produce) {
      BN_ELEMENT_ERROR (src, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                        _("Element %s has no sink pad and cannot produce items"), bn_element_get_name (src));
      ret = BN_FLOW_ERROR;
      break;
    }
    do {
      ret = g_cancellable_is_cancelled (self->cancellable) ? BN_FLOW_CANCELLED : klass->produce (src);
    } while (ret == BN_FLOW_OK);
    if (ret == BN_FLOW_EOS)
      ret = _bn_element_do_eos (src);
    culprit = src;
  }

  g_autoptr (GError) error = bn_pipeline_dup_error (self);
  gboolean cancelled = ret == BN_FLOW_CANCELLED || g_cancellable_is_cancelled (self->cancellable);
  gboolean good = !error && !cancelled && (ret == BN_FLOW_OK || ret == BN_FLOW_EOS);
  g_autoptr (GError) commit_error = NULL;
  gboolean committed = bn_file_transaction_end (good, &commit_error);
  if (error)
    return NULL; /* already on the bus */
  if (cancelled) {
    post_pipeline_error (self, BN_CORE_ERROR_CANCELLED, _("The pipeline was cancelled"));
  } else if (!good) {
    g_autofree char *text = g_strdup_printf (_("Streaming from %s stopped: %s"),
                                             culprit ? bn_element_get_name (culprit) : "?", bn_flow_get_name (ret));
    post_pipeline_error (self, BN_CORE_ERROR_FAILED, text);
  } else if (!committed) {
    g_autoptr (GError) e =
        g_error_new (BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                     _("The run succeeded but its files could not be put in place: %s"), commit_error->message);
    post_own_error (self, e);
  } else {
    bn_bus_post (self->bus, bn_message_new_eos (BN_ELEMENT (self)));
  }
  return NULL;
}

static void
stop_elements (GPtrArray *order, guint n_started)
{
  /* sources first: reverse of the start order */
  for (guint i = n_started; i > 0; i--) {
    BnElement *e = order->pdata[i - 1];
    BnElementClass *klass = BN_ELEMENT_GET_CLASS (e);
    if (klass->stop && bn_element_get_state (e) != BN_STATE_NULL)
      klass->stop (e);
    _bn_element_set_state (e, BN_STATE_NULL);
    _bn_element_set_cancellable (e, NULL);
  }
}

/**
 * bn_pipeline_start:
 * @pipeline: a stopped pipeline
 * @error: return location for a #GError
 *
 * Checks the graph, starts every element from the sinks to the sources (in
 * the calling thread), then runs the sources in a worker thread. Watch the
 * bus for the end-of-stream or error message, then call bn_pipeline_stop().
 *
 * Returns: %TRUE if the run began; %FALSE with @error set (and an error
 *   message posted) if the graph is invalid or an element refused to start.
 *
 * Since: 0.1
 */
gboolean
bn_pipeline_start (BnPipeline *pipeline, GError **error)
{
  g_return_val_if_fail (BN_IS_PIPELINE (pipeline), FALSE);
  if (pipeline->running) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_STATE, _("The pipeline %s is already running"),
                 bn_element_get_name (BN_ELEMENT (pipeline)));
    return FALSE;
  }

  g_mutex_lock (&pipeline->lock);
  g_clear_error (&pipeline->error);
  g_mutex_unlock (&pipeline->lock);
  if (g_cancellable_is_cancelled (pipeline->cancellable)) {
    g_object_unref (pipeline->cancellable);
    pipeline->cancellable = g_cancellable_new ();
  }

  g_autoptr (GError) local = NULL;
  g_clear_pointer (&pipeline->order, g_ptr_array_unref);
  pipeline->order = check_graph (pipeline, &local);
  if (!pipeline->order) {
    post_own_error (pipeline, local);
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }

  for (guint i = 0; i < pipeline->order->len; i++) {
    BnElement *e = pipeline->order->pdata[i];
    BnElementClass *klass = BN_ELEMENT_GET_CLASS (e);
    _bn_element_reset_pads (e);
    _bn_element_set_cancellable (e, pipeline->cancellable);
    if (klass->start && !klass->start (e, &local)) {
      g_prefix_error (&local, "%s: ", bn_element_get_name (e));
      bn_element_post_error (e, local, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      stop_elements (pipeline->order, i);
      _bn_element_set_cancellable (e, NULL);
      return FALSE;
    }
    _bn_element_set_state (e, BN_STATE_READY);
  }
  for (guint i = 0; i < pipeline->order->len; i++)
    _bn_element_set_state (pipeline->order->pdata[i], BN_STATE_PLAYING);

  pipeline->running = TRUE;
  _bn_element_set_state (BN_ELEMENT (pipeline), BN_STATE_PLAYING);
  bn_bus_post (pipeline->bus, bn_message_new_state_changed (BN_ELEMENT (pipeline), TRUE));
  pipeline->thread = g_thread_new ("bn-pipeline", run_thread, pipeline);
  return TRUE;
}

/**
 * bn_pipeline_cancel:
 * @pipeline: a pipeline
 *
 * Asks a running pipeline to stop between items. Callable from any thread.
 *
 * Since: 0.1
 */
void
bn_pipeline_cancel (BnPipeline *pipeline)
{
  g_return_if_fail (BN_IS_PIPELINE (pipeline));
  g_cancellable_cancel (pipeline->cancellable);
}

/**
 * bn_pipeline_wait:
 * @pipeline: a pipeline
 *
 * Blocks until the worker thread of the current run has finished (end of
 * stream, error or cancellation). Does not stop the elements.
 *
 * Since: 0.1
 */
void
bn_pipeline_wait (BnPipeline *pipeline)
{
  g_return_if_fail (BN_IS_PIPELINE (pipeline));
  if (pipeline->thread) {
    g_thread_join (pipeline->thread);
    pipeline->thread = NULL;
  }
}

/**
 * bn_pipeline_stop:
 * @pipeline: a pipeline
 *
 * Cancels the run if it is still going, waits for the worker thread, and
 * stops every element from the sources to the sinks. The pipeline can be
 * started again.
 *
 * Since: 0.1
 */
void
bn_pipeline_stop (BnPipeline *pipeline)
{
  g_return_if_fail (BN_IS_PIPELINE (pipeline));
  if (!pipeline->running)
    return;
  if (pipeline->thread)
    g_cancellable_cancel (pipeline->cancellable);
  bn_pipeline_wait (pipeline);
  stop_elements (pipeline->order, pipeline->order->len);
  pipeline->running = FALSE;
  _bn_element_set_state (BN_ELEMENT (pipeline), BN_STATE_NULL);
  bn_bus_post (pipeline->bus, bn_message_new_state_changed (BN_ELEMENT (pipeline), FALSE));
}

/**
 * bn_pipeline_run:
 * @pipeline: a stopped pipeline
 * @error: return location for a #GError
 *
 * Starts the pipeline, waits for the run to finish, and stops it. The
 * messages of the run stay on the bus for the caller to read.
 *
 * Returns: %TRUE when the run reached end of stream; %FALSE with the first
 *   error of the run otherwise.
 *
 * Since: 0.1
 */
gboolean
bn_pipeline_run (BnPipeline *pipeline, GError **error)
{
  g_return_val_if_fail (BN_IS_PIPELINE (pipeline), FALSE);
  if (!bn_pipeline_start (pipeline, error))
    return FALSE;
  bn_pipeline_wait (pipeline);
  GError *e = bn_pipeline_dup_error (pipeline);
  bn_pipeline_stop (pipeline);
  if (e) {
    g_propagate_error (error, e);
    return FALSE;
  }
  return TRUE;
}

/**
 * bn_pipeline_is_running:
 * @pipeline: a pipeline
 *
 * Checks whether the pipeline was started and not yet stopped.
 *
 * Returns: whether the pipeline was started and not yet stopped.
 *
 * Since: 0.1
 */
gboolean
bn_pipeline_is_running (BnPipeline *pipeline)
{
  g_return_val_if_fail (BN_IS_PIPELINE (pipeline), FALSE);
  return pipeline->running;
}
