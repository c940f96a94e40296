// Lexer of the scenario language: source text -> flat token vector.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/script/source.h"
#include "engine/script/token.h"

namespace tasklens::script {

struct LexResult {
    // On success the last token is EndOfFile. On error, the tokens lexed so far.
    std::vector<Token> tokens;
    std::optional<Diagnostic> error;
};

// Tokenizes a whole file in one linear pass. Strings with interpolation become a flat run of
// StringStart/StringFragment/InterpStart.../InterpEnd/StringEnd tokens (an explicit mode
// stack, no recursion). Newlines become Eol tokens, except where Elixir ignores them: after
// a binary operator, comma, opening bracket, `fn`, `do`, `->` or keyword key; before a closing
// bracket; and before a binary operator starting the next line (`x\n|> f()`).
LexResult lex(const SourceFile& file);

// How a string fragment's raw text is turned into bytes.
enum class EscapeMode : std::uint8_t {
    Standard,  // "..." '...' ~s ~c ~w: \n \t \xHH \u{...} and friends
    Regex,     // ~r: kept raw for the regex engine, except an escaped delimiter
    Raw,       // uppercase sigils: kept raw, except an escaped delimiter
};

// Decodes a raw fragment. `strip_indent` removes up to that many leading spaces/tabs from
// each line (heredocs); `at_line_start` says the fragment begins a line. Appends to `out`.
void decode_fragment(std::string_view raw, EscapeMode mode, char delimiter,
                     std::uint32_t strip_indent, bool at_line_start, std::string& out);

// Appends the UTF-8 encoding of a code point (invalid ones become U+FFFD).
void append_utf8(std::uint32_t code_point, std::string& out);

}  // namespace tasklens::script
