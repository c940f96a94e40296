// Small native helpers the prelude (prelude/*.exs) builds on: list and map primitives, sorting,
// joining. Registered under Tasklens.VM (and :lists) by register_vm_builtins.
#include <algorithm>
#include <string>

#include "engine/runtime/format_error.h"
#include "engine/runtime/inspect.h"
#include "engine/runtime/integer.h"
#include "engine/script/builtins.h"

namespace tasklens::script {
namespace {

using Args = std::span<const Term>;
[[noreturn]] void badarg() {
    throw ErlangException::badarg();
}

std::vector<Term> vec(const Term& list) {
    std::vector<Term> out;
    if (!list_to_vector(list, out)) badarg();
    return out;
}

Term map_to_list(ProcessContext&, Args a) {
    if (!a[0].is_map()) throw ErlangException::error(Term::tuple({Term::atom(atom::badmap), a[0]}));
    std::vector<Term> items;
    for (auto& [k, v] : a[0].map_object()) items.push_back(Term::tuple({k, v}));
    return Term::list(items);
}
/// The entries in maps:fold order: Elixir's Enum.reduce (and `for`) over a map.
Term map_fold_list(ProcessContext&, Args a) {
    if (!a[0].is_map()) throw ErlangException::error(Term::tuple({Term::atom(atom::badmap), a[0]}));
    std::vector<Term> items;
    items.reserve(a[0].map_size());
    for (auto& [k, v] : a[0].map_object().fold_order()) items.push_back(Term::tuple({k, v}));
    return Term::list(items);
}
Term list_member(ProcessContext&, Args a) {
    for (ListIterator it(a[1]); !it.done(); ++it)
        if (exact_equal(*it, a[0])) return Term::boolean(true);
    return Term::boolean(false);
}
const Term& range_field(const Term& r, const char* f) {
    const Term* v = r.map_find(Term::atom(f));
    if (!v || !v->is_integral()) badarg();
    return *v;
}
// Range bounds may be integers of any size; the size and the elements are computed exactly.
Term range_size(ProcessContext&, Args a) {
    const Term& first = range_field(a[0], "first");
    const Term& last = range_field(a[0], "last");
    const Term& step = range_field(a[0], "step");
    int direction = integer::sign(step);
    int order = integer::compare(first, last);
    if ((direction > 0 && order > 0) || (direction < 0 && order < 0)) return Term::integer(0);
    return integer::add(*integer::div(integer::sub(last, first), step), Term::integer(1));
}
Term range_to_list(ProcessContext&, Args a) {
    if (!a[0].is_integral() || !a[1].is_integral() || !a[2].is_integral()) badarg();
    int direction = integer::sign(a[2]);
    std::vector<Term> items;
    if (direction == 0) return Term::empty_list();
    for (Term i = a[0];
         direction > 0 ? integer::compare(i, a[1]) <= 0 : integer::compare(i, a[1]) >= 0;
         i = integer::add(i, a[2]))
        items.push_back(i);
    return Term::list(items);
}
Term sort(ProcessContext&, Args a) {
    auto items = vec(a[0]);
    std::stable_sort(items.begin(), items.end(),
                     [](const Term& x, const Term& y) { return compare(x, y) < 0; });
    return Term::list(items);
}
Term sort_desc(ProcessContext&, Args a) {
    auto items = vec(a[0]);
    std::stable_sort(items.begin(), items.end(),
                     [](const Term& x, const Term& y) { return compare(x, y) > 0; });
    return Term::list(items);
}
Term keysort(ProcessContext&, Args a) {
    auto items = vec(a[0]);
    std::stable_sort(items.begin(), items.end(), [](const Term& x, const Term& y) {
        return compare(x.element(0), y.element(0)) < 0;
    });
    return Term::list(items);
}
Term keysort_desc(ProcessContext&, Args a) {
    auto items = vec(a[0]);
    std::stable_sort(items.begin(), items.end(), [](const Term& x, const Term& y) {
        return compare(x.element(0), y.element(0)) > 0;
    });
    return Term::list(items);
}
Term chardata_to_string(ProcessContext&, Args a) {
    if (a[0].is_binary()) return a[0];
    return Term::binary(to_string(a[0]));
}
Term join(ProcessContext&, Args a) {
    if (!a[1].is_binary()) badarg();
    std::string out;
    bool first = true;
    for (ListIterator it(a[0]); !it.done(); ++it) {
        if (!first) out += a[1].binary_view();
        first = false;
        const Term& s = *it;
        if (s.is_binary()) {
            out += s.binary_view();
        } else {
            out += to_string(s);
        }
    }
    return Term::binary(out);
}
Term exception_message_fn(ProcessContext&, Args a) {
    return Term::binary(exception_message(a[0]));
}
Term undefined_protocol(ProcessContext&, Args a) {
    throw ErlangException::error(
        make_exception("Protocol.UndefinedError",
                       {{"protocol", a[0]}, {"value", a[1]}, {"description", Term::binary("")}}));
}
/// Tasklens.VM.reserve_pids(n): see Compiler::reserve_compiler_pids.
Term reserve_pids(ProcessContext& ctx, Args a) {
    if (!a[0].is_integer() || a[0].as_integer() < 0) badarg();
    ctx.runtime().reserve_pids(static_cast<uint32_t>(a[0].as_integer()));
    return Term::atom("ok");
}
Term lists_split(ProcessContext&, Args a) {
    if (!a[0].is_integer()) badarg();
    auto items = vec(a[1]);
    int64_t n = a[0].as_integer();
    if (n < 0 || static_cast<size_t>(n) > items.size()) badarg();
    std::vector<Term> left(items.begin(), items.begin() + n), right(items.begin() + n, items.end());
    return Term::tuple({Term::list(left), Term::list(right)});
}

}  // namespace

void register_vm_support(BuiltinTable& t) {
    const char* VM = "Elixir.Tasklens.VM";
    t.add(VM, "map_to_list", 1, map_to_list);
    t.add(VM, "map_fold_list", 1, map_fold_list);
    t.add(VM, "list_member", 2, list_member);
    t.add(VM, "range_size", 1, range_size);
    t.add(VM, "range_to_list", 3, range_to_list);
    t.add(VM, "sort", 1, sort);
    t.add(VM, "sort_desc", 1, sort_desc);
    t.add(VM, "keysort", 1, keysort);
    t.add(VM, "keysort_desc", 1, keysort_desc);
    t.add(VM, "chardata_to_string", 1, chardata_to_string);
    t.add(VM, "join", 2, join);
    t.add(VM, "exception_message", 1, exception_message_fn);
    t.add(VM, "undefined_protocol", 2, undefined_protocol);
    t.add(VM, "reserve_pids", 1, reserve_pids);
    t.add("lists", "split", 2, lists_split);
}

}  // namespace tasklens::script
