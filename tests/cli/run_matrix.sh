#!/usr/bin/env bash
# Runs rows of the bad-input matrix (bad_input_matrix.txt) against a tasklens binary.
#   run_matrix.sh [-k ID] MATRIX TASKLENS
# A row:
#   === ID                      starts the row
#   args: run x.exs --trace t.jsonl    tasklens's arguments (split on spaces; no quoting)
#   exit: N                     the exit status
#   stdout: TEXT                all of stdout, printf %b escapes (\n); omitted = empty
#   stdout-prefix: TEXT         stdout starts with TEXT (printf %b escapes), for long outputs
#   stderr: LINE                the first line of stderr, exactly; omitted = stderr empty
#   stderr-prefix: TEXT         the first line of stderr starts with TEXT (for varying tails)
#   stderr-has: LINE            a line that must appear somewhere in stderr
#   stderr-has-prefix: TEXT     some line of stderr starts with TEXT
#   trace: FILE MIN             FILE exists, holds >= MIN lines and ends with a complete line
#   --- NAME                    the following lines (up to the next --- or ===) are file NAME
#   --- NAME/                   NAME is a directory
#   bytes: NAME HEX             NAME holds these bytes (for files that are not text)
#   append: NAME TEXT           appends TEXT (printf %b escapes) to NAME, after the --- blocks
#   repeat: NAME N TEXT         appends TEXT (printf %b escapes) N times to NAME (huge inputs)
# Each row runs in a fresh temporary directory, with a 120 s timeout.
set -u
only=""
if [[ "${1:-}" == "-k" ]]; then only="$2"; shift 2; fi
matrix="$1"
tasklens="$2"

pass=0
fail=0
id=""

run_row() {
    local dir="$1"
    local out err status
    # A private runtime directory: without one Qt starts stderr with a notice about it.
    mkdir -m 700 "$dir/.xdg-runtime"
    # shellcheck disable=SC2086
    (cd "$dir" && XDG_RUNTIME_DIR="$dir/.xdg-runtime" timeout -k 10 120 "$tasklens" $args \
        >stdout 2>stderr </dev/null)
    status=$?
    local problems=""
    [[ "$status" == "$exit_expected" ]] || problems+="  exit status $status, expected $exit_expected"$'\n'
    local expected_stdout
    expected_stdout="$(printf '%b' "$stdout_expected"; printf x)"
    expected_stdout="${expected_stdout%x}"
    local actual_stdout
    actual_stdout="$(cat "$dir/stdout"; printf x)"
    actual_stdout="${actual_stdout%x}"
    if [[ -n "$stdout_prefix" ]]; then
        local expected_prefix
        expected_prefix="$(printf '%b' "$stdout_prefix"; printf x)"
        expected_prefix="${expected_prefix%x}"
        [[ "$actual_stdout" == "$expected_prefix"* ]] ||
            problems+="  stdout: $(printf '%q' "${actual_stdout:0:400}"), expected to start with $(printf '%q' "$expected_prefix")"$'\n'
    else
        [[ "$actual_stdout" == "$expected_stdout" ]] ||
            problems+="  stdout: $(printf '%q' "$actual_stdout"), expected $(printf '%q' "$expected_stdout")"$'\n'
    fi
    local first_err
    first_err="$(head -n 1 "$dir/stderr")"
    if [[ -n "$stderr_prefix" ]]; then
        [[ "$first_err" == "$stderr_prefix"* ]] ||
            problems+="  stderr line 1: $(printf '%q' "$first_err"), expected to start with $(printf '%q' "$stderr_prefix")"$'\n'
    elif [[ -n "$stderr_expected" ]]; then
        [[ "$first_err" == "$stderr_expected" ]] ||
            problems+="  stderr line 1: $(printf '%q' "$first_err"), expected $(printf '%q' "$stderr_expected")"$'\n'
    elif [[ -s "$dir/stderr" && ${#stderr_has[@]} -eq 0 && ${#stderr_has_prefix[@]} -eq 0 ]]; then
        problems+="  unexpected stderr: $(head -c 300 "$dir/stderr")"$'\n'
    fi
    local line
    for line in "${stderr_has[@]}"; do
        grep -qxF -- "$line" "$dir/stderr" || problems+="  stderr lacks the line: $line"$'\n'
    done
    local found prefix
    for prefix in "${stderr_has_prefix[@]}"; do
        found=0
        while IFS= read -r line; do
            [[ "$line" == "$prefix"* ]] && found=1 && break
        done <"$dir/stderr"
        ((found)) || problems+="  no stderr line starts with: $prefix"$'\n'
    done
    if [[ -n "$trace_check" ]]; then
        local file min
        read -r file min <<<"$trace_check"
        if [[ ! -f "$dir/$file" ]]; then
            problems+="  no trace $file"$'\n'
        else
            local lines
            lines=$(wc -l <"$dir/$file")
            ((lines >= min)) || problems+="  trace $file has $lines lines, expected >= $min"$'\n'
            [[ ! -s "$dir/$file" || "$(tail -c 1 "$dir/$file" | od -An -c | tr -d ' ')" == '\n' ]] ||
                problems+="  trace $file does not end with a complete line"$'\n'
        fi
    fi
    if [[ -z "$problems" ]]; then
        echo "PASS $id"
        pass=$((pass + 1))
    else
        echo "FAIL $id"
        printf '%s' "$problems"
        echo "  stderr was: $(head -c 600 "$dir/stderr")"
        fail=$((fail + 1))
    fi
}

# Runs the row's append:/repeat: directives, in order, on its files.
build_files() {
    local op name count text
    for op in "${appends[@]}"; do
        if [[ "$op" == "repeat "* ]]; then
            read -r _ name count text <<<"$op"
            text="$(printf '%b' "$text"; printf x)"
            text="${text%x}"
            # Doubling: N copies in log2(N) steps.
            local chunk="$text" n="$count"
            while ((n > 0)); do
                if ((n & 1)); then printf '%s' "$chunk" >>"$workdir/$name"; fi
                n=$((n >> 1))
                ((n > 0)) && chunk="$chunk$chunk"
            done
        else
            read -r _ name text <<<"$op"
            printf '%b' "$text" >>"$workdir/$name"
        fi
    done
}

finish_row() {
    [[ -z "$id" ]] && return
    if [[ -z "$only" || "$only" == "$id" ]]; then
        build_files
        run_row "$workdir"
    fi
    rm -rf "$workdir"
    id=""
}

current_file=""
while IFS= read -r raw || [[ -n "$raw" ]]; do
    if [[ "$raw" == "=== "* ]]; then
        finish_row
        id="${raw#=== }"
        args=""
        exit_expected=0
        stdout_expected=""
        stdout_prefix=""
        stderr_expected=""
        stderr_has=()
        stderr_has_prefix=()
        stderr_prefix=""
        trace_check=""
        appends=()
        current_file=""
        workdir="$(mktemp -d)"
        continue
    fi
    [[ -z "$id" ]] && continue
    if [[ "$raw" == "--- "* ]]; then
        current_file="${raw#--- }"
        if [[ "$current_file" == */ ]]; then
            mkdir -p "$workdir/$current_file"
            current_file=""
        else
            : >"$workdir/$current_file"
        fi
        continue
    fi
    if [[ -n "$current_file" ]]; then
        printf '%s\n' "$raw" >>"$workdir/$current_file"
        continue
    fi
    case "$raw" in
        "args: "*) args="${raw#args: }" ;;
        "exit: "*) exit_expected="${raw#exit: }" ;;
        "stdout: "*) stdout_expected="${raw#stdout: }" ;;
        "stdout-prefix: "*) stdout_prefix="${raw#stdout-prefix: }" ;;
        "stderr: "*) stderr_expected="${raw#stderr: }" ;;
        "stderr-has: "*) stderr_has+=("${raw#stderr-has: }") ;;
        "stderr-prefix: "*) stderr_prefix="${raw#stderr-prefix: }" ;;
        "stderr-has-prefix: "*) stderr_has_prefix+=("${raw#stderr-has-prefix: }") ;;
        "trace: "*) trace_check="${raw#trace: }" ;;
        "bytes: "*)
            read -r name hex <<<"${raw#bytes: }"
            printf '%b' "$(sed 's/\(..\)/\\x\1/g' <<<"$hex")" >"$workdir/$name"
            ;;
        "append: "*) appends+=("append ${raw#append: }") ;;
        "repeat: "*) appends+=("repeat ${raw#repeat: }") ;;
        "#"* | "") ;;
        *) echo "run_matrix.sh: row $id: cannot read line: $raw" >&2; fail=$((fail + 1)) ;;
    esac
done <"$matrix"
finish_row

echo "$pass passed, $fail failed"
[[ $fail -eq 0 && $pass -gt 0 ]]
