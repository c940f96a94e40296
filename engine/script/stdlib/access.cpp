// Access.get/fetch on maps, keyword lists and nil (the data-structure part of Access; get_in and
// friends take funs and paths and live in the prelude).
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

std::optional<Term> access_fetch(const Term& container, const Term& key) {
    if (container.is_map()) {
        if (container.map_find(Term::atom(atom::struct_))) {
            raise_term(make_exception("UndefinedFunctionError",
                                      {{"module", *container.map_find(Term::atom(atom::struct_))},
                                       {"function", Term::atom("fetch")},
                                       {"arity", Term::integer(2)},
                                       {"reason", Term::nil()},
                                       {"message", Term::nil()}}));
        }
        if (const Term* value = container.map_find(key)) return *value;
        return std::nullopt;
    }
    if (container.is_nil()) return std::nullopt;
    if (container.is_list() && key.is_atom()) {
        for (ListIterator it(container); !it.done(); ++it)
            if ((*it).is_tuple(2) && exact_equal((*it).element(0), key)) return (*it).element(1);
        return std::nullopt;
    }
    if (container.is_list())
        raise_argument_error("the Access calls for keywords expect the key to be an atom");
    raise_function_clause("Access", "get", 3);
}

}  // namespace

void register_access(BuiltinTable& t) {
    auto get = +[](ProcessContext&, Args a) -> Term {
        auto value = access_fetch(a[0], a[1]);
        return value ? *value : (a.size() > 2 ? a[2] : Term::nil());
    };
    t.add("Elixir.Access", "get", 2, get);
    t.add("Elixir.Access", "get", 3, get);
    t.add(
        "Elixir.Access", "fetch", 2, +[](ProcessContext&, Args a) -> Term {
            auto value = access_fetch(a[0], a[1]);
            return value ? ok_tuple(*value) : Term::atom(atom::error);
        });
}

}  // namespace tasklens::script::stdlib
