// The :lists functions that take funs (foldl, foldr, map, filter, foreach, any, all, partition,
// takewhile, dropwhile, splitwith, flatmap, filtermap, mapfoldl, sort/2); the others are in
// erlang.cpp. Coroutines, because the funs are scenario code; fun arguments are built outside
// the co_await (GCC 12 miscompiles braced lists there).
#include "engine/script/stdlib/support.h"
#include "engine/script/vm.h"

namespace tasklens::script::stdlib {
namespace {

std::vector<Term> list_of(const Term& t, std::string_view function, int arity) {
    return need_list(t, {":lists", function, arity});
}

Co<Term> apply1(ProcessContext& ctx, const Term& fun, const Term& x) {
    std::vector<Term> args{x};
    co_return co_await call_fun(ctx, fun, std::move(args));
}
Co<Term> apply2(ProcessContext& ctx, const Term& fun, const Term& x, const Term& y) {
    std::vector<Term> args{x, y};
    co_return co_await call_fun(ctx, fun, std::move(args));
}

Co<Term> fold(ProcessContext& ctx, Args a, bool right) {
    const Term fun = a[0];
    Term acc = a[1];
    auto items = list_of(a[2], right ? "foldr" : "foldl", 3);
    if (right) std::reverse(items.begin(), items.end());
    for (const Term& x : items) acc = co_await apply2(ctx, fun, x, acc);
    co_return acc;
}

Co<Term> lists_map(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    auto items = list_of(a[1], "map", 2);
    for (Term& x : items) x = co_await apply1(ctx, fun, x);
    co_return make_list(items);
}

/// filter/partition/takewhile/dropwhile/splitwith/any/all share one pass over the predicate.
enum class PredicateUse { Filter, Partition, TakeWhile, DropWhile, SplitWith, Any, All };

Co<Term> with_predicate(ProcessContext& ctx, Args a, PredicateUse use, std::string_view name) {
    const Term fun = a[0];
    const auto items = list_of(a[1], name, 2);
    std::vector<Term> yes, no;
    bool stopped = false;
    for (const Term& x : items) {
        if (stopped) {
            no.push_back(x);
            continue;
        }
        bool ok = (co_await apply1(ctx, fun, x)).is_atom(atom::true_);
        if (use == PredicateUse::Any && ok) co_return Term::boolean(true);
        if (use == PredicateUse::All && !ok) co_return Term::boolean(false);
        if (!ok && (use == PredicateUse::TakeWhile || use == PredicateUse::DropWhile ||
                    use == PredicateUse::SplitWith)) {
            stopped = true;
            no.push_back(x);
            continue;
        }
        (ok ? yes : no).push_back(x);
    }
    switch (use) {
        case PredicateUse::Filter:
        case PredicateUse::TakeWhile:
            co_return make_list(yes);
        case PredicateUse::DropWhile:
            co_return make_list(no);
        case PredicateUse::Partition:
        case PredicateUse::SplitWith:
            co_return Term::tuple({make_list(yes), make_list(no)});
        case PredicateUse::Any:
            co_return Term::boolean(false);
        case PredicateUse::All:
            co_return Term::boolean(true);
    }
    co_return Term::nil();
}

Co<Term> lists_foreach(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    const auto items = list_of(a[1], "foreach", 2);
    for (const Term& x : items) co_await apply1(ctx, fun, x);
    co_return atom_term("ok");
}

Co<Term> lists_flatmap(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    const auto items = list_of(a[1], "flatmap", 2);
    std::vector<Term> out;
    for (const Term& x : items) {
        Term r = co_await apply1(ctx, fun, x);
        auto part = list_of(r, "flatmap", 2);
        out.insert(out.end(), part.begin(), part.end());
    }
    co_return make_list(out);
}

Co<Term> lists_filtermap(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    const auto items = list_of(a[1], "filtermap", 2);
    std::vector<Term> out;
    for (const Term& x : items) {
        Term r = co_await apply1(ctx, fun, x);
        if (r.is_atom(atom::true_))
            out.push_back(x);
        else if (r.is_tuple(2) && r.element(0).is_atom(atom::true_))
            out.push_back(r.element(1));
    }
    co_return make_list(out);
}

Co<Term> lists_mapfoldl(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    Term acc = a[1];
    auto items = list_of(a[2], "mapfoldl", 3);
    for (Term& x : items) {
        Term r = co_await apply2(ctx, fun, x, acc);
        if (!r.is_tuple(2)) throw ErlangException::error(Term::tuple({atom_term("badmatch"), r}));
        x = r.element(0);
        acc = r.element(1);
    }
    co_return Term::tuple({make_list(items), acc});
}

/// sort/2: a stable merge sort where fun(a, b) is true when a may come first (lists:sort/2).
Co<Term> lists_sort2(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    std::vector<Term> items = list_of(a[1], "sort", 2);
    std::vector<Term> buffer(items.size());
    for (size_t width = 1; width < items.size(); width *= 2) {
        for (size_t lo = 0; lo < items.size(); lo += 2 * width) {
            size_t mid = std::min(lo + width, items.size()),
                   hi = std::min(lo + 2 * width, items.size());
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                bool left_first =
                    (co_await apply2(ctx, fun, items[i], items[j])).is_atom(atom::true_);
                buffer[k++] = left_first ? items[i++] : items[j++];
            }
            while (i < mid) buffer[k++] = items[i++];
            while (j < hi) buffer[k++] = items[j++];
        }
        items.swap(buffer);
    }
    co_return make_list(items);
}

}  // namespace

void register_lists_funs(BuiltinTable& t) {
    const char* L = "lists";
    t.add_async(
        L, "foldl", 3, +[](ProcessContext& c, Args a) { return fold(c, a, false); });
    t.add_async(
        L, "foldr", 3, +[](ProcessContext& c, Args a) { return fold(c, a, true); });
    t.add_async(L, "map", 2, lists_map);
    t.add_async(
        L, "filter", 2, +[](ProcessContext& c, Args a) {
            return with_predicate(c, a, PredicateUse::Filter, "filter");
        });
    t.add_async(
        L, "partition", 2, +[](ProcessContext& c, Args a) {
            return with_predicate(c, a, PredicateUse::Partition, "partition");
        });
    t.add_async(
        L, "takewhile", 2, +[](ProcessContext& c, Args a) {
            return with_predicate(c, a, PredicateUse::TakeWhile, "takewhile");
        });
    t.add_async(
        L, "dropwhile", 2, +[](ProcessContext& c, Args a) {
            return with_predicate(c, a, PredicateUse::DropWhile, "dropwhile");
        });
    t.add_async(
        L, "splitwith", 2, +[](ProcessContext& c, Args a) {
            return with_predicate(c, a, PredicateUse::SplitWith, "splitwith");
        });
    t.add_async(
        L, "any", 2,
        +[](ProcessContext& c, Args a) { return with_predicate(c, a, PredicateUse::Any, "any"); });
    t.add_async(
        L, "all", 2,
        +[](ProcessContext& c, Args a) { return with_predicate(c, a, PredicateUse::All, "all"); });
    t.add_async(L, "foreach", 2, lists_foreach);
    t.add_async(L, "flatmap", 2, lists_flatmap);
    t.add_async(L, "filtermap", 2, lists_filtermap);
    t.add_async(L, "mapfoldl", 3, lists_mapfoldl);
    t.add_async(L, "sort", 2, lists_sort2);
}

}  // namespace tasklens::script::stdlib
