// :erlang conversions and tuple functions that erlang.cpp does not hold: integer_to_list/2,
// list_to_integer/2, binary_to_float/1, list_to_float/1, list_to_existing_atom/1, make_tuple/3,
// insert_element/3, delete_element/2, with the BEAM's ArgumentErrors.
#include "engine/script/stdlib/errors.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

/// The characters of a charlist as text; false when an element is not a byte.
bool charlist_text(const Term& t, std::string& out) {
    const Term* cur = &t;
    while (cur->is_cons()) {
        const Term& c = cur->head();
        if (!c.is_integer() || c.as_integer() < 0 || c.as_integer() > 255) return false;
        out += static_cast<char>(c.as_integer());
        cur = &cur->tail();
    }
    return cur->is_empty_list();
}

Term chars(std::string_view text) {
    std::vector<Term> items;
    items.reserve(text.size());
    for (unsigned char c : text) items.push_back(Term::integer(c));
    return make_list(items);
}

int base_arg(const Term& t) {
    if (!t.is_integer() || t.as_integer() < 2 || t.as_integer() > 36)
        raise_bif_argument_error(2, "not an integer in the range 2 through 36");
    return static_cast<int>(t.as_integer());
}

Term integer_to_list2(ProcessContext&, Args a) {
    if (!a[0].is_integral()) raise_bif_argument_error(1, "not an integer");
    return chars(integer_term_text(a[0], base_arg(a[1])));
}

Term list_to_integer2(ProcessContext&, Args a) {
    std::string text;
    if (!a[0].is_list()) raise_bif_argument_error(1, "not a list");
    int base = base_arg(a[1]);
    size_t used = 0;
    if (!charlist_text(a[0], text) || text.empty())
        raise_bif_argument_error(1, "not a textual representation of an integer");
    Term value = parse_integer_term(text, base, used);
    if (used != text.size())
        raise_bif_argument_error(1, "not a textual representation of an integer");
    return value;
}

Term float_from_text(std::string_view text) {
    double value;
    if (!erlang_float_text(text, value))
        raise_bif_argument_error(1, "not a textual representation of a float");
    return Term::floating(value);
}

Term binary_to_float(ProcessContext&, Args a) {
    if (!a[0].is_binary()) raise_bif_argument_error(1, "not a binary");
    return float_from_text(a[0].binary_view());
}

Term list_to_float(ProcessContext&, Args a) {
    if (!a[0].is_list()) raise_bif_argument_error(1, "not a list");
    std::string text;
    if (!charlist_text(a[0], text))
        raise_bif_argument_error(1, "not a textual representation of a float");
    return float_from_text(text);
}

Term list_to_existing_atom(ProcessContext&, Args a) {
    if (!a[0].is_list()) raise_bif_argument_error(1, "not a list");
    std::string text;
    if (!charlist_text(a[0], text)) raise_bif_argument_error(1, "not a list of characters");
    return existing_atom(text);
}

size_t position_arg(const Term& t, size_t limit) {
    if (!t.is_integer() || t.as_integer() < 1 || static_cast<uint64_t>(t.as_integer()) > limit)
        raise_bif_argument_error(1, "out of range");
    return static_cast<size_t>(t.as_integer());
}

Term make_tuple3(ProcessContext&, Args a) {
    if (!a[0].is_integer() || a[0].as_integer() < 0)
        raise_bif_argument_error(1, "not a valid arity");
    std::vector<Term> items(static_cast<size_t>(a[0].as_integer()), a[1]);
    if (!a[2].is_list()) raise_bif_argument_error(3, "not a list");
    const Term* cur = &a[2];
    while (cur->is_cons()) {
        const Term& init = cur->head();
        if (!init.is_tuple() || init.tuple_size() != 2 || !init.element(0).is_integer() ||
            init.element(0).as_integer() < 1 ||
            static_cast<uint64_t>(init.element(0).as_integer()) > items.size())
            raise_bif_argument_error(3, "not a list of valid {Position,Value} tuples");
        items[static_cast<size_t>(init.element(0).as_integer()) - 1] = init.element(1);
        cur = &cur->tail();
    }
    return Term::tuple(items);
}

Term insert_element(ProcessContext&, Args a) {
    if (!a[1].is_tuple()) raise_bif_argument_error(2, "not a tuple");
    size_t pos = position_arg(a[0], a[1].tuple_size() + 1);
    std::vector<Term> items(a[1].tuple_items().begin(), a[1].tuple_items().end());
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(pos - 1), a[2]);
    return Term::tuple(items);
}

Term delete_element(ProcessContext&, Args a) {
    if (!a[1].is_tuple()) raise_bif_argument_error(2, "not a tuple");
    size_t pos = position_arg(a[0], a[1].tuple_size());
    std::vector<Term> items(a[1].tuple_items().begin(), a[1].tuple_items().end());
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(pos - 1));
    return Term::tuple(items);
}

}  // namespace

void register_erlang_extras(BuiltinTable& t) {
    const char* E = "erlang";
    t.add(E, "integer_to_list", 2, integer_to_list2);
    t.add(E, "list_to_integer", 2, list_to_integer2);
    t.add(E, "binary_to_float", 1, binary_to_float);
    t.add(E, "list_to_float", 1, list_to_float);
    t.add(E, "list_to_existing_atom", 1, list_to_existing_atom);
    t.add(E, "make_tuple", 3, make_tuple3);
    t.add(E, "insert_element", 3, insert_element);
    t.add(E, "delete_element", 2, delete_element);
}

}  // namespace tasklens::script::stdlib
