#!/usr/bin/env bash
# Writes the tasklens(1) man page from the program's own --help texts, so the page and --help
# cannot drift: help2man reads `tasklens --help` / `--version`, and each subcommand's --help
# becomes a section of its own.
#   make-manpage.sh TASKLENS_BINARY OUTPUT.1
set -euo pipefail
bin="$1"
out="$2"
# The binary must answer --help without a display; make sure no stray display is used.
export QT_QPA_PLATFORM=offscreen
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
include="$work/include.h2m"
# Run it as plain `tasklens` so usage lines name the command, not the build path.
ln -s "$(realpath "$bin")" "$work/tasklens"
bin="$work/tasklens"
export PATH="$work:$PATH"
{
    echo "[NAME]"
    echo "tasklens \\- process observer for the Task and Supervisor model of Elixir and Erlang/OTP"
    for sub in run export demo record compare; do
        text="$(tasklens "$sub" --help 2>/dev/null)" || { echo "make-manpage: 'tasklens $sub --help' failed" >&2; exit 1; }
        echo "[COMMAND: tasklens $sub]"
        # No filling, so groff keeps the option tables as they are printed.
        echo ".nf"
        printf '%s\n' "$text" | sed -e 's/\\/\\e/g' -e 's/^\./\\\&./'
        echo ".fi"
    done
    echo "[FILES]"
    echo ".TP"
    echo "/usr/share/tasklens/scenarios"
    echo "The demo scenarios shown in the gallery; each runs with \\fBtasklens run\\fR."
    echo "[SEE ALSO]"
    echo "elixir(1)"
} > "$include"
help2man --no-info --include="$include" \
    --name="process observer for the Task and Supervisor model of Elixir and Erlang/OTP" \
    --section=1 --output="$out" tasklens
