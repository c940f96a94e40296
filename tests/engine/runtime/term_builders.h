#pragma once
// Short builders for terms in table-driven tests.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/runtime/term.h"

namespace tasklens::test {

inline Term I(int64_t v) {
    return Term::integer(v);
}
inline Term F(double v) {
    return Term::floating(v);
}
inline Term A(std::string_view name) {
    return Term::atom(name);
}
/// An alias: Mod("MyApp.Worker") is the atom Elixir.MyApp.Worker.
inline Term Mod(std::string_view name) {
    return Term::atom(std::string("Elixir.").append(name));
}
inline Term S(std::string_view bytes) {
    return Term::binary(bytes);
}
inline Term L(std::initializer_list<Term> items) {
    return Term::list(items);
}
inline Term Improper(std::initializer_list<Term> items, Term tail) {
    return Term::list(std::span(items.begin(), items.size()), std::move(tail));
}
inline Term T(std::initializer_list<Term> items) {
    return Term::tuple(items);
}
inline Term M(std::vector<std::pair<Term, Term>> entries) {
    return Term::map(std::move(entries));
}
inline Term KV(std::string_view key, Term value) {
    return T({A(key), std::move(value)});
}
inline Term Charlist(std::string_view s) {
    std::vector<Term> items;
    for (unsigned char c : s) items.push_back(I(c));
    return Term::list(items);
}
inline Term P(uint32_t serial, uint32_t node = 0) {
    return Term::pid(Pid{node, serial});
}
/// A struct: %Elixir.<module>{fields...}.
inline Term Struct(std::string_view module, std::vector<std::pair<std::string_view, Term>> fields,
                   bool exception = false) {
    std::vector<std::pair<Term, Term>> entries;
    entries.emplace_back(A("__struct__"), Mod(module));
    if (exception) entries.emplace_back(A("__exception__"), A("true"));
    for (auto& [k, v] : fields) entries.emplace_back(A(k), v);
    return Term::map(std::move(entries));
}
inline Term Seq(int64_t from, int64_t to) {
    std::vector<Term> items;
    for (int64_t i = from; i <= to; ++i) items.push_back(I(i));
    return Term::list(items);
}
/// A stacktrace frame {module, function, arity, [file: 'file', line: line]}.
inline Term Frame(Term module, std::string_view function, Term arity, std::string_view file = {},
                  int64_t line = 0) {
    Term location = Term::empty_list();
    if (!file.empty()) location = L({KV("file", Charlist(file)), KV("line", I(line))});
    return T({std::move(module), A(function), std::move(arity), location});
}

}  // namespace tasklens::test
