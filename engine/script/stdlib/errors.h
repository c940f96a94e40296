#pragma once
// Raising Elixir exceptions from the pure standard library.
//
// Convention: every failure is an ErlangException of kind :error whose reason is the exception
// STRUCT Elixir itself would hold after normalisation (a map with __struct__ and
// __exception__: true), so `rescue e in KeyError` and the top-level "** (KeyError) ..." printer
// see exactly what Elixir shows:
//   - ArgumentError carries its final message, including the multi-line "errors were found at
//     the given arguments:" text that the BEAM derives from a BIF's error_info.
//   - Exceptions whose message Elixir computes lazily keep message: nil and their data fields
//     (KeyError{key, term}, BadMapError{term}, FunctionClauseError{module, function, arity}), and
//     format_error.h renders them, as Exception.message/1 does.
//   - A FunctionClauseError names the clause that failed in Elixir's code, which is not always
//     the arity the scenario called (String.upcase/1 fails in String.upcase/2).
// Consequence: `catch :error, reason` sees the struct where real Erlang would see :badarg; no
// scenario of the corpus depends on that.
#include <initializer_list>
#include <string_view>
#include <utility>

#include "engine/runtime/runtime.h"

namespace tasklens::script::stdlib {

/// %Module{fields..., __exception__: true}; `module` without the "Elixir." prefix.
Term make_exception(std::string_view module,
                    std::initializer_list<std::pair<std::string_view, Term>> fields);

[[noreturn]] void raise_term(Term exception);
[[noreturn]] void raise_argument_error(std::string_view message);
/// ArgumentError as raised by a BIF: "errors were found at the given arguments:\n\n  * 1st
/// argument: <detail>\n". `position` is 1-based.
[[noreturn]] void raise_bif_argument_error(int position, std::string_view detail);
/// The atom `name` if it exists, else the ArgumentError of :erlang.binary_to_existing_atom/2.
Term existing_atom(std::string_view name);
/// FunctionClauseError for Module.function/arity; `module` like "String", or ":lists" for an
/// Erlang module.
[[noreturn]] void raise_function_clause(std::string_view module, std::string_view function,
                                        int arity);
[[noreturn]] void raise_bad_map(const Term& term);
[[noreturn]] void raise_key_error(const Term& key, const Term& term);
[[noreturn]] void raise_arithmetic_error(
    std::string_view message = "bad argument in arithmetic expression");
/// Our 64-bit integers cannot grow into bignums: results outside int64 raise this.
[[noreturn]] void raise_integer_overflow();
[[noreturn]] void raise_regex_compile_error(std::string_view message);
[[noreturn]] void raise_case_clause(const Term& term);

}  // namespace tasklens::script::stdlib
