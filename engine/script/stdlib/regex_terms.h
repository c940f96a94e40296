#pragma once
// Between the two halves of Regex: regex_engine.cpp (PCRE2) and regex.cpp (the Regex module).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "engine/script/stdlib/regex_support.h"

namespace tasklens::script::stdlib {

/// PCRE2 compile options, newline convention and \R convention (0: PCRE2's default).
struct RegexOptions {
    uint32_t flags = 0;
    uint32_t newline = 0;
    uint32_t bsr = 0;
};

/// Options of a %Regex{}'s opts: a binary of Elixir's letters (i m s x u U f r) or a list of
/// :re.compile options. nullopt if one is unknown; for letters `invalid` gets the rest from the
/// first unknown letter, as Regex.compile's {:invalid_option, rest}.
std::optional<RegexOptions> regex_options(const Term& opts, std::string* invalid = nullptr);

struct CompileFailure {
    std::string message;  ///< PCRE 8.44's words where PCRE2 has the same error
    size_t position;
};
using CompileResult = std::variant<std::shared_ptr<CompiledRegex>, CompileFailure>;

/// Regex.version/0, also the re_version of every %Regex{}.
Term regex_version();

/// Compiles (or finds in the cache) `source` with `options`.
CompileResult regex_compile(std::string_view source, const RegexOptions& options);

}  // namespace tasklens::script::stdlib
