#pragma once
// Elixir's value formatting: the Inspect protocol with Inspect.Algebra's pretty printer, and the
// String.Chars protocol, as Elixir 1.14 on OTP 25 prints them.
//
// Scenarios must print byte for byte what `elixir scenario.exs` prints, so every rule here is
// checked against the real thing (tests/engine/runtime/inspect_test.cpp records the commands).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/runtime/term.h"

namespace tasklens {

/// Inspect.Opts. Defaults are Kernel.inspect/2's; IO.inspect turns `pretty` on.
struct InspectOptions {
    /// Columns available to the pretty printer (only used when `pretty`).
    int width = 80;
    /// Items shown of lists, tuples, maps and binaries before `...`; negative = :infinity.
    int64_t limit = 50;
    /// Bytes shown of printable strings and charlists before `...`; negative = :infinity.
    int64_t printable_limit = 4096;
    /// Break lines to fit `width`. Off, everything is printed on one line (Kernel.inspect/2).
    bool pretty = false;
    enum class Charlists : uint8_t { Infer, AsLists, AsCharlists } charlists = Charlists::Infer;
    /// false = print structs as the plain maps they are (`structs: false`).
    bool structs = true;
    /// `custom_options: [sort_maps: true]`-free. `binaries: :as_strings` etc. are not supported.
    enum class Binaries : uint8_t { Infer, AsBinaries, AsStrings } binaries = Binaries::Infer;
    enum class Base : uint8_t { Decimal, Binary, Octal, Hex } base = Base::Decimal;
};

/// Options as IO.inspect uses them by default (pretty: true, width: 80).
inline InspectOptions pretty_options() {
    InspectOptions options;
    options.pretty = true;
    return options;
}

/// Reads Inspect.Opts from a keyword list (`limit:`, `width:`, `pretty:`, `printable_limit:`,
/// `charlists:`, `structs:`, `binaries:`, `base:`), starting from `base`. Unknown keys (e.g.
/// `label:`, `syntax_colors:`) are ignored; `:infinity` is accepted for the limits.
InspectOptions inspect_options_from_keywords(const Term& keywords, InspectOptions base = {});

/// Kernel.inspect(term, opts).
std::string inspect(const Term& term, const InspectOptions& options = {});

/// The text IO.inspect(term, label: label) writes, without the trailing newline: pretty printed
/// at options.width (IO.inspect's default is `pretty: true`), `label: ` before the first line.
std::string io_inspect_text(const Term& term, std::string_view label = {},
                            const InspectOptions& options = pretty_options());

/// Inspect.Algebra.color-free Macro.inspect_atom(:literal, atom): `:ok`, `:"with space"`, `nil`,
/// `MyApp.Worker`.
std::string inspect_atom(Atom atom);
/// The atom as it appears as a keyword key, without the colon: `a`, `"with space"`.
std::string inspect_atom_key(Atom atom);
/// A module name as Elixir writes it in messages: `MyApp.Worker`, `:erlang`.
std::string inspect_module(Atom module);
/// Float formatting as Elixir prints it (shortest round-trip: 1.0, 0.1, 1.0e10, 1.0e-5).
std::string format_float(double value);

/// String.Chars.to_string/1. Integers, floats, atoms (without colon; nil → ""), binaries as is,
/// charlists and iolists flattened. Anything else (tuples, maps, pids, funs, structs without
/// String.Chars) raises like Elixir: throws ErlangException of kind :error whose reason is the
/// %Protocol.UndefinedError{protocol: String.Chars, value: term, description: ""} struct.
std::string to_string(const Term& term);
/// to_string without raising: nullopt where to_string would raise.
std::optional<std::string> try_to_string(const Term& term);

/// Is the binary valid UTF-8 made only of printable characters (String.printable?/2)?
bool is_printable_string(std::string_view bytes);

}  // namespace tasklens
