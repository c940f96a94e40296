#pragma once
// Erlang's own term syntax, as io_lib (OTP 25) writes it: `io_lib:write/2` (the `~w`/`~W`
// controls) and `io_lib_pretty:print` (`~p`/`~P`, which breaks lines to fit a line length).
// Texts are sequences of code points, as io_lib's chardata; `to_utf8` encodes one for output.
#include <string>
#include <string_view>

#include "engine/runtime/term.h"

namespace tasklens::script::stdlib {

/// The `t` modifier: latin1 (the default) writes binaries as bytes and only latin1 characters in
/// atoms; unicode writes `<<"é"/utf8>>` and any character.
enum class ErlEncoding { Latin1, Unicode };

/// io_lib:write(Term, Depth): one line, depth -1 = unlimited.
std::u32string erl_write(const Term& term, int depth = -1,
                         ErlEncoding encoding = ErlEncoding::Unicode);
/// io_lib:write_atom: quoted when needed ('Elixir.Foo', 'hello world', ok).
std::u32string erl_write_atom(Atom atom, ErlEncoding encoding = ErlEncoding::Unicode);
/// io_lib:write_string(Chars, Quote) without the quotes' choice: `"..."` with escapes.
std::u32string erl_write_string(std::u32string_view chars, char32_t quote, ErlEncoding encoding);
/// io_lib_pretty:print(Term, [{column, C}, {line_length, L}, {depth, D}, {encoding, E},
/// {strings, S}]).
std::u32string erl_print(const Term& term, int column, int line_length, int depth,
                         ErlEncoding encoding, bool strings = true);

/// Code points of a UTF-8 text (invalid bytes as their own values, as latin1).
std::u32string code_points(std::string_view utf8);
/// UTF-8 of code points.
std::string to_utf8(std::u32string_view chars);

}  // namespace tasklens::script::stdlib
