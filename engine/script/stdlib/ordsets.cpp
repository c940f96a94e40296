// :ordsets, :orddict and :sets (OTP 25). ordsets and orddicts are sorted proper lists compared
// with == as ordsets.erl/orddict.erl do (1 and 1.0 are the same element). :sets is the
// map-based version 2 (`[{:version, 2}]`: a map of element => []), exactly as the BEAM builds
// it; version 1 (the tuple-based default of OTP 25, laid out by erlang:phash/2) is refused with
// Tasklens's "does not support" error rather than given a different layout.
#include <algorithm>

#include "engine/runtime/integer.h"
#include "engine/script/stdlib/support.h"
#include "engine/script/vm.h"

namespace tasklens::script::stdlib {
namespace {

std::vector<Term> need_proper(const Term& t, std::string_view module, std::string_view fun,
                              int arity) {
    std::vector<Term> items;
    if (!t.is_list() || !list_to_vector(t, items)) raise_function_clause(module, fun, arity);
    return items;
}

Co<Term> apply1(ProcessContext& ctx, const Term& fun, const Term& x) {
    std::vector<Term> args{x};
    co_return co_await call_fun(ctx, fun, std::move(args));
}
Co<Term> apply2(ProcessContext& ctx, const Term& fun, const Term& x, const Term& y) {
    std::vector<Term> args{x, y};
    co_return co_await call_fun(ctx, fun, std::move(args));
}
Co<Term> apply3(ProcessContext& ctx, const Term& fun, const Term& x, const Term& y, const Term& z) {
    std::vector<Term> args{x, y, z};
    co_return co_await call_fun(ctx, fun, std::move(args));
}

// --- ordsets ---------------------------------------------------------------------------------

std::vector<Term> usort(std::vector<Term> items) {
    std::stable_sort(items.begin(), items.end(),
                     [](const Term& a, const Term& b) { return compare(a, b) < 0; });
    items.erase(std::unique(items.begin(), items.end(),
                            [](const Term& a, const Term& b) { return compare(a, b) == 0; }),
                items.end());
    return items;
}

std::vector<Term> os(const Term& t, std::string_view fun, int arity) {
    return need_proper(t, ":ordsets", fun, arity);
}

Term os_new(ProcessContext&, Args) {
    return Term::empty_list();
}
Term os_is_set(ProcessContext&, Args a) {
    std::vector<Term> items;
    if (!a[0].is_list() || !list_to_vector(a[0], items)) return Term::boolean(false);
    for (size_t i = 1; i < items.size(); ++i)
        if (compare(items[i - 1], items[i]) >= 0) return Term::boolean(false);
    return Term::boolean(true);
}
Term os_size(ProcessContext&, Args a) {
    return Term::integer(static_cast<int64_t>(os(a[0], "size", 1).size()));
}
Term os_is_empty(ProcessContext&, Args a) {
    return Term::boolean(a[0].is_empty_list());
}
Term os_to_list(ProcessContext&, Args a) {
    return a[0];
}
Term os_from_list(ProcessContext&, Args a) {
    return make_list(usort(os(a[0], "from_list", 1)));
}
Term os_is_element(ProcessContext&, Args a) {
    for (const Term& x : os(a[1], "is_element", 2)) {
        int c = compare(a[0], x);
        if (c == 0) return Term::boolean(true);
        if (c < 0) break;
    }
    return Term::boolean(false);
}
Term os_add_element(ProcessContext&, Args a) {
    std::vector<Term> items = os(a[1], "add_element", 2);
    auto it = std::lower_bound(items.begin(), items.end(), a[0],
                               [](const Term& x, const Term& e) { return compare(x, e) < 0; });
    if (it != items.end() && compare(*it, a[0]) == 0) return a[1];
    items.insert(it, a[0]);
    return make_list(items);
}
Term os_del_element(ProcessContext&, Args a) {
    std::vector<Term> items = os(a[1], "del_element", 2);
    auto it = std::lower_bound(items.begin(), items.end(), a[0],
                               [](const Term& x, const Term& e) { return compare(x, e) < 0; });
    if (it == items.end() || compare(*it, a[0]) != 0) return a[1];
    items.erase(it);
    return make_list(items);
}
enum class SetOp { Union, Intersection, Subtract };
std::vector<Term> merge(const std::vector<Term>& x, const std::vector<Term>& y, SetOp op) {
    std::vector<Term> out;
    size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
        int c = compare(x[i], y[j]);
        if (c < 0) {
            if (op != SetOp::Intersection) out.push_back(x[i]);
            ++i;
        } else if (c > 0) {
            if (op == SetOp::Union) out.push_back(y[j]);
            ++j;
        } else {
            if (op != SetOp::Subtract) out.push_back(x[i]);
            ++i;
            ++j;
        }
    }
    if (op != SetOp::Intersection)
        for (; i < x.size(); ++i) out.push_back(x[i]);
    if (op == SetOp::Union)
        for (; j < y.size(); ++j) out.push_back(y[j]);
    return out;
}
Term os_union2(ProcessContext&, Args a) {
    return make_list(merge(os(a[0], "union", 2), os(a[1], "union", 2), SetOp::Union));
}
Term os_union1(ProcessContext&, Args a) {
    std::vector<Term> acc;
    for (const Term& s : os(a[0], "union", 1)) acc = merge(acc, os(s, "union", 1), SetOp::Union);
    return make_list(acc);
}
Term os_intersection2(ProcessContext&, Args a) {
    return make_list(
        merge(os(a[0], "intersection", 2), os(a[1], "intersection", 2), SetOp::Intersection));
}
Term os_intersection1(ProcessContext&, Args a) {
    std::vector<Term> sets = os(a[0], "intersection", 1);
    if (sets.empty()) raise_function_clause(":ordsets", "intersection", 1);
    std::vector<Term> acc = os(sets[0], "intersection", 1);
    for (size_t i = 1; i < sets.size(); ++i)
        acc = merge(acc, os(sets[i], "intersection", 1), SetOp::Intersection);
    return make_list(acc);
}
Term os_subtract(ProcessContext&, Args a) {
    return make_list(merge(os(a[0], "subtract", 2), os(a[1], "subtract", 2), SetOp::Subtract));
}
Term os_is_disjoint(ProcessContext&, Args a) {
    return Term::boolean(
        merge(os(a[0], "is_disjoint", 2), os(a[1], "is_disjoint", 2), SetOp::Intersection).empty());
}
Term os_is_subset(ProcessContext&, Args a) {
    return Term::boolean(
        merge(os(a[0], "is_subset", 2), os(a[1], "is_subset", 2), SetOp::Subtract).empty());
}
Co<Term> os_fold(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    Term acc = a[1];
    for (const Term& x : os(a[2], "fold", 3)) acc = co_await apply2(ctx, fun, x, acc);
    co_return acc;
}
Co<Term> os_filter(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    std::vector<Term> out;
    for (const Term& x : os(a[1], "filter", 2))
        if ((co_await apply1(ctx, fun, x)).is_atom(atom::true_)) out.push_back(x);
    co_return make_list(out);
}

// --- orddict ---------------------------------------------------------------------------------

struct Pair {
    Term key, value;
};
std::vector<Pair> od(const Term& t, std::string_view fun, int arity) {
    std::vector<Pair> out;
    for (const Term& e : need_proper(t, ":orddict", fun, arity)) {
        if (!e.is_tuple(2)) raise_function_clause(":orddict", fun, arity);
        out.push_back({e.element(0), e.element(1)});
    }
    return out;
}
Term od_term(const std::vector<Pair>& d) {
    std::vector<Term> items;
    items.reserve(d.size());
    for (const Pair& p : d) items.push_back(Term::tuple({p.key, p.value}));
    return make_list(items);
}
// Index of the first pair whose key is not below `key`.
size_t od_lower(const std::vector<Pair>& d, const Term& key) {
    size_t i = 0;
    while (i < d.size() && compare(d[i].key, key) < 0) ++i;
    return i;
}
bool od_has(const std::vector<Pair>& d, size_t i, const Term& key) {
    return i < d.size() && compare(d[i].key, key) == 0;
}

Term od_new(ProcessContext&, Args) {
    return Term::empty_list();
}
Term od_is_key(ProcessContext&, Args a) {
    auto d = od(a[1], "is_key", 2);
    return Term::boolean(od_has(d, od_lower(d, a[0]), a[0]));
}
Term od_to_list(ProcessContext&, Args a) {
    return a[0];
}
Term od_from_list(ProcessContext&, Args a) {
    std::vector<Pair> d;
    for (const Pair& p : od(a[0], "from_list", 1)) {
        size_t i = od_lower(d, p.key);
        if (od_has(d, i, p.key))
            d[i].value = p.value;
        else
            d.insert(d.begin() + static_cast<long>(i), p);
    }
    return od_term(d);
}
Term od_size(ProcessContext&, Args a) {
    return Term::integer(static_cast<int64_t>(od(a[0], "size", 1).size()));
}
Term od_is_empty(ProcessContext&, Args a) {
    return Term::boolean(a[0].is_empty_list());
}
Term od_fetch(ProcessContext&, Args a) {
    auto d = od(a[1], "fetch", 2);
    size_t i = od_lower(d, a[0]);
    if (!od_has(d, i, a[0])) raise_function_clause(":orddict", "fetch", 2);
    return d[i].value;
}
Term od_find(ProcessContext&, Args a) {
    auto d = od(a[1], "find", 2);
    size_t i = od_lower(d, a[0]);
    if (!od_has(d, i, a[0])) return Term::atom(atom::error);
    return ok_tuple(d[i].value);
}
Term od_fetch_keys(ProcessContext&, Args a) {
    std::vector<Term> keys;
    for (const Pair& p : od(a[0], "fetch_keys", 1)) keys.push_back(p.key);
    return make_list(keys);
}
Term od_erase(ProcessContext&, Args a) {
    auto d = od(a[1], "erase", 2);
    size_t i = od_lower(d, a[0]);
    if (od_has(d, i, a[0])) d.erase(d.begin() + static_cast<long>(i));
    return od_term(d);
}
Term od_take(ProcessContext&, Args a) {
    auto d = od(a[1], "take", 2);
    size_t i = od_lower(d, a[0]);
    if (!od_has(d, i, a[0])) return Term::atom(atom::error);
    Term v = d[i].value;
    d.erase(d.begin() + static_cast<long>(i));
    return Term::tuple({v, od_term(d)});
}
Term od_store(ProcessContext&, Args a) {
    auto d = od(a[2], "store", 3);
    size_t i = od_lower(d, a[0]);
    if (od_has(d, i, a[0]))
        d[i].value = a[1];
    else
        d.insert(d.begin() + static_cast<long>(i), Pair{a[0], a[1]});
    return od_term(d);
}
Term od_append_values(const Term& key, const std::vector<Term>& values, const Term& dict,
                      std::string_view fun) {
    auto d = od(dict, fun, 3);
    size_t i = od_lower(d, key);
    if (od_has(d, i, key)) {
        std::vector<Term> old;
        if (!list_to_vector(d[i].value, old)) raise_function_clause(":orddict", fun, 3);
        old.insert(old.end(), values.begin(), values.end());
        d[i].value = make_list(old);
    } else {
        d.insert(d.begin() + static_cast<long>(i), Pair{key, make_list(values)});
    }
    return od_term(d);
}
Term od_append(ProcessContext&, Args a) {
    return od_append_values(a[0], {a[1]}, a[2], "append");
}
Term od_append_list(ProcessContext&, Args a) {
    std::vector<Term> values;
    if (!list_to_vector(a[1], values)) raise_function_clause(":orddict", "append_list", 3);
    return od_append_values(a[0], values, a[2], "append_list");
}
Term od_update_counter(ProcessContext&, Args a) {
    auto d = od(a[2], "update_counter", 3);
    size_t i = od_lower(d, a[0]);
    if (!a[1].is_number()) throw ErlangException::error(Term::atom("badarith"));
    if (od_has(d, i, a[0])) {
        if (!d[i].value.is_number()) throw ErlangException::error(Term::atom("badarith"));
        if (d[i].value.is_integral() && a[1].is_integral())
            d[i].value = integer::add(d[i].value, a[1]);
        else
            d[i].value = Term::floating(d[i].value.as_number() + a[1].as_number());
    } else {
        d.insert(d.begin() + static_cast<long>(i), Pair{a[0], a[1]});
    }
    return od_term(d);
}
Co<Term> od_update3(ProcessContext& ctx, Args a) {
    const Term key = a[0], fun = a[1];
    auto d = od(a[2], "update", 3);
    size_t i = od_lower(d, key);
    if (!od_has(d, i, key)) raise_function_clause(":orddict", "update", 3);
    d[i].value = co_await apply1(ctx, fun, d[i].value);
    co_return od_term(d);
}
Co<Term> od_update4(ProcessContext& ctx, Args a) {
    const Term key = a[0], fun = a[1], initial = a[2];
    auto d = od(a[3], "update", 4);
    size_t i = od_lower(d, key);
    if (od_has(d, i, key))
        d[i].value = co_await apply1(ctx, fun, d[i].value);
    else
        d.insert(d.begin() + static_cast<long>(i), Pair{key, initial});
    co_return od_term(d);
}
Co<Term> od_fold(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    Term acc = a[1];
    for (const Pair& p : od(a[2], "fold", 3)) acc = co_await apply3(ctx, fun, p.key, p.value, acc);
    co_return acc;
}
Co<Term> od_map(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    auto d = od(a[1], "map", 2);
    for (Pair& p : d) p.value = co_await apply2(ctx, fun, p.key, p.value);
    co_return od_term(d);
}
Co<Term> od_filter(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    std::vector<Pair> out;
    for (const Pair& p : od(a[1], "filter", 2))
        if ((co_await apply2(ctx, fun, p.key, p.value)).is_atom(atom::true_)) out.push_back(p);
    co_return od_term(out);
}
Co<Term> od_merge(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    auto x = od(a[1], "merge", 3), y = od(a[2], "merge", 3);
    std::vector<Pair> out;
    size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
        int c = compare(x[i].key, y[j].key);
        if (c < 0) {
            out.push_back(x[i++]);
        } else if (c > 0) {
            out.push_back(y[j++]);
        } else {
            Term v = co_await apply3(ctx, fun, x[i].key, x[i].value, y[j].value);
            out.push_back(Pair{x[i].key, v});
            ++i;
            ++j;
        }
    }
    for (; i < x.size(); ++i) out.push_back(x[i]);
    for (; j < y.size(); ++j) out.push_back(y[j]);
    co_return od_term(out);
}

// --- sets (version 2) ------------------------------------------------------------------------

[[noreturn]] void version1_refused(std::string_view fun, int arity) {
    raise_term(make_exception(
        "Tasklens.UnsupportedError",
        {{"message", Term::binary("Tasklens does not support :sets." + std::string(fun) + "/" +
                                  std::to_string(arity) +
                                  " on version 1 sets yet (pass [{:version, 2}] to :sets.new/1 "
                                  "or :sets.from_list/2; see docs/scenario-language.md)")}}));
}
const Term& set_v2(const Term& s, std::string_view fun, int arity) {
    if (s.is_map()) return s;
    if (s.is_tuple() && s.tuple_size() == 9 && s.element(0).is_atom(Atom::intern("set")))
        version1_refused(fun, arity);
    raise_function_clause(":sets", fun, arity);
}
int version_option(const Term& opts, std::string_view fun, int arity) {
    int version = 1;
    for (ListIterator it(opts); !it.done(); ++it) {
        const Term& o = *it;
        if (o.is_tuple(2) && o.element(0).is_atom(Atom::intern("version"))) {
            if (o.element(1).is_integer() &&
                (o.element(1).as_integer() == 1 || o.element(1).as_integer() == 2))
                version = static_cast<int>(o.element(1).as_integer());
            else
                raise_function_clause(":sets", fun, arity);
        }
    }
    return version;
}
Term empty_marker() {
    return Term::empty_list();
}
Term sets_new0(ProcessContext&, Args) {
    version1_refused("new", 0);
}
Term sets_new1(ProcessContext&, Args a) {
    if (version_option(a[0], "new", 1) == 1) version1_refused("new", 1);
    return Term::empty_map();
}
Term sets_from_list(const Term& list, std::string_view fun, int arity) {
    std::vector<Term> items = need_proper(list, ":sets", fun, arity);
    std::vector<std::pair<Term, Term>> entries;
    entries.reserve(items.size());
    for (const Term& x : items) entries.emplace_back(x, empty_marker());
    return Term::map(std::move(entries));
}
Term sets_from_list1(ProcessContext&, Args) {
    version1_refused("from_list", 1);
}
Term sets_from_list2(ProcessContext&, Args a) {
    if (version_option(a[1], "from_list", 2) == 1) version1_refused("from_list", 2);
    return sets_from_list(a[0], "from_list", 2);
}
Term sets_is_set(ProcessContext&, Args a) {
    if (a[0].is_map()) return Term::boolean(true);
    return Term::boolean(a[0].is_tuple() && a[0].tuple_size() == 9 &&
                         a[0].element(0).is_atom(Atom::intern("set")));
}
Term sets_size(ProcessContext&, Args a) {
    return Term::integer(static_cast<int64_t>(set_v2(a[0], "size", 1).map_size()));
}
Term sets_is_empty(ProcessContext&, Args a) {
    return Term::boolean(set_v2(a[0], "is_empty", 1).map_size() == 0);
}
Term sets_to_list(ProcessContext&, Args a) {
    std::vector<Term> keys;
    for (const auto& [k, v] : set_v2(a[0], "to_list", 1).map_object()) keys.push_back(k);
    return make_list(keys);
}
Term sets_is_element(ProcessContext&, Args a) {
    return Term::boolean(set_v2(a[1], "is_element", 2).map_find(a[0]) != nullptr);
}
Term sets_add_element(ProcessContext&, Args a) {
    const Term& s = set_v2(a[1], "add_element", 2);
    if (s.map_find(a[0])) return s;
    return s.map_put(a[0], empty_marker());
}
Term sets_del_element(ProcessContext&, Args a) {
    return set_v2(a[1], "del_element", 2).map_remove(a[0]);
}
Term sets_union2(ProcessContext&, Args a) {
    Term x = set_v2(a[0], "union", 2);
    const Term& y = set_v2(a[1], "union", 2);
    for (const auto& [k, v] : y.map_object())
        if (!x.map_find(k)) x = x.map_put(k, v);
    return x;
}
Term sets_union1(ProcessContext&, Args a) {
    Term acc = Term::empty_map();
    for (const Term& s : need_proper(a[0], ":sets", "union", 1))
        for (const auto& [k, v] : set_v2(s, "union", 1).map_object())
            if (!acc.map_find(k)) acc = acc.map_put(k, v);
    return acc;
}
Term intersect(const Term& x, const Term& y) {
    std::vector<std::pair<Term, Term>> entries;
    for (const auto& [k, v] : x.map_object())
        if (y.map_find(k)) entries.emplace_back(k, v);
    return Term::map(std::move(entries));
}
Term sets_intersection2(ProcessContext&, Args a) {
    return intersect(set_v2(a[0], "intersection", 2), set_v2(a[1], "intersection", 2));
}
Term sets_intersection1(ProcessContext&, Args a) {
    std::vector<Term> sets = need_proper(a[0], ":sets", "intersection", 1);
    if (sets.empty()) raise_function_clause(":sets", "intersection", 1);
    Term acc = set_v2(sets[0], "intersection", 1);
    for (size_t i = 1; i < sets.size(); ++i)
        acc = intersect(acc, set_v2(sets[i], "intersection", 1));
    return acc;
}
Term sets_subtract(ProcessContext&, Args a) {
    const Term& x = set_v2(a[0], "subtract", 2);
    const Term& y = set_v2(a[1], "subtract", 2);
    std::vector<std::pair<Term, Term>> entries;
    for (const auto& [k, v] : x.map_object())
        if (!y.map_find(k)) entries.emplace_back(k, v);
    return Term::map(std::move(entries));
}
Term sets_is_disjoint(ProcessContext&, Args a) {
    return Term::boolean(
        intersect(set_v2(a[0], "is_disjoint", 2), set_v2(a[1], "is_disjoint", 2)).map_size() == 0);
}
Term sets_is_subset(ProcessContext&, Args a) {
    const Term& x = set_v2(a[0], "is_subset", 2);
    const Term& y = set_v2(a[1], "is_subset", 2);
    for (const auto& [k, v] : x.map_object())
        if (!y.map_find(k)) return Term::boolean(false);
    return Term::boolean(true);
}
Co<Term> sets_fold(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    Term acc = a[1];
    const Term s = set_v2(a[2], "fold", 3);
    std::vector<Term> keys;
    for (const auto& [k, v] : s.map_object().fold_order()) keys.push_back(k);
    for (const Term& k : keys) acc = co_await apply2(ctx, fun, k, acc);
    co_return acc;
}
Co<Term> sets_filter(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    const Term s = set_v2(a[1], "filter", 2);
    std::vector<Term> keys;
    for (const auto& [k, v] : s.map_object().fold_order()) keys.push_back(k);
    std::vector<std::pair<Term, Term>> kept;
    for (const Term& k : keys)
        if ((co_await apply1(ctx, fun, k)).is_atom(atom::true_))
            kept.emplace_back(k, empty_marker());
    co_return Term::map(std::move(kept));
}

}  // namespace

void register_ordsets(BuiltinTable& t) {
    const char* O = "ordsets";
    t.add(O, "new", 0, os_new);
    t.add(O, "is_set", 1, os_is_set);
    t.add(O, "size", 1, os_size);
    t.add(O, "is_empty", 1, os_is_empty);
    t.add(O, "to_list", 1, os_to_list);
    t.add(O, "from_list", 1, os_from_list);
    t.add(O, "is_element", 2, os_is_element);
    t.add(O, "add_element", 2, os_add_element);
    t.add(O, "del_element", 2, os_del_element);
    t.add(O, "union", 1, os_union1);
    t.add(O, "union", 2, os_union2);
    t.add(O, "intersection", 1, os_intersection1);
    t.add(O, "intersection", 2, os_intersection2);
    t.add(O, "subtract", 2, os_subtract);
    t.add(O, "is_disjoint", 2, os_is_disjoint);
    t.add(O, "is_subset", 2, os_is_subset);
    t.add_async(O, "fold", 3, os_fold);
    t.add_async(O, "filter", 2, os_filter);

    const char* D = "orddict";
    t.add(D, "new", 0, od_new);
    t.add(D, "is_key", 2, od_is_key);
    t.add(D, "to_list", 1, od_to_list);
    t.add(D, "from_list", 1, od_from_list);
    t.add(D, "size", 1, od_size);
    t.add(D, "is_empty", 1, od_is_empty);
    t.add(D, "fetch", 2, od_fetch);
    t.add(D, "find", 2, od_find);
    t.add(D, "fetch_keys", 1, od_fetch_keys);
    t.add(D, "erase", 2, od_erase);
    t.add(D, "take", 2, od_take);
    t.add(D, "store", 3, od_store);
    t.add(D, "append", 3, od_append);
    t.add(D, "append_list", 3, od_append_list);
    t.add(D, "update_counter", 3, od_update_counter);
    t.add_async(D, "update", 3, od_update3);
    t.add_async(D, "update", 4, od_update4);
    t.add_async(D, "fold", 3, od_fold);
    t.add_async(D, "map", 2, od_map);
    t.add_async(D, "filter", 2, od_filter);
    t.add_async(D, "merge", 3, od_merge);

    const char* S = "sets";
    t.add(S, "new", 0, sets_new0);
    t.add(S, "new", 1, sets_new1);
    t.add(S, "from_list", 1, sets_from_list1);
    t.add(S, "from_list", 2, sets_from_list2);
    t.add(S, "is_set", 1, sets_is_set);
    t.add(S, "size", 1, sets_size);
    t.add(S, "is_empty", 1, sets_is_empty);
    t.add(S, "to_list", 1, sets_to_list);
    t.add(S, "is_element", 2, sets_is_element);
    t.add(S, "add_element", 2, sets_add_element);
    t.add(S, "del_element", 2, sets_del_element);
    t.add(S, "union", 1, sets_union1);
    t.add(S, "union", 2, sets_union2);
    t.add(S, "intersection", 1, sets_intersection1);
    t.add(S, "intersection", 2, sets_intersection2);
    t.add(S, "subtract", 2, sets_subtract);
    t.add(S, "is_disjoint", 2, sets_is_disjoint);
    t.add(S, "is_subset", 2, sets_is_subset);
    t.add_async(S, "fold", 3, sets_fold);
    t.add_async(S, "filter", 2, sets_filter);
}

}  // namespace tasklens::script::stdlib
