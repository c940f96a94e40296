// List: the pure functions of Elixir's List module (foldl/foldr/update_at take funs: prelude).
#include <algorithm>

#include "engine/runtime/run_limits.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

constexpr std::string_view kList = "Elixir.List";

void def(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add(kList, name, arity, fn);
}

/// Flattens nested lists without recursion: a stack of the list positions still to read.
Term flatten(const Term& list, const Term& tail, const Clause& clause) {
    std::vector<Term> out;
    std::vector<const Term*> stack{&list};
    while (!stack.empty()) {
        const Term* cur = stack.back();
        stack.pop_back();
        if (cur->is_empty_list()) continue;
        if (!cur->is_cons()) clause.fail();
        stack.push_back(&cur->tail());
        const Term& head = cur->head();
        if (head.is_list())
            stack.push_back(&head);
        else
            out.push_back(head);
    }
    return make_list(out, tail);
}

size_t normalise_index(int64_t index, size_t length) {
    if (index < 0) index += static_cast<int64_t>(length);
    return index < 0 ? SIZE_MAX : static_cast<size_t>(index);
}

/// 0-based tuple position for the key* functions (List uses 0-based positions).
size_t key_position(const Term& position, const Clause& clause) {
    int64_t p = need_integer(position, clause);
    if (p < 0) clause.fail();
    return static_cast<size_t>(p);
}

bool key_matches(const Term& item, const Term& key, size_t position) {
    return item.is_tuple() && item.tuple_size() > position && equal(item.element(position), key);
}

/// chardata -> UTF-8 (List.to_string): integers are codepoints, binaries are copied, lists nest.
void append_chardata(std::string& out, const Term& data, const Clause& clause) {
    std::vector<const Term*> stack{&data};
    while (!stack.empty()) {
        const Term* cur = stack.back();
        stack.pop_back();
        if (cur->is_binary()) {
            out.append(cur->binary_view());
        } else if (cur->is_integer()) {
            int64_t cp = cur->as_integer();
            if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                raise_term(make_exception(
                    "UnicodeConversionError",
                    {{"encoded", Term::binary(out)},
                     {"rest", *cur},
                     {"kind", Term::atom("invalid")},
                     {"message", Term::binary("invalid code point " + std::to_string(cp))}}));
            utf8_append(out, static_cast<char32_t>(cp));
        } else if (cur->is_cons()) {
            stack.push_back(&cur->tail());
            stack.push_back(&cur->head());
        } else if (!cur->is_empty_list()) {
            clause.fail();
        }
    }
}

}  // namespace

void register_list(BuiltinTable& t) {
    auto first = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"List", "first", 2};
        if (a[0].is_empty_list()) return a.size() > 1 ? a[1] : Term::nil();
        if (!a[0].is_cons()) c.fail();
        return a[0].head();
    };
    def(t, "first", 1, first);
    def(t, "first", 2, first);
    auto last = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"List", "last", 2};
        Term fallback = a.size() > 1 ? a[1] : Term::nil();
        if (a[0].is_empty_list()) return fallback;
        // List.last/2 is a `case {list, default}` in Elixir 1.14, hence this error.
        if (!a[0].is_cons()) raise_case_clause(Term::tuple({a[0], fallback}));
        const Term* cur = &a[0];
        while (cur->tail().is_cons()) cur = &cur->tail();
        if (!cur->tail().is_empty_list()) c.fail();
        return cur->head();
    };
    def(t, "last", 1, last);
    def(t, "last", 2, last);
    def(
        t, "flatten", 1, +[](ProcessContext&, Args a) {
            return flatten(a[0], Term::empty_list(), {"List", "flatten", 1});
        });
    def(
        t, "flatten", 2, +[](ProcessContext&, Args a) {
            if (!a[1].is_list()) raise_function_clause("List", "flatten", 2);
            return flatten(a[0], a[1], {"List", "flatten", 2});
        });
    def(
        t, "wrap", 1, +[](ProcessContext&, Args a) -> Term {
            if (a[0].is_list()) return a[0];
            if (a[0].is_nil()) return Term::empty_list();
            return Term::list({a[0]});
        });
    def(
        t, "delete", 2, +[](ProcessContext&, Args a) -> Term {
            auto items = need_list(a[0], {"List", "delete", 2});
            for (size_t i = 0; i < items.size(); ++i) {
                if (exact_equal(items[i], a[1])) {
                    items.erase(items.begin() + static_cast<ptrdiff_t>(i));
                    return make_list(items);
                }
            }
            return a[0];
        });
    def(
        t, "duplicate", 2, +[](ProcessContext&, Args a) -> Term {
            if (!a[1].is_integer() || a[1].as_integer() < 0)
                raise_function_clause("List", "duplicate", 2);
            Term out = Term::empty_list();
            for (int64_t i = 0; i < a[1].as_integer(); ++i) out = Term::cons(a[0], std::move(out));
            return out;
        });
    def(
        t, "insert_at", 3, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "insert_at", 3};
            auto items = need_list(a[0], c);
            int64_t index = need_integer(a[1], c);
            auto n = static_cast<int64_t>(items.size());
            if (index < 0) index = std::max<int64_t>(n + index + 1, 0);
            index = std::min(index, n);
            items.insert(items.begin() + index, a[2]);
            return make_list(items);
        });
    def(
        t, "replace_at", 3, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "replace_at", 3};
            auto items = need_list(a[0], c);
            size_t i = normalise_index(need_integer(a[1], c), items.size());
            if (i >= items.size()) return a[0];
            items[i] = a[2];
            return make_list(items);
        });
    def(
        t, "delete_at", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "delete_at", 2};
            auto items = need_list(a[0], c);
            size_t i = normalise_index(need_integer(a[1], c), items.size());
            if (i >= items.size()) return a[0];
            items.erase(items.begin() + static_cast<ptrdiff_t>(i));
            return make_list(items);
        });
    auto pop_at = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"List", "pop_at", 3};
        auto items = need_list(a[0], c);
        size_t i = normalise_index(need_integer(a[1], c), items.size());
        if (i >= items.size()) return Term::tuple({a.size() > 2 ? a[2] : Term::nil(), a[0]});
        Term value = items[i];
        items.erase(items.begin() + static_cast<ptrdiff_t>(i));
        return Term::tuple({value, make_list(items)});
    };
    def(t, "pop_at", 2, pop_at);
    def(t, "pop_at", 3, pop_at);
    def(
        t, "zip", 1, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "zip", 1};
            std::vector<std::vector<Term>> lists;
            for (const Term& l : need_list(a[0], c)) lists.push_back(need_list(l, c));
            if (lists.empty()) return Term::empty_list();
            size_t shortest = SIZE_MAX;
            for (const auto& l : lists) shortest = std::min(shortest, l.size());
            std::vector<Term> out;
            for (size_t i = 0; i < shortest; ++i) {
                std::vector<Term> row;
                for (const auto& l : lists) row.push_back(l[i]);
                out.push_back(Term::tuple(row));
            }
            return make_list(out);
        });
    def(
        t, "to_tuple", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> items;
            if (!a[0].is_list() || !list_to_vector(a[0], items))
                raise_bif_argument_error(1, "not a list");
            return Term::tuple(items);
        });
    def(
        t, "to_string", 1, +[](ProcessContext&, Args a) -> Term {
            std::string out;
            append_chardata(out, a[0], {"List", "to_string", 1});
            return Term::binary(out);
        });
    def(
        t, "to_atom", 1, +[](ProcessContext&, Args a) -> Term {
            std::string out;
            append_chardata(out, a[0], {"List", "to_atom", 1});
            return Term::atom(intern_scenario_atom(out));
        });
    def(
        t, "to_existing_atom", 1, +[](ProcessContext&, Args a) -> Term {
            std::string out;
            append_chardata(out, a[0], {"List", "to_existing_atom", 1});
            return existing_atom(out);
        });
    def(
        t, "to_integer", 1, +[](ProcessContext&, Args a) -> Term {
            std::string text;
            std::vector<Term> items;
            if (!a[0].is_list() || !list_to_vector(a[0], items))
                raise_bif_argument_error(1, "not a list");
            for (const Term& ch : items) {
                if (!ch.is_integer() || ch.as_integer() < 0 || ch.as_integer() > 127)
                    raise_bif_argument_error(1, "not a textual representation of an integer");
                text += static_cast<char>(ch.as_integer());
            }
            size_t used = 0;
            Term value = parse_integer_term(text, 10, used);
            if (used != text.size() || text.empty())
                raise_bif_argument_error(1, "not a textual representation of an integer");
            return value;
        });
    auto keyfind = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"List", "keyfind", 4};
        size_t position = key_position(a[2], c);
        for (const Term& item : need_list(a[0], c))
            if (key_matches(item, a[1], position)) return item;
        return a.size() > 3 ? a[3] : Term::nil();
    };
    def(t, "keyfind", 3, keyfind);
    def(t, "keyfind", 4, keyfind);
    def(
        t, "keymember?", 3, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "keymember?", 3};
            size_t position = key_position(a[2], c);
            for (const Term& item : need_list(a[0], c))
                if (key_matches(item, a[1], position)) return Term::boolean(true);
            return Term::boolean(false);
        });
    def(
        t, "keydelete", 3, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "keydelete", 3};
            size_t position = key_position(a[2], c);
            auto items = need_list(a[0], c);
            for (size_t i = 0; i < items.size(); ++i) {
                if (key_matches(items[i], a[1], position)) {
                    items.erase(items.begin() + static_cast<ptrdiff_t>(i));
                    return make_list(items);
                }
            }
            return a[0];
        });
    def(
        t, "keystore", 4, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "keystore", 4};
            size_t position = key_position(a[2], c);
            auto items = need_list(a[0], c);
            for (auto& item : items) {
                if (key_matches(item, a[1], position)) {
                    item = a[3];
                    return make_list(items);
                }
            }
            items.push_back(a[3]);
            return make_list(items);
        });
    def(
        t, "keyreplace", 4, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "keyreplace", 4};
            size_t position = key_position(a[2], c);
            auto items = need_list(a[0], c);
            for (auto& item : items) {
                if (key_matches(item, a[1], position)) {
                    item = a[3];
                    return make_list(items);
                }
            }
            return a[0];
        });
    def(
        t, "keytake", 3, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "keytake", 3};
            size_t position = key_position(a[2], c);
            auto items = need_list(a[0], c);
            for (size_t i = 0; i < items.size(); ++i) {
                if (key_matches(items[i], a[1], position)) {
                    Term found = items[i];
                    items.erase(items.begin() + static_cast<ptrdiff_t>(i));
                    return Term::tuple({found, make_list(items)});
                }
            }
            return Term::nil();
        });
    def(
        t, "keysort", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "keysort", 2};
            size_t position = key_position(a[1], c);
            auto items = need_list(a[0], c);
            for (const Term& item : items)
                if (!item.is_tuple() || item.tuple_size() <= position)
                    raise_bif_argument_error(2, "not a list of tuples");
            std::stable_sort(items.begin(), items.end(), [&](const Term& x, const Term& y) {
                return compare(x.element(position), y.element(position)) < 0;
            });
            return make_list(items);
        });
    def(
        t, "starts_with?", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"List", "starts_with?", 2};
            auto items = need_list(a[0], c);
            auto prefix = need_list(a[1], c);
            if (prefix.size() > items.size()) return Term::boolean(false);
            for (size_t i = 0; i < prefix.size(); ++i)
                if (!exact_equal(items[i], prefix[i])) return Term::boolean(false);
            return Term::boolean(true);
        });
    def(
        t, "improper?", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_list()) raise_function_clause("List", "improper?", 1);
            return Term::boolean(list_length(a[0]) < 0);
        });
}

}  // namespace tasklens::script::stdlib
