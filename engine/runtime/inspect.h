#pragma once
// Elixir's value formatting: the Inspect protocol with Inspect.Algebra's pretty printer, and the
// String.Chars protocol, as Elixir 1.14 on OTP 25 prints them.
//
// Scenarios must print byte for byte what `elixir scenario.exs` prints, so every rule here is
// checked against the real thing (tests/engine/runtime/inspect_test.cpp records the commands).
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/runtime/term.h"

namespace tasklens {

/// Inspect.Opts, with Elixir's defaults.
struct InspectOptions {
    /// Columns for the layout: used by inspect() only when `pretty`, by io_inspect_text() always.
    int width = 80;
    /// Items shown of lists, tuples, maps and binaries before `...`; negative = :infinity.
    int64_t limit = 50;
    /// Characters shown of printable strings and charlists before `...`; negative = :infinity.
    int64_t printable_limit = 4096;
    /// Break lines to fit `width`. Off, everything is printed on one line (Kernel.inspect/2).
    bool pretty = false;
    enum class Charlists : uint8_t { Infer, AsLists, AsCharlists } charlists = Charlists::Infer;
    /// false = print structs as the plain maps they are (`structs: false`).
    bool structs = true;
    /// binaries: :infer (strings when printable), :as_binaries (<<...>>), :as_strings.
    enum class Binaries : uint8_t { Infer, AsBinaries, AsStrings } binaries = Binaries::Infer;
    enum class Base : uint8_t { Decimal, Binary, Octal, Hex } base = Base::Decimal;
};

/// Options with `pretty: true` (width 80).
inline InspectOptions pretty_options() {
    InspectOptions options;
    options.pretty = true;
    return options;
}

/// Reads Inspect.Opts from a keyword list (`limit:`, `width:`, `pretty:`, `printable_limit:`,
/// `charlists:`, `structs:`, `binaries:`, `base:`), starting from `base`. Unknown keys (e.g.
/// `label:`, `syntax_colors:`) are ignored; `:infinity` is accepted for the limits.
InspectOptions inspect_options_from_keywords(const Term& keywords, InspectOptions base = {});

/// Kernel.inspect(term, opts): one line unless `pretty` (then broken to fit `width`).
std::string inspect(const Term& term, const InspectOptions& options = {});

/// The text IO.inspect(term, opts) writes, without the trailing newline. IO.inspect always lays
/// the document out at options.width (whatever `pretty` says) and writes `label: ` in front of the
/// first line; the label does not count towards the width (as in Elixir 1.14).
std::string io_inspect_text(const Term& term, std::string_view label = {},
                            const InspectOptions& options = {});

// --- structs ---------------------------------------------------------------------------------

/// A struct's fields in definition order: `%Name{...}` prints them in this order. Elixir prints
/// a struct as a plain map (`%{__struct__: Name, ...}`) when its module is unknown or the map's
/// keys are not exactly the struct's fields; so do we.
struct StructDefinition {
    Atom module;
    std::vector<Atom> fields;  ///< without __struct__ / __exception__
    bool exception = false;    ///< defexception: the map also has `__exception__: true`
    /// @derive {Inspect, optional: [...]}: each such field is left out of %Name{...} while it
    /// holds this default (an unboxed term: nil, an atom, a small number).
    std::vector<std::pair<Atom, Term>> optional;
};

/// Struct definitions by module. Thread-safe.
class StructRegistry {
  public:
    void define(Atom module, std::vector<Atom> fields, bool exception = false);
    /// Fields of a defined struct left out while they hold their default (see StructDefinition).
    void set_optional(Atom module, std::vector<std::pair<Atom, Term>> optional);
    std::optional<StructDefinition> find(Atom module) const;

  private:
    mutable std::shared_mutex mutex_;
    std::unordered_map<uint32_t, StructDefinition> defs_;
};

/// The registry of scenario-defined structs consulted by inspect on this thread (the engine
/// thread that drives a runtime installs its scenario's registry; nullptr = none). Elixir's own
/// structs (Task, Range, MapSet, Regex, the standard exceptions) are always known.
void set_thread_struct_registry(const StructRegistry* registry) noexcept;
const StructRegistry* thread_struct_registry() noexcept;
/// The thread's registry first, then Elixir's built-in structs.
std::optional<StructDefinition> find_struct_definition(Atom module);

/// Inspect.Algebra.color-free Macro.inspect_atom(:literal, atom): `:ok`, `:"with space"`, `nil`,
/// `MyApp.Worker`.
std::string inspect_atom(Atom atom);
/// The atom as it appears as a keyword key, without the colon: `a`, `"with space"`.
std::string inspect_atom_key(Atom atom);
/// Macro.inspect_atom(:remote_call, atom): a function name after a dot: `map`, `+`, `"Foo"`.
std::string inspect_atom_remote(Atom atom);
/// A module name as Elixir writes it in messages: `MyApp.Worker`, `:erlang`.
std::string inspect_module(Atom module);
/// inspect/1 of a float: an integral float below 1.0e16 in plain digits (1000000000000000.0),
/// anything else as format_float_short.
std::string format_float(double value);
/// Float.to_string/1, String.Chars (interpolation, IO.puts) and float_to_binary(f, [:short]):
/// the shortest digits that round-trip, fixed or scientific by erts' rule (OTP's
/// erts/emulator/ryu/to_chars.h): "1.0e3", "123456789.0", "0.0001", "9.007199254740992e15".
std::string format_float_short(double value);

/// String.Chars.to_string/1. Integers, floats, atoms (without colon; nil → ""), binaries as is,
/// charlists and iolists flattened. Anything else raises as Elixir does: throws ErlangException
/// of kind :error whose reason is the exception struct —
/// %Protocol.UndefinedError{protocol: String.Chars, value: term, description: ""} for tuples,
/// maps, pids, refs, funs; %ArgumentError{} for a list that is not chardata.
std::string to_string(const Term& term);
/// to_string without raising: nullopt where to_string would raise.
std::optional<std::string> try_to_string(const Term& term);

/// Is the binary valid UTF-8 made only of printable characters (String.printable?/2)?
bool is_printable_string(std::string_view bytes);

}  // namespace tasklens
