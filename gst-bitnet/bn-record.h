/* gst-bitnet: a structured result flowing between elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <json-glib/json-glib.h>
#include <gst-bitnet/bn-item.h>

G_BEGIN_DECLS

#define BN_TYPE_RECORD (bn_record_get_type ())
BN_API G_DECLARE_FINAL_TYPE (BnRecord, bn_record, BN, RECORD, BnItem)

BN_API BnRecord *bn_record_new (const char *media_type,
                                JsonObject *object);
BN_API JsonObject *bn_record_get_object (BnRecord *record);
BN_API double bn_record_get_double (BnRecord   *record,
                                    const char *member,
                                    double      fallback);
BN_API const char *bn_record_get_string (BnRecord   *record,
                                         const char *member);
BN_API char *bn_record_to_json (BnRecord *record,
                                gboolean  pretty);

BN_API void bn_doubles_sort (double *values,
                             gsize   n);
BN_API double bn_percentile (const double *sorted,
                             gsize         n,
                             double        p);
BN_API gboolean bn_json_write_atomic (const char  *path,
                                      JsonObject  *object,
                                      GError     **error);

G_END_DECLS
