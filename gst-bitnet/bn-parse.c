/* gst-bitnet: building pipelines from text
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-parse.h"
#include "bn-caps.h"
#include "bn-param.h"
#include "bn-pipeline.h"
#include "bn-plugin.h"
#include "bn-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/**
 * SECTION:bn-parse
 * @title: Pipeline descriptions
 * @short_description: bn_parse_launch() and its grammar
 *
 * A description is a list of chains. A chain is elements joined by `!`:
 *
 * |[
 * fixture-src size=tiny ! quantizer format=i2s ! tee name=t
 *   t. ! receipt-sink location=ci/inference.json
 *   t. ! fakesink            # comments run to the end of the line
 * ]|
 *
 * - an element is a factory name followed by `property=value` settings;
 *   `name=x` names it;
 * - `x.` refers to the element named `x` (before or after its
 *   definition), `x.pad` to one of its pads (`t.src_%u` or `t.src_1` for a
 *   request pad);
 * - caps between two links filter them: `a ! model/bitnet,format=i2s ! b`
 *   (quote caps that contain spaces);
 * - values may be quoted with `"..."` (escapes `\"`, `\\`, `\n`, `\t`,
 *   `\$`; variables expanded) or `'...'` (literal); outside quotes `\`
 *   escapes the next character;
 * - `${VAR}` and `${VAR:-default}` expand from the parse context's
 *   variables (bn-launch `-D VAR=value`), then the environment;
 * - line breaks are spaces and `#` starts a comment at the start of a word.
 *
 * Errors (#BN_PARSE_ERROR) carry the line and column of the fault, an
 * excerpt with a caret, and a suggestion when a name looks misspelled.
 */

/**
 * bn_parse_error_quark:
 *
 * Gets the #GQuark of this error domain.
 *
 * Returns: the #GQuark of the domain.
 *
 * Since: 0.1
 */
/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-parse-error-quark, bn_parse_error)
/* clang-format on */

struct _BnParseContext {
  GHashTable *variables;
  guint line, column;
  char *suggestion;
  GPtrArray *missing;
};

G_DEFINE_BOXED_TYPE (BnParseContext, bn_parse_context, bn_parse_context_copy, bn_parse_context_free)

/**
 * bn_parse_context_new:
 *
 * Creates a new parse context with no variables.
 *
 * Returns: (transfer full): a new parse context with no variables.
 *
 * Since: 0.1
 */
BnParseContext *
bn_parse_context_new (void)
{
  BnParseContext *c = g_new0 (BnParseContext, 1);
  c->variables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->missing = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (c->missing, NULL);
  return c;
}

/**
 * bn_parse_context_copy:
 * @context: a parse context
 *
 * Gets a copy holding the same variables.
 *
 * Returns: (transfer full): a copy holding the same variables.
 *
 * Since: 0.1
 */
BnParseContext *
bn_parse_context_copy (const BnParseContext *context)
{
  BnParseContext *c = bn_parse_context_new ();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, context->variables);
  while (g_hash_table_iter_next (&it, &k, &v))
    bn_parse_context_set_variable (c, k, v);
  return c;
}

/**
 * bn_parse_context_free:
 * @context: (transfer full): a parse context
 *
 * Frees @context.
 *
 * Since: 0.1
 */
void
bn_parse_context_free (BnParseContext *context)
{
  if (!context)
    return;
  g_hash_table_unref (context->variables);
  g_free (context->suggestion);
  g_ptr_array_unref (context->missing);
  g_free (context);
}

/**
 * bn_parse_variable_name_is_valid:
 * @name: a variable name
 *
 * Checks that @name can be referenced as `${name}`: a letter or `_`, then
 * letters, digits and `_`, as in the shell.
 *
 * Returns: whether @name is a valid variable name.
 *
 * Since: 0.2
 */
gboolean
bn_parse_variable_name_is_valid (const char *name)
{
  if (!name || !(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_')
      return FALSE;
  return TRUE;
}

/**
 * bn_parse_context_set_variable:
 * @context: a parse context
 * @name: the variable's name
 * @value: (nullable): its value; %NULL removes it
 *
 * Defines a variable for `${name}`; it overrides the environment.
 *
 * Since: 0.1
 */
void
bn_parse_context_set_variable (BnParseContext *context, const char *name, const char *value)
{
  g_return_if_fail (context && name);
  if (value)
    g_hash_table_replace (context->variables, g_strdup (name), g_strdup (value));
  else
    g_hash_table_remove (context->variables, name);
}

/**
 * bn_parse_context_get_error_line:
 * @context: a parse context
 *
 * Gets the 1-based line of the last error, 0 if none.
 *
 * Returns: the 1-based line of the last error, 0 if none.
 *
 * Since: 0.1
 */
guint
bn_parse_context_get_error_line (BnParseContext *context)
{
  return context->line;
}

/**
 * bn_parse_context_get_error_column:
 * @context: a parse context
 *
 * Gets the 1-based column (in characters) of the last error, 0 if none.
 *
 * Returns: the 1-based column (in characters) of the last error, 0 if none.
 *
 * Since: 0.1
 */
guint
bn_parse_context_get_error_column (BnParseContext *context)
{
  return context->column;
}

/**
 * bn_parse_context_get_suggestion:
 * @context: a parse context
 *
 * Gets the name suggested by the last error ("did you mean"), if any.
 *
 * Returns: (transfer none) (nullable): the name suggested by the last
 *   error ("did you mean"), if any.
 *
 * Since: 0.1
 */
const char *
bn_parse_context_get_suggestion (BnParseContext *context)
{
  return context->suggestion;
}

/**
 * bn_parse_context_get_missing_elements:
 * @context: a parse context
 *
 * Gets the factory names that the last parse could not find.
 *
 * Returns: (transfer none) (array zero-terminated=1): the factory names
 *   that the last parse could not find.
 *
 * Since: 0.1
 */
const char *const *
bn_parse_context_get_missing_elements (BnParseContext *context)
{
  return (const char *const *) context->missing->pdata;
}

/* ---- lexer ---------------------------------------------------------------- */

typedef enum { TOK_EOF, TOK_WORD, TOK_LINK, TOK_STRING } TokType;

typedef struct {
  TokType type;
  char *text;   /* expanded */
  gsize offset; /* in the source */
  gsize length;
  gssize eq;          /* index in text of the first unquoted '=', or -1 */
  gsize value_offset; /* source offset just after that '=' */
  gboolean quoted;    /* some part was quoted */
  gssize dot;         /* index of the first unquoted '.', or -1 */
  gssize slash;       /* index of the first unquoted '/', or -1 */
} Token;

typedef struct {
  const char *src;
  BnParseContext *ctx;
  GError **error;
  GArray *tokens;
  guint pos;
  BnPipeline *pipeline;
  GArray *links;
  GHashTable *names; /* name -> element (borrowed) */
} Parser;

static void
token_clear (gpointer data)
{
  g_free (((Token *) data)->text);
}

static void
position_of (const char *src, gsize offset, guint *line, guint *column, gsize *line_start)
{
  guint l = 1;
  gsize start = 0;
  for (gsize i = 0; i < offset && src[i]; i++)
    if (src[i] == '\n') {
      l++;
      start = i + 1;
    }
  *line = l;
  *column = (guint) g_utf8_strlen (src + start, offset - start) + 1;
  *line_start = start;
}

static gboolean G_GNUC_PRINTF (6, 7)
    fail (Parser *P, gsize offset, gsize length, BnParseError code, const char *suggestion, const char *fmt, ...)
{
  va_list ap;
  guint line, column;
  gsize start;
  g_autofree char *what = NULL;

  va_start (ap, fmt);
  what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  position_of (P->src, offset, &line, &column, &start);
  P->ctx->line = line;
  P->ctx->column = column;
  g_free (P->ctx->suggestion);
  P->ctx->suggestion = g_strdup (suggestion);

  const char *eol = strchr (P->src + start, '\n');
  gsize line_len = eol ? (gsize) (eol - (P->src + start)) : strlen (P->src + start);
  g_autofree char *text = g_strndup (P->src + start, line_len);
  GString *caret = g_string_new (NULL);
  for (gsize i = start; i < offset; i = g_utf8_next_char (P->src + i) - P->src)
    g_string_append_c (caret, P->src[i] == '\t' ? '\t' : ' ');
  g_string_append_c (caret, '^');
  glong avail = g_utf8_strlen (P->src + offset, start + line_len - MIN (offset, start + line_len));
  glong marks = MIN ((glong) g_utf8_strlen (P->src + offset, length), avail);
  for (glong i = 1; i < marks; i++)
    g_string_append_c (caret, '~');

  if (suggestion)
    g_set_error (P->error, BN_PARSE_ERROR, code, _("%u:%u: %s; did you mean \"%s\"?\n  %s\n  %s"), line, column, what,
                 suggestion, text, caret->str);
  else
    g_set_error (P->error, BN_PARSE_ERROR, code, "%u:%u: %s\n  %s\n  %s", line, column, what, text, caret->str);
  g_string_free (caret, TRUE);
  return FALSE;
}

static const char *
lookup_variable (Parser *P, const char *name)
{
  const char *v = g_hash_table_lookup (P->ctx->variables, name);
  return v ? v : g_getenv (name);
}

/* variable references nested in defaults, at most: each level rescans
 * the rest, so unbounded nesting would cost quadratic time and memory */
#define MAX_VARIABLE_NESTING 16

/* Expands ${NAME} or ${NAME:-default} at src[*i] (pointing at '$'). */
static gboolean
expand_variable (Parser *P, gsize *i, GString *out)
{
  const char *s = P->src;
  gsize start = *i, j = *i + 2, depth = 1;
  while (s[j] && depth) {
    if (s[j] == '{' && ++depth > MAX_VARIABLE_NESTING)
      return fail (P, start, 2, BN_PARSE_ERROR_SYNTAX, NULL, _("variable references nest deeper than %u levels"),
                   MAX_VARIABLE_NESTING);
    else if (s[j] == '}')
      depth--;
    if (depth)
      j++;
  }
  if (!s[j])
    return fail (P, start, j - start, BN_PARSE_ERROR_SYNTAX, NULL,
                 _("unterminated variable reference: add the closing '}'"));
  g_autofree char *body = g_strndup (s + start + 2, j - start - 2);
  char *sep = strstr (body, ":-");
  g_autofree char *name = g_strndup (body, sep ? (gsize) (sep - body) : strlen (body));
  if (!bn_parse_variable_name_is_valid (name))
    return fail (P, start, j + 1 - start, BN_PARSE_ERROR_SYNTAX, NULL,
                 _("invalid variable name \"%s\": use letters, digits and _, not starting with a digit"), name);
  const char *value = lookup_variable (P, name);
  if (value && *value) {
    g_string_append (out, value);
  } else if (sep) {
    /* the default may itself hold ${...}: expand it with a nested parser */
    Parser sub = *P;
    g_autofree char *def = g_strdup (sep + 2);
    sub.src = def;
    g_autoptr (GError) err = NULL;
    sub.error = &err;
    char quote = 0;
    for (gsize k = 0; def[k];) {
      if (def[k] == '$' && def[k + 1] == '{' && quote != '\'') {
        if (!expand_variable (&sub, &k, out))
          return fail (P, start, j + 1 - start, err->code, NULL, "%s",
                       _("invalid default value in variable reference"));
      } else if ((def[k] == '"' || def[k] == '\'') && (!quote || quote == def[k])) {
        /* quotes group the default as in the shell: ${X:-""} is empty */
        quote = quote ? 0 : def[k];
        k++;
      } else if (def[k] == '\\' && quote == '"' && def[k + 1]) {
        g_string_append_c (out, def[k + 1]);
        k += 2;
      } else {
        g_string_append_c (out, def[k++]);
      }
    }
    if (quote)
      return fail (P, start, j + 1 - start, BN_PARSE_ERROR_SYNTAX, NULL,
                   _("unterminated quote in the default of ${%s:-...}"), name);
  } else if (!value) {
    return fail (P, start, j + 1 - start, BN_PARSE_ERROR_UNDEFINED_VARIABLE, NULL,
                 _("variable %s is not set: define it (bn-launch -D %s=VALUE or the "
                    "environment) or give a default with ${%s:-VALUE}"),
                 name, name, name);
  }
  *i = j + 1;
  return TRUE;
}

static gboolean
is_separator (char c)
{
  return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '!';
}

static gboolean
lex (Parser *P)
{
  const char *s = P->src;
  gsize i = 0;

  for (;;) {
    while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
      i++;
    if (s[i] == '#') {
      while (s[i] && s[i] != '\n')
        i++;
      continue;
    }
    Token t = { TOK_EOF, NULL, i, 0, -1, 0, FALSE, -1, -1 };
    if (!s[i]) {
      g_array_append_val (P->tokens, t);
      return TRUE;
    }
    if (s[i] == '!') {
      t.type = TOK_LINK;
      t.length = 1;
      t.text = g_strdup ("!");
      g_array_append_val (P->tokens, t);
      i++;
      continue;
    }

    GString *out = g_string_new (NULL);
    gboolean only_quoted = s[i] == '"' || s[i] == '\'';
    while (!is_separator (s[i])) {
      char c = s[i];
      if (c == '"' || c == '\'') {
        gsize qstart = i++;
        t.quoted = TRUE;
        while (s[i] && s[i] != c) {
          if (c == '"' && s[i] == '\\' && s[i + 1]) {
            char e = s[i + 1];
            g_string_append_c (out, e == 'n' ? '\n' : e == 't' ? '\t' : e);
            i += 2;
          } else if (c == '"' && s[i] == '$' && s[i + 1] == '{') {
            if (!expand_variable (P, &i, out)) {
              g_string_free (out, TRUE);
              return FALSE;
            }
          } else {
            g_string_append_c (out, s[i++]);
          }
        }
        if (!s[i]) {
          g_string_free (out, TRUE);
          return fail (P, qstart, 1, BN_PARSE_ERROR_SYNTAX, NULL, _("unterminated %s quote: add the closing %c"),
                       c == '"' ? _("double") : _("single"), c);
        }
        i++;
        continue;
      }
      only_quoted = FALSE;
      if (c == '\\' && s[i + 1]) {
        g_string_append_c (out, s[i + 1]);
        i += 2;
        continue;
      }
      if (c == '$' && s[i + 1] == '{') {
        if (!expand_variable (P, &i, out)) {
          g_string_free (out, TRUE);
          return FALSE;
        }
        continue;
      }
      if (c == '=' && t.eq < 0) {
        t.eq = out->len;
        t.value_offset = i + 1;
      } else if (c == '.' && t.dot < 0 && t.eq < 0) {
        t.dot = out->len;
      } else if (c == '/' && t.slash < 0 && t.eq < 0) {
        t.slash = out->len;
      }
      g_string_append_c (out, c);
      i++;
    }
    t.type = only_quoted ? TOK_STRING : TOK_WORD;
    t.length = i - t.offset;
    t.text = g_string_free (out, FALSE);
    g_array_append_val (P->tokens, t);
  }
}

/* ---- parser --------------------------------------------------------------- */

typedef struct {
  BnElement *element; /* borrowed; NULL for a reference */
  char *ref;          /* referenced name */
  char *pad;          /* pad name or NULL */
  gsize offset, length;
} Endpoint;

typedef struct {
  Endpoint src, sink;
  BnCaps *filter;
  gsize offset; /* of the '!' */
  gsize filter_offset, filter_length;
} Link;

static void
link_clear (gpointer data)
{
  Link *l = data;
  g_free (l->src.ref);
  g_free (l->src.pad);
  g_free (l->sink.ref);
  g_free (l->sink.pad);
  g_clear_pointer (&l->filter, bn_caps_unref);
}

static Token *
peek (Parser *P)
{
  return &g_array_index (P->tokens, Token, P->pos);
}

static Token *
next (Parser *P)
{
  Token *t = peek (P);
  if (t->type != TOK_EOF)
    P->pos++;
  return t;
}

static gboolean
is_caps_token (const Token *t)
{
  return t->type == TOK_STRING || (t->type == TOK_WORD && t->slash >= 0);
}

static char **
property_names (GObjectClass *klass)
{
  guint n = 0;
  g_autofree GParamSpec **specs = g_object_class_list_properties (klass, &n);
  char **names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = g_strdup (specs[i]->name);
  return names;
}

static char **
factory_names (void)
{
  g_autoptr (GPtrArray) fs = bn_registry_get_factories ();
  char **names = g_new0 (char *, fs->len + 1);
  for (guint i = 0; i < fs->len; i++)
    names[i] = g_strdup (bn_element_factory_get_name (fs->pdata[i]));
  return names;
}

static gboolean
parse_element (Parser *P, Token *ft, Endpoint *ep)
{
  for (const char *c = ft->text; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      return fail (P, ft->offset, ft->length, BN_PARSE_ERROR_SYNTAX, NULL,
                   _("\"%s\" is not an element name (letters, digits, - and _)"), ft->text);

  BnElementFactory *factory = bn_element_factory_find (ft->text);
  if (!factory) {
    g_auto (GStrv) names = factory_names ();
    const char *sugg = _bn_suggest (ft->text, (const char *const *) names);
    g_ptr_array_insert (P->ctx->missing, P->ctx->missing->len - 1, g_strdup (ft->text));
    if (!names[0])
      return fail (P, ft->offset, ft->length, BN_PARSE_ERROR_NO_SUCH_ELEMENT, NULL,
                   _("no element \"%s\": no plugins are loaded (set BN_PLUGIN_PATH to the "
                      "directory of the gst-bitnet plugins)"),
                   ft->text);
    return fail (P, ft->offset, ft->length, BN_PARSE_ERROR_NO_SUCH_ELEMENT, sugg,
                 _("no element \"%s\" (bn-inspect lists them)"), ft->text);
  }

  GType type = bn_element_factory_get_element_type (factory);
  g_autoptr (GTypeClass) klass = g_type_class_ref (type);
  g_autoptr (GPtrArray) pnames = g_ptr_array_new ();
  g_autoptr (GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
  const char *name = NULL;
  gsize name_offset = 0, name_length = 0;

  while (peek (P)->type == TOK_WORD && peek (P)->eq >= 0 && !is_caps_token (peek (P))) {
    Token *pt = next (P);
    g_autofree char *key = g_strndup (pt->text, pt->eq);
    const char *val = pt->text + pt->eq + 1;
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), key);
    if (!pspec) {
      g_auto (GStrv) names = property_names (G_OBJECT_CLASS (klass));
      return fail (P, pt->offset, pt->eq, BN_PARSE_ERROR_NO_SUCH_PROPERTY,
                   _bn_suggest (key, (const char *const *) names),
                   _("element \"%s\" has no property \"%s\" (bn-inspect %s lists them)"), ft->text, key, ft->text);
    }
    if (!(pspec->flags & G_PARAM_WRITABLE))
      return fail (P, pt->offset, pt->length, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, NULL,
                   _("property \"%s\" of element \"%s\" is read-only"), key, ft->text);
    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_PARAM_SPEC_VALUE_TYPE (pspec));
    g_autoptr (GError) err = NULL;
    if (!bn_value_set_from_string (&v, pspec, val, &err)) {
      g_value_unset (&v);
      gsize vlen = pt->offset + pt->length - pt->value_offset;
      return fail (P, pt->value_offset, MAX (vlen, 1), BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, NULL,
                   _("cannot set property \"%s\" of element \"%s\": %s"), key, ft->text, err->message);
    }
    /* a later setting of the same property wins */
    for (guint i = 0; i < pnames->len; i++)
      if (!strcmp (pnames->pdata[i], pspec->name)) {
        g_ptr_array_remove_index (pnames, i);
        g_array_remove_index (values, i);
        break;
      }
    g_ptr_array_add (pnames, (gpointer) pspec->name);
    g_array_append_val (values, v);
    if (!strcmp (pspec->name, "name")) {
      name = g_value_get_string (&g_array_index (values, GValue, values->len - 1));
      name_offset = pt->value_offset;
      name_length = pt->offset + pt->length - pt->value_offset;
    }
  }

  if (name) {
    if (!*name || strchr (name, '.') || strchr (name, '/'))
      return fail (P, name_offset, MAX (name_length, 1), BN_PARSE_ERROR_SYNTAX, NULL,
                   _("element name \"%s\" must be non-empty without '.' or '/'"), name);
    if (g_hash_table_contains (P->names, name))
      return fail (P, name_offset, name_length, BN_PARSE_ERROR_DUPLICATE_NAME, NULL,
                   _("another element is already named \"%s\""), name);
  }

  BnElement *element = bn_element_factory_create (factory, name);
  for (guint i = 0; i < pnames->len; i++)
    if (strcmp (pnames->pdata[i], "name"))
      g_object_set_property (G_OBJECT (element), pnames->pdata[i], &g_array_index (values, GValue, i));
  /* auto-generated names could clash with a name given in the text */
  if (!name)
    while (g_hash_table_contains (P->names, bn_element_get_name (element))) {
      g_object_ref_sink (element);
      g_object_unref (element);
      element = bn_element_factory_create (factory, NULL);
      for (guint i = 0; i < pnames->len; i++)
        g_object_set_property (G_OBJECT (element), pnames->pdata[i], &g_array_index (values, GValue, i));
    }
  bn_bin_add (BN_BIN (P->pipeline), element);
  g_hash_table_insert (P->names, (gpointer) bn_element_get_name (element), element);
  ep->element = element;
  ep->offset = ft->offset;
  ep->length = ft->length;
  return TRUE;
}

static gboolean
parse_endpoint (Parser *P, Endpoint *ep)
{
  Token *t = next (P);
  switch (t->type) {
  case TOK_EOF: return fail (P, t->offset, 1, BN_PARSE_ERROR_SYNTAX, NULL, _("expected an element"));
  case TOK_LINK:
    return fail (P, t->offset, 1, BN_PARSE_ERROR_SYNTAX, NULL, _("unexpected '!': expected an element before it"));
  case TOK_STRING:
    return fail (P, t->offset, t->length, BN_PARSE_ERROR_SYNTAX, NULL,
                 _("caps \"%s\" must stand between two links (a ! CAPS ! b)"), t->text);
  case TOK_WORD: break;
  }
  if (t->slash >= 0)
    return fail (P, t->offset, t->length, BN_PARSE_ERROR_SYNTAX, NULL,
                 _("caps \"%s\" must stand between two links (a ! CAPS ! b)"), t->text);
  if (t->eq >= 0) {
    return fail (P, t->offset, t->length, BN_PARSE_ERROR_SYNTAX, NULL,
                 _("property setting \"%s\" has no element before it"), t->text);
  }
  if (t->dot >= 0) {
    if (t->dot == 0)
      return fail (P, t->offset, t->length, BN_PARSE_ERROR_SYNTAX, NULL,
                   _("a reference needs an element name before the '.'"));
    ep->ref = g_strndup (t->text, t->dot);
    ep->pad = t->text[t->dot + 1] ? g_strdup (t->text + t->dot + 1) : NULL;
    ep->offset = t->offset;
    ep->length = t->length;
    if (peek (P)->type == TOK_WORD && peek (P)->eq >= 0 && peek (P)->slash < 0)
      return fail (P, peek (P)->offset, peek (P)->length, BN_PARSE_ERROR_SYNTAX, NULL,
                   _("properties follow a factory name, not a reference like \"%s\""), t->text);
    return TRUE;
  }
  return parse_element (P, t, ep);
}

static gboolean
parse_chain (Parser *P)
{
  Endpoint left = { 0 };
  if (!parse_endpoint (P, &left)) {
    g_free (left.ref);
    g_free (left.pad);
    return FALSE;
  }
  while (peek (P)->type == TOK_LINK) {
    Link link = { 0 };
    Token *bang = next (P);
    link.src = left;
    link.offset = bang->offset;
    memset (&left, 0, sizeof left);
    g_array_append_val (P->links, link);
    Link *l = &g_array_index (P->links, Link, P->links->len - 1);

    if (is_caps_token (peek (P))) {
      Token *ct = next (P);
      g_autoptr (GError) err = NULL;
      l->filter = bn_caps_from_string (ct->text, &err);
      if (!l->filter)
        return fail (P, ct->offset, ct->length, BN_PARSE_ERROR_SYNTAX, NULL, "%s", err->message);
      l->filter_offset = ct->offset;
      l->filter_length = ct->length;
      if (peek (P)->type != TOK_LINK)
        return fail (P, ct->offset, ct->length, BN_PARSE_ERROR_SYNTAX, NULL,
                     _("caps must be followed by '!' and an element"));
      next (P);
    }
    if (peek (P)->type == TOK_EOF)
      return fail (P, bang->offset, 1, BN_PARSE_ERROR_SYNTAX, NULL, _("'!' at the end: link it to an element"));
    Endpoint right = { 0 };
    if (!parse_endpoint (P, &right)) {
      g_free (right.ref);
      g_free (right.pad);
      return FALSE;
    }
    l->sink = right;
    left.element = right.element;
    left.ref = g_strdup (right.ref);
    left.pad = g_strdup (right.pad);
    left.offset = right.offset;
    left.length = right.length;
  }
  g_free (left.ref);
  g_free (left.pad);
  return TRUE;
}

static BnElement *
resolve (Parser *P, Endpoint *ep)
{
  if (ep->element)
    return ep->element;
  BnElement *e = g_hash_table_lookup (P->names, ep->ref);
  if (e)
    return e;
  g_autofree gpointer *names = g_hash_table_get_keys_as_array (P->names, NULL);
  fail (P, ep->offset, strlen (ep->ref) + 1, BN_PARSE_ERROR_NO_SUCH_ELEMENT,
        _bn_suggest (ep->ref, (const char *const *) names),
        _("no element named \"%s\" in this pipeline (name one with name=%s)"), ep->ref, ep->ref);
  return NULL;
}

static gboolean
make_links (Parser *P)
{
  for (guint i = 0; i < P->links->len; i++) {
    Link *l = &g_array_index (P->links, Link, i);
    BnElement *src = resolve (P, &l->src);
    if (!src)
      return FALSE;
    BnElement *sink = resolve (P, &l->sink);
    if (!sink)
      return FALSE;
    g_autoptr (GError) err = NULL;
    if (!bn_element_link_pads (src, l->src.pad, sink, l->sink.pad, l->filter, &err)) {
      /* point at the filter when there is one: it is what narrowed the link */
      if (l->filter)
        return fail (P, l->filter_offset, l->filter_length, BN_PARSE_ERROR_LINK, NULL, "%s", err->message);
      return fail (P, l->offset, 1, BN_PARSE_ERROR_LINK, NULL, "%s", err->message);
    }
  }
  return TRUE;
}

/**
 * bn_parse_launch_full:
 * @description: the pipeline in text
 * @context: (nullable): variables, and where to record an error's position
 * @error: return location for a #GError
 *
 * Builds a pipeline from @description (see the grammar above).
 *
 * Returns: (transfer full) (nullable): a new #BnPipeline, or %NULL with
 *   @error set in the #BN_PARSE_ERROR domain.
 *
 * Since: 0.1
 */
BnElement *
bn_parse_launch_full (const char *description, BnParseContext *context, GError **error)
{
  g_return_val_if_fail (description != NULL, NULL);
  g_autoptr (BnParseContext) own = NULL;
  if (!context)
    context = own = bn_parse_context_new ();
  context->line = context->column = 0;
  g_clear_pointer (&context->suggestion, g_free);
  g_ptr_array_set_size (context->missing, 0);
  g_ptr_array_add (context->missing, NULL);

  if (!g_utf8_validate (description, -1, NULL)) {
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_SYNTAX, _("the pipeline description is not valid UTF-8"));
    return NULL;
  }

  static gint counter;
  g_autofree char *pname = g_strdup_printf ("pipeline%d", g_atomic_int_add (&counter, 1));
  BnElement *pipeline = g_object_ref_sink (bn_pipeline_new (pname));
  Parser P = { description, context, error, NULL, 0, BN_PIPELINE (pipeline), NULL, NULL };
  P.tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  g_array_set_clear_func (P.tokens, token_clear);
  P.links = g_array_new (FALSE, TRUE, sizeof (Link));
  g_array_set_clear_func (P.links, link_clear);
  P.names = g_hash_table_new (g_str_hash, g_str_equal);

  gboolean ok = lex (&P);
  if (ok && peek (&P)->type == TOK_EOF) {
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_EMPTY,
                 _("the pipeline description is empty: give at least one element"));
    ok = FALSE;
  }
  while (ok && peek (&P)->type != TOK_EOF)
    ok = parse_chain (&P);
  if (ok)
    ok = make_links (&P);

  g_array_unref (P.tokens);
  g_array_unref (P.links);
  g_hash_table_unref (P.names);
  if (!ok)
    g_clear_object (&pipeline);
  return pipeline;
}

/**
 * bn_parse_launch:
 * @description: the pipeline in text
 * @error: return location for a #GError
 *
 * Builds a pipeline from @description, expanding variables from the
 * environment.
 *
 * Returns: (transfer full) (nullable): a new #BnPipeline, or %NULL.
 *
 * Since: 0.1
 */
BnElement *
bn_parse_launch (const char *description, GError **error)
{
  return bn_parse_launch_full (description, NULL, error);
}

/**
 * bn_parse_launchv:
 * @argv: (array zero-terminated=1): the description split into arguments,
 *   as a shell passes them
 * @error: return location for a #GError
 *
 * Joins @argv with spaces, escaping spaces and quotes inside each argument
 * so that `location=my file.gguf` stays one value, then parses it.
 *
 * Returns: (transfer full) (nullable): a new #BnPipeline, or %NULL.
 *
 * Since: 0.1
 */
BnElement *
bn_parse_launchv (const char *const *argv, GError **error)
{
  g_return_val_if_fail (argv != NULL, NULL);
  GString *s = g_string_new (NULL);
  for (guint i = 0; argv[i]; i++) {
    if (i)
      g_string_append_c (s, ' ');
    for (const char *c = argv[i]; *c; c++) {
      if (strchr (" \t\n\"'\\#", *c) && !(*c == '#' && c != argv[i]))
        g_string_append_c (s, '\\');
      g_string_append_c (s, *c);
    }
  }
  g_autofree char *desc = g_string_free (s, FALSE);
  return bn_parse_launch (desc, error);
}
