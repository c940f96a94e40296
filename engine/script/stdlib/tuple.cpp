// Tuple: conversions and positional edits. Indices are 0-based; errors are those of the
// underlying BIFs (erlang:insert_element/3 etc.), which Elixir reports as ArgumentErrors.
#include "engine/script/arith.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

void def(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add("Elixir.Tuple", name, arity, fn);
}

std::vector<Term> need_tuple(const Term& t, const Clause& clause) {
    if (!t.is_tuple()) clause.fail();
    auto items = t.tuple_items();
    return {items.begin(), items.end()};
}

}  // namespace

void register_tuple(BuiltinTable& t) {
    def(
        t, "to_list", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_tuple()) raise_bif_argument_error(1, "not a tuple");
            auto items = a[0].tuple_items();
            return Term::list(items);
        });
    def(
        t, "append", 2, +[](ProcessContext&, Args a) -> Term {
            auto items = need_tuple(a[0], {"Tuple", "append", 2});
            items.push_back(a[1]);
            return Term::tuple(items);
        });
    def(
        t, "insert_at", 3, +[](ProcessContext&, Args a) -> Term {
            auto items = need_tuple(a[0], {"Tuple", "insert_at", 3});
            if (!a[1].is_integer()) raise_function_clause("Tuple", "insert_at", 3);
            int64_t index = a[1].as_integer();
            if (index < 0 || index > static_cast<int64_t>(items.size()))
                raise_bif_argument_error(1, "out of range");
            items.insert(items.begin() + index, a[2]);
            return Term::tuple(items);
        });
    def(
        t, "delete_at", 2, +[](ProcessContext&, Args a) -> Term {
            auto items = need_tuple(a[0], {"Tuple", "delete_at", 2});
            if (!a[1].is_integer()) raise_function_clause("Tuple", "delete_at", 2);
            int64_t index = a[1].as_integer();
            if (index < 0 || index >= static_cast<int64_t>(items.size()))
                raise_bif_argument_error(1, "out of range");
            items.erase(items.begin() + index);
            return Term::tuple(items);
        });
    def(
        t, "duplicate", 2, +[](ProcessContext&, Args a) -> Term {
            // Tuple.duplicate/2 is :erlang.make_tuple/2, unguarded: its badargs are the BIF's.
            if (!a[1].is_integer() || a[1].as_integer() < 0 || a[1].as_integer() > 16'777'215)
                raise_bif_argument_error(1, "out of range");
            return Term::tuple(std::vector<Term>(static_cast<size_t>(a[1].as_integer()), a[0]));
        });
    def(
        t, "sum", 1, +[](ProcessContext&, Args a) -> Term {
            Term sum = Term::integer(0);
            for (const Term& item : need_tuple(a[0], {"Tuple", "sum", 1}))
                sum = arith::add(sum, item);
            return sum;
        });
    def(
        t, "product", 1, +[](ProcessContext&, Args a) -> Term {
            Term product = Term::integer(1);
            for (const Term& item : need_tuple(a[0], {"Tuple", "product", 1}))
                product = arith::mul(product, item);
            return product;
        });
}

}  // namespace tasklens::script::stdlib
