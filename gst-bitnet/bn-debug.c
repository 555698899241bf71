/* gst-bitnet: BN_DEBUG, the selection of debug output by log domain and level
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-private.h"

#include <stdio.h>
#include <string.h>

/* Each library and each plugin logs under its own GLib log domain:
 * `bn-core`, `bn-model`, `bn-bench`, and `bn-<plugin>` (`bn-engine`,
 * `bn-kernels`...), set as G_LOG_DOMAIN in its meson.build. BN_DEBUG is a
 * comma-separated list of rules `PATTERN[:LEVEL]`: PATTERN names domains,
 * with `*` as a wildcard (`all` is `*`); LEVEL is `debug` (the default),
 * `info` (information but no debug messages) or `none`. The last rule
 * matching a domain decides; domains no rule matches follow
 * G_MESSAGES_DEBUG as usual. Messages, warnings and errors always show. */

typedef struct {
  GPatternSpec *pattern;
  GLogLevelFlags shown; /* the info and debug levels shown */
} Rule;

static GArray *rules; /* Rule; set once by _bn_debug_init() */

static gboolean
parse_level (const char *text, GLogLevelFlags *shown)
{
  static const struct {
    const char *name;
    GLogLevelFlags shown;
  } levels[] = {
    { "none", 0 },
    { "info", G_LOG_LEVEL_INFO },
    { "debug", G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG },
  };
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (!g_ascii_strcasecmp (text, levels[i].name)) {
      *shown = levels[i].shown;
      return TRUE;
    }
  return FALSE;
}

static const char *
field_domain (const GLogField *fields, gsize n_fields)
{
  for (gsize i = 0; i < n_fields; i++)
    if (!strcmp (fields[i].key, "GLIB_DOMAIN"))
      return fields[i].value;
  return "";
}

/* Selected lines go to standard error, as GStreamer's debug log does, so
 * they never mix with what a tool prints on standard output. */
static GLogWriterOutput
write_stderr (GLogLevelFlags level, const GLogField *fields, gsize n_fields)
{
  g_autofree char *line =
      g_log_writer_format_fields (level, fields, n_fields, g_log_writer_supports_color (fileno (stderr)));
  if (fprintf (stderr, "%s\n", line) < 0)
    return G_LOG_WRITER_UNHANDLED;
  fflush (stderr);
  return G_LOG_WRITER_HANDLED;
}

static GLogWriterOutput
bn_debug_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)) {
    const char *domain = field_domain (fields, n_fields);
    for (guint i = rules->len; i > 0; i--) {
      const Rule *r = &g_array_index (rules, Rule, i - 1);
      if (!g_pattern_spec_match_string (r->pattern, domain))
        continue;
      if (!(level & r->shown))
        return G_LOG_WRITER_HANDLED; /* selected out: dropped */
      return write_stderr (level, fields, n_fields);
    }
  }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* Reads BN_DEBUG and, when it holds rules, installs the log writer that
 * applies them (g_log_set_writer_func(): once per process, so an
 * application that installs its own writer leaves BN_DEBUG unset). */
void
_bn_debug_init (void)
{
  const char *env = g_getenv ("BN_DEBUG");
  if (!env || !*env)
    return;

  rules = g_array_new (FALSE, FALSE, sizeof (Rule));
  g_auto (GStrv) items = g_strsplit_set (env, ", ", -1);
  for (guint i = 0; items[i]; i++) {
    if (!*items[i])
      continue;
    char *colon = strchr (items[i], ':');
    Rule r = { NULL, G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG };
    if (colon) {
      *colon = '\0';
      if (!parse_level (colon + 1, &r.shown)) {
        g_log (BN_LOG_DOMAIN_CORE, G_LOG_LEVEL_WARNING,
               "BN_DEBUG: unknown level '%s' for '%s' (use none, info or debug); rule ignored", colon + 1, items[i]);
        continue;
      }
    }
    r.pattern = g_pattern_spec_new (!g_ascii_strcasecmp (items[i], "all") ? "*" : items[i]);
    g_array_append_val (rules, r);
  }
  g_log_set_writer_func (bn_debug_writer, NULL, NULL);
}
