/* Tests' JSON helpers: loading files and checking them against docs/schemas/.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *bn_test_json_load (const char *path);
JsonNode *bn_test_schema_load (const char *name);
gboolean bn_test_schema_validate (JsonNode *schema, JsonNode *instance, GString *err);
void bn_test_schema_assert_valid (JsonNode *schema, const char *path);

G_END_DECLS
