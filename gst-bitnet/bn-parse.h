/* gst-bitnet: building pipelines from text
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <gst-bitnet/bn-element.h>

G_BEGIN_DECLS

/**
 * BN_PARSE_ERROR:
 *
 * Error domain of the pipeline parser. Messages start with
 * `line:column:` and end with an excerpt of the description with a caret
 * under the fault.
 *
 * Since: 0.1
 */
#define BN_PARSE_ERROR (bn_parse_error_quark ())
BN_API GQuark bn_parse_error_quark (void);

/**
 * BnParseError:
 * @BN_PARSE_ERROR_SYNTAX: the text does not follow the grammar.
 * @BN_PARSE_ERROR_NO_SUCH_ELEMENT: no factory (or no named element, for a
 *   reference) has that name.
 * @BN_PARSE_ERROR_NO_SUCH_PROPERTY: the element has no such property.
 * @BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY: the value does not fit the
 *   property (type, range, choices).
 * @BN_PARSE_ERROR_LINK: two elements could not be linked.
 * @BN_PARSE_ERROR_EMPTY: the description holds no element.
 * @BN_PARSE_ERROR_UNDEFINED_VARIABLE: `${VAR}` names a variable that is
 *   not set and has no default.
 * @BN_PARSE_ERROR_DUPLICATE_NAME: two elements have the same name.
 *
 * Codes of the #BN_PARSE_ERROR domain. New codes are only ever appended.
 *
 * Since: 0.1
 */
typedef enum {
  BN_PARSE_ERROR_SYNTAX,
  BN_PARSE_ERROR_NO_SUCH_ELEMENT,
  BN_PARSE_ERROR_NO_SUCH_PROPERTY,
  BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
  BN_PARSE_ERROR_LINK,
  BN_PARSE_ERROR_EMPTY,
  BN_PARSE_ERROR_UNDEFINED_VARIABLE,
  BN_PARSE_ERROR_DUPLICATE_NAME,
} BnParseError;

/**
 * BnParseContext:
 *
 * Variables for `${VAR}` expansion, and where the last error happened.
 *
 * Since: 0.1
 */
typedef struct _BnParseContext BnParseContext;

#define BN_TYPE_PARSE_CONTEXT (bn_parse_context_get_type ())
BN_API GType bn_parse_context_get_type (void);

BN_API BnParseContext *bn_parse_context_new (void);
BN_API BnParseContext *bn_parse_context_copy (const BnParseContext *context);
BN_API void bn_parse_context_free (BnParseContext *context);
BN_API gboolean bn_parse_variable_name_is_valid (const char *name);
BN_API void bn_parse_context_set_variable (BnParseContext *context, const char *name, const char *value);
BN_API guint bn_parse_context_get_error_line (BnParseContext *context);
BN_API guint bn_parse_context_get_error_column (BnParseContext *context);
BN_API const char *bn_parse_context_get_suggestion (BnParseContext *context);
BN_API const char *const *bn_parse_context_get_missing_elements (BnParseContext *context);

BN_API BnElement *bn_parse_launch (const char *description, GError **error);
BN_API BnElement *bn_parse_launchv (const char *const *argv, GError **error);
BN_API BnElement *bn_parse_launch_full (const char *description, BnParseContext *context, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnParseContext, bn_parse_context_free)

G_END_DECLS
