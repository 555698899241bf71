/* Tests of running pipelines: scheduling, bus messages, errors, cancellation. */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>
#include <string.h>

static BnPipeline *
make (const char *desc)
{
  g_autoptr (GError) error = NULL;
  BnElement *p = bn_parse_launch (desc, &error);
  g_assert_no_error (error);
  return BN_PIPELINE (p);
}

/* Pops every queued message into an array. */
static GPtrArray *
drain (BnPipeline *p)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  BnMessage *m;
  while ((m = bn_bus_pop (bn_pipeline_get_bus (p))))
    g_ptr_array_add (out, m);
  return out;
}

static guint64
received (BnPipeline *p, const char *name)
{
  guint64 n = 0;
  g_object_get (bn_bin_get_by_name (BN_BIN (p), name), "items-received", &n, NULL);
  return n;
}

static void
test_run_counts (void)
{
  g_autoptr (BnPipeline) p = make ("fakesrc num-items=5 ! fakesink name=k");
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_pipeline_run (p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (received (p, "k"), ==, 5);
  g_autoptr (GPtrArray) msgs = drain (p);
  BnMessage *last = msgs->pdata[msgs->len - 1];
  /* state-changed(running) ... eos, state-changed(stopped) */
  g_assert_cmpint (bn_message_get_message_type (msgs->pdata[0]), ==, BN_MESSAGE_STATE_CHANGED);
  g_assert_true (bn_message_get_running (msgs->pdata[0]));
  g_assert_cmpint (bn_message_get_message_type (last), ==, BN_MESSAGE_STATE_CHANGED);
  g_assert_false (bn_message_get_running (last));
  g_assert_cmpint (bn_message_get_message_type (msgs->pdata[msgs->len - 2]), ==, BN_MESSAGE_EOS);
  guint progress = 0;
  for (guint i = 0; i < msgs->len; i++)
    if (bn_message_get_message_type (msgs->pdata[i]) == BN_MESSAGE_PROGRESS) {
      double f;
      const char *text;
      bn_message_parse_progress (msgs->pdata[i], &f, &text);
      progress++;
      g_assert_cmpfloat_with_epsilon (f, progress / 5.0, 1e-9);
    }
  g_assert_cmpuint (progress, ==, 5);
  /* a pipeline can run again */
  g_assert_true (bn_pipeline_run (p, &error));
  g_assert_cmpuint (received (p, "k"), ==, 5);
}

static void
test_tee_shares_items (void)
{
  g_autoptr (BnPipeline) p =
      make ("fakesrc num-items=3 ! tee name=t  t. ! fakesink name=a  t. ! fakesink name=b  t. ! fakesink name=c");
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_pipeline_run (p, &error));
  g_assert_cmpuint (received (p, "a"), ==, 3);
  g_assert_cmpuint (received (p, "b"), ==, 3);
  g_assert_cmpuint (received (p, "c"), ==, 3);
}

static GPtrArray *
traces (BnPipeline *p)
{
  g_autoptr (GPtrArray) msgs = drain (p);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < msgs->len; i++) {
    BnMessage *m = msgs->pdata[i];
    if (bn_message_get_message_type (m) == BN_MESSAGE_ELEMENT && !g_strcmp0 (bn_message_get_name (m), "trace")) {
      const char *path = bn_message_get_src_path (m);
      g_ptr_array_add (out, g_strdup_printf ("%s:%s", strrchr (path, '/') + 1,
                                             g_variant_get_string (bn_message_get_payload (m), NULL)));
    }
  }
  return out;
}

static char *
join (GPtrArray *a)
{
  g_ptr_array_add (a, NULL);
  char *s = g_strjoinv (" ", (char **) a->pdata);
  g_ptr_array_remove_index (a, a->len - 1);
  return s;
}

static void
test_state_order (void)
{
  g_autoptr (BnPipeline) p = make ("fakesrc num-items=2 ! test-trace name=up ! test-trace name=down ! fakesink");
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_pipeline_run (p, &error));
  g_autoptr (GPtrArray) t = traces (p);
  g_autofree char *s = join (t);
  /* started from the sinks, stopped from the sources; EOS after the items */
  g_assert_cmpstr (s, ==,
                   "down:start up:start up:chain down:chain up:chain down:chain "
                   "up:finish down:finish up:stop down:stop");
}

static void
test_branches_sequential (void)
{
  g_autoptr (BnPipeline) p = make ("fakesrc num-items=2 ! tee name=t  t. ! test-trace name=a ! fakesink  "
                                   "t. ! test-trace name=b ! fakesink");
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_pipeline_run (p, &error));
  g_autoptr (GPtrArray) t = traces (p);
  g_autofree char *s = join (t);
  g_assert_nonnull (strstr (s, "a:chain b:chain a:chain b:chain a:finish b:finish"));
}

static void
test_two_sources_two_inputs (void)
{
  g_autoptr (BnPipeline) p = make ("fakesrc num-items=2 ! d.ours  fakesrc num-items=3 ! d.reference  "
                                   "test-dual name=d ! fakesink name=k");
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_pipeline_run (p, &error));
  g_assert_cmpuint (received (p, "k"), ==, 1);
  g_autoptr (GPtrArray) msgs = drain (p);
  gboolean seen = FALSE;
  for (guint i = 0; i < msgs->len; i++)
    if (!g_strcmp0 (bn_message_get_name (msgs->pdata[i]), "dual-count")) {
      guint a, b;
      g_variant_get (bn_message_get_payload (msgs->pdata[i]), "(uu)", &a, &b);
      g_assert_cmpuint (a, ==, 2);
      g_assert_cmpuint (b, ==, 3);
      seen = TRUE;
    }
  g_assert_true (seen);
}

static void
test_error_in_chain (void)
{
  g_autoptr (BnPipeline) p = make ("fakesrc num-items=10 ! test-fail name=boom after=2 ! fakesink name=k");
  g_autoptr (GError) error = NULL;
  g_assert_false (bn_pipeline_run (p, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED);
  g_assert_cmpuint (received (p, "k"), ==, 2);
  g_autoptr (GPtrArray) msgs = drain (p);
  guint errors = 0, eos = 0;
  for (guint i = 0; i < msgs->len; i++) {
    BnMessage *m = msgs->pdata[i];
    if (bn_message_get_message_type (m) == BN_MESSAGE_ERROR) {
      errors++;
      g_assert_true (g_str_has_suffix (bn_message_get_src_path (m), "/boom"));
      g_autofree char *debug = NULL;
      bn_message_parse_error (m, NULL, &debug);
      g_assert_cmpstr (debug, ==, "deliberate failure");
    }
    eos += bn_message_get_message_type (m) == BN_MESSAGE_EOS;
  }
  g_assert_cmpuint (errors, ==, 1);
  g_assert_cmpuint (eos, ==, 0);
}

static void
test_error_at_start (void)
{
  g_autoptr (BnPipeline) p = make ("fakesrc ! test-fail name=boom where=start ! test-trace name=tr ! fakesink");
  g_autoptr (GError) error = NULL;
  g_assert_false (bn_pipeline_start (p, &error));
  g_assert_nonnull (strstr (error->message, "boom: test-fail failed on purpose"));
  g_assert_false (bn_pipeline_is_running (p));
  /* the element started before the failure (downstream) was stopped again */
  g_autoptr (GPtrArray) t = traces (p);
  g_autofree char *s = join (t);
  g_assert_cmpstr (s, ==, "tr:start tr:stop");
}

static void
test_error_at_finish (void)
{
  g_autoptr (BnPipeline) p = make ("fakesrc num-items=1 ! test-fail where=finish domain=strict ! fakesink");
  g_autoptr (GError) error = NULL;
  g_assert_false (bn_pipeline_run (p, &error));
  g_assert_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK);
}

static void
test_not_negotiated (void)
{
  g_autoptr (BnPipeline) p = make ("test-capssrc caps=\"bench/run\" ! fakesink  "
                                   "test-capssrc caps=\"model/gguf\" ! model/bitnet ! test-modelsink");
  /* the second link accepts model/bitnet only: pushing model/gguf is refused */
  g_autoptr (GError) error = NULL;
  g_assert_false (bn_pipeline_run (p, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_NEGOTIATION);
  g_assert_nonnull (strstr (error->message, "model/gguf"));
}

static void
test_unlinked_and_cycle (void)
{
  g_autoptr (BnElement) pipe = g_object_ref_sink (bn_pipeline_new ("p"));
  BnElement *src = bn_element_factory_make ("fakesrc", "src");
  bn_bin_add (BN_BIN (pipe), src);
  g_autoptr (GError) error = NULL;
  g_assert_false (bn_pipeline_check (BN_PIPELINE (pipe), &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_NOT_LINKED);
  g_assert_nonnull (strstr (error->message, "/p/src:src"));
  g_clear_error (&error);

  g_autoptr (BnPipeline) cyc =
      make ("fakesrc ! d.reference  test-dual name=d ! tee name=t  t. ! d.ours  t. ! fakesink");
  g_assert_false (bn_pipeline_check (cyc, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH);
  g_assert_nonnull (strstr (error->message, "cycle"));
  g_clear_error (&error);

  g_autoptr (BnElement) empty = g_object_ref_sink (bn_pipeline_new (NULL));
  g_assert_false (bn_pipeline_run (BN_PIPELINE (empty), &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH);
}

static void
test_link_api_errors (void)
{
  g_autoptr (BnElement) pipe = g_object_ref_sink (bn_pipeline_new (NULL));
  BnElement *a = bn_element_factory_make ("fakesrc", "a");
  BnElement *b = bn_element_factory_make ("test-modelsink", "b");
  bn_bin_add_many (BN_BIN (pipe), a, b, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (bn_element_link (a, b, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_NEGOTIATION);
  /* the message names both pads and both caps */
  g_assert_nonnull (strstr (error->message, "a:src"));
  g_assert_nonnull (strstr (error->message, "b:sink"));
  g_assert_nonnull (strstr (error->message, "application/x-fake"));
  g_assert_nonnull (strstr (error->message, "model/bitnet"));
}

static gboolean
cancel_later (gpointer data)
{
  bn_pipeline_cancel (data);
  return G_SOURCE_REMOVE;
}

typedef struct {
  GMainLoop *loop;
  GPtrArray *types;
} WatchData;

static gboolean
on_msg (BnBus *bus, BnMessage *m, gpointer data)
{
  WatchData *w = data;
  BnMessageType t = bn_message_get_message_type (m);
  g_ptr_array_add (w->types, (gpointer) bn_message_type_get_name (t));
  if (t == BN_MESSAGE_EOS || t == BN_MESSAGE_ERROR)
    g_main_loop_quit (w->loop);
  return G_SOURCE_CONTINUE;
}

static void
test_cancellation (void)
{
  g_autoptr (BnPipeline) p = make ("fakesrc num-items=100000 sleep=20ms ! fakesink name=k");
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GPtrArray) types = g_ptr_array_new ();
  WatchData w = { loop, types };
  guint id = bn_bus_add_watch (bn_pipeline_get_bus (p), on_msg, &w, NULL);
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (bn_pipeline_start (p, &error));
  g_timeout_add (150, cancel_later, p);
  g_main_loop_run (loop);
  bn_pipeline_stop (p);
  gint64 took = g_get_monotonic_time () - t0;
  g_source_remove (id);
  g_autoptr (GError) e = bn_pipeline_dup_error (p);
  g_assert_error (e, BN_CORE_ERROR, BN_CORE_ERROR_CANCELLED);
  g_assert_cmpint (took, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (received (p, "k"), <, 100000);
  g_assert_cmpstr (types->pdata[types->len - 1], ==, "error");
}

static void
test_items_sealed (void)
{
  g_autoptr (BnItem) item = bn_item_new (NULL);
  g_assert_false (bn_item_is_sealed (item));
  g_autoptr (BnCaps) c = bn_caps_from_string ("bench/run", NULL);
  bn_item_set_caps (item, c);
  bn_item_seal (item);
  g_assert_true (bn_item_is_sealed (item));
  if (g_test_undefined ()) {
    g_test_expect_message ("bn-core", G_LOG_LEVEL_CRITICAL, "*bn_item_is_sealed*");
    g_autoptr (BnCaps) d = bn_caps_from_string ("model/gguf", NULL);
    bn_item_set_caps (item, d);
    g_test_assert_expected_messages ();
    g_assert_true (bn_caps_is_equal (bn_item_get_caps (item), c));
  }
}

static void
test_message_kinds (void)
{
  g_autoptr (GError) e = g_error_new_literal (BN_CORE_ERROR, BN_CORE_ERROR_FAILED, "bad");
  g_autoptr (BnMessage) w = bn_message_new_warning (NULL, e, "dbg");
  g_autofree char *s = bn_message_to_string (w);
  g_assert_nonnull (strstr (s, "warning from (none): bad"));
  g_autoptr (BnMessage) el = bn_message_new_element (NULL, "verdict", g_variant_new ("(sd)", "STABLE", 1.5));
  g_autofree char *t = bn_message_to_string (el);
  g_assert_nonnull (strstr (t, "verdict ('STABLE', 1.5)"));
  g_autoptr (BnMessage) pr = bn_message_new_progress (NULL, 1.7, "x");
  double f;
  bn_message_parse_progress (pr, &f, NULL);
  g_assert_cmpfloat (f, ==, 1.0);
  g_assert_cmpuint (bn_message_get_seqnum (el), >, bn_message_get_seqnum (w));
}

static void
test_bus_timed_pop_filtered (void)
{
  g_autoptr (BnBus) bus = bn_bus_new ();
  bn_bus_post (bus, bn_message_new_info (NULL, "a"));
  bn_bus_post (bus, bn_message_new_eos (NULL));
  g_autoptr (BnMessage) m = bn_bus_timed_pop_filtered (bus, 0, BN_MESSAGE_EOS);
  g_assert_nonnull (m);
  g_assert_false (bn_bus_have_pending (bus));
  g_autoptr (BnMessage) none = bn_bus_timed_pop_filtered (bus, 1000, BN_MESSAGE_ANY);
  g_assert_null (none);
  bn_bus_set_flushing (bus, TRUE);
  bn_bus_post (bus, bn_message_new_info (NULL, "dropped"));
  g_assert_false (bn_bus_have_pending (bus));
}

/* A bin that counts the error messages its children post, then passes
 * every message on. */
typedef struct {
  BnBin parent_instance;
  guint errors;
} TestCountBin;
typedef BnBinClass TestCountBinClass;
G_DEFINE_TYPE (TestCountBin, test_count_bin, BN_TYPE_BIN)

static void
test_count_bin_handle_message (BnBin *bin, BnMessage *message)
{
  if (bn_message_get_message_type (message) == BN_MESSAGE_ERROR)
    ((TestCountBin *) bin)->errors++;
  BN_BIN_CLASS (test_count_bin_parent_class)->handle_message (bin, message);
}

static void
test_count_bin_class_init (TestCountBinClass *klass)
{
  klass->handle_message = test_count_bin_handle_message;
}

static void
test_count_bin_init (TestCountBin *self)
{
}

static BnElement *
make_element (const char *factory, const char *name)
{
  BnElement *e = bn_element_factory_make (factory, name);
  g_assert_nonnull (e);
  return e;
}

/* An error inside a nested bin rises through each bin's handle_message to
 * the pipeline's bus, and ends the run. */
static void
test_error_nested_bin (void)
{
  g_autoptr (BnElement) p = g_object_ref_sink (bn_pipeline_new ("p"));
  BnElement *inner = g_object_new (test_count_bin_get_type (), "name", "inner", NULL);
  BnElement *src = make_element ("fakesrc", "src");
  BnElement *fail = make_element ("test-fail", "boom");
  BnElement *sink = make_element ("fakesink", "k");
  g_object_set (src, "num-items", 10, NULL);
  g_object_set (fail, "after", 2, NULL);
  bn_bin_add_many (BN_BIN (inner), fail, sink, NULL);
  bn_bin_add_many (BN_BIN (p), src, inner, NULL);
  g_assert_true (bn_element_get_bus (BN_ELEMENT (p)) == bn_pipeline_get_bus (BN_PIPELINE (p)));
  g_assert_nonnull (bn_element_get_bus (fail));
  g_assert_true (bn_element_get_bus (fail) != bn_pipeline_get_bus (BN_PIPELINE (p)));
  g_assert_true (bn_element_link (src, fail, NULL));
  g_assert_true (bn_element_link (fail, sink, NULL));

  g_autoptr (GError) error = NULL;
  g_assert_false (bn_pipeline_run (BN_PIPELINE (p), &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED);
  g_assert_cmpuint (received (BN_PIPELINE (p), "k"), ==, 2);
  g_assert_cmpuint (((TestCountBin *) inner)->errors, ==, 1);
  g_autoptr (GPtrArray) msgs = drain (BN_PIPELINE (p));
  guint errors = 0;
  for (guint i = 0; i < msgs->len; i++)
    if (bn_message_get_message_type (msgs->pdata[i]) == BN_MESSAGE_ERROR) {
      errors++;
      g_assert_cmpstr (bn_message_get_src_path (msgs->pdata[i]), ==, "/p/inner/boom");
    }
  g_assert_cmpuint (errors, ==, 1);
}

/* Outside a pipeline, an error reaches the log; a removed child has no bus. */
static void
test_error_without_pipeline (void)
{
  g_autoptr (BnElement) bin = g_object_ref_sink (bn_bin_new ("b"));
  BnElement *e = make_element ("fakesink", "lonely");
  g_assert_null (bn_element_get_bus (e));
  g_assert_true (bn_bin_add (BN_BIN (bin), e));
  g_assert_nonnull (bn_element_get_bus (e));

  g_test_expect_message ("bn-core", G_LOG_LEVEL_MESSAGE, "*lonely*on purpose*");
  bn_element_post_error_literal (e, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, "on purpose");
  g_test_assert_expected_messages ();

  g_object_ref (e);
  g_assert_true (bn_bin_remove (BN_BIN (bin), e));
  g_assert_null (bn_element_get_bus (e));
  g_test_expect_message ("bn-core", G_LOG_LEVEL_MESSAGE, "*lonely*alone*");
  bn_element_post_error_literal (e, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, "alone");
  g_test_assert_expected_messages ();
  g_object_unref (e);
}

static BnBusSyncReply
drop_infos (BnBus *bus, BnMessage *message, gpointer user_data)
{
  guint *seen = user_data;
  (*seen)++;
  return bn_message_get_message_type (message) == BN_MESSAGE_INFO ? BN_BUS_DROP : BN_BUS_PASS;
}

static void
test_bus_sync_handler (void)
{
  g_autoptr (BnBus) bus = bn_bus_new ();
  guint seen = 0;
  bn_bus_set_sync_handler (bus, drop_infos, &seen, NULL);
  bn_bus_post (bus, bn_message_new_info (NULL, "dropped"));
  bn_bus_post (bus, bn_message_new_eos (NULL));
  g_assert_cmpuint (seen, ==, 2);
  g_autoptr (BnMessage) m = bn_bus_pop (bus);
  g_assert_cmpint (bn_message_get_message_type (m), ==, BN_MESSAGE_EOS);
  g_assert_false (bn_bus_have_pending (bus));
  bn_bus_set_sync_handler (bus, NULL, NULL, NULL);
  bn_bus_post (bus, bn_message_new_info (NULL, "kept"));
  g_assert_cmpuint (seen, ==, 2);
  g_assert_true (bn_bus_have_pending (bus));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  g_test_add_func ("/pipeline/run/counts", test_run_counts);
  g_test_add_func ("/pipeline/tee/shares-items", test_tee_shares_items);
  g_test_add_func ("/pipeline/state/order", test_state_order);
  g_test_add_func ("/pipeline/schedule/branches-sequential", test_branches_sequential);
  g_test_add_func ("/pipeline/schedule/two-sources-two-inputs", test_two_sources_two_inputs);
  g_test_add_func ("/pipeline/error/chain", test_error_in_chain);
  g_test_add_func ("/pipeline/error/start", test_error_at_start);
  g_test_add_func ("/pipeline/error/finish", test_error_at_finish);
  g_test_add_func ("/pipeline/caps/not-negotiated", test_not_negotiated);
  g_test_add_func ("/pipeline/caps/link-message", test_link_api_errors);
  g_test_add_func ("/pipeline/check/unlinked-cycle-empty", test_unlinked_and_cycle);
  g_test_add_func ("/pipeline/cancel", test_cancellation);
  g_test_add_func ("/pipeline/items/sealed", test_items_sealed);
  g_test_add_func ("/bus/message-kinds", test_message_kinds);
  g_test_add_func ("/bus/timed-pop-filtered", test_bus_timed_pop_filtered);
  g_test_add_func ("/bus/sync-handler", test_bus_sync_handler);
  g_test_add_func ("/pipeline/error/nested-bin", test_error_nested_bin);
  g_test_add_func ("/pipeline/error/without-pipeline", test_error_without_pipeline);
  return g_test_run ();
}
