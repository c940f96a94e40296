// The :maps functions that take funs (fold, map, filter, filtermap, foreach, update_with,
// merge_with) and the iterator API; the pure ones are in erlang.cpp. They visit keys in the
// BEAM's maps:fold order (map.h). An iterator is
// {:tasklens_maps_iterator, [{k, v}, ...]} (the BEAM's is another opaque term); next/1 returns
// {k, v, iterator} or :none as on the BEAM. Funs are called from coroutines; their arguments are
// built outside the co_await (GCC 12 miscompiles braced lists there).
#include "engine/script/stdlib/support.h"
#include "engine/script/vm.h"

namespace tasklens::script::stdlib {
namespace {

using Pairs = std::vector<std::pair<Term, Term>>;

/// The entries in maps:fold order, as the BEAM's fold/map/filter visit them.
Pairs pairs_arg(const Term& map, int position) {
    if (!map.is_map()) raise_bif_argument_error(position, "not a map");
    Pairs pairs;
    pairs.reserve(map.map_size());
    for (const auto& entry : map.map_object().fold_order()) pairs.push_back(entry);
    return pairs;
}

const Term& fun_arg(const Term& fun, int arity, int position) {
    if (!fun.is_fun() || static_cast<int>(fun.fun().arity) != arity)
        raise_bif_argument_error(position,
                                 "not a fun that takes " + std::to_string(arity) + " arguments");
    return fun;
}

Co<Term> call(ProcessContext& ctx, const Term& fun, std::vector<Term> args) {
    co_return co_await call_fun(ctx, fun, std::move(args));
}

Co<Term> maps_fold(ProcessContext& ctx, Args a) {
    const Term fun = fun_arg(a[0], 3, 1);
    Term acc = a[1];
    const Pairs pairs = pairs_arg(a[2], 3);
    for (const auto& [k, v] : pairs) {
        std::vector<Term> args{k, v, acc};
        acc = co_await call(ctx, fun, std::move(args));
    }
    co_return acc;
}

Co<Term> maps_map(ProcessContext& ctx, Args a) {
    const Term fun = fun_arg(a[0], 2, 1);
    Pairs pairs = pairs_arg(a[1], 2);
    for (auto& [k, v] : pairs) {
        std::vector<Term> args{k, v};
        v = co_await call(ctx, fun, std::move(args));
    }
    co_return Term::map(std::move(pairs));
}

Co<Term> maps_filter(ProcessContext& ctx, Args a) {
    const Term fun = fun_arg(a[0], 2, 1);
    const Pairs pairs = pairs_arg(a[1], 2);
    Pairs kept;
    for (const auto& [k, v] : pairs) {
        std::vector<Term> args{k, v};
        if ((co_await call(ctx, fun, std::move(args))).is_atom(atom::true_))
            kept.emplace_back(k, v);
    }
    co_return Term::map(std::move(kept));
}

Co<Term> maps_filtermap(ProcessContext& ctx, Args a) {
    const Term fun = fun_arg(a[0], 2, 1);
    const Pairs pairs = pairs_arg(a[1], 2);
    Pairs kept;
    for (const auto& [k, v] : pairs) {
        std::vector<Term> args{k, v};
        Term r = co_await call(ctx, fun, std::move(args));
        if (r.is_atom(atom::true_))
            kept.emplace_back(k, v);
        else if (r.is_tuple(2) && r.element(0).is_atom(atom::true_))
            kept.emplace_back(k, r.element(1));
    }
    co_return Term::map(std::move(kept));
}

Co<Term> maps_foreach(ProcessContext& ctx, Args a) {
    const Term fun = fun_arg(a[0], 2, 1);
    const Pairs pairs = pairs_arg(a[1], 2);
    for (const auto& [k, v] : pairs) {
        std::vector<Term> args{k, v};
        co_await call(ctx, fun, std::move(args));
    }
    co_return atom_term("ok");
}

/// update_with/3 raises {:badkey, k} for a missing key; update_with/4 puts the default.
Co<Term> maps_update_with(ProcessContext& ctx, Args a) {
    const Term key = a[0];
    const Term fun = fun_arg(a[1], 1, 2);
    const Term map = a.size() == 4 ? a[3] : a[2];
    if (!map.is_map()) raise_bif_argument_error(a.size() == 4 ? 4 : 3, "not a map");
    const Term* current = map.map_find(key);
    if (!current) {
        if (a.size() == 4) co_return map.map_put(key, a[2]);
        raise_key_error(key, Term::nil());  // {:badkey, k}: Elixir shows term: nil
    }
    std::vector<Term> args{*current};
    Term updated = co_await call(ctx, fun, std::move(args));
    co_return map.map_put(key, updated);
}

Co<Term> maps_merge_with(ProcessContext& ctx, Args a) {
    const Term fun = fun_arg(a[0], 3, 1);
    if (!a[1].is_map()) raise_bif_argument_error(2, "not a map");
    Term result = a[1];
    const Pairs pairs = pairs_arg(a[2], 3);
    for (const auto& [k, v] : pairs) {
        if (const Term* old = result.map_find(k)) {
            std::vector<Term> args{k, *old, v};
            Term merged = co_await call(ctx, fun, std::move(args));
            result = result.map_put(k, merged);
        } else {
            result = result.map_put(k, v);
        }
    }
    co_return result;
}

Term iterator_of(std::vector<Term> pairs) {
    return Term::tuple({atom_term("tasklens_maps_iterator"), make_list(pairs)});
}

}  // namespace

void register_maps_funs(BuiltinTable& t) {
    const char* M = "maps";
    t.add_async(M, "fold", 3, maps_fold);
    t.add_async(M, "map", 2, maps_map);
    t.add_async(M, "filter", 2, maps_filter);
    t.add_async(M, "filtermap", 2, maps_filtermap);
    t.add_async(M, "foreach", 2, maps_foreach);
    t.add_async(M, "update_with", 3, maps_update_with);
    t.add_async(M, "update_with", 4, maps_update_with);
    t.add_async(M, "merge_with", 3, maps_merge_with);
    t.add(
        M, "iterator", 1, +[](ProcessContext&, Args a) {
            std::vector<Term> pairs;
            for (const auto& [k, v] : pairs_arg(a[0], 1)) pairs.push_back(Term::tuple({k, v}));
            return iterator_of(std::move(pairs));
        });
    t.add(
        M, "next", 1, +[](ProcessContext&, Args a) -> Term {
            const Term& it = a[0];
            if (!it.is_tuple(2) || !it.element(0).is_atom(Atom::intern("tasklens_maps_iterator")) ||
                !it.element(1).is_list())
                raise_bif_argument_error(1, "not a valid iterator");
            const Term& rest = it.element(1);
            if (!rest.is_cons()) return atom_term("none");
            const Term& pair = rest.head();
            return Term::tuple(
                {pair.element(0), pair.element(1), Term::tuple({it.element(0), rest.tail()})});
        });
    t.add(
        M, "from_keys", 2, +[](ProcessContext&, Args a) {
            Pairs pairs;
            for (const Term& k : need_list(a[0], {":maps", "from_keys", 2}))
                pairs.emplace_back(k, a[1]);
            return Term::map(std::move(pairs));
        });
    t.add(
        M, "intersect", 2, +[](ProcessContext&, Args a) {
            Pairs kept;
            const Term second = a[1];
            if (!second.is_map()) raise_bif_argument_error(2, "not a map");
            for (const auto& [k, v] : pairs_arg(a[0], 1))
                if (const Term* w = second.map_find(k)) kept.emplace_back(k, *w);
            return Term::map(std::move(kept));
        });
}

}  // namespace tasklens::script::stdlib
