// MapSet: %MapSet{map: %{element => []}, version: 2}, Elixir 1.14's representation, so
// pattern matches and inspect (MapSet.new([...])) agree with Elixir.
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

void def(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add("Elixir.MapSet", name, arity, fn);
}

Term make_set(Term map) {
    return Term::map({{Term::atom(atom::struct_), alias_term("MapSet")},
                      {Term::atom("map"), std::move(map)},
                      {Term::atom("version"), Term::integer(2)}});
}

const Term& set_map(const Term& set, const Clause& clause) {
    if (!is_struct(set, "MapSet")) clause.fail();
    const Term* map = struct_field(set, "map");
    if (!map || !map->is_map()) clause.fail();
    return *map;
}

Term set_from(const Term& source, const Clause& clause) {
    if (is_struct(source, "MapSet")) return source;
    std::vector<std::pair<Term, Term>> entries;
    if (auto range = as_range(source)) {
        for (int64_t i = range->first; range->step > 0 ? i <= range->last : i >= range->last;) {
            entries.emplace_back(Term::integer(i), Term::empty_list());
            if (range->step == 0 || __builtin_add_overflow(i, range->step, &i)) break;
        }
    } else if (source.is_map()) {
        for (const auto& [k, v] : source.map_object())
            entries.emplace_back(Term::tuple({k, v}), Term::empty_list());
    } else {
        for (const Term& item : need_list(source, clause))
            entries.emplace_back(item, Term::empty_list());
    }
    return make_set(Term::map(std::move(entries)));
}

}  // namespace

void register_map_set(BuiltinTable& t) {
    def(
        t, "new", 0, +[](ProcessContext&, Args) { return make_set(Term::empty_map()); });
    def(
        t, "new", 1, +[](ProcessContext&, Args a) {
            return set_from(a[0], {"MapSet", "new", 1});
        });
    def(
        t, "put", 2, +[](ProcessContext&, Args a) -> Term {
            return make_set(set_map(a[0], {"MapSet", "put", 2}).map_put(a[1], Term::empty_list()));
        });
    def(
        t, "delete", 2, +[](ProcessContext&, Args a) -> Term {
            return make_set(set_map(a[0], {"MapSet", "delete", 2}).map_remove(a[1]));
        });
    def(
        t, "member?", 2, +[](ProcessContext&, Args a) -> Term {
            return Term::boolean(set_map(a[0], {"MapSet", "member?", 2}).map_find(a[1]) != nullptr);
        });
    def(
        t, "size", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::integer(
                static_cast<int64_t>(set_map(a[0], {"MapSet", "size", 1}).map_size()));
        });
    def(
        t, "to_list", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> items;
            for (const auto& [k, v] : set_map(a[0], {"MapSet", "to_list", 1}).map_object())
                items.push_back(k);
            return make_list(items);
        });
    def(
        t, "union", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"MapSet", "union", 2};
            return make_set(map_merge(set_map(a[0], c), set_map(a[1], c)));
        });
    def(
        t, "intersection", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"MapSet", "intersection", 2};
            const Term& right = set_map(a[1], c);
            std::vector<std::pair<Term, Term>> entries;
            for (const auto& entry : set_map(a[0], c).map_object())
                if (right.map_find(entry.first)) entries.push_back(entry);
            return make_set(Term::map(std::move(entries)));
        });
    def(
        t, "difference", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"MapSet", "difference", 2};
            const Term& right = set_map(a[1], c);
            std::vector<std::pair<Term, Term>> entries;
            for (const auto& entry : set_map(a[0], c).map_object())
                if (!right.map_find(entry.first)) entries.push_back(entry);
            return make_set(Term::map(std::move(entries)));
        });
    def(
        t, "subset?", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"MapSet", "subset?", 2};
            const Term& right = set_map(a[1], c);
            for (const auto& entry : set_map(a[0], c).map_object())
                if (!right.map_find(entry.first)) return Term::boolean(false);
            return Term::boolean(true);
        });
    def(
        t, "disjoint?", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"MapSet", "disjoint?", 2};
            const Term& right = set_map(a[1], c);
            for (const auto& entry : set_map(a[0], c).map_object())
                if (right.map_find(entry.first)) return Term::boolean(false);
            return Term::boolean(true);
        });
    def(
        t, "equal?", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"MapSet", "equal?", 2};
            return Term::boolean(exact_equal(set_map(a[0], c), set_map(a[1], c)));
        });
}

}  // namespace tasklens::script::stdlib
