#pragma once
// The compiled form of a %Regex{} struct, shared by Regex and String (split/replace/match?).
//
// Regexes run on std::regex with the ECMAScript grammar. PCRE syntax is translated where an
// equivalent exists: \A \z \Z, (?<name>...) and (?P<name>...) named groups, \h, inline-free
// flags i (icase), m (multiline), s (dotall: "." also matches newlines), x (extended: blanks and
// # comments dropped), u (UTF-8 accepted; classes stay byte-based), U and f are accepted and
// ignored. Not supported, refused with Tasklens.UnsupportedError ("Tasklens does not support ...
// in regular expressions yet"), since PCRE accepts them: lookbehind, possessive quantifiers,
// atomic groups, recursion, conditionals, inline flag groups like (?i) inside the pattern, and
// the escapes \p \P (Unicode properties), \K \G \R \X \Q.
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/runtime/term.h"

namespace tasklens::script::stdlib {

struct CompiledRegex {
    std::regex re;
    size_t groups = 0;                                  ///< capture groups, not counting group 0
    std::vector<std::pair<std::string, size_t>> names;  ///< named group -> group number, by name
    bool ungreedy = false;
};

/// One match: group 0 is the whole match. Absent groups are nullopt.
struct RegexMatch {
    std::vector<std::optional<std::pair<size_t, size_t>>> groups;  ///< (offset, length)
};

/// The compiled regex of a %Regex{} struct (cached by source and options), or nullptr if `t` is
/// not a Regex struct.
const CompiledRegex* regex_of(const Term& t);
/// First match at or after `from`.
std::optional<RegexMatch> regex_find(const CompiledRegex& regex, std::string_view subject,
                                     size_t from);
std::optional<RegexMatch> regex_find_flags(const CompiledRegex& regex, std::string_view subject,
                                           size_t from,
                                           std::regex_constants::match_flag_type flags);
/// All non-overlapping matches, as Regex.scan finds them (an empty match advances one codepoint).
std::vector<RegexMatch> regex_find_all(const CompiledRegex& regex, std::string_view subject);
/// Regex.split: `parts` 0 = no limit; `trim` drops empty parts.
std::vector<std::string_view> regex_split(const CompiledRegex& regex, std::string_view subject,
                                          int64_t parts, bool trim);
/// Expands a Regex.replace replacement ("\\0", "\\1", "\\g{1}") for one match.
std::string regex_expand(std::string_view replacement, const RegexMatch& match,
                         std::string_view subject);

}  // namespace tasklens::script::stdlib
