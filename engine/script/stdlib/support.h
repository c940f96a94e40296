#pragma once
// Helpers shared by the pure standard library modules: argument checks that raise Elixir's
// errors, UTF-8, list building, checked 64-bit arithmetic.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/script/builtins.h"
#include "engine/script/stdlib/errors.h"
#include "engine/script/utf8.h"

namespace tasklens::script::stdlib {

using Args = std::span<const Term>;

/// The Elixir clause a builtin stands for, to raise its FunctionClauseError.
struct Clause {
    std::string_view module;  ///< "String"
    std::string_view function;
    int arity;
    [[noreturn]] void fail() const { raise_function_clause(module, function, arity); }
};

std::string_view need_binary(const Term& t, const Clause& clause);
int64_t need_integer(const Term& t, const Clause& clause);
Atom need_atom(const Term& t, const Clause& clause);
/// Elements of a proper list, or the clause's FunctionClauseError.
std::vector<Term> need_list(const Term& t, const Clause& clause);
void need_map(const Term& t);  ///< BadMapError unless a map

Term make_list(const std::vector<Term>& items, Term tail = Term::empty_list());
Term make_binary(std::string_view s);
Term atom_term(std::string_view name);  ///< Term::atom(name)
/// Atom of an Elixir module given without prefix: "ArgumentError" -> Elixir.ArgumentError.
Term alias_term(std::string_view name);

/// A keyword option `name` from a list (the last binding wins, as Keyword.get over the list
/// uses the first; we use the first too). nullopt if absent or `opts` is not a list.
std::optional<Term> keyword_option(const Term& opts, std::string_view name);

/// Whether `t` is a struct of `module` (e.g. "Regex", "MapSet", "Range").
bool is_struct(const Term& t, std::string_view module);
const Term* struct_field(const Term& t, std::string_view field);

// --- UTF-8 -----------------------------------------------------------------------------------

// The codec is engine/script/utf8.h's.
using script::utf8_append;
using script::utf8_decode;
using script::utf8_valid;
/// Each codepoint as a slice of `s` (invalid bytes as their own slices).
std::vector<std::string_view> utf8_codepoints(std::string_view s);
/// Extended grapheme clusters, approximated: a codepoint followed by combining marks, variation
/// selectors, emoji modifiers, ZWJ-joined codepoints; CRLF and regional-indicator pairs are one
/// cluster. Hangul syllable composition and Indic conjuncts are not handled.
std::vector<std::string_view> utf8_graphemes(std::string_view s);
bool is_unicode_whitespace(char32_t cp);

// --- integers --------------------------------------------------------------------------------

int64_t checked_add(int64_t a, int64_t b);
int64_t checked_sub(int64_t a, int64_t b);
int64_t checked_mul(int64_t a, int64_t b);
/// Digits of `value` in `base` (2..36), uppercase letters, with "-" for negatives.
std::string integer_to_text(int64_t value, int base);
/// Parses an optional sign and digits of `base` (case-insensitive) from the start of `s`;
/// returns the number of bytes used (0 if no digit). Overflow raises ArithmeticError.
size_t parse_integer_prefix(std::string_view s, int base, int64_t& out);
/// The longest prefix [+-]digits of `s` in `base` as an integer of any size; `used` = its
/// length (0 when there is no digit, and the result is then 0).
Term parse_integer_term(std::string_view s, int base, size_t& used);
/// Digits of an integer of any size in base 2..36 (uppercase), with '-' for negatives.
std::string integer_term_text(const Term& value, int base);

// --- floats ----------------------------------------------------------------------------------

/// Float.to_string of a float: tasklens::format_float_short (engine/runtime/inspect.h), which
/// is not inspect's rule: Float.to_string(1.0e15) is "1.0e15", inspect(1.0e15) is
/// "1000000000000000.0".
std::string format_float(double value);

// --- iodata ---------------------------------------------------------------------------------

/// Appends iodata (binaries, bytes 0..255, nested lists) without recursion; false when
/// something else is found.
bool append_iodata(std::string& out, const Term& data);
/// Erlang's binary_to_float/list_to_float text ("digits.digits", optional exponent); false
/// when `s` is not one or its value is not finite (string.cpp).
bool erlang_float_text(std::string_view s, double& out);
/// The simple case mappings String.upcase/downcase use (string.cpp).
char32_t unicode_upper(char32_t c);
char32_t unicode_lower(char32_t c);

// --- ranges ----------------------------------------------------------------------------------

struct RangeValue {
    int64_t first, last, step;
};
std::optional<RangeValue> as_range(const Term& t);
Term make_range(int64_t first, int64_t last, int64_t step);

// --- registration ----------------------------------------------------------------------------

void register_string(BuiltinTable& table);
void register_map(BuiltinTable& table);
void register_keyword(BuiltinTable& table);
void register_list(BuiltinTable& table);
void register_integer(BuiltinTable& table);
void register_float(BuiltinTable& table);
void register_tuple(BuiltinTable& table);
void register_atom(BuiltinTable& table);
void register_module(BuiltinTable& table);
void register_regex(BuiltinTable& table);
void register_map_set(BuiltinTable& table);
void register_access(BuiltinTable& table);
void register_erlang(BuiltinTable& table);
void register_timer(BuiltinTable& table);
void register_process(BuiltinTable& table);
void register_ets(BuiltinTable& table);
void register_queue(BuiltinTable& table);
void register_math(BuiltinTable& table);
void register_rand(BuiltinTable& table);
void register_proplists(BuiltinTable& table);
void register_maps_funs(BuiltinTable& table);
void register_lists_funs(BuiltinTable& table);
void register_bitwise(BuiltinTable& table);
void register_binary_extras(BuiltinTable& table);
void register_io(BuiltinTable& table);             // :io, :io_lib
void register_external_term(BuiltinTable& table);  // term_to_binary, binary_to_term
void register_function(BuiltinTable& table);       // Function.info, :erlang.fun_info
void register_ordsets(BuiltinTable& table);        // :ordsets, :orddict, :sets
void register_gb_trees(BuiltinTable& table);       // :gb_trees
void register_gb_sets(BuiltinTable& table);        // :gb_sets
void register_codecs(BuiltinTable& table);         // Base, :erlang.crc32/adler32/md5, :crypto.hash
void register_erlang_extras(BuiltinTable& table);  // erlang_extras.cpp
void register_calendar_erl(BuiltinTable& table);   // :calendar (calendar_erl.cpp)
void register_unicode_normalization(BuiltinTable& table);  // unicode_normalization.cpp
void register_string_erl(BuiltinTable& table);             // :string (string_erl.cpp)

}  // namespace tasklens::script::stdlib
