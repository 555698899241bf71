/* gst-bitnet: the message bus of a pipeline
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <glib-object.h>
#include <gst-bitnet/bn-export.h>
#include <gst-bitnet/bn-message.h>

G_BEGIN_DECLS

#define BN_TYPE_BUS (bn_bus_get_type ())
BN_API G_DECLARE_FINAL_TYPE (BnBus, bn_bus, BN, BUS, GObject)

    /**
     * BnBusFunc:
     * @bus: the bus
     * @message: (transfer none): the message
     * @user_data: the data given to bn_bus_add_watch()
     *
     * Called in the watch's main context for every message.
     *
     * Returns: %G_SOURCE_REMOVE to stop watching, %G_SOURCE_CONTINUE to go on.
     *
     * Since: 0.1
     */
    typedef gboolean (*BnBusFunc) (BnBus *bus, BnMessage *message, gpointer user_data);

/**
 * BnBusSyncReply:
 * @BN_BUS_PASS: queue the message for the watches and waiters
 * @BN_BUS_DROP: the handler dealt with the message; the bus drops it
 *
 * What a #BnBusSyncHandler tells the bus to do with a message.
 *
 * Since: 0.2
 */
typedef enum {
  BN_BUS_PASS,
  BN_BUS_DROP,
} BnBusSyncReply;

/**
 * BnBusSyncHandler:
 * @bus: the bus
 * @message: (transfer none): the message being posted
 * @user_data: the data given to bn_bus_set_sync_handler()
 *
 * Called in the posting thread for every message, before it is queued.
 * Take a reference to keep @message beyond the call.
 *
 * Returns: %BN_BUS_DROP if the handler dealt with @message,
 *   %BN_BUS_PASS to queue it.
 *
 * Since: 0.2
 */
typedef BnBusSyncReply (*BnBusSyncHandler) (BnBus *bus, BnMessage *message, gpointer user_data);

BN_API BnBus *bn_bus_new (void);
BN_API void bn_bus_set_sync_handler (BnBus *bus, BnBusSyncHandler func, gpointer user_data, GDestroyNotify notify);
BN_API void bn_bus_post (BnBus *bus, BnMessage *message);
BN_API BnMessage *bn_bus_pop (BnBus *bus);
BN_API BnMessage *bn_bus_timed_pop_filtered (BnBus *bus, gint64 timeout_us, BnMessageType types);
BN_API gboolean bn_bus_have_pending (BnBus *bus);
BN_API void bn_bus_set_flushing (BnBus *bus, gboolean flushing);
BN_API GSource *bn_bus_create_watch (BnBus *bus);
BN_API guint bn_bus_add_watch (BnBus *bus, BnBusFunc func, gpointer user_data, GDestroyNotify notify);

G_END_DECLS
