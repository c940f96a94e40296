#!/usr/bin/env bash
# Installs the build into a scratch prefix (the layout the .deb ships under /usr) and checks,
# from the installed tree alone and with no display, what a user of the package relies on:
# --help/--version, running an installed demo, the headless screenshot mode, the desktop entry,
# the AppStream metainfo, the MIME type and the man page.
#   install_test.sh BUILD_DIR
set -uo pipefail
build="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/usr"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }
bin="$prefix/bin/tasklens"
share="$prefix/share"
unset DISPLAY WAYLAND_DISPLAY

for f in bin/tasklens share/applications/io.github.tasklens.Tasklens.desktop \
         share/metainfo/io.github.tasklens.Tasklens.metainfo.xml share/mime/packages/tasklens.xml \
         share/icons/hicolor/scalable/apps/tasklens.svg share/icons/hicolor/48x48/apps/tasklens.png \
         share/icons/hicolor/256x256/apps/tasklens.png share/man/man1/tasklens.1.gz; do
    [ -s "$prefix/$f" ] && pass "installed $f" || fail "missing $f"
done
file "$share/icons/hicolor/48x48/apps/tasklens.png" | grep -q "48 x 48" \
    && pass "48x48 icon is 48x48" || fail "48x48 icon has the wrong size"

"$bin" --help >"$work/help.txt" 2>&1 && grep -q "tasklens run" "$work/help.txt" \
    && pass "--help without a display" || { cat "$work/help.txt"; fail "--help"; }
version="$("$bin" --version 2>&1)"
grep -q "^tasklens [0-9]" <<<"$version" && pass "--version: $version" || fail "--version printed '$version'"

demos=("$share"/tasklens/scenarios/*.exs)
[ "${#demos[@]}" -ge 4 ] && [ -f "${demos[0]}" ] && pass "${#demos[@]} demo scenarios installed" \
    || fail "no demo scenarios under share/tasklens/scenarios"
demo="$share/tasklens/scenarios/supervision_tree.exs"
(cd "$work" && "$bin" run "$demo" --trace "$work/demo.jsonl" --tree "$work/tree.png" >"$work/demo.out" 2>"$work/demo.err")
status=$?
[ "$status" -eq 0 ] && [ -s "$work/demo.out" ] && [ -s "$work/demo.jsonl" ] && [ -s "$work/tree.png" ] \
    && pass "tasklens run <installed demo>.exs" || { cat "$work/demo.err"; fail "run installed demo (status $status)"; }

"$bin" --scenario "$demo" --run-to-end --screenshot "$work/window.png" --size 1280x800 \
    >"$work/shot.log" 2>&1
status=$?
[ "$status" -eq 0 ] && file "$work/window.png" | grep -q "1280 x 800" \
    && pass "headless screenshot mode" || { cat "$work/shot.log"; fail "screenshot mode (status $status)"; }

desktop-file-validate "$share/applications/io.github.tasklens.Tasklens.desktop" >"$work/dfv.log" 2>&1 \
    && pass "desktop-file-validate" || { cat "$work/dfv.log"; fail "desktop-file-validate"; }
grep -q "^MimeType=.*application/x-tasklens-trace" "$share/applications/io.github.tasklens.Tasklens.desktop" \
    && pass "desktop entry opens traces" || fail "desktop entry lacks the trace MIME type"
appstreamcli validate --no-net "$share/metainfo/io.github.tasklens.Tasklens.metainfo.xml" \
    >"$work/as.log" 2>&1 && pass "appstreamcli validate" || { cat "$work/as.log"; fail "appstreamcli validate"; }
update-mime-database "$share/mime" >"$work/mime.log" 2>&1 && grep -q "application/x-tasklens-trace" "$share/mime/globs2" \
    && pass "MIME database accepts the trace type" || { cat "$work/mime.log"; fail "update-mime-database"; }

zcat "$share/man/man1/tasklens.1.gz" >"$work/tasklens.1"
for section in "COMMAND: tasklens run" "COMMAND: tasklens export" "COMMAND: tasklens record" \
               "COMMAND: tasklens compare" "SEE ALSO"; do
    grep -qi "^\.SH \"\?$section" "$work/tasklens.1" && pass "man page has $section" || fail "man page lacks $section"
done
groff -man -Tutf8 -z -ww "$work/tasklens.1" 2>"$work/groff.log" && [ ! -s "$work/groff.log" ] \
    && pass "man page renders without warnings" || { cat "$work/groff.log"; fail "man page warnings"; }

[ "$failures" -eq 0 ] || { echo "$failures install check(s) failed"; exit 1; }
echo "all install checks passed"
