// :string (OTP 25), the functions Elixir code reaches for: to_upper/1 and to_lower/1 (a
// charlist or one character), uppercase/1, lowercase/1, titlecase/1, trim/1,2,3, split/2,3
// and tokens/2, on a binary or a flat charlist (the result has the argument's type, as
// string.erl returns for such input). Other functions of :string are not provided.
#include "engine/script/stdlib/errors.h"
#include "engine/script/stdlib/support.h"
#include "engine/script/utf8.h"

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
}

}  // namespace tasklens::script::stdlib
