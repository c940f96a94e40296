// String: Elixir's String module over UTF-8 binaries.
//
// Graphemes follow utf8_graphemes (support.h): extended clusters approximated, so
// String.length/slice/at count base characters with their combining marks, emoji modifiers and
// ZWJ sequences as one, like Elixir, but Hangul jamo sequences count per codepoint.
// Case mapping covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic (plus ß -> SS);
// other scripts are returned unchanged.
#include <algorithm>
#include <cmath>

#include "engine/runtime/run_limits.h"
#include "engine/script/stdlib/regex_support.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

constexpr std::string_view kString = "Elixir.String";

// --- case mapping ----------------------------------------------------------------------------

char32_t to_upper(char32_t c) {
    if (c >= 'a' && c <= 'z') return c - 32;
    if (c < 0x80) return c;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
    if (c == 0xFF) return 0x178;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
        c != 0x17F) {
        bool odd_is_lower = (c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177);
        if (odd_is_lower) return (c & 1) ? c - 1 : c;
        return (c & 1) ? c : c - 1;  // 0x139..0x148, 0x179..0x17E: even code is lower
    }
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
    if (c == 0x3C2) return 0x3A3;
    if (c >= 0x430 && c <= 0x44F) return c - 32;
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    return c;
}

char32_t to_lower(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0x80) return c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c == 0x178) return 0xFF;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
        c != 0x17F) {
        bool even_is_upper = (c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177);
        if (even_is_upper) return (c & 1) ? c : c + 1;
        return (c & 1) ? c + 1 : c;
    }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    return c;
}

enum class CaseMode { Upper, Lower };

std::string map_case(std::string_view s, CaseMode mode, bool ascii_only) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        char32_t cp;
        bool valid;
        size_t n = utf8_decode(s, i, cp, valid);
        if (!valid || (ascii_only && cp >= 0x80)) {
            out.append(s.substr(i, n));
        } else if (mode == CaseMode::Upper && cp == 0xDF && !ascii_only) {
            out += "SS";
        } else {
            utf8_append(out, mode == CaseMode::Upper ? to_upper(cp) : to_lower(cp));
        }
        i += n;
    }
    return out;
}

/// upcase/downcase/capitalize take a mode: :default, :ascii, :greek or :turkic.
bool ascii_mode(Args args, const Clause& clause) {
    if (args.size() < 2) return false;
    if (args[1].is_atom(Atom::intern("ascii"))) return true;
    if (args[1].is_atom(Atom::intern("default")) || args[1].is_atom(Atom::intern("greek")) ||
        args[1].is_atom(Atom::intern("turkic")))
        return false;
    clause.fail();
}

// --- patterns --------------------------------------------------------------------------------

/// A String pattern: a binary, a list of binaries, or a %Regex{}.
struct Pattern {
    const CompiledRegex* regex = nullptr;
    std::vector<std::string_view> needles;

    /// Leftmost match at or after `from` (longest needle on ties): (offset, length).
    std::optional<std::pair<size_t, size_t>> find(std::string_view s, size_t from) const {
        if (regex) {
            auto m = regex_find(*regex, s, from);
            if (!m) return std::nullopt;
            return m->groups[0];
        }
        std::optional<std::pair<size_t, size_t>> best;
        for (std::string_view needle : needles) {
            size_t pos = s.find(needle, from);
            if (pos == std::string_view::npos) continue;
            if (!best || pos < best->first || (pos == best->first && needle.size() > best->second))
                best = std::pair{pos, needle.size()};
        }
        return best;
    }
    bool has_empty_needle() const {
        return std::any_of(needles.begin(), needles.end(), [](auto n) { return n.empty(); });
    }
};

Pattern make_pattern(const Term& pattern, const Clause& clause) {
    Pattern p;
    if (pattern.is_binary()) {
        p.needles.push_back(pattern.binary_view());
    } else if (pattern.is_list()) {
        for (const Term& item : need_list(pattern, clause)) {
            if (!item.is_binary()) raise_bif_argument_error(2, "not a valid pattern");
            p.needles.push_back(item.binary_view());
        }
        if (p.needles.empty()) raise_bif_argument_error(2, "not a valid pattern");
    } else if (const CompiledRegex* regex = regex_of(pattern)) {
        p.regex = regex;
    } else {
        clause.fail();
    }
    return p;
}

std::vector<Term> binaries(const std::vector<std::string_view>& parts) {
    std::vector<Term> out;
    out.reserve(parts.size());
    for (auto part : parts) out.push_back(Term::binary(part));
    return out;
}

int64_t parts_option(const Term& opts, const Clause& clause) {
    auto parts = keyword_option(opts, "parts");
    if (!parts || parts->is_atom(atom::infinity)) return 0;
    if (!parts->is_integer() || parts->as_integer() <= 0) clause.fail();
    return parts->as_integer();
}

bool trim_option(const Term& opts) {
    auto trim = keyword_option(opts, "trim");
    return trim && trim->truthy();
}

// --- split -----------------------------------------------------------------------------------

/// String.split/3 with a non-empty pattern, following Elixir's split_each/do_splitter: `count`
/// 0 means no limit; with `trim`, empty parts are skipped.
std::vector<std::string_view> split_with(std::string_view s, const Pattern& pattern, bool trim,
                                         int64_t count) {
    std::vector<std::string_view> parts;
    std::optional<std::string_view> rest = s;
    while (rest) {
        if (count == 1) {
            if (!(trim && rest->empty())) parts.push_back(*rest);
            break;
        }
        // do_splitter
        std::optional<std::string_view> head;
        std::optional<std::string_view> next;
        std::string_view cur = *rest;
        while (true) {
            if (cur.empty()) {
                if (!trim) head = cur;  // {"", :nomatch}
                break;
            }
            auto m = pattern.find(cur, 0);
            if (!m) {
                head = cur;
                break;
            }
            std::string_view first = cur.substr(0, m->first);
            std::string_view after = cur.substr(m->first + m->second);
            if (trim && first.empty()) {
                cur = after;
                continue;
            }
            head = first;
            next = after;
            break;
        }
        if (!head) break;
        parts.push_back(*head);
        rest = next;
        if (count > 0) --count;
    }
    return parts;
}

/// String.split(string, "", opts): graphemes with empty strings at both ends.
std::vector<std::string_view> split_empty(std::string_view s, bool trim, int64_t index) {
    if (s.empty() && trim) return {};
    std::vector<std::string_view> parts;
    auto graphemes = utf8_graphemes(s);
    int64_t count = index;
    if (!trim && index != 1) {
        parts.emplace_back();
        count = index - 1;
    }
    size_t i = 0;
    size_t offset = 0;
    while (true) {
        if (count == 1) {
            std::string_view rest = s.substr(offset);
            if (!(rest.empty() && trim)) parts.push_back(rest);
            break;
        }
        if (i == graphemes.size()) {
            count = 1;
            continue;
        }
        parts.push_back(graphemes[i]);
        offset += graphemes[i].size();
        ++i;
        if (i == graphemes.size()) {
            count = 1;
            continue;
        }
        --count;
    }
    return parts;
}

bool is_split_whitespace(char32_t cp) {
    // String.split/1 does not divide on non-breaking spaces.
    return is_unicode_whitespace(cp) && cp != 0xA0 && cp != 0x2007 && cp != 0x202F;
}

Term split_whitespace(std::string_view s) {
    std::vector<Term> parts;
    size_t start = 0;
    size_t i = 0;
    while (i < s.size()) {
        char32_t cp;
        bool valid;
        size_t n = utf8_decode(s, i, cp, valid);
        if (valid && is_split_whitespace(cp)) {
            if (i > start) parts.push_back(Term::binary(s.substr(start, i - start)));
            start = i + n;
        }
        i += n;
    }
    if (s.size() > start) parts.push_back(Term::binary(s.substr(start)));
    return make_list(parts);
}

Term split(Args args) {
    static constexpr Clause clause{"String", "split", 3};
    std::string_view s = need_binary(args[0], clause);
    Term opts = args.size() > 2 ? args[2] : Term::empty_list();
    if (!opts.is_list()) clause.fail();
    // String.split(string, %Regex{}, options) is Regex.split(regex, string, options).
    if (const CompiledRegex* regex = regex_of(args[1])) return regex_split(*regex, s, opts);
    int64_t parts = parts_option(opts, clause);
    bool trim = trim_option(opts);
    if (args[1].is_binary() && args[1].binary_view().empty())
        return make_list(binaries(split_empty(s, trim, parts)));
    Pattern pattern = make_pattern(args[1], clause);
    if (pattern.has_empty_needle()) raise_bif_argument_error(2, "not a valid pattern");
    return make_list(binaries(split_with(s, pattern, trim, parts)));
}

// --- replace ---------------------------------------------------------------------------------

Term replace(Args args) {
    static constexpr Clause clause{"String", "replace", 4};
    std::string_view s = need_binary(args[0], clause);
    std::string_view replacement = need_binary(args[2], clause);
    Term opts = args.size() > 3 ? args[3] : Term::empty_list();
    if (!opts.is_list()) clause.fail();
    auto global_opt = keyword_option(opts, "global");
    bool global = !global_opt || global_opt->truthy();

    if (args[1].is_binary() && args[1].binary_view().empty()) {
        if (!global) return Term::binary(std::string(replacement) + std::string(s));
        std::string out(replacement);
        for (auto g : utf8_graphemes(s)) {
            out += g;
            out += replacement;
        }
        return Term::binary(out);
    }
    Pattern pattern = make_pattern(args[1], clause);
    // String.replace(string, %Regex{}, replacement, options) is Regex.replace/4.
    if (pattern.regex) return regex_replace(*pattern.regex, s, replacement, opts);
    std::string out;
    if (pattern.has_empty_needle()) raise_bif_argument_error(2, "not a valid pattern");
    size_t last = 0;
    while (auto m = pattern.find(s, last)) {
        out.append(s.substr(last, m->first - last));
        out.append(replacement);
        last = m->first + m->second;
        if (!global) break;
    }
    out.append(s.substr(last));
    return Term::binary(out);
}

// --- trimming --------------------------------------------------------------------------------

size_t leading_whitespace(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        char32_t cp;
        bool valid;
        size_t n = utf8_decode(s, i, cp, valid);
        if (!valid || !is_unicode_whitespace(cp)) break;
        i += n;
    }
    return i;
}

size_t trailing_whitespace_start(std::string_view s) {
    size_t end = s.size();
    auto cps = utf8_codepoints(s);
    for (size_t k = cps.size(); k-- > 0;) {
        char32_t cp;
        bool valid;
        utf8_decode(cps[k], 0, cp, valid);
        if (!valid || !is_unicode_whitespace(cp)) break;
        end -= cps[k].size();
    }
    return end;
}

enum class TrimSide { Leading, Trailing, Both };

Term trim(Args args, TrimSide side, std::string_view name) {
    Clause clause{"String", name, args.size() == 1 ? 1 : 2};
    std::string_view s = need_binary(args[0], clause);
    if (args.size() == 1) {
        size_t begin = side == TrimSide::Trailing ? 0 : leading_whitespace(s);
        size_t end = side == TrimSide::Leading ? s.size() : trailing_whitespace_start(s);
        if (end < begin) end = begin;
        return Term::binary(s.substr(begin, end - begin));
    }
    std::string_view to_trim = need_binary(args[1], clause);
    if (to_trim.empty()) return args[0];
    if (side != TrimSide::Trailing)
        while (s.substr(0, to_trim.size()) == to_trim) s.remove_prefix(to_trim.size());
    if (side != TrimSide::Leading)
        while (s.size() >= to_trim.size() && s.substr(s.size() - to_trim.size()) == to_trim)
            s.remove_suffix(to_trim.size());
    return Term::binary(s);
}

// --- graphemes ---------------------------------------------------------------------------------

std::string join(const std::vector<std::string_view>& parts, size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i < to && i < parts.size(); ++i) out += parts[i];
    return out;
}

Term slice(std::string_view s, int64_t start, int64_t length) {
    auto g = utf8_graphemes(s);
    auto n = static_cast<int64_t>(g.size());
    if (start < 0) start = std::max<int64_t>(n + start, 0);
    if (start >= n || length <= 0) return Term::binary("");
    int64_t end = length > n - start ? n : start + length;
    return Term::binary(join(g, static_cast<size_t>(start), static_cast<size_t>(end)));
}

Term slice_range(std::string_view s, const RangeValue& range) {
    auto g = utf8_graphemes(s);
    auto n = static_cast<int64_t>(g.size());
    int64_t first = range.first < 0 ? std::max<int64_t>(n + range.first, 0) : range.first;
    int64_t last = range.last < 0 ? n + range.last : range.last;
    if (first >= n || last < first || n == 0) return Term::binary("");
    last = std::min(last, n - 1);
    std::string out;
    int64_t step = range.step > 0 ? range.step : 1;
    for (int64_t i = first; i <= last; i += step) out += g[static_cast<size_t>(i)];
    return Term::binary(out);
}

Term pad(Args args, bool leading) {
    Clause clause{"String", leading ? "pad_leading" : "pad_trailing", 3};
    std::string_view s = need_binary(args[0], clause);
    int64_t count = need_integer(args[1], clause);
    std::string_view padding = args.size() > 2 ? need_binary(args[2], clause) : " ";
    if (count < 0 || padding.empty()) clause.fail();
    auto length = static_cast<int64_t>(utf8_graphemes(s).size());
    if (length >= count) return args[0];
    auto pad_graphemes = utf8_graphemes(padding);
    std::string fill;
    for (int64_t i = 0; i < count - length; ++i)
        fill += pad_graphemes[static_cast<size_t>(i) % pad_graphemes.size()];
    return Term::binary(leading ? fill + std::string(s) : std::string(s) + fill);
}

Term to_integer(Args args) {
    int base = 10;
    if (args.size() == 2) {
        if (!args[1].is_integer() || args[1].as_integer() < 2 || args[1].as_integer() > 36)
            raise_bif_argument_error(2, "not an integer in the range 2 through 36");
        base = static_cast<int>(args[1].as_integer());
    }
    if (!args[0].is_binary()) raise_bif_argument_error(1, "not a binary");
    std::string_view s = args[0].binary_view();
    size_t used = 0;
    Term value = parse_integer_term(s, base, used);
    if (used == 0 || used != s.size())
        raise_bif_argument_error(1, "not a textual representation of an integer");
    return value;
}

/// Erlang's binary_to_float: digits "." digits, optional exponent.
bool strict_float(std::string_view s, double& out) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    auto digits = [&] {
        size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        return i > start;
    };
    if (!digits()) return false;
    if (i >= s.size() || s[i] != '.') return false;
    ++i;
    if (!digits()) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digits()) return false;
    }
    if (i != s.size()) return false;
    std::string text(s);
    out = std::strtod(text.c_str(), nullptr);
    return std::isfinite(out);
}

Term starts_or_ends(Args args, bool starts) {
    Clause clause{"String", starts ? "starts_with?" : "ends_with?", 2};
    std::string_view s = need_binary(args[0], clause);
    std::vector<std::string_view> candidates;
    if (args[1].is_binary()) {
        candidates.push_back(args[1].binary_view());
    } else {
        for (const Term& t : need_list(args[1], clause)) {
            if (!t.is_binary()) clause.fail();
            candidates.push_back(t.binary_view());
        }
    }
    for (auto c : candidates) {
        if (c.size() > s.size()) continue;
        if (starts ? s.substr(0, c.size()) == c : s.substr(s.size() - c.size()) == c)
            return Term::boolean(true);
    }
    return Term::boolean(false);
}

void def(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add(kString, name, arity, fn);
}

}  // namespace

char32_t unicode_upper(char32_t c) {
    return to_upper(c);
}
char32_t unicode_lower(char32_t c) {
    return to_lower(c);
}

bool erlang_float_text(std::string_view s, double& out) {
    return strict_float(s, out);
}

void register_string(BuiltinTable& t) {
    auto length_fn = +[](ProcessContext&, Args a) -> Term {
        return Term::integer(static_cast<int64_t>(
            utf8_graphemes(need_binary(a[0], {"String", "length", 1})).size()));
    };
    def(t, "length", 1, length_fn);

    auto upcase = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"String", "upcase", 2};
        return Term::binary(map_case(need_binary(a[0], c), CaseMode::Upper, ascii_mode(a, c)));
    };
    def(t, "upcase", 1, upcase);
    def(t, "upcase", 2, upcase);
    auto downcase = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"String", "downcase", 2};
        return Term::binary(map_case(need_binary(a[0], c), CaseMode::Lower, ascii_mode(a, c)));
    };
    def(t, "downcase", 1, downcase);
    def(t, "downcase", 2, downcase);
    auto capitalize = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"String", "capitalize", 2};
        std::string_view s = need_binary(a[0], c);
        bool ascii = ascii_mode(a, c);
        auto g = utf8_graphemes(s);
        if (g.empty()) return a[0];
        return Term::binary(map_case(g[0], CaseMode::Upper, ascii) +
                            map_case(s.substr(g[0].size()), CaseMode::Lower, ascii));
    };
    def(t, "capitalize", 1, capitalize);
    def(t, "capitalize", 2, capitalize);

    auto trim_both = +[](ProcessContext&, Args a) { return trim(a, TrimSide::Both, "trim"); };
    auto trim_leading =
        +[](ProcessContext&, Args a) { return trim(a, TrimSide::Leading, "trim_leading"); };
    auto trim_trailing =
        +[](ProcessContext&, Args a) { return trim(a, TrimSide::Trailing, "trim_trailing"); };
    for (int arity : {1, 2}) {
        def(t, "trim", arity, trim_both);
        def(t, "trim_leading", arity, trim_leading);
        def(t, "trim_trailing", arity, trim_trailing);
    }

    def(
        t, "split", 1, +[](ProcessContext&, Args a) -> Term {
            return split_whitespace(need_binary(a[0], {"String", "split", 1}));
        });
    auto split_fn = +[](ProcessContext&, Args a) { return split(a); };
    def(t, "split", 2, split_fn);
    def(t, "split", 3, split_fn);
    def(
        t, "split_at", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"String", "split_at", 2};
            std::string_view s = need_binary(a[0], c);
            int64_t at = need_integer(a[1], c);
            auto g = utf8_graphemes(s);
            auto n = static_cast<int64_t>(g.size());
            if (at < 0) at = std::max<int64_t>(n + at, 0);
            at = std::min(at, n);
            std::string head = join(g, 0, static_cast<size_t>(at));
            return Term::tuple({Term::binary(head), Term::binary(s.substr(head.size()))});
        });

    auto replace_fn = +[](ProcessContext&, Args a) { return replace(a); };
    // String.replace/3,4 (prelude/string.exs) calls this for a binary replacement; a function
    // replacement is applied in the prelude, where it may run on the VM.
    def(t, "__replace__", 4, replace_fn);
    def(
        t, "replace_prefix", 3, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"String", "replace_prefix", 3};
            std::string_view s = need_binary(a[0], c), match = need_binary(a[1], c),
                             with = need_binary(a[2], c);
            if (s.substr(0, match.size()) != match) return a[0];
            return Term::binary(std::string(with) + std::string(s.substr(match.size())));
        });
    def(
        t, "replace_suffix", 3, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"String", "replace_suffix", 3};
            std::string_view s = need_binary(a[0], c), match = need_binary(a[1], c),
                             with = need_binary(a[2], c);
            if (s.size() < match.size() || s.substr(s.size() - match.size()) != match) return a[0];
            return Term::binary(std::string(s.substr(0, s.size() - match.size())) +
                                std::string(with));
        });

    def(
        t, "contains?", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"String", "contains?", 2};
            std::string_view s = need_binary(a[0], c);
            if (a[1].is_binary() && a[1].binary_view().empty()) return Term::boolean(true);
            if (a[1].is_list()) {
                for (const Term& item : need_list(a[1], c))
                    if (item.is_binary() && item.binary_view().empty()) return Term::boolean(true);
            }
            Pattern p = make_pattern(a[1], c);
            return Term::boolean(p.find(s, 0).has_value());
        });
    def(
        t, "starts_with?", 2, +[](ProcessContext&, Args a) { return starts_or_ends(a, true); });
    def(
        t, "ends_with?", 2, +[](ProcessContext&, Args a) { return starts_or_ends(a, false); });
    def(
        t, "match?", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"String", "match?", 2};
            std::string_view s = need_binary(a[0], c);
            const CompiledRegex* regex = regex_of(a[1]);
            if (!regex) c.fail();
            return Term::boolean(regex_find(*regex, s, 0).has_value());
        });

    auto to_integer_fn = +[](ProcessContext&, Args a) { return to_integer(a); };
    def(t, "to_integer", 1, to_integer_fn);
    def(t, "to_integer", 2, to_integer_fn);
    def(
        t, "to_float", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_binary()) raise_bif_argument_error(1, "not a binary");
            double value;
            if (!strict_float(a[0].binary_view(), value))
                raise_bif_argument_error(1, "not a textual representation of a float");
            return Term::floating(value);
        });
    auto to_atom = +[](ProcessContext&, Args a) -> Term {
        if (!a[0].is_binary()) raise_bif_argument_error(1, "not a binary");
        if (!utf8_valid(a[0].binary_view())) raise_bif_argument_error(1, "invalid UTF8 encoding");
        // The BEAM refuses atoms over 255 characters with system_limit (SystemLimitError).
        if (utf8_codepoints(a[0].binary_view()).size() > 255)
            throw ErlangException::error(Term::atom("system_limit"));
        return Term::atom(intern_scenario_atom(a[0].binary_view()));
    };
    def(t, "to_atom", 1, to_atom);
    def(
        t, "to_existing_atom", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_binary()) raise_bif_argument_error(1, "not a binary");
            return existing_atom(a[0].binary_view());
        });
    def(
        t, "to_charlist", 1, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = need_binary(a[0], {"String", "to_charlist", 1});
            std::vector<Term> chars;
            for (size_t i = 0; i < s.size();) {
                char32_t cp;
                bool valid;
                i += utf8_decode(s, i, cp, valid);
                if (!valid)
                    raise_term(make_exception("UnicodeConversionError",
                                              {{"encoded", Term::binary("")},
                                               {"rest", Term::binary(s.substr(i - 1))},
                                               {"kind", Term::atom("invalid")}}));
                chars.push_back(Term::integer(cp));
            }
            return make_list(chars);
        });

    def(
        t, "duplicate", 2, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_binary()) raise_bif_argument_error(1, "not a binary");
            if (!a[1].is_integer() || a[1].as_integer() < 0)
                raise_bif_argument_error(2, "out of range");
            std::string_view s = a[0].binary_view();
            int64_t n = a[1].as_integer();
            if (n > 0 && s.size() > 0 && static_cast<uint64_t>(n) > (1ULL << 32) / s.size())
                raise_term(
                    make_exception("SystemLimitError",
                                   {{"message", Term::binary("a system limit has been reached")}}));
            // By doubling: a few memcpy calls, not n appends (4 GB of "ab" took minutes).
            const size_t total = s.size() * static_cast<size_t>(n);
            std::string out;
            out.reserve(total);
            if (total > 0) out.assign(s);
            while (out.size() < total) out.append(out, 0, std::min(out.size(), total - out.size()));
            return Term::binary(out);
        });
    def(
        t, "reverse", 1, +[](ProcessContext&, Args a) -> Term {
            auto g = utf8_graphemes(need_binary(a[0], {"String", "reverse", 1}));
            std::string out;
            for (size_t i = g.size(); i-- > 0;) out += g[i];
            return Term::binary(out);
        });
    def(
        t, "slice", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"String", "slice", 2};
            std::string_view s = need_binary(a[0], c);
            auto range = as_range(a[1]);
            if (!range) c.fail();
            return slice_range(s, *range);
        });
    def(
        t, "slice", 3, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"String", "slice", 3};
            std::string_view s = need_binary(a[0], c);
            int64_t start = need_integer(a[1], c);
            int64_t count = need_integer(a[2], c);
            if (count < 0) c.fail();
            return slice(s, start, count);
        });
    def(
        t, "at", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"String", "at", 2};
            auto g = utf8_graphemes(need_binary(a[0], c));
            int64_t i = need_integer(a[1], c);
            auto n = static_cast<int64_t>(g.size());
            if (i < 0) i += n;
            if (i < 0 || i >= n) return Term::nil();
            return Term::binary(g[static_cast<size_t>(i)]);
        });
    def(
        t, "first", 1, +[](ProcessContext&, Args a) -> Term {
            auto g = utf8_graphemes(need_binary(a[0], {"String", "first", 1}));
            return g.empty() ? Term::nil() : Term::binary(g.front());
        });
    def(
        t, "last", 1, +[](ProcessContext&, Args a) -> Term {
            auto g = utf8_graphemes(need_binary(a[0], {"String", "last", 1}));
            return g.empty() ? Term::nil() : Term::binary(g.back());
        });
    auto pad_leading = +[](ProcessContext&, Args a) { return pad(a, true); };
    auto pad_trailing = +[](ProcessContext&, Args a) { return pad(a, false); };
    def(t, "pad_leading", 2, pad_leading);
    def(t, "pad_leading", 3, pad_leading);
    def(t, "pad_trailing", 2, pad_trailing);
    def(t, "pad_trailing", 3, pad_trailing);
    def(
        t, "graphemes", 1, +[](ProcessContext&, Args a) -> Term {
            return make_list(
                binaries(utf8_graphemes(need_binary(a[0], {"String", "graphemes", 1}))));
        });
    def(
        t, "codepoints", 1, +[](ProcessContext&, Args a) -> Term {
            return make_list(
                binaries(utf8_codepoints(need_binary(a[0], {"String", "codepoints", 1}))));
        });
    def(
        t, "valid?", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::boolean(utf8_valid(need_binary(a[0], {"String", "valid?", 1})));
        });
}

}  // namespace tasklens::script::stdlib
