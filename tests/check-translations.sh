#!/bin/sh
# The catalogues of po/LINGUAS (docs/translations.md): each compiles with
# msgfmt --check (printf directives match their English ones), holds no fuzzy
# entry, and translates every message the sources mark with _() and N_()
# (po/POTFILES.in, extracted as meson's gettext preset does). A message added
# since the last update is reported as TODO, not as a failure: update the
# catalogue with `ninja -C build gst-bitnet-1.0-update-po` and translate it.
# Prints TAP.
set -u
src=${1:?source root}
cd "$src" || exit 1
langs=$(grep -v '^#' po/LINGUAS | tr -s ' \n' '  ' | sed 's/ *$//')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for lang in $langs; do n=$((n + 3)); done
echo "1..$((n + 1))"
if [ -n "$langs" ]; then echo "ok 1 - po/LINGUAS lists $langs"; else echo "not ok 1 - po/LINGUAS lists no language"; fi

pot=
if command -v xgettext >/dev/null 2>&1; then
  pot=$tmp/messages.pot
  grep -v '^#' po/POTFILES.in | grep -v '^$' > "$tmp/files"
  xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
    --files-from="$tmp/files" -o "$pot" 2>/dev/null || pot=
fi

i=1
for lang in $langs; do
  po=po/$lang.po
  i=$((i + 1))
  if stats=$(msgfmt --check --statistics -o "$tmp/$lang.mo" "$po" 2>&1); then
    echo "ok $i - $po passes msgfmt --check ($stats)"
  else
    echo "not ok $i - $po fails msgfmt --check:"; printf '%s\n' "$stats" | sed 's/^/# /'
  fi
  i=$((i + 1))
  case $stats in
    *fuzzy*|*untranslated*) echo "not ok $i - $po has fuzzy or untranslated entries: $stats" ;;
    *) echo "ok $i - $po has no fuzzy or untranslated entry" ;;
  esac
  i=$((i + 1))
  if [ -z "$pot" ]; then
    echo "ok $i # SKIP xgettext is not installed: $po not compared with the sources"
  elif out=$(msgcmp "$po" "$pot" 2>&1); then
    echo "ok $i - $po translates every message of the sources"
  else
    echo "not ok $i # TODO $po lacks messages of the sources (update it: ninja -C build gst-bitnet-1.0-update-po)"
    printf '%s\n' "$out" | head -20 | sed 's/^/# /'
  fi
done
