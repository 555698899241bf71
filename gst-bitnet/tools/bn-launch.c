/* bn-launch: run a pipeline described in text
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gst-bitnet/bn.h>
#include <gst-bitnet/bn-file-private.h>
#include <gst-bitnet/bn-i18n-private.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Exit codes, documented in --help and bn-launch(1). */
enum {
  EXIT_OK = 0,
  EXIT_RUNTIME = 1,
  EXIT_USAGE = 2,
  EXIT_REGRESSION = 3,
  EXIT_STRICT = 4,
  EXIT_TIMEOUT = 124, /* as timeout(1) */
  EXIT_INTERRUPTED = 130,
};

typedef struct {
  GMainLoop *loop;
  BnPipeline *pipeline;
  int exit_code;
  gboolean verbose, messages, quiet;
  gboolean tty;
  gboolean bar_shown;
  GHashTable *last_percent; /* element path -> last printed percent, for plain lines */
  gboolean interrupted;
  gboolean timed_out;
  double timeout;       /* seconds, 0 = none */
  char *last_path;      /* the element that reported progress last */
  double last_fraction; /* its fraction done, < 0 unknown */
  char *last_text;      /* its progress text */
} App;

/* Seconds between the timeout's cancellation and a forced exit, for an
 * element that does not check its cancellable. */
#define TIMEOUT_GRACE_S 5
/* an element deaf to cancellation (a computation with no check, a blocked
 * call) cannot keep the process past this after SIGINT or SIGTERM */
#define INTERRUPT_GRACE_S 3

static void
clear_bar (App *app)
{
  if (app->bar_shown) {
    fprintf (stderr, "\r\033[K");
    fflush (stderr);
    app->bar_shown = FALSE;
  }
}

static void
show_progress (App *app, BnMessage *msg)
{
  double fraction;
  const char *text;
  bn_message_parse_progress (msg, &fraction, &text);
  const char *path = bn_message_get_src_path (msg);
  const char *name = strrchr (path, '/') ? strrchr (path, '/') + 1 : path;

  g_free (app->last_path);
  app->last_path = g_strdup (path);
  g_free (app->last_text);
  app->last_text = g_strdup (text);
  app->last_fraction = fraction;
  if (app->quiet || app->messages)
    return;

  if (app->tty) {
    const int width = 30;
    char bar[64];
    int filled = fraction < 0 ? 0 : (int) (fraction * width + 0.5);
    for (int i = 0; i < width; i++)
      bar[i] = i < filled ? '#' : '-';
    bar[width] = '\0';
    if (fraction < 0)
      fprintf (stderr, "\r\033[K%s: [%s] %s", name, bar, text ? text : "");
    else
      fprintf (stderr, "\r\033[K%s: [%s] %5.1f%% %s", name, bar, fraction * 100.0, text ? text : "");
    fflush (stderr);
    app->bar_shown = TRUE;
    return;
  }
  /* not a terminal: a plain line at each 10% step */
  int pct = fraction < 0 ? -1 : (int) (fraction * 100.0);
  int step = pct < 0 ? -1 : pct / 10;
  gpointer last;
  if (g_hash_table_lookup_extended (app->last_percent, path, NULL, &last) && GPOINTER_TO_INT (last) == step)
    return;
  g_hash_table_replace (app->last_percent, g_strdup (path), GINT_TO_POINTER (step));
  if (pct < 0)
    printf (_("Progress: %s: %s\n"), name, text ? text : "");
  else
    printf (_("Progress: %s: %d%% %s\n"), name, pct, text ? text : "");
  fflush (stdout);
}

static int
exit_code_for (const GError *error)
{
  if (error->domain == BN_STRICT_ERROR)
    return EXIT_STRICT;
  if (error->domain == BN_REGRESSION_ERROR)
    return EXIT_REGRESSION;
  if (error->domain == BN_CORE_ERROR && error->code == BN_CORE_ERROR_CANCELLED)
    return EXIT_INTERRUPTED;
  return EXIT_RUNTIME;
}

/* Says which element was running when the timeout struck and how far it got. */
static void
print_timeout (App *app)
{
  if (!app->last_path)
    g_printerr (_("Timeout: the pipeline was stopped after %g s, before any element reported "
                   "progress; no receipt or baseline was written. Raise --timeout or make the "
                   "run shorter.\n"),
                app->timeout);
  else if (app->last_fraction >= 0)
    g_printerr (_("Timeout: the pipeline was stopped after %g s while %s was running "
                   "(%.0f%% done: %s); no receipt or baseline was written. Raise --timeout or "
                   "make the run shorter.\n"),
                app->timeout, app->last_path, app->last_fraction * 100.0, app->last_text ? app->last_text : "");
  else
    g_printerr (_("Timeout: the pipeline was stopped after %g s while %s was running (%s); "
                   "no receipt or baseline was written. Raise --timeout or make the run "
                   "shorter.\n"),
                app->timeout, app->last_path, app->last_text ? app->last_text : "");
}

static gboolean
on_message (BnBus *bus, BnMessage *msg, gpointer data)
{
  App *app = data;
  BnMessageType type = bn_message_get_message_type (msg);

  if (type != BN_MESSAGE_PROGRESS)
    clear_bar (app);
  if (app->messages) {
    g_autofree char *s = bn_message_to_string (msg);
    printf ("%s\n", s);
    fflush (stdout);
  }

  switch (type) {
  case BN_MESSAGE_ERROR: {
    g_autoptr (GError) error = NULL;
    g_autofree char *debug = NULL;
    bn_message_parse_error (msg, &error, &debug);
    if (app->exit_code == EXIT_OK) {
      app->exit_code = exit_code_for (error);
      if (app->exit_code == EXIT_INTERRUPTED && app->timed_out) {
        app->exit_code = EXIT_TIMEOUT;
        print_timeout (app);
      } else if (app->exit_code == EXIT_INTERRUPTED && app->interrupted) {
        if (!app->quiet)
          g_printerr (_("Interrupted: the pipeline stopped before end of stream.\n"));
      } else {
        g_printerr (_("ERROR: from element %s: %s\n"), bn_message_get_src_path (msg), error->message);
        if (debug)
          g_printerr (_("Additional debug info:\n%s\n"), debug);
      }
    }
    g_main_loop_quit (app->loop);
    break;
  }
  case BN_MESSAGE_WARNING: {
    g_autoptr (GError) error = NULL;
    g_autofree char *debug = NULL;
    bn_message_parse_warning (msg, &error, &debug);
    if (!app->quiet)
      g_printerr (_("WARNING: from element %s: %s\n"), bn_message_get_src_path (msg), error->message);
    break;
  }
  case BN_MESSAGE_INFO:
    if (app->verbose && !app->messages)
      printf (_("INFO: from element %s: %s\n"), bn_message_get_src_path (msg), bn_message_get_text (msg));
    break;
  case BN_MESSAGE_ELEMENT:
    if (app->verbose && !app->messages) {
      GVariant *payload = bn_message_get_payload (msg);
      g_autofree char *p = payload ? g_variant_print (payload, FALSE) : g_strdup ("");
      printf (_("Element message from %s: %s %s\n"), bn_message_get_src_path (msg), bn_message_get_name (msg), p);
    }
    break;
  case BN_MESSAGE_PROGRESS: show_progress (app, msg); break;
  case BN_MESSAGE_EOS:
    if (!app->quiet)
      printf (_("Got end of stream from %s\n"), bn_message_get_src_path (msg));
    g_main_loop_quit (app->loop);
    break;
  default: break;
  }
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt_grace_expired (gpointer data)
{
  App *app = data;
  clear_bar (app);
  g_printerr (_("The running element did not stop within %d s of the interrupt: exiting now.\n"), INTERRUPT_GRACE_S);
  _exit (EXIT_INTERRUPTED);
  return G_SOURCE_REMOVE;
}

static gboolean
on_sigint (gpointer data)
{
  App *app = data;
  clear_bar (app);
  if (app->interrupted) {
    g_printerr (_("Interrupted twice: exiting now.\n"));
    _exit (EXIT_INTERRUPTED);
  }
  app->interrupted = TRUE;
  if (!app->quiet)
    g_printerr (_("Interrupt: stopping the pipeline...\n"));
  bn_pipeline_cancel (app->pipeline);
  g_timeout_add_seconds (INTERRUPT_GRACE_S, on_interrupt_grace_expired, app);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_grace_expired (gpointer data)
{
  App *app = data;
  clear_bar (app);
  print_timeout (app);
  g_printerr (_("The running element did not stop within %d s of the timeout: exiting now.\n"), TIMEOUT_GRACE_S);
  _exit (EXIT_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static gboolean
on_timeout (gpointer data)
{
  App *app = data;
  clear_bar (app);
  app->timed_out = TRUE;
  bn_pipeline_cancel (app->pipeline);
  g_timeout_add_seconds (TIMEOUT_GRACE_S, on_grace_expired, app);
  return G_SOURCE_REMOVE;
}

static void
print_properties (BnPipeline *pipeline)
{
  g_autoptr (GPtrArray) elements = bn_bin_get_elements_recursive (BN_BIN (pipeline));
  for (guint i = 0; i < elements->len; i++) {
    BnElement *e = elements->pdata[i];
    g_autofree char *path = bn_element_get_path_string (e);
    guint n = 0;
    g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n);
    for (guint j = 0; j < n; j++) {
      GParamSpec *p = specs[j];
      if (!(p->flags & G_PARAM_READABLE) || !(p->flags & G_PARAM_WRITABLE) || !strcmp (p->name, "name"))
        continue;
      GValue v = G_VALUE_INIT;
      g_value_init (&v, p->value_type);
      g_object_get_property (G_OBJECT (e), p->name, &v);
      if (g_param_value_defaults (p, &v)) {
        g_value_unset (&v);
        continue;
      }
      g_autofree char *s = bn_value_to_display_string (&v);
      printf ("%s: %s = %s\n", path, p->name, s);
      g_value_unset (&v);
    }
  }
}

static char *
dot_escape (const char *s)
{
  GString *out = g_string_new (NULL);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      g_string_append_c (out, '\\');
    g_string_append_c (out, *s);
  }
  return g_string_free (out, FALSE);
}

static gboolean
write_dot (BnPipeline *pipeline, const char *filename, GError **error)
{
  GString *dot = g_string_new ("digraph pipeline {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans\"];\n");
  g_autoptr (GPtrArray) elements = bn_bin_get_elements_recursive (BN_BIN (pipeline));
  for (guint i = 0; i < elements->len; i++) {
    BnElement *e = elements->pdata[i];
    g_autofree char *name = dot_escape (bn_element_get_name (e));
    const char *f = bn_element_get_factory_name (e);
    g_autofree char *factory = dot_escape (f ? f : G_OBJECT_TYPE_NAME (e));
    g_string_append_printf (dot, "  \"%s\" [label=\"%s\\n(%s)\"];\n", name, name, factory);
  }
  for (guint i = 0; i < elements->len; i++) {
    GPtrArray *pads = bn_element_get_pads (elements->pdata[i]);
    for (guint j = 0; j < pads->len; j++) {
      BnPad *p = pads->pdata[j];
      BnPad *peer = bn_pad_get_peer (p);
      if (bn_pad_get_direction (p) != BN_PAD_SRC || !peer)
        continue;
      g_autofree char *caps = bn_caps_to_string (bn_pad_get_link_caps (p));
      g_autofree char *a = dot_escape (bn_element_get_name (elements->pdata[i]));
      g_autofree char *b = dot_escape (bn_element_get_name (bn_pad_get_parent_element (peer)));
      g_autofree char *c = dot_escape (caps);
      g_string_append_printf (dot, "  \"%s\" -> \"%s\" [taillabel=\"%s\", headlabel=\"%s\", label=\"%s\"];\n", a, b,
                              bn_pad_get_name (p), bn_pad_get_name (peer), c);
    }
  }
  g_string_append (dot, "}\n");
  gboolean ok = bn_file_replace_contents (filename, dot->str, (gssize) dot->len, error);
  g_string_free (dot, TRUE);
  return ok;
}

int
main (int argc, char **argv)
{
  g_autofree char *file = NULL;
  g_autofree char *dot = NULL;
  g_auto (GStrv) defines = NULL;
  g_auto (GStrv) rest = NULL;
  gboolean verbose = FALSE, messages = FALSE, quiet = FALSE, version = FALSE;
  double timeout = 0;
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C"); /* numbers in files and messages keep the decimal point */
  bn_i18n_bind_textdomain ();
  textdomain (GETTEXT_PACKAGE);

  GOptionEntry entries[] = {
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &file, N_("Read the pipeline from FILE (.bnp)"), N_("FILE") },
    { "define", 'D', 0, G_OPTION_ARG_STRING_ARRAY, &defines,
      N_("Set variable VAR for ${VAR} in the description (overrides the environment)"), N_("VAR=VALUE") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Print property settings and element messages"), NULL },
    { "messages", 'm', 0, G_OPTION_ARG_NONE, &messages, N_("Print every bus message"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print only errors"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout,
      N_("Cancel the pipeline after SECONDS and exit with status 124"), N_("SECONDS") },
    { "dot", 0, 0, G_OPTION_ARG_FILENAME, &dot, N_("Write the pipeline graph to FILE as Graphviz DOT"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, N_("PIPELINE-DESCRIPTION") },
    { NULL },
  };
  g_autoptr (GOptionContext) octx = g_option_context_new (N_("PIPELINE-DESCRIPTION"));
  g_option_context_set_translation_domain (octx, GETTEXT_PACKAGE);
  g_option_context_set_summary (octx, _("Builds and runs a gst-bitnet pipeline, e.g.\n"
                                         "  bn-launch fakesrc num-items=3 ! tee name=t  t. ! fakesink  t. ! fakesink\n"
                                         "  bn-launch -f pipelines/benchmark.bnp -D TOKENS=32"));
  g_option_context_set_description (
      octx, _("Exit status:\n"
               "  0    the pipeline reached end of stream\n"
               "  1    an element failed at run time (the message names it)\n"
               "  2    usage error, or the pipeline description is invalid\n"
               "  3    a regression gate failed (critical regression with fail-on-regression)\n"
               "  4    strict validation failed\n"
               "  124  --timeout expired: the pipeline was cancelled, no receipt or baseline written\n"
               "  130  interrupted (Ctrl-C)\n"
               "\n"
               "Environment: BN_PLUGIN_PATH (plugin directories), BITNET_* variables read by\n"
               "elements (see bn-launch(1) and bn-inspect), and BN_DEBUG, which selects debug\n"
               "output: rules PATTERN[:LEVEL] separated by commas, PATTERN a log domain\n"
               "(bn-core, bn-model, bn-bench, bn-<plugin> such as bn-engine; * matches any\n"
               "text, all is *), LEVEL debug (the default), info or none; the last matching\n"
               "rule wins. Example: BN_DEBUG=bn-engine:debug shows the engine plugin's debug\n"
               "messages only."));
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (octx, &argc, &argv, &error)) {
    g_printerr ("bn-launch: %s\n%s", error->message, _("Run bn-launch --help for usage.\n"));
    return EXIT_USAGE;
  }
  if (version) {
    printf ("bn-launch %s%s%s\n", BN_VERSION, *BN_BUILD_COMMIT ? " " : "", BN_BUILD_COMMIT);
    return EXIT_OK;
  }
  if (timeout < 0 || timeout > G_MAXUINT / 1000) {
    g_printerr (_("bn-launch: --timeout must be a number of seconds between 0 and %u, got %g\n"), G_MAXUINT / 1000,
                timeout);
    return EXIT_USAGE;
  }
  if (file && rest) {
    g_printerr (_("bn-launch: give either -f FILE or a description, not both\n"));
    return EXIT_USAGE;
  }
  if (!file && !rest) {
    g_printerr (_("bn-launch: no pipeline given: pass a description or -f FILE.bnp\n"
                   "Run bn-launch --help for usage.\n"));
    return EXIT_USAGE;
  }

  bn_init (&argc, &argv);

  g_autoptr (BnParseContext) pctx = bn_parse_context_new ();
  for (guint i = 0; defines && defines[i]; i++) {
    const char *eq = strchr (defines[i], '=');
    if (!eq || eq == defines[i]) {
      g_printerr (_("bn-launch: -D needs VAR=VALUE, got \"%s\"\n"), defines[i]);
      return EXIT_USAGE;
    }
    g_autofree char *name = g_strndup (defines[i], eq - defines[i]);
    if (!bn_parse_variable_name_is_valid (name)) {
      g_printerr (_("bn-launch: -D %s: \"%s\" is not a variable name (letters, digits and _, not starting "
                     "with a digit)\n"),
                  defines[i], name);
      return EXIT_USAGE;
    }
    bn_parse_context_set_variable (pctx, name, eq + 1);
  }

  g_autofree char *description = NULL;
  if (file) {
    gsize length = 0;
    /* bounded, and a FIFO or device refused instead of blocking */
    if (!bn_file_read_bounded (file, _("pipeline file"), 64u << 20, &description, &length, &error)) {
      g_printerr (_("bn-launch: cannot read pipeline file: %s\n"), error->message);
      return EXIT_USAGE;
    }
    const char *nul = memchr (description, '\0', length);
    if (nul) {
      guint line = 1, column = 1;
      for (const char *c = description; c < nul; c++, column++)
        if (*c == '\n') {
          line++;
          column = 0;
        }
      g_printerr (_("bn-launch: %s:%u:%u: a NUL byte (offset %zu): a pipeline file is text\n"), file, line, column,
                  (gsize) (nul - description));
      return EXIT_USAGE;
    }
  } else {
    /* re-quote as the shell split it */
    GString *s = g_string_new (NULL);
    for (guint i = 0; rest[i]; i++) {
      if (i)
        g_string_append_c (s, ' ');
      gboolean plain = TRUE;
      for (const char *c = rest[i]; *c; c++)
        if (strchr (" \t\n\"'\\", *c))
          plain = FALSE;
      if (plain || !strcmp (rest[i], "!")) {
        g_string_append (s, rest[i]);
      } else {
        for (const char *c = rest[i]; *c; c++) {
          if (strchr (" \t\n\"'\\", *c))
            g_string_append_c (s, '\\');
          g_string_append_c (s, *c);
        }
      }
    }
    description = g_string_free (s, FALSE);
  }

  g_autoptr (BnElement) element = bn_parse_launch_full (description, pctx, &error);
  if (!element) {
    g_printerr (_("bn-launch: erroneous pipeline: %s%s%s\n"), file ? file : "", file ? ":" : "", error->message);
    return EXIT_USAGE;
  }
  BnPipeline *pipeline = BN_PIPELINE (element);
  if (!bn_pipeline_check (pipeline, &error)) {
    g_printerr (_("bn-launch: erroneous pipeline: %s\n"), error->message);
    return EXIT_USAGE;
  }
  if (dot && !write_dot (pipeline, dot, &error)) {
    g_printerr (_("bn-launch: cannot write %s: %s\n"), dot, error->message);
    return EXIT_RUNTIME;
  }
  if (verbose && !quiet)
    print_properties (pipeline);

  App app = { 0 };
  app.loop = g_main_loop_new (NULL, FALSE);
  app.pipeline = pipeline;
  app.verbose = verbose;
  app.messages = messages;
  app.quiet = quiet;
  app.tty = isatty (STDERR_FILENO) && g_getenv ("TERM") && strcmp (g_getenv ("TERM"), "dumb");
  app.last_percent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  app.timeout = timeout;
  app.last_fraction = -1;

  guint watch = bn_bus_add_watch (bn_pipeline_get_bus (pipeline), on_message, &app, NULL);
  guint sig = g_unix_signal_add (SIGINT, on_sigint, &app);
  guint sigterm = g_unix_signal_add (SIGTERM, on_sigint, &app);

  if (!quiet)
    printf (_("Running pipeline...\n"));
  fflush (stdout);
  gint64 t0 = g_get_monotonic_time ();
  if (timeout > 0)
    g_timeout_add ((guint) (timeout * 1000), on_timeout, &app);
  if (bn_pipeline_start (pipeline, &error)) {
    g_main_loop_run (app.loop);
  } else {
    /* the error message is on the bus too; drain it */
    while (g_main_context_iteration (NULL, FALSE))
      ;
    if (app.exit_code == EXIT_OK) {
      g_printerr (_("ERROR: %s\n"), error->message);
      app.exit_code = EXIT_RUNTIME;
    }
  }
  bn_pipeline_stop (pipeline);
  gint64 elapsed = g_get_monotonic_time () - t0;
  clear_bar (&app);

  g_source_remove (watch);
  g_source_remove (sig);
  g_source_remove (sigterm);
  if (!quiet) {
    gint64 s = elapsed / G_USEC_PER_SEC;
    printf (_("Execution ended after %" PRId64 ":%02" PRId64 ":%02" PRId64 ".%06" PRId64 "\n"), s / 3600,
            (s / 60) % 60, s % 60, elapsed % G_USEC_PER_SEC);
  }
  g_main_loop_unref (app.loop);
  g_hash_table_unref (app.last_percent);
  g_free (app.last_path);
  g_free (app.last_text);
  return app.exit_code;
}
