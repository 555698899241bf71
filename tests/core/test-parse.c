/* Tests of the pipeline parser: a corpus of valid and invalid descriptions. */
#include <gst-bitnet/bn.h>
#include <string.h>

static BnElement *
parse_ok (const char *desc, BnParseContext *ctx)
{
  g_autoptr (GError) error = NULL;
  BnElement *p = bn_parse_launch_full (desc, ctx, &error);
  if (!p)
    g_printerr ("unexpected failure for <%s>: %s\n", desc, error->message);
  g_assert_no_error (error);
  g_assert_true (BN_IS_PIPELINE (p));
  return p;
}

static BnElement *
child (BnElement *p, const char *name)
{
  BnElement *e = bn_bin_get_by_name (BN_BIN (p), name);
  g_assert_nonnull (e);
  return e;
}

static void
test_valid_simple (void)
{
  g_autoptr (BnElement) p = parse_ok ("fakesrc name=a ! fakesink name=b", NULL);
  g_assert_cmpuint (bn_bin_get_n_children (BN_BIN (p)), ==, 2);
  BnPad *src = bn_element_get_static_pad (child (p, "a"), "src");
  g_assert_true (bn_pad_get_peer (src) == bn_element_get_static_pad (child (p, "b"), "sink"));
  g_assert_cmpstr (bn_element_get_factory_name (child (p, "a")), ==, "fakesrc");
}

static void
test_valid_tee_branches (void)
{
  g_autoptr (BnElement) p = parse_ok ("fakesrc num-items=3 ! tee name=t  t. ! fakesink  t. ! fakesink", NULL);
  g_assert_cmpuint (bn_bin_get_n_children (BN_BIN (p)), ==, 4);
  BnElement *t = child (p, "t");
  g_assert_cmpuint (bn_element_count_pads (t, BN_PAD_SRC), ==, 2);
  g_assert_nonnull (bn_element_get_static_pad (t, "src_0"));
  g_assert_nonnull (bn_element_get_static_pad (t, "src_1"));
}

static void
test_valid_reference_before_definition (void)
{
  g_autoptr (BnElement) p = parse_ok ("t. ! fakesink name=k  fakesrc ! tee name=t", NULL);
  BnPad *sink = bn_element_get_static_pad (child (p, "k"), "sink");
  g_assert_true (bn_pad_get_parent_element (bn_pad_get_peer (sink)) == child (p, "t"));
}

static void
test_valid_named_pad (void)
{
  g_autoptr (BnElement) p = parse_ok ("fakesrc ! tee name=t t.src_5 ! fakesink  t.src_%u ! fakesink", NULL);
  BnElement *t = child (p, "t");
  g_assert_true (bn_pad_is_linked (bn_element_get_static_pad (t, "src_5")));
  g_assert_cmpuint (bn_element_count_pads (t, BN_PAD_SRC), ==, 2);
}

static void
test_valid_multiline_comments (void)
{
  g_autoptr (BnElement) p = parse_ok ("# a pipeline file\n"
                                      "fakesrc num-items=2   # two items\n"
                                      "  ! fakesink name=end # the sink\n"
                                      "# trailing comment",
                                      NULL);
  guint n = 0;
  g_object_get (bn_bin_get_child (BN_BIN (p), 0), "num-items", &n, NULL);
  g_assert_cmpuint (n, ==, 2);
  child (p, "end");
}

static void
test_valid_quotes (void)
{
  g_autoptr (BnElement) p = parse_ok ("fakesrc ! test-props string=\"a b \\\"c\\\" \\$x\" name=x", NULL);
  g_autofree char *s = NULL;
  g_object_get (child (p, "x"), "string", &s, NULL);
  g_assert_cmpstr (s, ==, "a b \"c\" $x");
  g_autoptr (BnElement) q = parse_ok ("fakesrc ! test-props name=y string='${NOT_EXPANDED} \\n'", NULL);
  g_autofree char *t = NULL;
  g_object_get (child (q, "y"), "string", &t, NULL);
  g_assert_cmpstr (t, ==, "${NOT_EXPANDED} \\n");
  g_autoptr (BnElement) r = parse_ok ("fakesrc ! test-props name=z string=with\\ space", NULL);
  g_autofree char *u = NULL;
  g_object_get (child (r, "z"), "string", &u, NULL);
  g_assert_cmpstr (u, ==, "with space");
}

static void
test_valid_variables (void)
{
  g_autoptr (BnParseContext) ctx = bn_parse_context_new ();
  bn_parse_context_set_variable (ctx, "N", "4");
  g_setenv ("BN_TEST_ENV_NAME", "fromenv", TRUE);
  g_unsetenv ("BN_TEST_UNSET");
  g_autoptr (BnElement) p = parse_ok ("fakesrc num-items=${N} name=${BN_TEST_ENV_NAME} ! "
                                      "test-props name=x string=\"${BN_TEST_UNSET:-def ${N}}\"",
                                      ctx);
  guint n = 0;
  g_object_get (child (p, "fromenv"), "num-items", &n, NULL);
  g_assert_cmpuint (n, ==, 4);
  g_autofree char *s = NULL;
  g_object_get (child (p, "x"), "string", &s, NULL);
  g_assert_cmpstr (s, ==, "def 4");
  /* context variables override the environment */
  bn_parse_context_set_variable (ctx, "BN_TEST_ENV_NAME", "fromctx");
  g_autoptr (BnElement) q = parse_ok ("fakesrc name=${BN_TEST_ENV_NAME} ! fakesink", ctx);
  child (q, "fromctx");
}

static void
test_valid_caps_filter (void)
{
  g_autoptr (BnElement) p = parse_ok ("test-capssrc name=s ! model/bitnet,format=tl1 ! test-modelsink", NULL);
  BnPad *src = bn_element_get_static_pad (child (p, "s"), "src");
  g_autofree char *caps = bn_caps_to_string (bn_pad_get_link_caps (src));
  g_assert_cmpstr (caps, ==, "model/bitnet, format=(string)tl1");
  g_autoptr (BnElement) q = parse_ok ("test-capssrc ! \"model/bitnet, format={ i2s, tl2 }\" ! test-modelsink", NULL);
  g_assert_nonnull (q);
}

typedef struct {
  const char *prop, *text;
  const char *expect; /* display string */
} Conv;

static void
test_property_conversion (void)
{
  const Conv ok[] = {
    { "int", "-10", "-10" },
    { "int", "7", "7" },
    { "uint", "100", "100" },
    { "int64", "-9223372036854775808", "-9223372036854775808" },
    { "uint64", "18446744073709551615", "18446744073709551615" },
    { "double", "0.25", "0.25" },
    { "double", "1e-3", "0.001" },
    { "float", "-2.5", "-2.5" },
    { "bool", "yes", "TRUE" },
    { "bool", "OFF", "FALSE" },
    { "bool", "1", "TRUE" },
    { "bool", "false", "FALSE" },
    { "color", "green", "green" },
    { "color", "COLOR_RED", "red" },
    { "opts", "a+c", "a+c" },
    { "opts", "b|c", "b+c" },
    { "string", "x=y", "\"x=y\"" },
    { "list", "a, b,c", "a,b,c" },
    { "caps", "model/bitnet,format=i2s", "model/bitnet, format=(string)i2s" },
    { "size", "4096", "4096" },
    { "size", "64k", "64000" },
    { "size", "1.5KiB", "1536" },
    { "size", "2GiB", "2147483648" },
    { "duration", "250", "250" },
    { "duration", "2s", "2000" },
    { "duration", "500us", "0.5" },
    { "duration", "1min", "60000" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++) {
    g_autofree char *desc = g_strdup_printf ("fakesrc ! test-props name=x %s='%s'", ok[i].prop, ok[i].text);
    g_autoptr (BnElement) p = parse_ok (desc, NULL);
    GValue v = G_VALUE_INIT;
    GParamSpec *ps = g_object_class_find_property (G_OBJECT_GET_CLASS (child (p, "x")), ok[i].prop);
    g_value_init (&v, ps->value_type);
    g_object_get_property (G_OBJECT (child (p, "x")), ok[i].prop, &v);
    g_autofree char *s = bn_value_to_display_string (&v);
    g_value_unset (&v);
    g_assert_cmpstr (s, ==, ok[i].expect);
  }

  const Conv bad[] = {
    { "int", "11", "out of range" },
    { "int", "1.5", "whole number" },
    { "int", "x", "not a" },
    { "uint", "0", "out of range" },
    { "uint", "-1", "negative" },
    { "uint64", "18446744073709551616", "whole number" },
    { "double", "2", "out of range" },
    { "double", "nan", "not a number" },
    { "bool", "maybe", "not a boolean" },
    { "color", "blue", "red, green" },
    { "opts", "a+d", "a, b, c" },
    { "caps", "nomedia", "Invalid caps" },
    { "size", "12 parsecs", "not a size" },
    { "size", "1.5B", "whole number" },
    { "duration", "3 fortnights", "not a duration" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *desc = g_strdup_printf ("fakesrc ! test-props %s='%s'", bad[i].prop, bad[i].text);
    g_autoptr (GError) error = NULL;
    g_autoptr (BnElement) p = bn_parse_launch (desc, &error);
    g_assert_null (p);
    g_assert_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY);
    if (!strstr (error->message, bad[i].expect))
      g_error ("for %s=%s expected \"%s\" in: %s", bad[i].prop, bad[i].text, bad[i].expect, error->message);
  }
}

static void
test_later_setting_wins (void)
{
  g_autoptr (BnElement) p = parse_ok ("fakesrc num-items=1 num-items=5 name=s ! fakesink", NULL);
  guint n = 0;
  g_object_get (child (p, "s"), "num-items", &n, NULL);
  g_assert_cmpuint (n, ==, 5);
}

typedef struct {
  const char *desc;
  BnParseError code;
  guint line, column;
  const char *suggestion;
  const char *fragment;
} Bad;

static const Bad bad_corpus[] = {
  { "fakesrc ! fakesnk", BN_PARSE_ERROR_NO_SUCH_ELEMENT, 1, 11, "fakesink", "no element \"fakesnk\"" },
  { "fakesrc num-itms=3 ! fakesink", BN_PARSE_ERROR_NO_SUCH_PROPERTY, 1, 9, "num-items", "no property \"num-itms\"" },
  { "fakesrc num-items=abc ! fakesink", BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, 1, 19, NULL, "not a whole number" },
  { "fakesrc num-items=-1 ! fakesink", BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, 1, 19, NULL, "negative" },
  { "fakesrc ! ! fakesink", BN_PARSE_ERROR_SYNTAX, 1, 11, NULL, "unexpected '!'" },
  { "fakesrc !", BN_PARSE_ERROR_SYNTAX, 1, 9, NULL, "at the end" },
  { "! fakesink", BN_PARSE_ERROR_SYNTAX, 1, 1, NULL, "unexpected '!'" },
  { "", BN_PARSE_ERROR_EMPTY, 0, 0, NULL, "empty" },
  { "   # only a comment\n\n", BN_PARSE_ERROR_EMPTY, 0, 0, NULL, "empty" },
  { "fakesrc\n  ! fakesink\n  ! fakesnk", BN_PARSE_ERROR_NO_SUCH_ELEMENT, 3, 5, "fakesink",
    "\n    ! fakesnk\n      ^~~~~~~" },
  { "fakesrc ! x.", BN_PARSE_ERROR_NO_SUCH_ELEMENT, 1, 11, NULL, "no element named \"x\"" },
  { "fakesrc ! tee name=tt  tx. ! fakesink", BN_PARSE_ERROR_NO_SUCH_ELEMENT, 1, 24, "tt", "no element named \"tx\"" },
  { "fakesrc name=a ! fakesink name=a", BN_PARSE_ERROR_DUPLICATE_NAME, 1, 32, NULL, "already named \"a\"" },
  { "fakesrc ! test-props string=\"open", BN_PARSE_ERROR_SYNTAX, 1, 29, NULL, "unterminated double quote" },
  { "fakesrc num-items=${BN_UNDEFINED_VAR_XYZ} ! fakesink", BN_PARSE_ERROR_UNDEFINED_VARIABLE, 1, 19, NULL,
    "BN_UNDEFINED_VAR_XYZ is not set" },
  { "fakesrc num-items=${BN_X ! fakesink", BN_PARSE_ERROR_SYNTAX, 1, 19, NULL, "unterminated variable" },
  { "fakesrc ! test-modelsink", BN_PARSE_ERROR_LINK, 1, 9, NULL, "\"application/x-fake\"" },
  { "test-capssrc ! model/gguf ! test-modelsink", BN_PARSE_ERROR_LINK, 1, 16, NULL, "filter" },
  { "fakesrc ! model/bitnet", BN_PARSE_ERROR_SYNTAX, 1, 11, NULL, "followed by '!'" },
  { "model/bitnet ! fakesink", BN_PARSE_ERROR_SYNTAX, 1, 1, NULL, "between two links" },
  { "fakesrc ! test-props readonly=1", BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, 1, 22, NULL, "read-only" },
  { "fakesrc ! tee name=t t.foo ! fakesink", BN_PARSE_ERROR_LINK, 1, 28, NULL, "does not match the template" },
  { "num-items=3 ! fakesink", BN_PARSE_ERROR_SYNTAX, 1, 1, NULL, "no element before it" },
  { "fakesrc ! t. num-items=2", BN_PARSE_ERROR_SYNTAX, 1, 14, NULL, "not a reference" },
  { "fake$src ! fakesink", BN_PARSE_ERROR_SYNTAX, 1, 1, NULL, "not an element name" },
  { "fakesrc ! test-props caps=\"a/b, x=\" ! x", BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, 1, 27, NULL, "Invalid caps" },
  { "fakesrc ! fakesink\n\tfakesrc ! fakesinc", BN_PARSE_ERROR_NO_SUCH_ELEMENT, 2, 12, "fakesink",
    "\n  \tfakesrc ! fakesinc\n  \t          ^~~~~~~~" },
  { "fakesrc ! tee name=t ! fakesink name=é ! fakesnk", BN_PARSE_ERROR_NO_SUCH_ELEMENT, 1, 42, "fakesink", "^~~~~~~" },
};

static void
test_invalid_corpus (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_corpus); i++) {
    const Bad *b = &bad_corpus[i];
    g_autoptr (BnParseContext) ctx = bn_parse_context_new ();
    g_autoptr (GError) error = NULL;
    g_autoptr (BnElement) p = bn_parse_launch_full (b->desc, ctx, &error);
    g_assert_null (p);
    g_assert_nonnull (error);
    if (error->domain != BN_PARSE_ERROR || error->code != (int) b->code
        || bn_parse_context_get_error_line (ctx) != b->line || bn_parse_context_get_error_column (ctx) != b->column
        || g_strcmp0 (bn_parse_context_get_suggestion (ctx), b->suggestion) || !strstr (error->message, b->fragment))
      g_error ("case %u <%s>: got code %d at %u:%u suggestion %s:\n%s", i, b->desc, error->code,
               bn_parse_context_get_error_line (ctx), bn_parse_context_get_error_column (ctx),
               bn_parse_context_get_suggestion (ctx), error->message);
    if (b->line) {
      g_autofree char *prefix = g_strdup_printf ("%u:%u: ", b->line, b->column);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_nonnull (strchr (error->message, '^'));
    }
  }
}

static void
test_missing_elements (void)
{
  g_autoptr (BnParseContext) ctx = bn_parse_context_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (BnElement) p = bn_parse_launch_full ("fakesrc ! kernel-executorr", ctx, &error);
  g_assert_null (p);
  const char *const *missing = bn_parse_context_get_missing_elements (ctx);
  g_assert_cmpstr (missing[0], ==, "kernel-executorr");
  g_assert_null (missing[1]);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnElement) p = bn_parse_launch ("fakesrc name=\xff\xfe ! fakesink", &error);
  g_assert_null (p);
  g_assert_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_SYNTAX);
}

static void
test_launchv (void)
{
  const char *argv[] = { "fakesrc", "!", "test-props", "name=x", "string=two words", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (BnElement) p = bn_parse_launchv (argv, &error);
  g_assert_no_error (error);
  g_autofree char *s = NULL;
  g_object_get (child (p, "x"), "string", &s, NULL);
  g_assert_cmpstr (s, ==, "two words");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  g_test_add_func ("/parse/valid/simple", test_valid_simple);
  g_test_add_func ("/parse/valid/tee-branches", test_valid_tee_branches);
  g_test_add_func ("/parse/valid/reference-before-definition", test_valid_reference_before_definition);
  g_test_add_func ("/parse/valid/named-pad", test_valid_named_pad);
  g_test_add_func ("/parse/valid/multiline-comments", test_valid_multiline_comments);
  g_test_add_func ("/parse/valid/quotes", test_valid_quotes);
  g_test_add_func ("/parse/valid/variables", test_valid_variables);
  g_test_add_func ("/parse/valid/caps-filter", test_valid_caps_filter);
  g_test_add_func ("/parse/property/conversion", test_property_conversion);
  g_test_add_func ("/parse/property/later-wins", test_later_setting_wins);
  g_test_add_func ("/parse/invalid/corpus", test_invalid_corpus);
  g_test_add_func ("/parse/invalid/missing-elements", test_missing_elements);
  g_test_add_func ("/parse/invalid/utf8", test_invalid_utf8);
  g_test_add_func ("/parse/launchv", test_launchv);
  return g_test_run ();
}
