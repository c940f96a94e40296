#pragma once
// The compiled form of a %Regex{} struct, shared by Regex and String (split/replace/match?).
//
// Regexes run on PCRE2 (Debian libpcre2-dev), the successor of the PCRE 8.44 that Erlang's :re
// embeds, so patterns have PCRE's full syntax (lookbehind, possessive quantifiers, atomic groups,
// \p{..} properties, inline (?i) flags, recursion, conditionals). Elixir's option letters map as
// Regex.compile/2 maps them to :re options (regex_engine.cpp). Matching follows :re.run: a search
// that reaches PCRE's match limit answers "no match"; global matching retries after an empty
// match as :re does. Compile errors carry PCRE 8.44's message where PCRE2 has the same error.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/runtime/term.h"

struct pcre2_real_code_8;  // pcre2.h's pcre2_code (PCRE2_CODE_UNIT_WIDTH 8)

namespace tasklens::script::stdlib {

struct CompiledRegex {
    std::shared_ptr<pcre2_real_code_8> code;
    size_t groups = 0;                                  ///< capture groups, not counting group 0
    std::vector<std::pair<std::string, size_t>> names;  ///< named group -> group number, by name
    bool utf = false;   ///< compiled with PCRE2_UTF: subjects must be UTF-8, steps are codepoints
    bool crlf = false;  ///< the newline convention treats CRLF as one newline
};

/// One match: group 0 is the whole match. As PCRE counts them, the groups after the last one
/// that took part are left out; an absent group inside is nullopt.
struct RegexMatch {
    std::vector<std::optional<std::pair<size_t, size_t>>> groups;  ///< (offset, length)
};

/// The compiled regex of a %Regex{} struct (cached by source and options), or nullptr if `t` is
/// not a Regex struct.
const CompiledRegex* regex_of(const Term& t);
/// First match at or after `from` (nullopt if none, or if PCRE's match limit is reached).
/// A subject that is not UTF-8 raises ArgumentError for a UTF regex, as :re.run does.
std::optional<RegexMatch> regex_find(const CompiledRegex& regex, std::string_view subject,
                                     size_t from);
/// All matches from `from` on, as :re.run's :global option finds them.
std::vector<RegexMatch> regex_find_all(const CompiledRegex& regex, std::string_view subject,
                                       size_t from = 0);
/// Regex.split/3 (and String.split/3 with a regex): options on, parts, trim, include_captures.
Term regex_split(const CompiledRegex& regex, std::string_view subject, const Term& opts);
/// Regex.replace/4 (and String.replace/4 with a regex) with a binary replacement ("\\0", "\\1",
/// "\\g{1}", "\\\\"); option global.
Term regex_replace(const CompiledRegex& regex, std::string_view subject,
                   std::string_view replacement, const Term& opts);

}  // namespace tasklens::script::stdlib
