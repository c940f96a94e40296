#pragma once
// Reads a term the user typed as Elixir (the reason of "Kill…", the message of "Send message…").
// Literal terms only: integers, floats, atoms (`:kill`, `true`, `nil`, `MyApp.Worker`), strings,
// charlists, tuples, lists (keyword lists too, `[h | t]`), maps, and pids written as IEx does,
// `pid("0.5.0")` or `pid(0, 5, 0)`. Text is parsed with the scenario parser, so the syntax and
// its error messages are the scenario language's.
//
// Terms are not thread-safe (non-atomic reference counts): call readTerm on the thread of the
// runtime that will use the term. validateTerm is safe on any thread and builds no term.
#include <optional>
#include <string>
#include <string_view>

#include "engine/runtime/term.h"

namespace tasklens::ui {

/// The term, or nullopt with `error` set ("1:5: syntax error before: ..." or "not a literal
/// term: a function call").
std::optional<Term> readTerm(std::string_view text, std::string* error);

/// Checks `text` as readTerm would, without building a term. Empty string when it is fine.
std::string validateTerm(std::string_view text);

}  // namespace tasklens::ui
