/* Tests of bn-launch and bn-inspect, run as subprocesses. */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <libintl.h>
#include <locale.h>
#include <string.h>

typedef struct {
  int status;
  char *out, *err;
} Result;

static void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* The German setting of the translation tests: LC_ALL and LANGUAGE (NULL:
 * unset). */
typedef struct {
  const char *locale;
  const char *language;
} German;

/* Runs @tool_env's tool with @args; under @g's locale when @g is given, and
 * with BN_LOCALEDIR=@localedir when that is given (else in the environment
 * of the test). */
static Result
run_tool_in (const German *g, const char *localedir, const char *tool_env, const char *const *args)
{
  const char *tool = g_getenv (tool_env);
  g_assert_nonnull (tool);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) tool);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GSubprocessLauncher) l =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (g) {
    g_subprocess_launcher_setenv (l, "LC_ALL", g->locale, TRUE);
    if (g->language)
      g_subprocess_launcher_setenv (l, "LANGUAGE", g->language, TRUE);
    else
      g_subprocess_launcher_unsetenv (l, "LANGUAGE");
  }
  if (localedir)
    g_subprocess_launcher_setenv (l, "BN_LOCALEDIR", localedir, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  Result r = { 0 };
  g_subprocess_communicate_utf8 (p, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
  return r;
}

static Result
run_tool (const char *tool_env, const char *const *args)
{
  return run_tool_in (NULL, NULL, tool_env, args);
}

#define LAUNCH(...) run_tool ("BN_LAUNCH", (const char *const[]){ __VA_ARGS__, NULL })
#define INSPECT(...) run_tool ("BN_INSPECT", (const char *const[]){ __VA_ARGS__, NULL })
#define LAUNCH_IN(g, dir, ...) run_tool_in (g, dir, "BN_LAUNCH", (const char *const[]){ __VA_ARGS__, NULL })

static void
assert_contains (const char *hay, const char *needle)
{
  if (!strstr (hay, needle))
    g_error ("expected to find «%s» in:\n%s", needle, hay);
}

static void
test_launch_success (void)
{
  Result r = LAUNCH ("fakesrc", "num-items=3", "!", "tee", "name=t", "t.", "!", "fakesink", "t.", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "Got end of stream from /pipeline");
  assert_contains (r.out, "Execution ended after");
  result_clear (&r);
}

static void
test_launch_misspelled (void)
{
  Result r = LAUNCH ("fakesrc", "!", "fakesnk");
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.err, "1:11: no element \"fakesnk\"");
  assert_contains (r.err, "did you mean \"fakesink\"?");
  assert_contains (r.err, "\n  fakesrc ! fakesnk\n            ^~~~~~~");
  result_clear (&r);

  r = LAUNCH ("fakesrc", "num-itmes=2", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.err, "did you mean \"num-items\"?");
  assert_contains (r.err, "^~~~~~~~~");
  result_clear (&r);
}

static void
test_launch_exit_codes (void)
{
  Result r = LAUNCH ("fakesrc", "num-items=3", "!", "test-fail", "name=breaker", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "ERROR: from element /pipeline");
  assert_contains (r.err, "/breaker: test-fail failed on purpose");
  result_clear (&r);

  r = LAUNCH ("fakesrc", "!", "test-fail", "domain=strict", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 4);
  assert_contains (r.err, "Strict mode: Mock computation detected");
  result_clear (&r);

  r = LAUNCH ("fakesrc", "!", "test-fail", "domain=regression", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 3);
  result_clear (&r);

  r = LAUNCH ("fakesrc", "!", "test-fail", "where=start", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 1);
  result_clear (&r);

  /* an unlinked pad is a description error */
  r = LAUNCH ("fakesrc");
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.err, "is not linked");
  result_clear (&r);

  r = LAUNCH ("--no-such-option");
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);

  r = LAUNCH ("-f", "/nonexistent/x.bnp");
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.err, "/nonexistent/x.bnp");
  result_clear (&r);
}

static void
test_launch_file_and_defines (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bn-launch-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "p.bnp", NULL);
  g_autofree char *dot = g_build_filename (dir, "p.dot", NULL);
  g_assert_true (g_file_set_contents (file,
                                      "# a test pipeline\n"
                                      "fakesrc num-items=${N:-1}   # how many\n"
                                      "  ! tee name=t\n"
                                      "t. ! fakesink name=a\n"
                                      "t. ! fakesink name=${SINK}\n",
                                      -1, NULL));
  Result r = LAUNCH ("-f", file, "-D", "N=4", "-D", "SINK=last", "-v", "--dot", dot);
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "/fakesrc0: num-items = 4");
  g_autofree char *dotc = NULL;
  g_assert_true (g_file_get_contents (dot, &dotc, NULL, NULL));
  assert_contains (dotc, "digraph pipeline");
  assert_contains (dotc, "\"t\" -> \"last\"");
  result_clear (&r);

  r = LAUNCH ("-f", file);
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.err, ":5:20: variable SINK is not set");
  result_clear (&r);

  r = LAUNCH ("-D", "novalue", "fakesrc", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);
  g_unlink (file);
  g_unlink (dot);
  g_rmdir (dir);
}

static void
test_launch_help (void)
{
  Result r = LAUNCH ("--help");
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "Exit status:");
  assert_contains (r.out, "3    a regression gate failed");
  assert_contains (r.out, "4    strict validation failed");
  assert_contains (r.out, "124  --timeout expired");
  assert_contains (r.out, "--timeout=SECONDS");
  result_clear (&r);
}

static void
test_launch_messages (void)
{
  Result r = LAUNCH ("-m", "fakesrc", "num-items=2", "!", "fakesink", "dump=true");
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "progress from /pipeline");
  assert_contains (r.out, "info from /pipeline");
  assert_contains (r.out, "item 2: application/x-fake, index=(int)1");
  assert_contains (r.out, "eos from /pipeline");
  result_clear (&r);

  r = LAUNCH ("-q", "fakesrc", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  result_clear (&r);
}

static void
test_launch_sigint (void)
{
  const char *tool = g_getenv ("BN_LAUNCH");
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p =
      g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, tool, "fakesrc",
                        "num-items=100000", "sleep=10ms", "!", "fakesink", NULL);
  g_assert_no_error (error);
  /* until bn-launch has installed its handler: an emulated start is slower */
  g_usleep ((bn_machine_emulator () ? 3000 : 300) * 1000);
  g_subprocess_send_signal (p, SIGINT);
  g_autofree char *out = NULL, *err = NULL;
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 130);
  assert_contains (err, "Interrupt: stopping the pipeline");
}

/* A run of minutes (a small model, 100000 iterations) under --timeout 2:
 * it ends within seconds with status 124, names the running element and
 * leaves no receipt. */
static void
test_launch_timeout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bn-timeout-XXXXXX", NULL);
  g_autofree char *receipt = g_build_filename (dir, "inference.json", NULL);
  g_autofree char *location = g_strconcat ("location=", receipt, NULL);
  gint64 t0 = g_get_monotonic_time ();
  Result r = LAUNCH ("--timeout", "2", "loader", "fixture=tiny", "!", "quantizer", "format=i2s", "!", "kernel-executor",
                     "name=exec", "tokens=64", "iterations=100000", "warmup=0", "!", "receipt-sink", location);
  double elapsed = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  g_assert_cmpint (r.status, ==, 124);
  g_assert_cmpfloat (elapsed, <, 10.0);
  assert_contains (r.err, "Timeout: the pipeline was stopped after 2 s while /pipeline");
  /* Normally the executor is running by then; under a sanitizer the
   * quantizer may still be: either way the element and its progress are named. */
  if (strstr (r.err, "/exec was running"))
    assert_contains (r.err, "iteration ");
  else
    assert_contains (r.err, "/quantizer0 was running (");
  g_assert_false (g_file_test (receipt, G_FILE_TEST_EXISTS));
  result_clear (&r);

  r = LAUNCH ("--timeout", "-1", "fakesrc", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.err, "--timeout must be a number of seconds");
  result_clear (&r);
  r = LAUNCH ("--timeout", "soon", "fakesrc", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);
  /* a run shorter than its timeout is unaffected */
  r = LAUNCH ("--timeout", "30", "fakesrc", "num-items=3", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_rmdir (dir);
}

/* Runs a tiny inference with BN_DEBUG set to @rules; returns its stderr. */
static char *
launch_debug (const char *rules)
{
  g_autoptr (GSubprocessLauncher) l =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (l, "BN_DEBUG", rules, TRUE);
  g_subprocess_launcher_unsetenv (l, "G_MESSAGES_DEBUG");
  g_autoptr (GError) error = NULL;
  /* a scratch file, never /dev/null: until writers refuse device nodes
   * (issue 21), a run as root would replace the device with a file */
  g_autofree char *dir = g_dir_make_tmp ("bn-debug-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "summary.json", NULL);
  g_autofree char *location = g_strconcat ("location=", out, NULL);
  g_autoptr (GSubprocess) p = g_subprocess_launcher_spawn (
      l, &error, g_getenv ("BN_LAUNCH"), "-q", "fixture-src", "size=tiny", "!", "quantizer", "!", "kernel-executor",
      "tokens=1", "iterations=1", "warmup=0", "n-prompt=2", "threads=1", "!", "summary-sink", location, NULL);
  g_assert_no_error (error);
  char *err = NULL;
  g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
  g_unlink (out);
  g_rmdir (dir);
  return err;
}

static void
test_launch_debug (void)
{
  /* only the engine plugin's debug lines */
  g_autofree char *engine = launch_debug ("bn-engine:debug");
  assert_contains (engine, "bn-engine-DEBUG");
  assert_contains (engine, "kernel-executor0: 1 iteration(s) after 0 warm-up");
  g_assert_null (strstr (engine, "bn-model-DEBUG"));
  g_assert_null (strstr (engine, "bn-core-DEBUG"));

  /* a wildcard, then one domain taken out again: the last rule wins */
  g_autofree char *most = launch_debug ("bn-*,bn-engine:none");
  assert_contains (most, "bn-model-DEBUG");
  assert_contains (most, "bn-core-DEBUG");
  g_assert_null (strstr (most, "bn-engine-DEBUG"));

  /* info hides debug lines */
  g_autofree char *info = launch_debug ("bn-engine:info");
  g_assert_null (strstr (info, "-DEBUG"));

  g_autofree char *bad = launch_debug ("bn-engine:loud");
  assert_contains (bad, "BN_DEBUG: unknown level 'loud'");
}

static void
test_inspect_list (void)
{
  Result r = run_tool ("BN_INSPECT", (const char *const[]){ NULL });
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "coreelements:  tee: Sends every item to each of its branches");
  assert_contains (r.out, "fakesrc: ");
  assert_contains (r.out, "Total count: ");
  result_clear (&r);
}

static void
test_inspect_element (void)
{
  Result r = INSPECT ("fakesrc");
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "Long-name            Fake source");
  assert_contains (r.out, "SRC template: 'src'");
  assert_contains (r.out, "num-items             : How many empty items to push before end of stream");
  assert_contains (r.out, "Unsigned Integer. Range: 0 - 4294967295. Default: 1");
  assert_contains (r.out, "flags: readable, writable");
  assert_contains (r.out, "Unit: us");
  result_clear (&r);

  r = INSPECT ("tee");
  assert_contains (r.out, "Availability: On request");
  result_clear (&r);

  r = INSPECT ("test-props");
  assert_contains (r.out, "(1): green");
  assert_contains (r.out, "Range: -10 - 10");
  result_clear (&r);

  r = INSPECT ("fakesnk");
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "did you mean \"fakesink\"?");
  result_clear (&r);
}

static void
test_inspect_json (void)
{
  Result r = INSPECT ("--json");
  g_assert_cmpint (r.status, ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *elements = json_object_get_array_member (root, "elements");
  g_assert_cmpuint (json_array_get_length (elements), >=, 3);
  result_clear (&r);

  r = INSPECT ("--json", "fakesrc");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, "fakesrc");
  JsonArray *props = json_object_get_array_member (root, "properties");
  gboolean found = FALSE;
  for (guint i = 0; i < json_array_get_length (props); i++) {
    JsonObject *p = json_array_get_object_element (props, i);
    if (!strcmp (json_object_get_string_member (p, "name"), "num-items")) {
      found = TRUE;
      g_assert_cmpint (json_object_get_int_member (p, "default"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (p, "type"), ==, "Unsigned Integer");
      g_assert_cmpstr (json_object_get_string_member (p, "range"), ==, "0 - 4294967295");
    }
  }
  g_assert_true (found);
  result_clear (&r);
}

/* Translations: the catalogue built from po/de.po is found in the build
 * tree through BN_LOCALEDIR, and a failing pipeline says what went wrong in
 * German, from the parser (the core library), from an element of a plugin at
 * run time and from bn-launch's own option checks. The German locale is
 * de_DE.UTF-8 when the C library has it; otherwise C.UTF-8 with LANGUAGE=de
 * (glibc reads LANGUAGE in any locale but "C"). When neither makes the C
 * library read the catalogue, the tests are skipped and say why. */

#define DOMAIN "gst-bitnet-1.0"

/* The built catalogues: <build>/po/<lang>/LC_MESSAGES/gst-bitnet-1.0.mo */
static const char *
build_localedir (void)
{
  const char *dir = g_getenv ("BN_TEST_LOCALEDIR");
  g_assert_nonnull (dir);
  g_autofree char *mo = g_build_filename (dir, "de", "LC_MESSAGES", DOMAIN ".mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_IS_REGULAR))
    g_error ("%s was not built (po/LINGUAS lists de)", mo);
  return dir;
}

/* Whether the C library, in @g's locale, reads the German catalogue in
 * @localedir: its header entry (the translation of "") names the language. */
static gboolean
probe (const German *g, const char *localedir)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *saved_language = g_strdup (g_getenv ("LANGUAGE"));
  gboolean ok = FALSE;
  if (setlocale (LC_ALL, g->locale)) {
    if (g->language)
      g_setenv ("LANGUAGE", g->language, TRUE);
    else
      g_unsetenv ("LANGUAGE");
    bindtextdomain (DOMAIN, localedir);
    bind_textdomain_codeset (DOMAIN, "UTF-8");
    const char *header = dgettext (DOMAIN, "");
    ok = header && strstr (header, "Language: de\n");
  }
  if (saved_language)
    g_setenv ("LANGUAGE", saved_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, saved);
  return ok;
}

/* The first German setting the C library honours, or NULL; found in main()
 * before any thread exists, as it sets LANGUAGE. */
static const German *german;

static const German *
find_german (const char *localedir)
{
  static const German candidates[] = {
    { "de_DE.UTF-8", NULL },
    { "C.UTF-8", "de" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (probe (&candidates[i], localedir))
      return &candidates[i];
  return NULL;
}

static void
test_launch_german (void)
{
  const char *localedir = build_localedir ();
  const German *g = german;
  if (!g) {
    g_test_skip ("no German locale: the C library has no de_DE.UTF-8 and does not honour LANGUAGE=de under "
                 "C.UTF-8 (on Debian: apt-get install locales && locale-gen de_DE.UTF-8)");
    return;
  }
  g_test_message ("German through LC_ALL=%s%s%s", g->locale, g->language ? " LANGUAGE=" : "",
                  g->language ? g->language : "");

  static const struct {
    const char *what;
    const char *args[6];
    int status;
    const char *out, *err; /* expected in stdout, in stderr */
  } cases[] = {
    { "a misspelled element: the parser's message, its suggestion and position",
      { "fakesrc", "!", "fakesnk" },
      2,
      "",
      "bn-launch: fehlerhafte Pipeline: 1:11: kein Element \"fakesnk\" (bn-inspect listet sie auf); meinten Sie "
      "\"fakesink\"?\n  fakesrc ! fakesnk\n            ^~~~~~~" },
    { "a bad property value: the core's parameter parser",
      { "fakesrc", "num-items=abc", "!", "fakesink" },
      2,
      "",
      "die Eigenschaft \"num-items\" des Elements \"fakesrc\" kann nicht gesetzt werden: \"abc\" ist keine ganze "
      "Zahl" },
    { "an element of a plugin failing at run time, and bn-launch's report of it",
      { "receipt-src", "!", "fakesink" },
      1,
      "Pipeline läuft...",
      "FEHLER: von Element /pipeline0/receipt-src0: receipt-src0: receipt-src braucht location=FILE[,FILE...]" },
    { "bn-launch's own checks, before bn_init()",
      { "-f", "a.bnp", "fakesrc" },
      2,
      "",
      "bn-launch: geben Sie entweder -f FILE oder eine Beschreibung an, nicht beides" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].what);
    Result r = run_tool_in (g, localedir, "BN_LAUNCH", cases[i].args);
    g_assert_cmpint (r.status, ==, cases[i].status);
    assert_contains (r.out, cases[i].out);
    assert_contains (r.err, cases[i].err);
    result_clear (&r);
  }
}

/* The same failure in the test's (English) locale with the catalogues, and
 * in German with BN_LOCALEDIR naming a directory without catalogues, is in
 * English: the German comes from the catalogue that BN_LOCALEDIR names. */
static void
test_launch_english (void)
{
  const char *localedir = build_localedir ();
  if (!german) {
    g_test_skip ("no German locale (see /tools/i18n/german)");
    return;
  }
  g_autofree char *empty = g_dir_make_tmp ("bn-i18n-XXXXXX", NULL);
  g_assert_nonnull (empty);
  const struct {
    const German *g;
    const char *dir;
  } cases[] = { { NULL, localedir }, { german, empty } };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    Result r = LAUNCH_IN (cases[i].g, cases[i].dir, "fakesrc", "!", "fakesnk");
    g_assert_cmpint (r.status, ==, 2);
    assert_contains (r.err, "bn-launch: erroneous pipeline: 1:11: no element \"fakesnk\"");
    result_clear (&r);
  }
  g_assert_cmpint (g_rmdir (empty), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  const char *localedir = g_getenv ("BN_TEST_LOCALEDIR");
  if (localedir)
    german = find_german (localedir);
  g_test_add_func ("/tools/launch/success", test_launch_success);
  g_test_add_func ("/tools/launch/misspelled", test_launch_misspelled);
  g_test_add_func ("/tools/launch/exit-codes", test_launch_exit_codes);
  g_test_add_func ("/tools/launch/file-and-defines", test_launch_file_and_defines);
  g_test_add_func ("/tools/launch/help", test_launch_help);
  g_test_add_func ("/tools/launch/messages", test_launch_messages);
  g_test_add_func ("/tools/launch/sigint", test_launch_sigint);
  g_test_add_func ("/tools/launch/timeout", test_launch_timeout);
  g_test_add_func ("/tools/launch/debug", test_launch_debug);
  g_test_add_func ("/tools/inspect/list", test_inspect_list);
  g_test_add_func ("/tools/inspect/element", test_inspect_element);
  g_test_add_func ("/tools/inspect/json", test_inspect_json);
  g_test_add_func ("/tools/i18n/german", test_launch_german);
  g_test_add_func ("/tools/i18n/english", test_launch_english);
  return g_test_run ();
}
