// Module.split/1, Module.concat/1,2 and Code.ensure_loaded?/1: module names as data.
#include "engine/runtime/format_error.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

/// One element of Module.concat: an alias atom loses its "Elixir." prefix, other atoms and
/// binaries are taken as they are; nil is skipped.
void append_part(std::string& out, const Term& part) {
    std::string_view text;
    if (part.is_atom()) {
        if (part.is_nil()) return;
        text = part.as_atom().name();
        if (text.starts_with("Elixir.")) text.remove_prefix(7);
    } else if (part.is_binary()) {
        text = part.binary_view();
        if (text.starts_with("Elixir.")) text.remove_prefix(7);
    } else {
        throw ErlangException::error(Term::tuple({Term::atom(atom::function_clause), part}));
    }
    if (text.empty()) return;
    if (!out.empty()) out += '.';
    out += text;
}

Term concat(std::span<const Term> parts) {
    std::string name;
    for (const Term& p : parts) append_part(name, p);
    return Term::atom("Elixir." + name);
}

}  // namespace

void register_module(BuiltinTable& t) {
    t.add(
        "Elixir.Module", "split", 1, +[](ProcessContext&, Args a) -> Term {
            std::string_view name;
            if (a[0].is_atom()) name = a[0].as_atom().name();
            if (a[0].is_binary()) name = a[0].binary_view();
            if (!name.starts_with("Elixir."))
                throw ErlangException::error(
                    Term::tuple({Term::atom(atom::function_clause), a[0]}));
            name.remove_prefix(7);
            std::vector<Term> parts;
            size_t start = 0;
            for (size_t i = 0; i <= name.size(); ++i) {
                if (i == name.size() || name[i] == '.') {
                    parts.push_back(Term::binary(name.substr(start, i - start)));
                    start = i + 1;
                }
            }
            return make_list(parts);
        });
    t.add(
        "Elixir.Module", "concat", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> parts;
            if (!list_to_vector(a[0], parts))
                throw ErlangException::error(
                    Term::tuple({Term::atom(atom::function_clause), a[0]}));
            return concat(parts);
        });
    t.add(
        "Elixir.Module", "concat", 2, +[](ProcessContext&, Args a) -> Term { return concat(a); });
    t.add(
        "Elixir.Code", "ensure_loaded?", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_atom())
                throw ErlangException::error(
                    Term::tuple({Term::atom(atom::function_clause), a[0]}));
            return Term::boolean(thread_module_is_loaded(a[0].as_atom()));
        });
}

}  // namespace tasklens::script::stdlib
