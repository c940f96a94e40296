// Keyword: lists of {atom, value} pairs. validate!/2 is left to the prelude (its error messages
// inspect arbitrary terms); functions taking a fun belong to the prelude too.
#include <algorithm>

#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

constexpr std::string_view kKeyword = "Elixir.Keyword";

void def(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add(kKeyword, name, arity, fn);
}

/// The elements of `kw`, requiring a proper list and (if given) an atom key: the guards of
/// Keyword's public functions.
std::vector<Term> keyword_items(const Term& kw, const Term* key, const Clause& clause) {
    if (!kw.is_list() || (key && !key->is_atom())) clause.fail();
    return need_list(kw, clause);
}

bool has_key(const Term& item, const Term& key) {
    return item.is_tuple() && item.tuple_size() >= 1 && equal(item.element(0), key);
}

/// :lists.keyfind(key, 1, list)
const Term* find_first(const std::vector<Term>& items, const Term& key) {
    for (const Term& item : items)
        if (has_key(item, key)) return &item.element(1 < item.tuple_size() ? 1 : 0);
    return nullptr;
}

std::vector<Term> without_key(const std::vector<Term>& items, const Term& key) {
    std::vector<Term> out;
    for (const Term& item : items)
        if (!has_key(item, key)) out.push_back(item);
    return out;
}

bool contains(const std::vector<Term>& keys, const Term& key) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](const Term& k) { return exact_equal(k, key); });
}

const Term& pair_key(const Term& item, const Clause& clause) {
    if (!item.is_tuple(2)) clause.fail();
    return item.element(0);
}

}  // namespace

void register_keyword(BuiltinTable& t) {
    auto get = +[](ProcessContext&, Args a) -> Term {
        auto items = keyword_items(a[0], &a[1], {"Keyword", "get", 3});
        const Term* value = find_first(items, a[1]);
        return value ? *value : (a.size() > 2 ? a[2] : Term::nil());
    };
    def(t, "get", 2, get);
    def(t, "get", 3, get);
    def(
        t, "fetch", 2, +[](ProcessContext&, Args a) -> Term {
            auto items = keyword_items(a[0], &a[1], {"Keyword", "fetch", 2});
            const Term* value = find_first(items, a[1]);
            return value ? ok_tuple(*value) : Term::atom(atom::error);
        });
    def(
        t, "fetch!", 2, +[](ProcessContext&, Args a) -> Term {
            auto items = keyword_items(a[0], &a[1], {"Keyword", "fetch!", 2});
            const Term* value = find_first(items, a[1]);
            if (!value) raise_key_error(a[1], a[0]);
            return *value;
        });
    def(
        t, "get_values", 2, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> values;
            for (const Term& item : keyword_items(a[0], &a[1], {"Keyword", "get_values", 2}))
                if (item.is_tuple(2) && equal(item.element(0), a[1]))
                    values.push_back(item.element(1));
            return make_list(values);
        });
    def(
        t, "has_key?", 2, +[](ProcessContext&, Args a) -> Term {
            auto items = keyword_items(a[0], &a[1], {"Keyword", "has_key?", 2});
            return Term::boolean(find_first(items, a[1]) != nullptr);
        });
    def(
        t, "put", 3, +[](ProcessContext&, Args a) -> Term {
            auto items = without_key(keyword_items(a[0], &a[1], {"Keyword", "put", 3}), a[1]);
            items.insert(items.begin(), Term::tuple({a[1], a[2]}));
            return make_list(items);
        });
    def(
        t, "put_new", 3, +[](ProcessContext&, Args a) -> Term {
            auto items = keyword_items(a[0], &a[1], {"Keyword", "put_new", 3});
            if (find_first(items, a[1])) return a[0];
            return Term::cons(Term::tuple({a[1], a[2]}), a[0]);
        });
    def(
        t, "delete", 2, +[](ProcessContext&, Args a) -> Term {
            return make_list(
                without_key(keyword_items(a[0], &a[1], {"Keyword", "delete", 2}), a[1]));
        });
    def(
        t, "keys", 1, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Keyword", "keys", 1};
            std::vector<Term> keys;
            for (const Term& item : keyword_items(a[0], nullptr, c))
                keys.push_back(pair_key(item, c));
            return make_list(keys);
        });
    def(
        t, "values", 1, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Keyword", "values", 1};
            std::vector<Term> values;
            for (const Term& item : keyword_items(a[0], nullptr, c)) {
                pair_key(item, c);
                values.push_back(item.element(1));
            }
            return make_list(values);
        });
    def(
        t, "merge", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Keyword", "merge", 2};
            auto left = keyword_items(a[0], nullptr, c);
            auto right = keyword_items(a[1], nullptr, c);
            std::vector<Term> out;
            for (const Term& item : left) {
                bool overridden = false;
                for (const Term& r : right)
                    overridden = overridden || (r.is_tuple(2) && has_key(item, r.element(0)));
                if (!overridden) out.push_back(item);
            }
            out.insert(out.end(), right.begin(), right.end());
            return make_list(out);
        });
    def(
        t, "take", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Keyword", "take", 2};
            auto items = keyword_items(a[0], nullptr, c);
            auto keys = keyword_items(a[1], nullptr, c);
            std::vector<Term> out;
            for (const Term& item : items)
                if (contains(keys, pair_key(item, c))) out.push_back(item);
            return make_list(out);
        });
    def(
        t, "drop", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Keyword", "drop", 2};
            auto items = keyword_items(a[0], nullptr, c);
            auto keys = keyword_items(a[1], nullptr, c);
            std::vector<Term> out;
            for (const Term& item : items)
                if (!contains(keys, pair_key(item, c))) out.push_back(item);
            return make_list(out);
        });
    def(
        t, "split", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Keyword", "split", 2};
            auto items = keyword_items(a[0], nullptr, c);
            auto keys = keyword_items(a[1], nullptr, c);
            std::vector<Term> taken, rest;
            for (const Term& item : items)
                (contains(keys, pair_key(item, c)) ? taken : rest).push_back(item);
            return Term::tuple({make_list(taken), make_list(rest)});
        });
    def(
        t, "new", 0, +[](ProcessContext&, Args) { return Term::empty_list(); });
    def(
        t, "new", 1, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Keyword", "new", 1};
            if (a[0].is_map()) {
                std::vector<Term> pairs;
                for (const auto& [k, v] : a[0].map_object()) pairs.push_back(Term::tuple({k, v}));
                return make_list(pairs);
            }
            auto items = need_list(a[0], c);
            // A later duplicate wins and keeps its own position.
            std::vector<Term> out;
            for (size_t i = 0; i < items.size(); ++i) {
                const Term& key = pair_key(items[i], c);
                if (!key.is_atom()) c.fail();
                bool later = false;
                for (size_t j = i + 1; j < items.size() && !later; ++j)
                    later = items[j].is_tuple(2) && exact_equal(items[j].element(0), key);
                if (!later) out.push_back(items[i]);
            }
            return make_list(out);
        });
    auto pop = +[](ProcessContext&, Args a) -> Term {
        auto items = keyword_items(a[0], &a[1], {"Keyword", "pop", 3});
        const Term* value = find_first(items, a[1]);
        if (!value) return Term::tuple({a.size() > 2 ? a[2] : Term::nil(), a[0]});
        return Term::tuple({*value, make_list(without_key(items, a[1]))});
    };
    def(t, "pop", 2, pop);
    def(t, "pop", 3, pop);
    def(
        t, "pop!", 2, +[](ProcessContext&, Args a) -> Term {
            auto items = keyword_items(a[0], &a[1], {"Keyword", "pop!", 2});
            const Term* value = find_first(items, a[1]);
            if (!value) raise_key_error(a[1], a[0]);
            return Term::tuple({*value, make_list(without_key(items, a[1]))});
        });
    def(
        t, "replace!", 3, +[](ProcessContext&, Args a) -> Term {
            auto items = keyword_items(a[0], &a[1], {"Keyword", "replace!", 3});
            if (!find_first(items, a[1])) raise_key_error(a[1], a[0]);
            std::vector<Term> out;
            bool done = false;
            for (const Term& item : items) {
                if (!has_key(item, a[1]))
                    out.push_back(item);
                else if (!done)
                    out.push_back(Term::tuple({a[1], a[2]})), done = true;
            }
            return make_list(out);
        });
    def(
        t, "keyword?", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> items;
            if (!a[0].is_list() || !list_to_vector(a[0], items)) return Term::boolean(false);
            for (const Term& item : items)
                if (!item.is_tuple(2) || !item.element(0).is_atom()) return Term::boolean(false);
            return Term::boolean(true);
        });
    def(
        t, "to_list", 1, +[](ProcessContext&, Args a) -> Term {
            keyword_items(a[0], nullptr, {"Keyword", "to_list", 1});
            return a[0];
        });
}

}  // namespace tasklens::script::stdlib
