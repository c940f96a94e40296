#pragma once
// UTF-8 checks shared by the trace writers: JSON and DOT both require valid UTF-8, while event
// text may hold any bytes (a binary rendered by the scenario, a truncated message).
#include <string>
#include <string_view>

namespace tasklens::trace {

/// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;
/// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD.
std::string to_valid_utf8(std::string_view text);
/// Appends `text` as a JSON string literal (quotes included). `text` must be valid UTF-8.
void append_json_string(std::string& out, std::string_view text);

}  // namespace tasklens::trace
