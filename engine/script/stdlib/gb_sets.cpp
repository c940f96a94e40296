// :gb_sets (OTP 25): the same {Size, Tree} tuples as gb_sets.erl, nodes {Key, Smaller, Bigger}
// and nil, built by the same insertion and balancing rules and the same strategy choice in the
// set operations, so a set has the BEAM's exact shape (it shows when a set is inspected).
// Elements compare with == (1 and 1.0 are one element), as gb_sets does.
#include <algorithm>
#include <cmath>

#include "engine/script/stdlib/support.h"
#include "engine/script/vm.h"

namespace tasklens::script::stdlib {
namespace {

const Term kNil = Term::nil();  // the atom nil: the empty subtree

Term node(const Term& k, const Term& smaller, const Term& bigger) {
    return Term::tuple({k, smaller, bigger});
}
bool is_node(const Term& t) {
    return t.is_tuple(3);
}
const Term& key_of(const Term& n) {
    return n.element(0);
}
const Term& smaller_of(const Term& n) {
    return n.element(1);
}
const Term& bigger_of(const Term& n) {
    return n.element(2);
}

struct Set {
    int64_t size;
    Term root;
};
Set need_set(const Term& t, std::string_view fun, int arity) {
    if (!t.is_tuple(2) || !t.element(0).is_integer() || t.element(0).as_integer() < 0)
        raise_function_clause(":gb_sets", fun, arity);
    return {t.element(0).as_integer(), t.element(1)};
}
Term make_set(int64_t size, Term root) {
    return Term::tuple({Term::integer(size), std::move(root)});
}

void to_list(const Term& t, std::vector<Term>& out) {
    if (!is_node(t)) return;
    to_list(smaller_of(t), out);
    out.push_back(key_of(t));
    to_list(bigger_of(t), out);
}
std::vector<Term> elements(const Term& root) {
    std::vector<Term> out;
    to_list(root, out);
    return out;
}

// balance_list_1 over `keys` in ascending order from `at`; balance_revlist_1 reads a list in
// descending order and mirrors the tree, exactly as gb_sets builds both.
Term balance_list(const std::vector<Term>& keys, size_t& at, int64_t s) {
    if (s > 1) {
        int64_t sm = s - 1, s2 = sm / 2, s1 = sm - s2;
        Term t1 = balance_list(keys, at, s1);
        const Term& k = keys.at(at++);
        Term t2 = balance_list(keys, at, s2);
        return node(k, t1, t2);
    }
    if (s == 1) return node(keys.at(at++), kNil, kNil);
    return kNil;
}
Term balance_revlist(const std::vector<Term>& desc, size_t& at, int64_t s) {
    if (s > 1) {
        int64_t sm = s - 1, s2 = sm / 2, s1 = sm - s2;
        Term t2 = balance_revlist(desc, at, s1);
        const Term& k = desc.at(at++);
        Term t1 = balance_revlist(desc, at, s2);
        return node(k, t1, t2);
    }
    if (s == 1) return node(desc.at(at++), kNil, kNil);
    return kNil;
}
Term from_ascending(const std::vector<Term>& keys) {
    size_t at = 0;
    auto s = static_cast<int64_t>(keys.size());
    return make_set(s, balance_list(keys, at, s));
}
Term from_descending(const std::vector<Term>& desc, int64_t s) {
    size_t at = 0;
    return make_set(s, balance_revlist(desc, at, s));
}

std::pair<int64_t, int64_t> count(const Term& t) {
    if (!is_node(t)) return {1, 0};
    if (!is_node(smaller_of(t)) && !is_node(bigger_of(t))) return {1, 1};
    auto [h1, s1] = count(smaller_of(t));
    auto [h2, s2] = count(bigger_of(t));
    return {2 * std::max(h1, h2), s1 + s2 + 1};
}

struct Inserted {
    Term tree;
    bool grew = false;
    int64_t height = 0, size = 0;
};
Inserted insert_1(const Term& key, const Term& t, int64_t s) {
    if (is_node(t)) {
        int c = compare(key, key_of(t));
        if (c == 0) throw ErlangException::error(Term::tuple({Term::atom("key_exists"), key}));
        const bool left = c < 0;
        Inserted sub = insert_1(key, left ? smaller_of(t) : bigger_of(t), s >> 1);
        Term rebuilt = left ? node(key_of(t), sub.tree, bigger_of(t))
                            : node(key_of(t), smaller_of(t), sub.tree);
        if (!sub.grew) return {rebuilt};
        auto [h2, s2] = count(left ? bigger_of(t) : smaller_of(t));
        int64_t h = 2 * std::max(sub.height, h2);
        int64_t ss = sub.size + s2 + 1;
        if (h > ss * ss) {
            std::vector<Term> keys = elements(rebuilt);
            size_t at = 0;
            return {balance_list(keys, at, ss)};
        }
        return {rebuilt, true, h, ss};
    }
    Term leaf = node(key, kNil, kNil);
    if (s == 0) return {leaf, true, 1, 1};
    return {leaf};
}
Term insert(const Term& key, const Set& set) {
    int64_t s1 = set.size + 1;
    return make_set(s1, insert_1(key, set.root, s1 * s1).tree);
}

bool is_member(const Term& key, const Term& t) {
    const Term* cur = &t;
    while (is_node(*cur)) {
        int c = compare(key, key_of(*cur));
        if (c == 0) return true;
        cur = c < 0 ? &smaller_of(*cur) : &bigger_of(*cur);
    }
    return false;
}

std::pair<Term, Term> take_smallest1(const Term& t) {
    if (!is_node(smaller_of(t))) return {key_of(t), bigger_of(t)};
    auto [k, rest] = take_smallest1(smaller_of(t));
    return {k, node(key_of(t), rest, bigger_of(t))};
}
std::pair<Term, Term> take_largest1(const Term& t) {
    if (!is_node(bigger_of(t))) return {key_of(t), smaller_of(t)};
    auto [k, rest] = take_largest1(bigger_of(t));
    return {k, node(key_of(t), smaller_of(t), rest)};
}
Term delete_1(const Term& key, const Term& t) {
    if (!is_node(t)) raise_function_clause(":gb_sets", "delete_1", 2);
    int c = compare(key, key_of(t));
    if (c < 0) return node(key_of(t), delete_1(key, smaller_of(t)), bigger_of(t));
    if (c > 0) return node(key_of(t), smaller_of(t), delete_1(key, bigger_of(t)));
    if (!is_node(bigger_of(t))) return smaller_of(t);
    if (!is_node(smaller_of(t))) return bigger_of(t);
    auto [k, rest] = take_smallest1(bigger_of(t));
    return node(k, smaller_of(t), rest);
}

/// lists:usort: ascending, the first of equal (==) elements kept.
std::vector<Term> usort(std::vector<Term> items) {
    std::stable_sort(items.begin(), items.end(),
                     [](const Term& a, const Term& b) { return compare(a, b) < 0; });
    std::vector<Term> out;
    for (Term& t : items)
        if (out.empty() || compare(out.back(), t) != 0) out.push_back(std::move(t));
    return out;
}

/// The set operations scan both element lists when the sets are of similar size, and look the
/// smaller set's elements up in the other tree otherwise (gb_sets' `?c * log` rule).
bool scan_both(int64_t n1, int64_t n2) {
    if (n2 < 10) return true;
    return n2 < n1 * static_cast<int64_t>(std::round(1.46 * std::log(static_cast<double>(n2))));
}

Term union_sets(const Set& a, const Set& b) {
    const Set& small = b.size < a.size ? b : a;
    const Set& large = b.size < a.size ? a : b;
    std::vector<Term> xs = elements(small.root);
    if (!scan_both(small.size, large.size)) {
        Set acc = large;
        for (const Term& x : xs)
            if (!is_member(x, acc.root)) {
                Term s = insert(x, acc);
                acc = {s.element(0).as_integer(), s.element(1)};
            }
        return make_set(acc.size, acc.root);
    }
    // union_2: a merge that swaps its two lists whenever the right head is smaller.
    std::vector<Term> ys = elements(large.root);
    int64_t s = small.size + large.size;
    std::vector<Term> desc;
    size_t i = 0, j = 0;
    std::vector<Term>*left = &xs, *right = &ys;
    size_t *li = &i, *ri = &j;
    while (*li < left->size() && *ri < right->size()) {
        const Term& x = (*left)[*li];
        const Term& y = (*right)[*ri];
        int c = compare(x, y);
        if (c < 0) {
            desc.push_back(x);
            ++*li;
        } else if (c > 0) {
            desc.push_back(y);
            ++*ri;
            std::swap(left, right);
            std::swap(li, ri);
        } else {
            desc.push_back(x);
            ++*li;
            ++*ri;
            --s;
        }
    }
    for (; *li < left->size(); ++*li) desc.push_back((*left)[*li]);
    for (; *ri < right->size(); ++*ri) desc.push_back((*right)[*ri]);
    std::reverse(desc.begin(), desc.end());
    return from_descending(desc, s);
}

Term intersection_sets(const Set& a, const Set& b) {
    const Set& small = b.size < a.size ? b : a;
    const Set& large = b.size < a.size ? a : b;
    std::vector<Term> xs = elements(small.root);
    std::vector<Term> common;
    if (!scan_both(small.size, large.size)) {
        for (const Term& x : xs)
            if (is_member(x, large.root)) common.push_back(x);
    } else {
        // intersection_2: like union_2, the lists swap whenever the right head is smaller,
        // and an equal pair keeps the left list's element.
        std::vector<Term> ys = elements(large.root);
        size_t i = 0, j = 0;
        std::vector<Term>*left = &xs, *right = &ys;
        size_t *li = &i, *ri = &j;
        while (*li < left->size() && *ri < right->size()) {
            int c = compare((*left)[*li], (*right)[*ri]);
            if (c < 0) {
                ++*li;
            } else if (c > 0) {
                ++*ri;
                std::swap(left, right);
                std::swap(li, ri);
            } else {
                common.push_back((*left)[*li]);
                ++*li;
                ++*ri;
            }
        }
    }
    std::vector<Term> desc(common.rbegin(), common.rend());
    return from_descending(desc, static_cast<int64_t>(common.size()));
}

Term difference_sets(const Set& a, const Set& b) {
    std::vector<Term> xs = elements(a.root);
    std::vector<Term> kept;
    if (!scan_both(a.size, b.size)) {
        for (const Term& x : xs)
            if (!is_member(x, b.root)) kept.push_back(x);
    } else {
        std::vector<Term> ys = elements(b.root);
        size_t i = 0, j = 0;
        while (i < xs.size()) {
            if (j >= ys.size()) {
                kept.push_back(xs[i++]);
                continue;
            }
            int c = compare(xs[i], ys[j]);
            if (c < 0) {
                kept.push_back(xs[i++]);
            } else if (c > 0) {
                ++j;
            } else {
                ++i;
                ++j;
            }
        }
    }
    std::vector<Term> desc(kept.rbegin(), kept.rend());
    return from_descending(desc, static_cast<int64_t>(kept.size()));
}

bool is_subset(const Set& a, const Set& b) {
    for (const Term& x : elements(a.root))
        if (!is_member(x, b.root)) return false;
    return true;
}

Term gs_empty(ProcessContext&, Args) {
    return make_set(0, kNil);
}
Term gs_is_empty(ProcessContext&, Args a) {
    return Term::boolean(a[0].is_tuple(2) && a[0].element(0).is_integer() &&
                         a[0].element(0).as_integer() == 0 && a[0].element(1).is_nil());
}
Term gs_is_set(ProcessContext&, Args a) {
    const Term& t = a[0];
    bool ok = t.is_tuple(2) && t.element(0).is_integer() && t.element(0).as_integer() >= 0 &&
              ((t.element(0).as_integer() == 0 && t.element(1).is_nil()) || is_node(t.element(1)));
    return Term::boolean(ok);
}
Term gs_size(ProcessContext&, Args a) {
    return Term::integer(need_set(a[0], "size", 1).size);
}
Term gs_singleton(ProcessContext&, Args a) {
    return make_set(1, node(a[0], kNil, kNil));
}
Term gs_is_member(ProcessContext&, Args a) {
    return Term::boolean(is_member(a[0], need_set(a[1], "is_member", 2).root));
}
Term gs_insert(ProcessContext&, Args a) {
    return insert(a[0], need_set(a[1], "insert", 2));
}
Term gs_add(ProcessContext&, Args a) {
    Set s = need_set(a[1], "add", 2);
    return is_member(a[0], s.root) ? a[1] : insert(a[0], s);
}
Term gs_delete(ProcessContext&, Args a) {
    Set s = need_set(a[1], "delete", 2);
    return make_set(s.size - 1, delete_1(a[0], s.root));
}
Term gs_delete_any(ProcessContext&, Args a) {
    Set s = need_set(a[1], "delete_any", 2);
    if (!is_member(a[0], s.root)) return a[1];
    return make_set(s.size - 1, delete_1(a[0], s.root));
}
Term gs_balance(ProcessContext&, Args a) {
    Set s = need_set(a[0], "balance", 1);
    std::vector<Term> keys = elements(s.root);
    size_t at = 0;
    return make_set(s.size, balance_list(keys, at, s.size));
}
Term gs_from_list(ProcessContext&, Args a) {
    return from_ascending(usort(need_list(a[0], {":gb_sets", "from_list", 1})));
}
Term gs_from_ordset(ProcessContext&, Args a) {
    return from_ascending(need_list(a[0], {":gb_sets", "from_ordset", 1}));
}
Term gs_to_list(ProcessContext&, Args a) {
    return make_list(elements(need_set(a[0], "to_list", 1).root));
}
Term gs_smallest(ProcessContext&, Args a) {
    Term cur = need_set(a[0], "smallest", 1).root;
    if (!is_node(cur)) raise_function_clause(":gb_sets", "smallest_1", 1);
    while (is_node(smaller_of(cur))) cur = Term(smaller_of(cur));
    return key_of(cur);
}
Term gs_largest(ProcessContext&, Args a) {
    Term cur = need_set(a[0], "largest", 1).root;
    if (!is_node(cur)) raise_function_clause(":gb_sets", "largest_1", 1);
    while (is_node(bigger_of(cur))) cur = Term(bigger_of(cur));
    return key_of(cur);
}
Term gs_take_smallest(ProcessContext&, Args a) {
    Set s = need_set(a[0], "take_smallest", 1);
    if (!is_node(s.root)) raise_function_clause(":gb_sets", "take_smallest1", 1);
    auto [k, rest] = take_smallest1(s.root);
    return Term::tuple({k, make_set(s.size - 1, rest)});
}
Term gs_take_largest(ProcessContext&, Args a) {
    Set s = need_set(a[0], "take_largest", 1);
    if (!is_node(s.root)) raise_function_clause(":gb_sets", "take_largest1", 1);
    auto [k, rest] = take_largest1(s.root);
    return Term::tuple({k, make_set(s.size - 1, rest)});
}
Term gs_union(ProcessContext&, Args a) {
    return union_sets(need_set(a[0], "union", 2), need_set(a[1], "union", 2));
}
Term gs_union_list(ProcessContext&, Args a) {
    std::vector<Term> sets = need_list(a[0], {":gb_sets", "union", 1});
    if (sets.empty()) return make_set(0, kNil);
    Term acc = sets[0];
    for (size_t i = 1; i < sets.size(); ++i)
        acc = union_sets(need_set(acc, "union", 2), need_set(sets[i], "union", 2));
    return acc;
}
Term gs_intersection(ProcessContext&, Args a) {
    return intersection_sets(need_set(a[0], "intersection", 2), need_set(a[1], "intersection", 2));
}
Term gs_intersection_list(ProcessContext&, Args a) {
    std::vector<Term> sets = need_list(a[0], {":gb_sets", "intersection", 1});
    if (sets.empty()) raise_function_clause(":gb_sets", "intersection", 1);
    Term acc = sets[0];
    for (size_t i = 1; i < sets.size(); ++i)
        acc = intersection_sets(need_set(acc, "intersection", 2),
                                need_set(sets[i], "intersection", 2));
    return acc;
}
Term gs_difference(ProcessContext&, Args a) {
    return difference_sets(need_set(a[0], "difference", 2), need_set(a[1], "difference", 2));
}
Term gs_is_subset(ProcessContext&, Args a) {
    return Term::boolean(is_subset(need_set(a[0], "is_subset", 2), need_set(a[1], "is_subset", 2)));
}
Term gs_is_disjoint(ProcessContext&, Args a) {
    Set x = need_set(a[0], "is_disjoint", 2), y = need_set(a[1], "is_disjoint", 2);
    for (const Term& k : elements(x.root))
        if (is_member(k, y.root)) return Term::boolean(false);
    return Term::boolean(true);
}
// iterator/1, iterator_from/2 and next/1: OTP 25's iterator is the plain list of nodes an
// in-order walk has still to visit.
Term push_left(Term t, Term stack) {
    while (is_node(t)) {
        stack = Term::cons(t, stack);
        if (!is_node(smaller_of(t))) break;
        Term next = smaller_of(t);
        t = next;
    }
    return stack;
}
Term gs_iterator(ProcessContext&, Args a) {
    return push_left(need_set(a[0], "iterator", 1).root, Term::empty_list());
}
Term gs_iterator_from(ProcessContext&, Args a) {
    Term t = need_set(a[1], "iterator_from", 2).root;
    Term stack = Term::empty_list();
    while (is_node(t)) {
        if (compare(key_of(t), a[0]) < 0) {
            Term next = bigger_of(t);
            t = next;
        } else {
            stack = Term::cons(t, stack);
            if (!is_node(smaller_of(t))) break;
            Term next = smaller_of(t);
            t = next;
        }
    }
    return stack;
}
Term gs_next(ProcessContext&, Args a) {
    const Term& stack = a[0];
    if (stack.is_empty_list()) return Term::atom("none");
    if (!stack.is_cons() || !is_node(stack.head())) raise_function_clause(":gb_sets", "next", 1);
    const Term& n = stack.head();
    return Term::tuple({key_of(n), push_left(bigger_of(n), stack.tail())});
}

Co<Term> gs_fold(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    Term acc = a[1];
    for (const Term& k : elements(need_set(a[2], "fold", 3).root)) {
        std::vector<Term> args{k, acc};
        acc = co_await call_fun(ctx, fun, std::move(args));
    }
    co_return acc;
}
Co<Term> gs_filter(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    std::vector<Term> kept;
    for (const Term& k : elements(need_set(a[1], "filter", 2).root)) {
        std::vector<Term> args{k};
        if ((co_await call_fun(ctx, fun, std::move(args))).is_atom(atom::true_)) kept.push_back(k);
    }
    co_return from_ascending(kept);
}
}  // namespace

void register_gb_sets(BuiltinTable& t) {
    const char* G = "gb_sets";
    t.add(G, "empty", 0, gs_empty);
    t.add(G, "new", 0, gs_empty);
    t.add(G, "is_empty", 1, gs_is_empty);
    t.add(G, "is_set", 1, gs_is_set);
    t.add(G, "size", 1, gs_size);
    t.add(G, "singleton", 1, gs_singleton);
    t.add(G, "is_member", 2, gs_is_member);
    t.add(G, "is_element", 2, gs_is_member);
    t.add(G, "insert", 2, gs_insert);
    t.add(G, "add", 2, gs_add);
    t.add(G, "add_element", 2, gs_add);
    t.add(G, "delete", 2, gs_delete);
    t.add(G, "delete_any", 2, gs_delete_any);
    t.add(G, "del_element", 2, gs_delete_any);
    t.add(G, "balance", 1, gs_balance);
    t.add(G, "from_list", 1, gs_from_list);
    t.add(G, "from_ordset", 1, gs_from_ordset);
    t.add(G, "to_list", 1, gs_to_list);
    t.add(G, "smallest", 1, gs_smallest);
    t.add(G, "largest", 1, gs_largest);
    t.add(G, "take_smallest", 1, gs_take_smallest);
    t.add(G, "take_largest", 1, gs_take_largest);
    t.add(G, "union", 2, gs_union);
    t.add(G, "union", 1, gs_union_list);
    t.add(G, "intersection", 2, gs_intersection);
    t.add(G, "intersection", 1, gs_intersection_list);
    t.add(G, "difference", 2, gs_difference);
    t.add(G, "subtract", 2, gs_difference);
    t.add(G, "is_subset", 2, gs_is_subset);
    t.add(G, "is_disjoint", 2, gs_is_disjoint);
    t.add(G, "iterator", 1, gs_iterator);
    t.add(G, "iterator_from", 2, gs_iterator_from);
    t.add(G, "next", 1, gs_next);
    t.add_async(G, "fold", 3, gs_fold);
    t.add_async(G, "filter", 2, gs_filter);
}

}  // namespace tasklens::script::stdlib
