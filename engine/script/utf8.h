#pragma once
// The scenario engine's one UTF-8 codec (the BEAM's rules: no overlong forms, no surrogates,
// nothing past U+10FFFF), shared by the standard library, bitstring segments and the VM's
// builtins. (lexer.h, runtime/inspect.cpp and trace/text_util.h still have their own.)
#include <cstddef>
#include <string>
#include <string_view>

namespace tasklens::script {

/// Decodes the code point at s[i]; returns its byte length (1 for an invalid byte, with
/// `cp` = the byte value and `valid` = false).
size_t utf8_decode(std::string_view s, size_t i, char32_t& cp, bool& valid);
void utf8_append(std::string& out, char32_t cp);
bool utf8_valid(std::string_view s);

}  // namespace tasklens::script
