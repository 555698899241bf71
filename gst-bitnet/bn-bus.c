/* gst-bitnet: the message bus
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-bus.h"

/**
 * SECTION:bn-bus
 * @title: BnBus
 * @short_description: carries messages from the pipeline's worker thread
 *   to the application
 *
 * The pipeline runs in a worker thread; elements post #BnMessage objects on
 * the bus from there. The application receives them in its own
 * #GMainContext through bn_bus_add_watch(), or pulls them with
 * bn_bus_timed_pop_filtered(). Messages are delivered in the order they
 * were posted.
 */

/**
 * BnBus:
 *
 * Carries messages from a pipeline to the application.
 *
 * Since: 0.1
 */
struct _BnBus {
  GObject parent_instance;
  GMutex lock;
  GCond cond;
  GQueue queue;
  GPtrArray *watches; /* GSource*, borrowed: removed on finalize of the source */
  gboolean flushing;
  BnBusSyncHandler sync_handler;
  gpointer sync_data;
  GDestroyNotify sync_notify;
};

G_DEFINE_FINAL_TYPE (BnBus, bn_bus, G_TYPE_OBJECT)

typedef struct {
  GSource source;
  BnBus *bus;
} BusSource;

static void
bn_bus_finalize (GObject *object)
{
  BnBus *self = BN_BUS (object);
  bn_bus_set_sync_handler (self, NULL, NULL, NULL);
  g_queue_clear_full (&self->queue, g_object_unref);
  g_ptr_array_unref (self->watches);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (bn_bus_parent_class)->finalize (object);
}

static void
bn_bus_class_init (BnBusClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bn_bus_finalize;
}

static void
bn_bus_init (BnBus *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
  self->watches = g_ptr_array_new ();
}

/**
 * bn_bus_new:
 *
 * Creates a bus. Pipelines make their own; see bn_pipeline_get_bus().
 *
 * Returns: (transfer full): a new bus.
 *
 * Since: 0.1
 */
BnBus *
bn_bus_new (void)
{
  return g_object_new (BN_TYPE_BUS, NULL);
}

/**
 * bn_bus_set_sync_handler:
 * @bus: a bus
 * @func: (nullable) (scope notified): the handler, or %NULL to remove it
 * @user_data: (closure): data for @func
 * @notify: (nullable): frees @user_data when the handler is replaced or the
 *   bus finalized
 *
 * Sets the function that sees every message in the posting thread before
 * it is queued, replacing the previous one. Each #BnBin handles its
 * children's messages this way (see #BnBinClass.handle_message).
 *
 * Since: 0.2
 */
void
bn_bus_set_sync_handler (BnBus *bus, BnBusSyncHandler func, gpointer user_data, GDestroyNotify notify)
{
  g_return_if_fail (BN_IS_BUS (bus));

  g_mutex_lock (&bus->lock);
  gpointer old_data = bus->sync_data;
  GDestroyNotify old_notify = bus->sync_notify;
  bus->sync_handler = func;
  bus->sync_data = user_data;
  bus->sync_notify = notify;
  g_mutex_unlock (&bus->lock);
  if (old_notify)
    old_notify (old_data);
}

/**
 * bn_bus_post:
 * @bus: a bus
 * @message: (transfer full): the message
 *
 * Hands @message to the sync handler, if any, then queues it (unless the
 * handler dropped it) and wakes up the watches and waiters. Callable from
 * any thread. A flushing bus drops it.
 *
 * Since: 0.1
 */
void
bn_bus_post (BnBus *bus, BnMessage *message)
{
  g_return_if_fail (BN_IS_BUS (bus));
  g_return_if_fail (BN_IS_MESSAGE (message));

  g_mutex_lock (&bus->lock);
  BnBusSyncHandler handler = bus->sync_handler;
  gpointer handler_data = bus->sync_data;
  g_mutex_unlock (&bus->lock);
  if (handler && handler (bus, message, handler_data) == BN_BUS_DROP) {
    g_object_unref (message);
    return;
  }

  g_mutex_lock (&bus->lock);
  if (bus->flushing) {
    g_mutex_unlock (&bus->lock);
    g_object_unref (message);
    return;
  }
  g_queue_push_tail (&bus->queue, message);
  g_cond_broadcast (&bus->cond);
  for (guint i = 0; i < bus->watches->len; i++) {
    GMainContext *ctx = g_source_get_context (bus->watches->pdata[i]);
    if (ctx)
      g_main_context_wakeup (ctx);
  }
  g_mutex_unlock (&bus->lock);
}

/**
 * bn_bus_pop:
 * @bus: a bus
 *
 * Takes the oldest message without waiting.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL if none.
 *
 * Since: 0.1
 */
BnMessage *
bn_bus_pop (BnBus *bus)
{
  return bn_bus_timed_pop_filtered (bus, 0, BN_MESSAGE_ANY);
}

/**
 * bn_bus_timed_pop_filtered:
 * @bus: a bus
 * @timeout_us: how long to wait, in microseconds; negative waits forever
 * @types: the kinds of message wanted; others are dropped
 *
 * Waits for a message of one of @types. Messages of other kinds queued
 * before it are discarded, as gst_bus_timed_pop_filtered() does.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL on time-out.
 *
 * Since: 0.1
 */
BnMessage *
bn_bus_timed_pop_filtered (BnBus *bus, gint64 timeout_us, BnMessageType types)
{
  g_return_val_if_fail (BN_IS_BUS (bus), NULL);
  gint64 deadline = timeout_us >= 0 ? g_get_monotonic_time () + timeout_us : G_MAXINT64;
  BnMessage *found = NULL;

  g_mutex_lock (&bus->lock);
  while (!found) {
    while (!g_queue_is_empty (&bus->queue)) {
      BnMessage *m = g_queue_pop_head (&bus->queue);
      if (bn_message_get_message_type (m) & types) {
        found = m;
        break;
      }
      g_object_unref (m);
    }
    if (found || timeout_us == 0)
      break;
    if (timeout_us < 0)
      g_cond_wait (&bus->cond, &bus->lock);
    else if (!g_cond_wait_until (&bus->cond, &bus->lock, deadline))
      break;
  }
  g_mutex_unlock (&bus->lock);
  return found;
}

/**
 * bn_bus_have_pending:
 * @bus: a bus
 *
 * Checks whether messages are queued.
 *
 * Returns: whether messages are queued.
 *
 * Since: 0.1
 */
gboolean
bn_bus_have_pending (BnBus *bus)
{
  g_return_val_if_fail (BN_IS_BUS (bus), FALSE);
  g_mutex_lock (&bus->lock);
  gboolean pending = !g_queue_is_empty (&bus->queue);
  g_mutex_unlock (&bus->lock);
  return pending;
}

/**
 * bn_bus_set_flushing:
 * @bus: a bus
 * @flushing: whether to drop queued and future messages
 *
 * A flushing bus drops everything posted to it.
 *
 * Since: 0.1
 */
void
bn_bus_set_flushing (BnBus *bus, gboolean flushing)
{
  g_return_if_fail (BN_IS_BUS (bus));
  g_mutex_lock (&bus->lock);
  bus->flushing = flushing;
  if (flushing)
    g_queue_clear_full (&bus->queue, g_object_unref);
  g_mutex_unlock (&bus->lock);
}

static gboolean
bus_source_prepare (GSource *source, gint *timeout)
{
  *timeout = -1;
  return bn_bus_have_pending (((BusSource *) source)->bus);
}

static gboolean
bus_source_check (GSource *source)
{
  return bn_bus_have_pending (((BusSource *) source)->bus);
}

static gboolean
bus_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  BusSource *bs = (BusSource *) source;
  g_autoptr (BnMessage) msg = bn_bus_pop (bs->bus);

  if (!msg)
    return G_SOURCE_CONTINUE;
  if (!callback)
    return G_SOURCE_REMOVE;
  return ((BnBusFunc) (void (*) (void)) callback) (bs->bus, msg, user_data);
}

static void
bus_source_finalize (GSource *source)
{
  BusSource *bs = (BusSource *) source;
  g_mutex_lock (&bs->bus->lock);
  g_ptr_array_remove (bs->bus->watches, source);
  g_mutex_unlock (&bs->bus->lock);
  g_object_unref (bs->bus);
}

static GSourceFuncs bus_source_funcs = {
  bus_source_prepare, bus_source_check, bus_source_dispatch, bus_source_finalize, NULL, NULL,
};

/**
 * bn_bus_create_watch:
 * @bus: a bus
 *
 * Creates a #GSource that dispatches each message to a #BnBusFunc set with
 * g_source_set_callback().
 *
 * Returns: (transfer full): a new source, not yet attached.
 *
 * Since: 0.1
 */
GSource *
bn_bus_create_watch (BnBus *bus)
{
  g_return_val_if_fail (BN_IS_BUS (bus), NULL);
  GSource *source = g_source_new (&bus_source_funcs, sizeof (BusSource));
  ((BusSource *) source)->bus = g_object_ref (bus);
  g_source_set_static_name (source, "BnBus watch");
  g_mutex_lock (&bus->lock);
  g_ptr_array_add (bus->watches, source);
  g_mutex_unlock (&bus->lock);
  return source;
}

/**
 * bn_bus_add_watch:
 * @bus: a bus
 * @func: called for each message
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data when the watch is removed
 *
 * Dispatches every message to @func in the thread-default main context of
 * the caller.
 *
 * Returns: the id of the #GSource, for g_source_remove().
 *
 * Since: 0.1
 */
guint
bn_bus_add_watch (BnBus *bus, BnBusFunc func, gpointer user_data, GDestroyNotify notify)
{
  g_return_val_if_fail (BN_IS_BUS (bus), 0);
  g_return_val_if_fail (func != NULL, 0);
  GSource *source = bn_bus_create_watch (bus);
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) func, user_data, notify);
  guint id = g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
  return id;
}
