// :string (OTP 25), the functions Elixir code reaches for: to_upper/1 and to_lower/1 (a
// charlist or one character), uppercase/1, lowercase/1, titlecase/1, casefold/1, trim/1,2,3,
// split/2,3, replace/3,4, lexemes/2, tokens/2, pad/2,3,4, length/1, is_empty/1, equal/2,
// reverse/1, slice/2,3, find/2,3, prefix/2, chomp/1, to_integer/1, to_float/1, copies/2 and
// join/2, on a binary or a flat charlist (the result has the argument's type, as string.erl
// returns for such input; pad/4 takes any chardata). A grapheme is counted as one code point.
// Other functions of :string are not provided.
#include "engine/script/stdlib/errors.h"
#include "engine/script/stdlib/support.h"
#include "engine/script/utf8.h"

#include <algorithm>

namespace tasklens::script::stdlib {
namespace {

struct Text {
    std::u32string chars;
    bool binary = false;
};

// A binary (UTF-8) or a flat list of code points; anything else fails the clause.
Text text_arg(const Term& t, std::string_view function, int arity) {
    Text text;
    if (t.is_binary()) {
        text.binary = true;
        std::string_view s = t.binary_view();
        for (size_t i = 0; i < s.size();) {
            char32_t cp;
            bool valid;
            size_t n = utf8_decode(s, i, cp, valid);
            if (!valid) raise_function_clause(":string", function, arity);
            text.chars += cp;
            i += n;
        }
        return text;
    }
    const Term* cur = &t;
    while (cur->is_cons()) {
        const Term& c = cur->head();
        if (!c.is_integer() || c.as_integer() < 0 || c.as_integer() > 0x10FFFF)
            raise_function_clause(":string", function, arity);
        text.chars += static_cast<char32_t>(c.as_integer());
        cur = &cur->tail();
    }
    if (!cur->is_empty_list()) raise_function_clause(":string", function, arity);
    return text;
}

Term make_text(std::u32string_view chars, bool binary) {
    if (binary) {
        std::string out;
        for (char32_t c : chars) utf8_append(out, c);
        return Term::binary(out);
    }
    std::vector<Term> items;
    for (char32_t c : chars) items.push_back(Term::integer(c));
    return make_list(items);
}

Term map_chars(Args a, bool upper, std::string_view function) {
    if (a[0].is_integer()) {
        char32_t c = static_cast<char32_t>(a[0].as_integer());
        return Term::integer(upper ? unicode_upper(c) : unicode_lower(c));
    }
    if (a[0].is_binary()) raise_function_clause(":string", function, 1);
    Text t = text_arg(a[0], function, 1);
    for (char32_t& c : t.chars) c = upper ? unicode_upper(c) : unicode_lower(c);
    return make_text(t.chars, false);
}

Term recase(Args a, int mode, std::string_view function) {  // 0 upper, 1 lower, 2 title
    Text t = text_arg(a[0], function, 1);
    for (size_t i = 0; i < t.chars.size(); ++i) {
        if (mode == 2 && i > 0) break;
        t.chars[i] = mode == 1 ? unicode_lower(t.chars[i]) : unicode_upper(t.chars[i]);
    }
    return make_text(t.chars, t.binary);
}

bool default_space(char32_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x85 ||
           c == 0x200E || c == 0x200F || c == 0x2028 || c == 0x2029;
}

Term trim(ProcessContext&, Args a) {
    int arity = static_cast<int>(a.size());
    Text t = text_arg(a[0], "trim", arity);
    std::string_view dir = "both";
    if (arity > 1) {
        if (!a[1].is_atom()) raise_function_clause(":string", "trim", arity);
        dir = a[1].as_atom().name();
        if (dir != "both" && dir != "leading" && dir != "trailing")
            raise_function_clause(":string", "trim", arity);
    }
    std::u32string set;
    if (arity > 2) set = text_arg(a[2], "trim", arity).chars;
    auto strip = [&](char32_t c) {
        return set.empty() && arity < 3 ? default_space(c) : set.find(c) != std::u32string::npos;
    };
    size_t begin = 0, end = t.chars.size();
    if (dir != "trailing")
        while (begin < end && strip(t.chars[begin])) ++begin;
    if (dir != "leading")
        while (end > begin && strip(t.chars[end - 1])) --end;
    return make_text(std::u32string_view(t.chars).substr(begin, end - begin), t.binary);
}

Term split(ProcessContext&, Args a) {
    int arity = static_cast<int>(a.size());
    Text t = text_arg(a[0], "split", arity);
    Text sep = text_arg(a[1], "split", arity);
    std::string_view where = "leading";
    if (arity > 2) {
        if (!a[2].is_atom()) raise_function_clause(":string", "split", arity);
        where = a[2].as_atom().name();
    }
    std::u32string_view s = t.chars;
    std::vector<Term> parts;
    if (sep.chars.empty()) return make_list({a[0]});
    size_t start = 0;
    if (where == "trailing") {
        size_t at = s.rfind(sep.chars);
        if (at == std::u32string_view::npos) return make_list({make_text(s, t.binary)});
        return make_list({make_text(s.substr(0, at), t.binary),
                          make_text(s.substr(at + sep.chars.size()), t.binary)});
    }
    while (true) {
        size_t at = s.find(sep.chars, start);
        if (at == std::u32string_view::npos) break;
        parts.push_back(make_text(s.substr(start, at - start), t.binary));
        start = at + sep.chars.size();
        if (where != "all") break;
    }
    parts.push_back(make_text(s.substr(start), t.binary));
    return make_list(parts);
}

// Code points of any chardata (nested lists of code points and binaries), for pad/4's length.
bool chardata_chars(const Term& t, std::u32string& out) {
    if (t.is_binary()) {
        std::string_view s = t.binary_view();
        for (size_t i = 0; i < s.size();) {
            char32_t cp;
            bool valid;
            i += utf8_decode(s, i, cp, valid);
            if (!valid) return false;
            out += cp;
        }
        return true;
    }
    if (t.is_integer()) {
        if (t.as_integer() < 0 || t.as_integer() > 0x10FFFF) return false;
        out += static_cast<char32_t>(t.as_integer());
        return true;
    }
    const Term* cur = &t;
    while (cur->is_cons()) {
        if (!chardata_chars(cur->head(), out)) return false;
        cur = &cur->tail();
    }
    return cur->is_empty_list();
}

Term duplicate(int64_t n, const Term& item) {
    std::vector<Term> items(static_cast<size_t>(std::max<int64_t>(n, 0)), item);
    return make_list(items);
}

// string.erl's pad/4: [Pad, CD], [CD | Pad] or [Pre, CD, Pre | Odd]; the argument is kept as is.
Term pad(ProcessContext&, Args a) {
    int arity = static_cast<int>(a.size());
    std::u32string chars;
    if (!chardata_chars(a[0], chars) || !a[1].is_integer())
        raise_function_clause(":string", "pad", arity);
    std::string_view dir = "trailing";
    if (arity > 2) {
        if (!a[2].is_atom()) raise_function_clause(":string", "pad", arity);
        dir = a[2].as_atom().name();
    }
    Term fill = arity > 3 ? a[3] : Term::integer(' ');
    int64_t size = std::max<int64_t>(0, a[1].as_integer() - static_cast<int64_t>(chars.size()));
    if (dir == "leading") return make_list({duplicate(size, fill), a[0]});
    if (dir == "trailing") {
        return Term::cons(a[0], duplicate(size, fill));
    }
    if (dir != "both") raise_function_clause(":string", "pad", arity);
    Term pre = duplicate(size / 2, fill);
    Term odd = size % 2 == 1 ? make_list({fill}) : Term::empty_list();
    return Term::cons(pre, Term::cons(a[0], Term::cons(pre, odd)));
}

Term to_number(Args a, bool want_float) {
    std::string_view function = want_float ? "to_float" : "to_integer";
    Text t = text_arg(a[0], function, 1);
    size_t i = 0, n = t.chars.size();
    std::string digits;
    if (i < n && (t.chars[i] == '+' || t.chars[i] == '-'))
        digits += static_cast<char>(t.chars[i++]);
    size_t int_start = i;
    auto is_digit = [&](size_t k) { return k < n && t.chars[k] >= '0' && t.chars[k] <= '9'; };
    while (is_digit(i)) digits += static_cast<char>(t.chars[i++]);
    bool ok = i > int_start;
    if (want_float) {
        if (ok && i < n && t.chars[i] == '.' && is_digit(i + 1)) {
            digits += '.';
            ++i;
            while (is_digit(i)) digits += static_cast<char>(t.chars[i++]);
            size_t e = i;
            if (e < n && (t.chars[e] == 'e' || t.chars[e] == 'E')) {
                std::string exp = "e";
                ++e;
                if (e < n && (t.chars[e] == '+' || t.chars[e] == '-'))
                    exp += static_cast<char>(t.chars[e++]);
                if (is_digit(e)) {
                    while (is_digit(e)) exp += static_cast<char>(t.chars[e++]);
                    digits += exp;
                    i = e;
                }
            }
        } else {
            ok = false;
        }
    }
    if (!ok)
        return Term::tuple(
            {Term::atom("error"), Term::atom(want_float ? "no_float" : "no_integer")});
    Term rest = make_text(std::u32string_view(t.chars).substr(i), t.binary);
    if (want_float) return Term::tuple({Term::floating(std::stod(digits)), rest});
    size_t used = 0;
    return Term::tuple({parse_integer_term(digits, 10, used), rest});
}

Term find(ProcessContext&, Args a) {
    int arity = static_cast<int>(a.size());
    Text t = text_arg(a[0], "find", arity);
    Text pat = text_arg(a[1], "find", arity);
    bool trailing = arity > 2 && a[2].is_atom() && a[2].as_atom().name() == "trailing";
    if (pat.chars.empty()) return a[0];
    size_t at = trailing ? t.chars.rfind(pat.chars) : t.chars.find(pat.chars);
    if (at == std::u32string::npos) return Term::atom("nomatch");
    return make_text(std::u32string_view(t.chars).substr(at), t.binary);
}

Term slice(ProcessContext&, Args a) {
    int arity = static_cast<int>(a.size());
    Text t = text_arg(a[0], "slice", arity);
    if (!a[1].is_integer() || a[1].as_integer() < 0)
        raise_function_clause(":string", "slice", arity);
    size_t start = static_cast<size_t>(a[1].as_integer());
    size_t len = std::u32string::npos;
    if (arity > 2) {
        if (a[2].is_integer() && a[2].as_integer() >= 0)
            len = static_cast<size_t>(a[2].as_integer());
        else if (!(a[2].is_atom() && a[2].as_atom().name() == "infinity"))
            raise_function_clause(":string", "slice", arity);
    }
    if (start >= t.chars.size()) return make_text(U"", t.binary);
    return make_text(std::u32string_view(t.chars).substr(start, len), t.binary);
}

Term tokens(ProcessContext&, Args a) {
    if (a[0].is_binary() || a[1].is_binary()) raise_function_clause(":string", "tokens", 2);
    Text t = text_arg(a[0], "tokens", 2);
    Text seps = text_arg(a[1], "tokens", 2);
    std::vector<Term> out;
    std::u32string token;
    for (char32_t c : t.chars) {
        if (seps.chars.find(c) != std::u32string::npos) {
            if (!token.empty()) out.push_back(make_text(token, false));
            token.clear();
        } else {
            token += c;
        }
    }
    if (!token.empty()) out.push_back(make_text(token, false));
    return make_list(out);
}

}  // namespace

void register_string_erl(BuiltinTable& t) {
    const char* S = "string";
    t.add(
        S, "to_upper", 1, +[](ProcessContext&, Args a) { return map_chars(a, true, "to_upper"); });
    t.add(
        S, "to_lower", 1, +[](ProcessContext&, Args a) { return map_chars(a, false, "to_lower"); });
    t.add(
        S, "uppercase", 1, +[](ProcessContext&, Args a) { return recase(a, 0, "uppercase"); });
    t.add(
        S, "lowercase", 1, +[](ProcessContext&, Args a) { return recase(a, 1, "lowercase"); });
    t.add(
        S, "titlecase", 1, +[](ProcessContext&, Args a) { return recase(a, 2, "titlecase"); });
    t.add(S, "trim", 1, trim);
    t.add(S, "trim", 2, trim);
    t.add(S, "trim", 3, trim);
    t.add(S, "split", 2, split);
    t.add(S, "split", 3, split);
    t.add(S, "tokens", 2, tokens);
    t.add(S, "pad", 2, pad);
    t.add(S, "pad", 3, pad);
    t.add(S, "pad", 4, pad);
    t.add(S, "find", 2, find);
    t.add(S, "find", 3, find);
    t.add(S, "slice", 2, slice);
    t.add(S, "slice", 3, slice);
    t.add(
        S, "to_integer", 1, +[](ProcessContext&, Args a) { return to_number(a, false); });
    t.add(
        S, "to_float", 1, +[](ProcessContext&, Args a) { return to_number(a, true); });
    t.add(
        S, "casefold", 1, +[](ProcessContext&, Args a) { return recase(a, 1, "casefold"); });
    t.add(
        S, "length", 1, +[](ProcessContext&, Args a) {
            std::u32string chars;
            if (!chardata_chars(a[0], chars)) raise_function_clause(":string", "length", 1);
            return Term::integer(static_cast<int64_t>(chars.size()));
        });
    t.add(
        S, "is_empty", 1, +[](ProcessContext&, Args a) {
            std::u32string chars;
            if (!chardata_chars(a[0], chars)) raise_function_clause(":string", "is_empty", 1);
            return Term::boolean(chars.empty());
        });
    t.add(
        S, "equal", 2, +[](ProcessContext&, Args a) {
            std::u32string x, y;
            if (!chardata_chars(a[0], x) || !chardata_chars(a[1], y))
                raise_function_clause(":string", "equal", 2);
            return Term::boolean(x == y);
        });
    t.add(
        S, "reverse", 1, +[](ProcessContext&, Args a) {
            std::u32string chars;
            if (!chardata_chars(a[0], chars)) raise_function_clause(":string", "reverse", 1);
            std::reverse(chars.begin(), chars.end());
            return make_text(chars, false);
        });
    t.add(
        S, "prefix", 2, +[](ProcessContext&, Args a) {
            Text text = text_arg(a[0], "prefix", 2);
            Text p = text_arg(a[1], "prefix", 2);
            if (!std::u32string_view(text.chars).starts_with(p.chars)) return Term::atom("nomatch");
            return make_text(std::u32string_view(text.chars).substr(p.chars.size()), text.binary);
        });
    t.add(
        S, "chomp", 1, +[](ProcessContext&, Args a) {
            Text text = text_arg(a[0], "chomp", 1);
            std::u32string_view v = text.chars;
            if (v.ends_with(U"\r\n"))
                v.remove_suffix(2);
            else if (v.ends_with(U"\n"))
                v.remove_suffix(1);
            return make_text(v, text.binary);
        });
    t.add(
        S, "lexemes", 2, +[](ProcessContext&, Args a) {
            Text text = text_arg(a[0], "lexemes", 2);
            std::u32string seps;
            if (!chardata_chars(a[1], seps)) raise_function_clause(":string", "lexemes", 2);
            std::vector<Term> out;
            std::u32string token;
            for (char32_t c : text.chars) {
                if (seps.find(c) != std::u32string::npos) {
                    if (!token.empty()) out.push_back(make_text(token, text.binary));
                    token.clear();
                } else {
                    token += c;
                }
            }
            if (!token.empty()) out.push_back(make_text(token, text.binary));
            return make_list(out);
        });
    auto replace = +[](ProcessContext& ctx, Args a) {
        std::vector<Term> split_args{a[0], a[1]};
        if (a.size() > 3) split_args.push_back(a[3]);
        Term parts = split(ctx, Args(split_args));
        std::vector<Term> out;
        for (const Term* cur = &parts; cur->is_cons(); cur = &cur->tail()) {
            if (!out.empty()) out.push_back(a[2]);
            out.push_back(cur->head());
        }
        return make_list(out);
    };
    t.add(S, "replace", 3, replace);
    t.add(S, "replace", 4, replace);
    t.add(
        S, "copies", 2, +[](ProcessContext&, Args a) {
            if (a[0].is_binary() || !a[1].is_integer() || a[1].as_integer() < 0)
                raise_function_clause(":string", "copies", 2);
            Text text = text_arg(a[0], "copies", 2);
            std::u32string out;
            for (int64_t i = 0; i < a[1].as_integer(); ++i) out += text.chars;
            return make_text(out, false);
        });
    t.add(
        S, "join", 2, +[](ProcessContext&, Args a) {
            if (a[1].is_binary()) raise_function_clause(":string", "join", 2);
            Text sep = text_arg(a[1], "join", 2);
            std::u32string out;
            bool first = true;
            const Term* cur = &a[0];
            for (; cur->is_cons(); cur = &cur->tail()) {
                if (cur->head().is_binary()) raise_function_clause(":string", "join", 2);
                if (!first) out += sep.chars;
                first = false;
                out += text_arg(cur->head(), "join", 2).chars;
            }
            if (!cur->is_empty_list()) raise_function_clause(":string", "join", 2);
            return make_text(out, false);
        });
}

}  // namespace tasklens::script::stdlib
