/* Tests of BnCaps: parsing, printing, intersection. */
#include <string.h>
#include <gst-bitnet/bn.h>

static void
test_parse_roundtrip (void)
{
  const char *cases[][2] = {
    { "model/bitnet", "model/bitnet" },
    { "model/bitnet, format=i2s", "model/bitnet, format=(string)i2s" },
    { "bench/run,threads=2,ok=true,ratio=0.5", "bench/run, threads=(int)2, ok=(boolean)true, ratio=(double)0.5" },
    { "model/bitnet, format={ i2s, tl1 }", "model/bitnet, format={ i2s, tl1 }" },
    { "model/bitnet; model/gguf", "model/bitnet; model/gguf" },
    { "a/b, n=(string)2", "a/b, n=(string)2" },
    { "a/b, s=\"two words\"", "a/b, s=(string)\"two words\"" },
    { "ANY", "ANY" },
    { "EMPTY", "EMPTY" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (BnCaps) caps = bn_caps_from_string (cases[i][0], &error);
    g_assert_no_error (error);
    g_autofree char *s = bn_caps_to_string (caps);
    g_assert_cmpstr (s, ==, cases[i][1]);
    g_autoptr (BnCaps) again = bn_caps_from_string (s, &error);
    g_assert_no_error (error);
    g_assert_true (bn_caps_is_equal (caps, again));
  }
}

static void
test_parse_errors (void)
{
  const char *bad[] = {
    "",        "nomediatype",  "a/b,", "a/b, x", "a/b, x=", "a/b, x={ a, b", "a/b, x=(int)abc", "a/b, x=(weird)1",
    "a/b x=1", "a/b, s=\"open"
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (BnCaps) caps = bn_caps_from_string (bad[i], &error);
    g_assert_null (caps);
    g_assert_error (error, BN_CAPS_ERROR, BN_CAPS_ERROR_SYNTAX);
    g_assert_nonnull (strstr (error->message, "at character"));
  }
}

static BnCaps *
C (const char *s)
{
  g_autoptr (GError) error = NULL;
  BnCaps *c = bn_caps_from_string (s, &error);
  g_assert_no_error (error);
  return c;
}

static void
check_intersect (const char *a, const char *b, const char *expect)
{
  g_autoptr (BnCaps) ca = C (a);
  g_autoptr (BnCaps) cb = C (b);
  g_autoptr (BnCaps) i = bn_caps_intersect (ca, cb);
  g_autofree char *s = bn_caps_to_string (i);
  g_assert_cmpstr (s, ==, expect);
  g_assert_cmpint (bn_caps_can_intersect (ca, cb), ==, strcmp (expect, "EMPTY") != 0);
}

static void
test_intersect (void)
{
  check_intersect ("model/bitnet", "model/bitnet, format=i2s", "model/bitnet, format=(string)i2s");
  check_intersect ("model/bitnet, format=i2s", "model/bitnet, format=tl1", "EMPTY");
  check_intersect ("model/bitnet, format={ i2s, tl1 }", "model/bitnet, format=tl1", "model/bitnet, format=(string)tl1");
  check_intersect ("model/bitnet, format={ i2s, tl1, tl2 }", "model/bitnet, format={ tl2, i2s }",
                   "model/bitnet, format={ i2s, tl2 }");
  check_intersect ("model/bitnet", "model/gguf", "EMPTY");
  check_intersect ("ANY", "bench/run", "bench/run");
  check_intersect ("model/gguf; bench/run", "bench/run, n=3", "bench/run, n=(int)3");
  check_intersect ("a/b, n=2", "a/b, n=3", "EMPTY");
  check_intersect ("a/b, n=2", "a/b, n=2.0", "EMPTY");
  check_intersect ("EMPTY", "ANY", "EMPTY");
}

static void
test_accessors (void)
{
  g_autoptr (BnCaps) c = C ("model/bitnet, format=i2s, layers=30; bench/run");
  g_assert_cmpuint (bn_caps_get_size (c), ==, 2);
  g_assert_cmpstr (bn_caps_get_media_type (c, 1), ==, "bench/run");
  g_assert_cmpstr (bn_caps_get_string (c, 0, "format"), ==, "i2s");
  g_assert_cmpint (g_value_get_int (bn_caps_get_field (c, 0, "layers")), ==, 30);
  g_assert_null (bn_caps_get_field (c, 0, "missing"));
  g_autoptr (BnCaps) s =
      bn_caps_new_simple ("model/bitnet", "format", G_TYPE_STRING, "i2s", "layers", G_TYPE_INT, 30, NULL);
  g_autoptr (BnCaps) first = C ("model/bitnet, format=i2s, layers=30");
  g_assert_true (bn_caps_is_equal (s, first));
  g_autoptr (BnCaps) any = C ("ANY");
  g_assert_true (bn_caps_is_any (any));
  g_assert_false (bn_caps_is_empty (any));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/caps/parse/roundtrip", test_parse_roundtrip);
  g_test_add_func ("/caps/parse/errors", test_parse_errors);
  g_test_add_func ("/caps/intersect", test_intersect);
  g_test_add_func ("/caps/accessors", test_accessors);
  return g_test_run ();
}
