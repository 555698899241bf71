/* gst-bitnet: bn-key, makes and shows the Ed25519 keys that sign receipts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gst-bitnet/bench/bench.h>
#include <gst-bitnet/bench/bn-signing-private.h>
#include <gst-bitnet/bn-i18n-private.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

/* bn-key generate NAME [--dir DIR]: DIR/NAME.key (secret, 0600) and DIR/NAME.pub
 * bn-key show FILE.key|FILE.pub: the key's name and fingerprint (a secret key's
 *   permissions are checked as receipt-sink checks them) */

static char *opt_dir = NULL;

static const GOptionEntry entries[] = {
  { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &opt_dir,
    N_("Directory of the key files (default ~/.config/gst-bitnet/keys)"), N_("DIR") },
  { NULL },
};

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C"); /* numbers in files and messages keep the decimal point */
  bn_i18n_bind_textdomain ();
  textdomain (GETTEXT_PACKAGE);
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("generate NAME | show FILE"));
  g_option_context_set_summary (ctx, _("Makes Ed25519 keys that sign receipts (receipt-sink signing-key=NAME.key)\n"
                                        "and names them; trust a key by listing its NAME.pub in BITNET_TRUSTED_KEYS."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 3
      || (strcmp (argv[1], "generate") && strcmp (argv[1], "show"))) {
    g_printerr ("%s\n", error ? error->message : _("usage: bn-key generate NAME [--dir DIR] | bn-key show FILE"));
    return 2;
  }
  if (!strcmp (argv[1], "generate")) {
    g_autofree char *dir =
        opt_dir ? g_strdup (opt_dir) : g_build_filename (g_get_user_config_dir (), "gst-bitnet", "keys", NULL);
    g_autofree char *sk = NULL, *pk = NULL;
    if (!bn_signing_key_generate (dir, argv[2], &sk, &pk, &error)) {
      g_printerr ("bn-key: %s\n", error->message);
      return 1;
    }
    g_autoptr (BnSigningKey) key = bn_signing_key_load (sk, &error);
    g_autofree char *who = key ? bn_signing_key_describe (key) : g_strdup (argv[2]);
    g_print (_("key %s\nsecret: %s (mode 0600: keep it to the runner)\npublic: %s (list it in BITNET_TRUSTED_KEYS)\n"),
             who, sk, pk);
    return 0;
  }
  if (g_str_has_suffix (argv[2], ".pub")) {
    const char *paths[] = { argv[2], NULL };
    g_autoptr (BnKeyring) ring = bn_keyring_load (paths, &error);
    if (!ring) {
      g_printerr ("bn-key: %s\n", error->message);
      return 1;
    }
    g_print (_("public key in %s\n"), argv[2]);
    return 0;
  }
  g_autoptr (BnSigningKey) key = bn_signing_key_load (argv[2], &error);
  if (!key) {
    g_printerr ("bn-key: %s\n", error->message);
    return 1;
  }
  g_autofree char *who = bn_signing_key_describe (key);
  g_print (_("key %s\n"), who);
  return 0;
}
