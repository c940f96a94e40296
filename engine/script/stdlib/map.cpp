// Map: the pure functions of Elixir's Map module. Functions taking a fun (update/4, update!/3,
// merge/3, get_lazy/3, put_new_lazy/3, filter/2, reject/2, map/2, new/2, get_and_update/3) call
// scenario code and belong to the VM's prelude.
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

constexpr std::string_view kMap = "Elixir.Map";

void def(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add(kMap, name, arity, fn);
}

/// Map.new/1 and :maps.from_list: a list of {key, value} pairs or a map.
Term map_from_enumerable(const Term& source, const Clause& clause) {
    if (source.is_map()) {
        if (is_struct(source, "MapSet")) {
            clause.fail();
        }
        return source;
    }
    std::vector<std::pair<Term, Term>> entries;
    for (const Term& item : need_list(source, clause)) {
        if (!item.is_tuple(2))
            raise_bif_argument_error(1, "not a list of 2-tuples");  // :maps.from_list
        entries.emplace_back(item.element(0), item.element(1));
    }
    return Term::map(std::move(entries));
}

std::vector<Term> keys_list(const Term& keys, const Clause& clause) {
    if (!keys.is_list()) clause.fail();
    return need_list(keys, clause);
}

}  // namespace

void register_map(BuiltinTable& t) {
    def(
        t, "new", 0, +[](ProcessContext&, Args) { return Term::empty_map(); });
    def(
        t, "new", 1, +[](ProcessContext&, Args a) {
            return map_from_enumerable(a[0], {"Map", "new_from_enum", 1});
        });
    auto get = +[](ProcessContext&, Args a) -> Term {
        need_map(a[0]);
        const Term* value = a[0].map_find(a[1]);
        return value ? *value : (a.size() > 2 ? a[2] : Term::nil());
    };
    def(t, "get", 2, get);
    def(t, "get", 3, get);
    def(
        t, "fetch", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            const Term* value = a[0].map_find(a[1]);
            return value ? ok_tuple(*value) : Term::atom(atom::error);
        });
    def(
        t, "fetch!", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            const Term* value = a[0].map_find(a[1]);
            if (!value) raise_key_error(a[1], a[0]);
            return *value;
        });
    def(
        t, "put", 3, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            return a[0].map_put(a[1], a[2]);
        });
    def(
        t, "put_new", 3, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            return a[0].map_find(a[1]) ? a[0] : a[0].map_put(a[1], a[2]);
        });
    def(
        t, "replace", 3, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            return a[0].map_find(a[1]) ? a[0].map_put(a[1], a[2]) : a[0];
        });
    def(
        t, "replace!", 3, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            if (!a[0].map_find(a[1])) raise_key_error(a[1], a[0]);
            return a[0].map_put(a[1], a[2]);
        });
    def(
        t, "delete", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            return a[0].map_remove(a[1]);
        });
    def(
        t, "has_key?", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            return Term::boolean(a[0].map_find(a[1]) != nullptr);
        });
    def(
        t, "keys", 1, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            std::vector<Term> keys;
            for (const auto& [k, v] : a[0].map_object()) keys.push_back(k);
            return make_list(keys);
        });
    def(
        t, "values", 1, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            std::vector<Term> values;
            for (const auto& [k, v] : a[0].map_object()) values.push_back(v);
            return make_list(values);
        });
    def(
        t, "to_list", 1, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            std::vector<Term> pairs;
            for (const auto& [k, v] : a[0].map_object()) pairs.push_back(Term::tuple({k, v}));
            return make_list(pairs);
        });
    def(
        t, "merge", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            need_map(a[1]);
            return map_merge(a[0], a[1]);
        });
    def(
        t, "take", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            std::vector<std::pair<Term, Term>> entries;
            for (const Term& key : keys_list(a[1], {"Map", "take", 2}))
                if (const Term* value = a[0].map_find(key)) entries.emplace_back(key, *value);
            return Term::map(std::move(entries));
        });
    def(
        t, "drop", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            Term result = a[0];
            for (const Term& key : keys_list(a[1], {"Map", "drop", 2}))
                result = result.map_remove(key);
            return result;
        });
    def(
        t, "split", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            std::vector<std::pair<Term, Term>> taken;
            Term rest = a[0];
            for (const Term& key : keys_list(a[1], {"Map", "split", 2})) {
                if (const Term* value = a[0].map_find(key)) {
                    taken.emplace_back(key, *value);
                    rest = rest.map_remove(key);
                }
            }
            return Term::tuple({Term::map(std::move(taken)), rest});
        });
    auto pop = +[](ProcessContext&, Args a) -> Term {
        need_map(a[0]);
        const Term* value = a[0].map_find(a[1]);
        if (!value) return Term::tuple({a.size() > 2 ? a[2] : Term::nil(), a[0]});
        return Term::tuple({*value, a[0].map_remove(a[1])});
    };
    def(t, "pop", 2, pop);
    def(t, "pop", 3, pop);
    def(
        t, "pop!", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            const Term* value = a[0].map_find(a[1]);
            if (!value) raise_key_error(a[1], a[0]);
            return Term::tuple({*value, a[0].map_remove(a[1])});
        });
    def(
        t, "from_struct", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_map()) raise_function_clause("Map", "from_struct", 1);
            return a[0].map_remove(Term::atom(atom::struct_));
        });
    def(
        t, "equal?", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            need_map(a[1]);
            return Term::boolean(exact_equal(a[0], a[1]));
        });
}

}  // namespace tasklens::script::stdlib
