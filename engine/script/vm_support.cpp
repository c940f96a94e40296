// Small native helpers the prelude (prelude/*.exs) builds on: list and map primitives, sorting,
// joining. Registered under Tasklens.VM (and :lists) by register_vm_builtins.
#include <algorithm>
#include <string>

#include "engine/runtime/format_error.h"
#include "engine/runtime/inspect.h"
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
    for (auto& [k, v] : a[0].map_object().entries) items.push_back(Term::tuple({k, v}));
    return Term::list(items);
}
Term list_member(ProcessContext&, Args a) {
    for (ListIterator it(a[1]); !it.done(); ++it)
        if (exact_equal(*it, a[0])) return Term::boolean(true);
    return Term::boolean(false);
}
int64_t range_field(const Term& r, const char* f) {
    const Term* v = r.map_find(Term::atom(f));
    if (!v || !v->is_integer()) badarg();
    return v->as_integer();
}
Term range_size(ProcessContext&, Args a) {
    int64_t first = range_field(a[0], "first"), last = range_field(a[0], "last"),
            step = range_field(a[0], "step");
    if (step == 0) badarg();  // only a hand-made %Range{step: 0}: Range.new refuses it
    if ((step > 0 && first > last) || (step < 0 && first < last)) return Term::integer(0);
    // Unsigned: last - first of a range near the int64 edges does not fit in int64.
    const uint64_t span = step > 0 ? static_cast<uint64_t>(last) - static_cast<uint64_t>(first)
                                   : static_cast<uint64_t>(first) - static_cast<uint64_t>(last);
    const uint64_t magnitude =
        step > 0 ? static_cast<uint64_t>(step) : uint64_t{0} - static_cast<uint64_t>(step);
    const uint64_t steps = span / magnitude;
    if (steps >= static_cast<uint64_t>(INT64_MAX))
        throw ErlangException::error(Term::atom(atom::system_limit));
    return Term::integer(static_cast<int64_t>(steps + 1));
}
Term range_to_list(ProcessContext&, Args a) {
    if (!a[0].is_integer() || !a[1].is_integer() || !a[2].is_integer()) badarg();
    int64_t first = a[0].as_integer(), last = a[1].as_integer(), step = a[2].as_integer();
    std::vector<Term> items;
    // Stops before i + step would wrap: a range ending near the int64 edges must end.
    if (step != 0) {
        for (int64_t i = first; step > 0 ? i <= last : i >= last;) {
            items.push_back(Term::integer(i));
            if (__builtin_add_overflow(i, step, &i)) break;
        }
    }
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
Term lists_reverse(ProcessContext&, Args a) {
    Term out = Term::empty_list();
    ListIterator it(a[0]);
    for (; !it.done(); ++it) out = Term::cons(*it, std::move(out));
    if (!it.rest().is_empty_list()) badarg();
    return out;
}
Term lists_reverse2(ProcessContext&, Args a) {
    Term out = a[1];
    ListIterator it(a[0]);
    for (; !it.done(); ++it) out = Term::cons(*it, std::move(out));
    return out;
}
Term lists_split(ProcessContext&, Args a) {
    if (!a[0].is_integer()) badarg();
    auto items = vec(a[1]);
    int64_t n = a[0].as_integer();
    if (n < 0 || static_cast<size_t>(n) > items.size()) badarg();
    std::vector<Term> left(items.begin(), items.begin() + n), right(items.begin() + n, items.end());
    return Term::tuple({Term::list(left), Term::list(right)});
}
Term lists_seq(ProcessContext& c, Args a) {
    Term args[3] = {a[0], a[1], Term::integer(1)};
    return range_to_list(c, Args(args, 3));
}

}  // namespace

void register_vm_support(BuiltinTable& t) {
    const char* VM = "Elixir.Tasklens.VM";
    t.add(VM, "map_to_list", 1, map_to_list);
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
    t.add("lists", "reverse", 1, lists_reverse);
    t.add("lists", "reverse", 2, lists_reverse2);
    t.add("lists", "split", 2, lists_split);
    t.add("lists", "seq", 2, lists_seq);
    t.add("maps", "to_list", 1, map_to_list);
}

}  // namespace tasklens::script
