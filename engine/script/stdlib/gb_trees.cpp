// :gb_trees (OTP 25): the same {Size, Tree} tuples as gb_trees.erl, nodes {Key, Value, Smaller,
// Bigger} and nil, rebalanced on insert by the same height/size rule, so a tree inspects exactly
// as on the BEAM. Keys compare with == (1 and 1.0 are one key), as gb_trees does.
#include "engine/script/stdlib/support.h"
#include "engine/script/vm.h"

namespace tasklens::script::stdlib {
namespace {

const Term kNil = Term::nil();  // the atom nil: gb_trees' empty subtree

bool is_nil_node(const Term& t) {
    return t.is_nil();
}
Term node(const Term& k, const Term& v, const Term& smaller, const Term& bigger) {
    return Term::tuple({k, v, smaller, bigger});
}
const Term& key_of(const Term& n) {
    return n.element(0);
}
const Term& value_of(const Term& n) {
    return n.element(1);
}
const Term& smaller_of(const Term& n) {
    return n.element(2);
}
const Term& bigger_of(const Term& n) {
    return n.element(3);
}

// {Size, Tree}, or the caller's FunctionClauseError.
struct Tree {
    int64_t size;
    Term root;
};
Tree need_tree(const Term& t, std::string_view fun, int arity) {
    if (!t.is_tuple(2) || !t.element(0).is_integer() || t.element(0).as_integer() < 0)
        raise_function_clause(":gb_trees", fun, arity);
    return {t.element(0).as_integer(), t.element(1)};
}
Term make_tree(int64_t size, Term root) {
    return Term::tuple({Term::integer(size), std::move(root)});
}
bool is_node(const Term& t) {
    return t.is_tuple(4);
}

void to_list(const Term& t, std::vector<Term>& out) {
    if (!is_node(t)) return;
    to_list(smaller_of(t), out);
    out.push_back(Term::tuple({key_of(t), value_of(t)}));
    to_list(bigger_of(t), out);
}

// balance_list_1: a perfectly balanced tree of the first `s` pairs from `pairs[at]`.
Term balance_list(const std::vector<Term>& pairs, size_t& at, int64_t s) {
    if (s > 1) {
        int64_t sm = s - 1, s2 = sm / 2, s1 = sm - s2;
        Term t1 = balance_list(pairs, at, s1);
        const Term& kv = pairs.at(at++);
        Term t2 = balance_list(pairs, at, s2);
        return node(kv.element(0), kv.element(1), t1, t2);
    }
    if (s == 1) {
        const Term& kv = pairs.at(at++);
        return node(kv.element(0), kv.element(1), kNil, kNil);
    }
    return kNil;
}
Term balance(const Term& t, int64_t s) {
    std::vector<Term> pairs;
    to_list(t, pairs);
    size_t at = 0;
    return balance_list(pairs, at, s);
}

// count/1: {height, size} with heights doubled per level, as gb_trees counts them.
std::pair<int64_t, int64_t> count(const Term& t) {
    if (!is_node(t)) return {1, 0};
    if (is_nil_node(smaller_of(t)) && is_nil_node(bigger_of(t))) return {1, 1};
    auto [h1, s1] = count(smaller_of(t));
    auto [h2, s2] = count(bigger_of(t));
    return {2 * std::max(h1, h2), s1 + s2 + 1};
}

// insert_1: either a finished subtree, or (when `grew`) a subtree with its height and size for
// the caller to check against the balance rule.
struct Inserted {
    Term tree;
    bool grew = false;
    int64_t height = 0, size = 0;
};
Inserted insert_1(const Term& key, const Term& value, const Term& t, int64_t s) {
    if (is_node(t)) {
        int c = compare(key, key_of(t));
        if (c == 0) throw ErlangException::error(Term::tuple({Term::atom("key_exists"), key}));
        const bool left = c < 0;
        Inserted sub = insert_1(key, value, left ? smaller_of(t) : bigger_of(t), s >> 1);
        Term rebuilt = left ? node(key_of(t), value_of(t), sub.tree, bigger_of(t))
                            : node(key_of(t), value_of(t), smaller_of(t), sub.tree);
        if (!sub.grew) return {rebuilt};
        auto [h2, s2] = count(left ? bigger_of(t) : smaller_of(t));
        int64_t h = 2 * std::max(sub.height, h2);
        int64_t ss = sub.size + s2 + 1;
        if (h > ss * ss) return {balance(rebuilt, ss)};
        return {rebuilt, true, h, ss};
    }
    Term leaf = node(key, value, kNil, kNil);
    if (s == 0) return {leaf, true, 1, 1};
    return {leaf};
}

Term insert(const Term& key, const Term& value, const Tree& tree) {
    int64_t s1 = tree.size + 1;
    return make_tree(s1, insert_1(key, value, tree.root, s1 * s1).tree);
}

const Term* find_node(const Term& key, const Term& t) {
    const Term* cur = &t;
    while (is_node(*cur)) {
        int c = compare(key, key_of(*cur));
        if (c == 0) return cur;
        cur = c < 0 ? &smaller_of(*cur) : &bigger_of(*cur);
    }
    return nullptr;
}

Term update_1(const Term& key, const Term& value, const Term& t) {
    if (!is_node(t)) raise_function_clause(":gb_trees", "update_1", 3);
    int c = compare(key, key_of(t));
    if (c < 0)
        return node(key_of(t), value_of(t), update_1(key, value, smaller_of(t)), bigger_of(t));
    if (c > 0)
        return node(key_of(t), value_of(t), smaller_of(t), update_1(key, value, bigger_of(t)));
    return node(key, value, smaller_of(t), bigger_of(t));
}

// take_smallest1 / take_largest1: {Key, Value, rest}
std::tuple<Term, Term, Term> take_smallest1(const Term& t) {
    if (is_nil_node(smaller_of(t))) return {key_of(t), value_of(t), bigger_of(t)};
    auto [k, v, rest] = take_smallest1(smaller_of(t));
    return {k, v, node(key_of(t), value_of(t), rest, bigger_of(t))};
}
std::tuple<Term, Term, Term> take_largest1(const Term& t) {
    if (is_nil_node(bigger_of(t))) return {key_of(t), value_of(t), smaller_of(t)};
    auto [k, v, rest] = take_largest1(bigger_of(t));
    return {k, v, node(key_of(t), value_of(t), smaller_of(t), rest)};
}
Term merge(const Term& smaller, const Term& larger) {
    if (is_nil_node(larger)) return smaller;
    if (is_nil_node(smaller)) return larger;
    auto [k, v, rest] = take_smallest1(larger);
    return node(k, v, smaller, rest);
}
// take_1: the value and the tree without `key` (which must be present).
std::pair<Term, Term> take_1(const Term& key, const Term& t) {
    if (!is_node(t)) raise_function_clause(":gb_trees", "take_1", 2);
    int c = compare(key, key_of(t));
    if (c < 0) {
        auto [v, sm] = take_1(key, smaller_of(t));
        return {v, node(key_of(t), value_of(t), sm, bigger_of(t))};
    }
    if (c > 0) {
        auto [v, bi] = take_1(key, bigger_of(t));
        return {v, node(key_of(t), value_of(t), smaller_of(t), bi)};
    }
    return {value_of(t), merge(smaller_of(t), bigger_of(t))};
}

Term gb_empty(ProcessContext&, Args) {
    return make_tree(0, kNil);
}
Term gb_is_empty(ProcessContext&, Args a) {
    return Term::boolean(a[0].is_tuple(2) && a[0].element(0).is_integer() &&
                         a[0].element(0).as_integer() == 0 && is_nil_node(a[0].element(1)));
}
Term gb_size(ProcessContext&, Args a) {
    return Term::integer(need_tree(a[0], "size", 1).size);
}
Term gb_lookup(ProcessContext&, Args a) {
    Tree t = need_tree(a[1], "lookup", 2);
    const Term* n = find_node(a[0], t.root);
    return n ? Term::tuple({Term::atom("value"), value_of(*n)}) : Term::atom("none");
}
Term gb_is_defined(ProcessContext&, Args a) {
    return Term::boolean(find_node(a[0], need_tree(a[1], "is_defined", 2).root) != nullptr);
}
Term gb_get(ProcessContext&, Args a) {
    const Term* n = find_node(a[0], need_tree(a[1], "get", 2).root);
    if (!n) raise_function_clause(":gb_trees", "get_1", 2);
    return value_of(*n);
}
Term gb_update(ProcessContext&, Args a) {
    Tree t = need_tree(a[2], "update", 3);
    return make_tree(t.size, update_1(a[0], a[1], t.root));
}
Term gb_insert(ProcessContext&, Args a) {
    return insert(a[0], a[1], need_tree(a[2], "insert", 3));
}
Term gb_enter(ProcessContext&, Args a) {
    Tree t = need_tree(a[2], "enter", 3);
    if (find_node(a[0], t.root)) return make_tree(t.size, update_1(a[0], a[1], t.root));
    return insert(a[0], a[1], t);
}
Term gb_balance(ProcessContext&, Args a) {
    Tree t = need_tree(a[0], "balance", 1);
    return make_tree(t.size, balance(t.root, t.size));
}
Term gb_from_orddict(ProcessContext&, Args a) {
    std::vector<Term> pairs;
    if (!a[0].is_list() || !list_to_vector(a[0], pairs))
        raise_function_clause(":gb_trees", "from_orddict", 1);
    for (const Term& p : pairs)
        if (!p.is_tuple(2)) raise_function_clause(":gb_trees", "balance_list_1", 2);
    size_t at = 0;
    auto s = static_cast<int64_t>(pairs.size());
    return make_tree(s, balance_list(pairs, at, s));
}
Term gb_delete(ProcessContext&, Args a) {
    Tree t = need_tree(a[1], "delete", 2);
    return make_tree(t.size - 1, take_1(a[0], t.root).second);
}
Term gb_delete_any(ProcessContext&, Args a) {
    Tree t = need_tree(a[1], "delete_any", 2);
    if (!find_node(a[0], t.root)) return a[1];
    return make_tree(t.size - 1, take_1(a[0], t.root).second);
}
Term gb_take(ProcessContext&, Args a) {
    Tree t = need_tree(a[1], "take", 2);
    auto [v, rest] = take_1(a[0], t.root);
    return Term::tuple({v, make_tree(t.size - 1, rest)});
}
Term gb_take_any(ProcessContext&, Args a) {
    Tree t = need_tree(a[1], "take_any", 2);
    if (!find_node(a[0], t.root)) return Term::atom(atom::error);
    auto [v, rest] = take_1(a[0], t.root);
    return Term::tuple({v, make_tree(t.size - 1, rest)});
}
Term gb_take_smallest(ProcessContext&, Args a) {
    Tree t = need_tree(a[0], "take_smallest", 1);
    if (!is_node(t.root)) raise_function_clause(":gb_trees", "take_smallest1", 1);
    auto [k, v, rest] = take_smallest1(t.root);
    return Term::tuple({k, v, make_tree(t.size - 1, rest)});
}
Term gb_take_largest(ProcessContext&, Args a) {
    Tree t = need_tree(a[0], "take_largest", 1);
    if (!is_node(t.root)) raise_function_clause(":gb_trees", "take_largest1", 1);
    auto [k, v, rest] = take_largest1(t.root);
    return Term::tuple({k, v, make_tree(t.size - 1, rest)});
}
Term gb_smallest(ProcessContext&, Args a) {
    Term root = need_tree(a[0], "smallest", 1).root;
    const Term* cur = &root;
    if (!is_node(*cur)) raise_function_clause(":gb_trees", "smallest_1", 1);
    while (!is_nil_node(smaller_of(*cur))) cur = &smaller_of(*cur);
    return Term::tuple({key_of(*cur), value_of(*cur)});
}
Term gb_largest(ProcessContext&, Args a) {
    Term root = need_tree(a[0], "largest", 1).root;
    const Term* cur = &root;
    if (!is_node(*cur)) raise_function_clause(":gb_trees", "largest_1", 1);
    while (!is_nil_node(bigger_of(*cur))) cur = &bigger_of(*cur);
    return Term::tuple({key_of(*cur), value_of(*cur)});
}
Term gb_to_list(ProcessContext&, Args a) {
    std::vector<Term> out;
    to_list(need_tree(a[0], "to_list", 1).root, out);
    return make_list(out);
}
Term gb_keys(ProcessContext&, Args a) {
    std::vector<Term> pairs;
    to_list(need_tree(a[0], "keys", 1).root, pairs);
    for (Term& p : pairs) p = Term(p.element(0));
    return make_list(pairs);
}
Term gb_values(ProcessContext&, Args a) {
    std::vector<Term> pairs;
    to_list(need_tree(a[0], "values", 1).root, pairs);
    for (Term& p : pairs) p = Term(p.element(1));
    return make_list(pairs);
}
// iterator/1 (OTP 25: the stack of nodes of an in-order walk, as a list) and next/1.
Term push_left(Term t, Term stack) {
    while (is_node(t)) {
        stack = Term::cons(t, stack);
        Term next = smaller_of(t);
        t = next;
    }
    return stack;
}
Term gb_iterator(ProcessContext&, Args a) {
    return push_left(need_tree(a[0], "iterator", 1).root, Term::empty_list());
}
Term gb_next(ProcessContext&, Args a) {
    if (a[0].is_empty_list()) return Term::atom("none");
    if (!a[0].is_cons() || !is_node(a[0].head())) raise_function_clause(":gb_trees", "next", 1);
    const Term& n = a[0].head();
    return Term::tuple({key_of(n), value_of(n), push_left(bigger_of(n), a[0].tail())});
}

Co<Term> map_1(ProcessContext& ctx, Term fun, Term t) {
    if (!is_node(t)) co_return t;
    Term smaller = co_await map_1(ctx, fun, smaller_of(t));
    std::vector<Term> args{key_of(t), value_of(t)};
    Term value = co_await call_fun(ctx, fun, std::move(args));
    Term bigger = co_await map_1(ctx, fun, bigger_of(t));
    co_return node(key_of(t), value, smaller, bigger);
}
Co<Term> gb_map(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    Tree t = need_tree(a[1], "map", 2);
    Term root = co_await map_1(ctx, fun, t.root);
    co_return make_tree(t.size, root);
}

}  // namespace

void register_gb_trees(BuiltinTable& t) {
    const char* G = "gb_trees";
    t.add(G, "empty", 0, gb_empty);
    t.add(G, "is_empty", 1, gb_is_empty);
    t.add(G, "size", 1, gb_size);
    t.add(G, "lookup", 2, gb_lookup);
    t.add(G, "is_defined", 2, gb_is_defined);
    t.add(G, "get", 2, gb_get);
    t.add(G, "update", 3, gb_update);
    t.add(G, "insert", 3, gb_insert);
    t.add(G, "enter", 3, gb_enter);
    t.add(G, "balance", 1, gb_balance);
    t.add(G, "from_orddict", 1, gb_from_orddict);
    t.add(G, "delete", 2, gb_delete);
    t.add(G, "delete_any", 2, gb_delete_any);
    t.add(G, "take", 2, gb_take);
    t.add(G, "take_any", 2, gb_take_any);
    t.add(G, "take_smallest", 1, gb_take_smallest);
    t.add(G, "take_largest", 1, gb_take_largest);
    t.add(G, "smallest", 1, gb_smallest);
    t.add(G, "largest", 1, gb_largest);
    t.add(G, "to_list", 1, gb_to_list);
    t.add(G, "keys", 1, gb_keys);
    t.add(G, "values", 1, gb_values);
    t.add(G, "iterator", 1, gb_iterator);
    t.add(G, "next", 1, gb_next);
    t.add_async(G, "map", 2, gb_map);
}

}  // namespace tasklens::script::stdlib
