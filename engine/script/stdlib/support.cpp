#include "engine/script/stdlib/support.h"

#include "engine/runtime/inspect.h"
#include "engine/runtime/integer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tasklens::script::stdlib {

std::string_view need_binary(const Term& t, const Clause& clause) {
    if (!t.is_binary()) clause.fail();
    return t.binary_view();
}

int64_t need_integer(const Term& t, const Clause& clause) {
    if (!t.is_integer()) clause.fail();
    return t.as_integer();
}

Atom need_atom(const Term& t, const Clause& clause) {
    if (!t.is_atom()) clause.fail();
    return t.as_atom();
}

std::vector<Term> need_list(const Term& t, const Clause& clause) {
    std::vector<Term> items;
    if (!t.is_list() || !list_to_vector(t, items)) clause.fail();
    return items;
}

void need_map(const Term& t) {
    if (!t.is_map()) raise_bad_map(t);
}

Term make_list(const std::vector<Term>& items, Term tail) {
    return Term::list(items, std::move(tail));
}
Term make_binary(std::string_view s) {
    return Term::binary(s);
}
Term atom_term(std::string_view name) {
    return Term::atom(name);
}
Term alias_term(std::string_view name) {
    return Term::atom("Elixir." + std::string(name));
}

std::optional<Term> keyword_option(const Term& opts, std::string_view name) {
    Atom key = Atom::intern(name);
    for (ListIterator it(opts); !it.done(); ++it) {
        const Term& pair = *it;
        if (pair.is_tuple(2) && pair.element(0).is_atom(key)) return pair.element(1);
    }
    return std::nullopt;
}

bool is_struct(const Term& t, std::string_view module) {
    if (!t.is_map()) return false;
    const Term* name = t.map_find(Term::atom(atom::struct_));
    return name && name->is_atom() && name->as_atom().name() == "Elixir." + std::string(module);
}

const Term* struct_field(const Term& t, std::string_view field) {
    if (!t.is_map()) return nullptr;
    return t.map_find(Term::atom(field));
}

// --- UTF-8 -----------------------------------------------------------------------------------

std::vector<std::string_view> utf8_codepoints(std::string_view s) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < s.size();) {
        char32_t cp;
        bool valid;
        size_t n = utf8_decode(s, i, cp, valid);
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

namespace {
bool is_grapheme_extend(char32_t cp) {
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) ||
           (cp >= 0x0591 && cp <= 0x05BD) || (cp >= 0x0610 && cp <= 0x061A) ||
           (cp >= 0x064B && cp <= 0x065F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
           (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F) ||
           (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x200C || cp == 0x200D;
}
bool is_regional_indicator(char32_t cp) {
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}
}  // namespace

std::vector<std::string_view> utf8_graphemes(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        size_t start = i;
        char32_t cp;
        bool valid;
        i += utf8_decode(s, i, cp, valid);
        if (cp == '\r' && i < s.size() && s[i] == '\n') {
            ++i;
        } else if (valid) {
            bool first_is_ri = is_regional_indicator(cp);
            bool joined_ri = false;
            char32_t prev = cp;
            while (i < s.size()) {
                char32_t next;
                bool next_valid;
                size_t n = utf8_decode(s, i, next, next_valid);
                if (!next_valid) break;
                bool take = is_grapheme_extend(next) || (prev == 0x200D && next >= 0x2000) ||
                            (first_is_ri && !joined_ri && is_regional_indicator(next));
                if (!take) break;
                if (is_regional_indicator(next)) joined_ri = true;
                prev = next;
                i += n;
            }
        }
        out.push_back(s.substr(start, i - start));
    }
    return out;
}

bool is_unicode_whitespace(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

// --- integers --------------------------------------------------------------------------------

int64_t checked_add(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) raise_integer_overflow();
    return r;
}
int64_t checked_sub(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r)) raise_integer_overflow();
    return r;
}
int64_t checked_mul(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r)) raise_integer_overflow();
    return r;
}

std::string integer_to_text(int64_t value, int base) {
    // Work on the magnitude as unsigned so INT64_MIN has a representation.
    uint64_t magnitude =
        value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    std::string digits;
    do {
        int d = static_cast<int>(magnitude % static_cast<uint64_t>(base));
        digits += static_cast<char>(d < 10 ? '0' + d : 'A' + d - 10);
        magnitude /= static_cast<uint64_t>(base);
    } while (magnitude);
    if (value < 0) digits += '-';
    return {digits.rbegin(), digits.rend()};
}

Term parse_integer_term(std::string_view s, int base, size_t& used) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t digits_start = i;
    for (; i < s.size(); ++i) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'z' ? c - 'a' + 10
                : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                       : 99;
        if (d >= base) break;
    }
    if (i == digits_start) {
        used = 0;
        return Term::integer(0);
    }
    used = i;
    return *integer::parse(s.substr(0, i), base);
}

std::string integer_term_text(const Term& value, int base) {
    if (value.is_integer()) return integer_to_text(value.as_integer(), base);
    return integer::to_string(value, base);
}

size_t parse_integer_prefix(std::string_view s, int base, int64_t& out) {
    size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    size_t digits_start = i;
    int64_t value = 0;  // accumulated negatively: INT64_MIN is reachable
    for (; i < s.size(); ++i) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'z' ? c - 'a' + 10
                : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                       : 99;
        if (d >= base) break;
        value = checked_sub(checked_mul(value, base), d);
    }
    if (i == digits_start) return 0;
    out = negative ? value : checked_sub(0, value);
    return i;
}

// --- floats ----------------------------------------------------------------------------------

std::string format_float(double value) {
    return tasklens::format_float_short(value);
}

// --- ranges ----------------------------------------------------------------------------------

std::optional<RangeValue> as_range(const Term& t) {
    if (!is_struct(t, "Range")) return std::nullopt;
    const Term* first = struct_field(t, "first");
    const Term* last = struct_field(t, "last");
    const Term* step = struct_field(t, "step");
    if (!first || !last || !first->is_integer() || !last->is_integer()) return std::nullopt;
    int64_t s = step && step->is_integer() ? step->as_integer()
                                           : (first->as_integer() <= last->as_integer() ? 1 : -1);
    return RangeValue{first->as_integer(), last->as_integer(), s};
}

Term make_range(int64_t first, int64_t last, int64_t step) {
    return Term::map({{Term::atom(atom::struct_), alias_term("Range")},
                      {Term::atom("first"), Term::integer(first)},
                      {Term::atom("last"), Term::integer(last)},
                      {Term::atom("step"), Term::integer(step)}});
}

}  // namespace tasklens::script::stdlib
