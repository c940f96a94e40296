// Regex: ~r sigils and the Regex module (Elixir 1.14's lib/regex.ex over :re), on PCRE2
// (regex_engine.cpp; see regex_support.h).
#include <algorithm>
#include <cstdint>

#include "engine/script/stdlib/regex_support.h"
#include "engine/script/stdlib/regex_terms.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

constexpr std::string_view kRegex = "Elixir.Regex";

/// {:ok, regex} or {:error, reason} like Regex.compile/2.
Term compile_term(const Term& source, const Term& opts_term, const Clause& clause) {
    std::string_view src = need_binary(source, clause);
    if (!opts_term.is_binary() && !opts_term.is_list()) clause.fail();
    std::string invalid;
    auto options = regex_options(opts_term, &invalid);
    if (!options) {
        if (opts_term.is_binary())
            return error_tuple(Term::tuple({Term::atom("invalid_option"), Term::binary(invalid)}));
        raise_bif_argument_error(2, "invalid options");  // :re.compile/2, an unknown option
    }
    CompileResult result = regex_compile(src, *options);
    if (auto* failure = std::get_if<CompileFailure>(&result)) {
        std::vector<Term> chars;
        for (unsigned char ch : failure->message) chars.push_back(Term::integer(ch));
        return error_tuple(Term::tuple(
            {make_list(chars), Term::integer(static_cast<int64_t>(failure->position))}));
    }
    const CompiledRegex& compiled = *std::get<std::shared_ptr<CompiledRegex>>(result);
    // :re's compiled form is opaque: its PCRE bytes are not reproduced.
    Term re_pattern =
        Term::tuple({Term::atom("re_pattern"), Term::integer(static_cast<int64_t>(compiled.groups)),
                     Term::integer(compiled.utf ? 1 : 0), Term::integer(0), Term::binary("")});
    return ok_tuple(Term::map({{Term::atom(atom::struct_), alias_term("Regex")},
                               {Term::atom("opts"), opts_term},
                               {Term::atom("re_pattern"), re_pattern},
                               {Term::atom("re_version"), regex_version()},
                               {Term::atom("source"), source}}));
}

Term compile_bang(const Term& source, const Term& opts, const Clause& clause) {
    Term result = compile_term(source, opts, clause);
    if (result.element(0).is_atom(atom::ok)) return result.element(1);
    const Term& reason = result.element(1);
    if (reason.element(0).is_atom()) raise_argument_error("invalid option");
    std::string message;
    for (ListIterator it(reason.element(0)); !it.done(); ++it)
        message += static_cast<char>((*it).as_integer());
    raise_regex_compile_error(message + " at position " +
                              std::to_string(reason.element(1).as_integer()));
}

const CompiledRegex& need_regex(const Term& t, const Clause& clause) {
    const CompiledRegex* regex = regex_of(t);
    if (!regex) clause.fail();
    return *regex;
}

// --- captures (:re.run's {:capture, ValueSpec, Type}) -----------------------------------------

enum class Capture { All, First, AllButFirst, None, AllNames, List };
enum class Return { Binary, Index, List };

struct CaptureSpec {
    Capture kind = Capture::All;
    std::vector<Term> list;  ///< Capture::List: indices or names
    Return type = Return::Binary;
};

CaptureSpec capture_spec(const Term& capture, const Term& type, const Clause& clause) {
    CaptureSpec spec;
    if (capture.is_atom(Atom::intern("all")))
        spec.kind = Capture::All;
    else if (capture.is_atom(Atom::intern("first")))
        spec.kind = Capture::First;
    else if (capture.is_atom(Atom::intern("all_but_first")))
        spec.kind = Capture::AllButFirst;
    else if (capture.is_atom(Atom::intern("none")))
        spec.kind = Capture::None;
    else if (capture.is_atom(Atom::intern("all_names")))
        spec.kind = Capture::AllNames;
    else if (capture.is_list())
        spec.kind = Capture::List, spec.list = need_list(capture, clause);
    else
        raise_argument_error("argument error");
    if (type.is_atom(Atom::intern("index")))
        spec.type = Return::Index;
    else if (type.is_atom(Atom::intern("list")))
        spec.type = Return::List;
    else if (!type.is_atom(Atom::intern("binary")))
        raise_argument_error("argument error");
    return spec;
}

/// capture: and return: of Regex.run/scan's options (defaults :all and :binary).
CaptureSpec capture_spec(const Term& opts, const Clause& clause) {
    if (!opts.is_list()) clause.fail();
    return capture_spec(keyword_option(opts, "capture").value_or(Term::atom("all")),
                        keyword_option(opts, "return").value_or(Term::atom("binary")), clause);
}

size_t offset_option(const Term& opts) {
    auto offset = keyword_option(opts, "offset");
    if (!offset) return 0;
    if (!offset->is_integer() || offset->as_integer() < 0) raise_argument_error("argument error");
    return static_cast<size_t>(offset->as_integer());
}

/// The group numbers a capture spec asks for in match `m` (SIZE_MAX: no such group).
std::vector<size_t> wanted_groups(const CompiledRegex& regex, const RegexMatch& m,
                                  const CaptureSpec& spec) {
    std::vector<size_t> wanted;
    auto by_name = [&](std::string_view name) {
        // With duplicate names (:dupnames), the first group of that name that took part.
        size_t found = SIZE_MAX;
        for (const auto& [n, group] : regex.names) {
            if (n != name) continue;
            if (found == SIZE_MAX) found = group;
            if (group < m.groups.size() && m.groups[group]) return group;
        }
        return found;
    };
    switch (spec.kind) {
        case Capture::All:
        case Capture::AllButFirst:
            // PCRE's count leaves out the groups after the last one that took part.
            for (size_t g = spec.kind == Capture::All ? 0 : 1; g < m.groups.size(); ++g)
                wanted.push_back(g);
            break;
        case Capture::First:
            wanted.push_back(0);
            break;
        case Capture::None:
            break;
        case Capture::AllNames: {
            std::vector<std::string_view> seen;
            for (const auto& [name, group] : regex.names) {
                if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
                seen.push_back(name);
                wanted.push_back(by_name(name));
            }
            break;
        }
        case Capture::List:
            for (const Term& item : spec.list) {
                if (item.is_integer())
                    wanted.push_back(
                        item.as_integer() < 0 ? SIZE_MAX : static_cast<size_t>(item.as_integer()));
                else if (item.is_binary())
                    wanted.push_back(by_name(item.binary_view()));
                else if (item.is_atom())
                    wanted.push_back(by_name(item.as_atom().name()));
                else
                    raise_argument_error("argument error");
            }
            break;
    }
    return wanted;
}

/// The captures of one match as :re.run returns them.
Term captures(const CompiledRegex& regex, const RegexMatch& m, std::string_view subject,
              const CaptureSpec& spec) {
    std::vector<Term> out;
    for (size_t group : wanted_groups(regex, m, spec)) {
        std::optional<std::pair<size_t, size_t>> g;
        if (group < m.groups.size()) g = m.groups[group];
        switch (spec.type) {
            case Return::Index:
                out.push_back(g ? Term::tuple({Term::integer(static_cast<int64_t>(g->first)),
                                               Term::integer(static_cast<int64_t>(g->second))})
                                : Term::tuple({Term::integer(-1), Term::integer(0)}));
                break;
            case Return::Binary:
                out.push_back(
                    Term::binary(g ? subject.substr(g->first, g->second) : std::string_view{}));
                break;
            case Return::List: {
                std::string_view text = g ? subject.substr(g->first, g->second) : "";
                std::vector<Term> chars;
                for (size_t i = 0; i < text.size();) {
                    char32_t cp = static_cast<unsigned char>(text[i]);
                    bool valid = true;
                    i += regex.utf ? utf8_decode(text, i, cp, valid) : 1;
                    chars.push_back(Term::integer(static_cast<int64_t>(cp)));
                }
                out.push_back(make_list(chars));
                break;
            }
        }
    }
    return make_list(out);
}

Term run(Args a, const Clause& clause) {
    const CompiledRegex& regex = need_regex(a[0], clause);
    std::string_view s = need_binary(a[1], clause);
    Term opts = a.size() > 2 ? a[2] : Term::empty_list();
    CaptureSpec spec = capture_spec(opts, clause);
    auto m = regex_find(regex, s, offset_option(opts));
    if (!m) return Term::nil();
    return captures(regex, *m, s, spec);
}

Term scan(Args a, const Clause& clause) {
    const CompiledRegex& regex = need_regex(a[0], clause);
    std::string_view s = need_binary(a[1], clause);
    Term opts = a.size() > 2 ? a[2] : Term::empty_list();
    CaptureSpec spec = capture_spec(opts, clause);
    std::vector<Term> out;
    if (spec.kind == Capture::None) return Term::empty_list();  // :re.run answers :match
    for (const auto& m : regex_find_all(regex, s, offset_option(opts)))
        out.push_back(captures(regex, m, s, spec));
    return make_list(out);
}

Term named_captures(Args a) {
    static constexpr Clause clause{"Regex", "named_captures", 3};
    const CompiledRegex& regex = need_regex(a[0], clause);
    std::string_view s = need_binary(a[1], clause);
    Term opts = a.size() > 2 ? a[2] : Term::empty_list();
    CaptureSpec spec = capture_spec(opts, clause);
    auto m = regex_find(regex, s, offset_option(opts));
    if (!m) return Term::nil();
    spec.kind = Capture::List;
    spec.list.clear();
    std::vector<Term> names;
    for (const auto& [name, group] : regex.names) {
        if (!names.empty() && names.back().binary_view() == name) continue;
        names.push_back(Term::binary(name));
    }
    spec.list = names;
    Term values = captures(regex, *m, s, spec);
    std::vector<std::pair<Term, Term>> entries;
    size_t i = 0;
    for (ListIterator it(values); !it.done(); ++it) entries.emplace_back(names[i++], *it);
    return Term::map(std::move(entries));
}

Term escape(std::string_view s) {
    // Regex.escape/1: a backslash before each of these bytes, the byte itself kept.
    constexpr std::string_view special(".^$*+?()[]{}|#-\\\t\n\v\f\r ");
    std::string out;
    for (char c : s) {
        if (special.find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return Term::binary(out);
}

void def(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add(kRegex, name, arity, fn);
}

}  // namespace

Term regex_version() {
    // Regex.version/0 on Elixir 1.14 / OTP 24-25: the PCRE that :re embeds.
    return Term::tuple({Term::binary("8.44 2020-02-12"), Term::atom("little")});
}

Term regex_split(const CompiledRegex& regex, std::string_view s, const Term& opts) {
    static constexpr Clause clause{"Regex", "split", 3};
    if (!opts.is_list()) clause.fail();
    auto trim_opt = keyword_option(opts, "trim");
    bool trim = trim_opt && trim_opt->truthy();
    if (s.empty()) return trim ? Term::empty_list() : make_list({Term::binary("")});
    CaptureSpec spec = capture_spec(keyword_option(opts, "on").value_or(Term::atom("first")),
                                    Term::atom("index"), clause);
    int64_t counter = 0;  // parts_to_index(:infinity)
    if (auto parts = keyword_option(opts, "parts"); parts && !parts->is_atom(atom::infinity)) {
        if (!parts->is_integer() || parts->as_integer() <= 0)
            raise_function_clause("Regex", "parts_to_index", 1);
        counter = parts->as_integer();
    }
    auto with_opt = keyword_option(opts, "include_captures");
    bool with_captures = with_opt && with_opt->truthy();
    // do_split/6 over every captured (offset, length) of every match, in order.
    std::vector<std::pair<int64_t, size_t>> spans;
    if (spec.kind != Capture::None) {
        for (const auto& m : regex_find_all(regex, s))
            for (size_t group : wanted_groups(regex, m, spec)) {
                if (group < m.groups.size() && m.groups[group])
                    spans.emplace_back(static_cast<int64_t>(m.groups[group]->first),
                                       m.groups[group]->second);
                else
                    spans.emplace_back(-1, 0);
            }
    }
    std::vector<Term> out;
    size_t offset = 0;
    for (auto [pos, length] : spans) {
        if (trim && s.size() <= offset) return make_list(out);
        if (counter == 1) break;
        if (pos - static_cast<int64_t>(offset) < 0) continue;
        size_t keep = static_cast<size_t>(pos) - offset;
        std::string_view part = s.substr(offset, keep);
        std::string_view match = s.substr(static_cast<size_t>(pos), length);
        if (keep == 0 && trim) {
            if (with_captures) {
                out.push_back(Term::binary(match));
                --counter;
            }
        } else {
            out.push_back(Term::binary(part));
            if (with_captures) out.push_back(Term::binary(match));
            --counter;
        }
        offset = static_cast<size_t>(pos) + length;
    }
    if (trim && s.size() <= offset) return make_list(out);
    out.push_back(Term::binary(s.substr(offset)));
    return make_list(out);
}

Term regex_replace(const CompiledRegex& regex, std::string_view s, std::string_view replacement,
                   const Term& opts) {
    if (!opts.is_list()) raise_function_clause("Regex", "replace", 4);
    auto global_opt = keyword_option(opts, "global");
    bool global = !global_opt || !global_opt->is_atom(atom::false_);
    std::vector<RegexMatch> matches;
    if (global)
        matches = regex_find_all(regex, s);
    else if (auto m = regex_find(regex, s, 0))
        matches.push_back(*m);
    // precompile_replacement/1: "\\g{N}", "\\N" (digits) and "\\\\"; any other byte is literal.
    auto expand = [&](std::string& out, const RegexMatch& m) {
        auto group_text = [&](size_t g) {
            if (g < m.groups.size() && m.groups[g])
                out.append(s.substr(m.groups[g]->first, m.groups[g]->second));
        };
        auto digits = [&](size_t from, size_t& end) {
            size_t g = 0;
            end = from;
            while (end < replacement.size() && replacement[end] >= '0' && replacement[end] <= '9')
                g = std::min<size_t>(g * 10 + static_cast<size_t>(replacement[end++] - '0'),
                                     SIZE_MAX / 20);
            return g;
        };
        for (size_t i = 0; i < replacement.size(); ++i) {
            char c = replacement[i];
            std::string_view rest = replacement.substr(i);
            size_t end = 0;
            if (rest.size() > 3 && rest.substr(0, 3) == "\\g{") {
                size_t g = digits(i + 3, end);
                if (end > i + 3 && end < replacement.size() && replacement[end] == '}') {
                    group_text(g);
                    i = end;
                    continue;
                }
            } else if (rest.substr(0, 2) == "\\\\") {
                out += '\\';
                ++i;
                continue;
            } else if (c == '\\' && rest.size() > 1 && rest[1] >= '0' && rest[1] <= '9') {
                group_text(digits(i + 1, end));
                i = end - 1;
                continue;
            }
            out += c;
        }
    };
    std::string out;
    size_t last = 0;
    for (const auto& m : matches) {
        out.append(s.substr(last, m.groups[0]->first - last));
        expand(out, m);
        last = m.groups[0]->first + m.groups[0]->second;
    }
    out.append(s.substr(last));
    return Term::binary(out);
}

void register_regex(BuiltinTable& t) {
    def(
        t, "compile", 1, +[](ProcessContext&, Args a) {
            return compile_term(a[0], Term::binary(""), {"Regex", "compile", 2});
        });
    def(
        t, "compile", 2, +[](ProcessContext&, Args a) {
            return compile_term(a[0], a[1], {"Regex", "compile", 2});
        });
    def(
        t, "compile!", 1, +[](ProcessContext&, Args a) {
            return compile_bang(a[0], Term::binary(""), {"Regex", "compile!", 2});
        });
    def(
        t, "compile!", 2, +[](ProcessContext&, Args a) {
            return compile_bang(a[0], a[1], {"Regex", "compile!", 2});
        });
    auto run_fn = +[](ProcessContext&, Args a) { return run(a, {"Regex", "run", 3}); };
    def(t, "run", 2, run_fn);
    def(t, "run", 3, run_fn);
    def(
        t, "match?", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Regex", "match?", 2};
            const CompiledRegex& regex = need_regex(a[0], c);
            return Term::boolean(regex_find(regex, need_binary(a[1], c), 0).has_value());
        });
    auto scan_fn = +[](ProcessContext&, Args a) { return scan(a, {"Regex", "scan", 3}); };
    def(t, "scan", 2, scan_fn);
    def(t, "scan", 3, scan_fn);
    // Regex.replace/3,4 (prelude/kernel.exs) calls this for a binary replacement; a function
    // replacement is applied in the prelude.
    def(
        t, "__replace__", 4, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Regex", "replace", 4};
            const CompiledRegex& regex = need_regex(a[0], c);
            return regex_replace(regex, need_binary(a[1], c), need_binary(a[2], c), a[3]);
        });
    auto split = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Regex", "split", 3};
        const CompiledRegex& regex = need_regex(a[0], c);
        return regex_split(regex, need_binary(a[1], c), a.size() > 2 ? a[2] : Term::empty_list());
    };
    def(t, "split", 2, split);
    def(t, "split", 3, split);
    def(
        t, "source", 1, +[](ProcessContext&, Args a) -> Term {
            if (!is_struct(a[0], "Regex")) raise_function_clause("Regex", "source", 1);
            return *struct_field(a[0], "source");
        });
    def(
        t, "opts", 1, +[](ProcessContext&, Args a) -> Term {
            if (!is_struct(a[0], "Regex")) raise_function_clause("Regex", "opts", 1);
            return *struct_field(a[0], "opts");
        });
    def(
        t, "re_pattern", 1, +[](ProcessContext&, Args a) -> Term {
            if (!is_struct(a[0], "Regex")) raise_function_clause("Regex", "re_pattern", 1);
            return *struct_field(a[0], "re_pattern");
        });
    def(
        t, "regex?", 1,
        +[](ProcessContext&, Args a) -> Term { return Term::boolean(is_struct(a[0], "Regex")); });
    def(
        t, "version", 0, +[](ProcessContext&, Args) -> Term { return regex_version(); });
    // Our %Regex{} is always of this version: recompiling returns it as it is.
    def(
        t, "recompile", 1, +[](ProcessContext&, Args a) -> Term {
            need_regex(a[0], {"Regex", "recompile", 1});
            return ok_tuple(a[0]);
        });
    def(
        t, "recompile!", 1, +[](ProcessContext&, Args a) -> Term {
            need_regex(a[0], {"Regex", "recompile!", 1});
            return a[0];
        });
    def(
        t, "names", 1, +[](ProcessContext&, Args a) -> Term {
            const CompiledRegex& regex = need_regex(a[0], {"Regex", "names", 1});
            std::vector<Term> out;
            for (const auto& [name, group] : regex.names)
                if (out.empty() || out.back().binary_view() != name)
                    out.push_back(Term::binary(name));
            return make_list(out);
        });
    auto named = +[](ProcessContext&, Args a) { return named_captures(a); };
    def(t, "named_captures", 2, named);
    def(t, "named_captures", 3, named);
    def(
        t, "escape", 1, +[](ProcessContext&, Args a) -> Term {
            return escape(need_binary(a[0], {"Regex", "escape", 1}));
        });
}

}  // namespace tasklens::script::stdlib
