// Over 800 lines: the pure :erlang/:lists/:maps BIFs with one registration table; :lists and :maps
// are to move to files of their own (issue 9, Structure).
// The pure BIFs and library functions of :erlang, :lists, :maps and :binary that scenarios call
// directly. Errors follow Elixir's rendering of the BIF's error_info ("errors were found at the
// given arguments: ..."). :erlang.phash2 is engine/runtime/phash2.cpp's
// port of erts' hash; :lists functions taking funs belong to the prelude. :lists.sort is a stable
// sort by term order: Erlang's merge sort may order equal-comparing mixed numbers (1 and 1.0)
// differently.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/runtime/integer.h"
#include "engine/runtime/phash2.h"
#include "engine/runtime/run_limits.h"
#include "engine/script/arith.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

std::vector<Term> list_arg(const Term& t, int position) {
    std::vector<Term> items;
    if (!t.is_list() || !list_to_vector(t, items)) raise_bif_argument_error(position, "not a list");
    return items;
}

/// :lists.reverse(list, tail): one walk over the cells, each consed onto the result (Enum.map
/// reverses every list it builds).
Term reverse_onto(const Term& list, Term tail) {
    Term reversed = std::move(tail);
    const Term* cell = &list;
    while (cell->is_cons()) {
        reversed = Term::cons(cell->head(), std::move(reversed));
        cell = &cell->tail();
    }
    if (!cell->is_empty_list()) (void)list_arg(list, 1);  // an improper list: the BIF's error
    return reversed;
}

const Term& tuple_arg(const Term& t, int position) {
    if (!t.is_tuple()) raise_bif_argument_error(position, "not a tuple");
    return t;
}

std::string_view binary_arg(const Term& t, int position) {
    if (!t.is_binary()) raise_bif_argument_error(position, "not a binary");
    return t.binary_view();
}

/// 1-based tuple index check of element/setelement.
size_t index_arg(const Term& index, const Term& tuple) {
    if (!index.is_integer()) raise_bif_argument_error(1, "not an integer");
    if (index.as_integer() < 1 || index.as_integer() > static_cast<int64_t>(tuple.tuple_size()))
        raise_bif_argument_error(1, "out of range");
    return static_cast<size_t>(index.as_integer() - 1);
}

Atom encoding_atom_check(Args a) {
    if (a.size() > 1 &&
        !(a[1].is_atom(Atom::intern("utf8")) || a[1].is_atom(Atom::intern("latin1")) ||
          a[1].is_atom(Atom::intern("unicode"))))
        raise_bif_argument_error(2, "is an invalid type of encoding");
    return Atom::intern("utf8");
}

void iolist_append(std::string& out, const Term& data) {
    std::vector<const Term*> stack{&data};
    while (!stack.empty()) {
        const Term* cur = stack.back();
        stack.pop_back();
        if (cur->is_binary())
            out.append(cur->binary_view());
        else if (cur->is_integer() && cur->as_integer() >= 0 && cur->as_integer() <= 255)
            out += static_cast<char>(cur->as_integer());
        else if (cur->is_cons()) {
            stack.push_back(&cur->tail());
            stack.push_back(&cur->head());
        } else if (!cur->is_empty_list())
            raise_bif_argument_error(1, "not an iodata term");
    }
}

/// :erlang.float_to_binary/2's text: [decimals: N] (round half away from zero on the exact
/// binary value, as OTP does: 2.5 -> "3", 1.005 -> "1.00"), [:compact] (trailing zeros dropped,
/// one kept), [scientific: N] (C's %.Ne), [:short] (shortest round-trip, as Float.to_string).
/// Without options: scientific with 20 digits.
std::string float_text(double value, const Term& options, int position) {
    std::vector<Term> opts;
    if (!options.is_list() || !list_to_vector(options, opts))
        raise_bif_argument_error(position, "not a list of valid options");
    std::optional<int64_t> decimals, scientific;
    bool compact = false, shortest = false;
    for (const Term& o : opts) {
        if (o.is_atom(Atom::intern("compact")))
            compact = true;
        else if (o.is_atom(Atom::intern("short")))
            shortest = true;
        else if (o.is_tuple(2) && o.element(0).is_atom(Atom::intern("decimals")) &&
                 o.element(1).is_integer() && o.element(1).as_integer() >= 0 &&
                 o.element(1).as_integer() <= 253)
            decimals = o.element(1).as_integer(), scientific.reset();
        else if (o.is_tuple(2) && o.element(0).is_atom(Atom::intern("scientific")) &&
                 o.element(1).is_integer() && o.element(1).as_integer() >= 0 &&
                 o.element(1).as_integer() <= 249)
            scientific = o.element(1).as_integer(), decimals.reset();
        else
            raise_bif_argument_error(position, "not a list of valid options");
    }
    if (shortest) return format_float(value);
    char buf[1200];
    if (!decimals) {
        std::snprintf(buf, sizeof buf, "%.*e", static_cast<int>(scientific.value_or(20)), value);
        return buf;
    }
    // The exact decimal expansion (a double's binary fraction has at most 1074 digits), then
    // rounding by hand so that ties round away from zero.
    std::snprintf(buf, sizeof buf, "%.1080f", std::fabs(value));
    const std::string exact = buf;
    const size_t dot = exact.find('.');
    const auto n = static_cast<size_t>(*decimals);
    std::string digits = exact.substr(0, dot) + exact.substr(dot + 1, n);
    if (exact[dot + 1 + n] >= '5') {
        size_t i = digits.size();
        while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
        if (i == 0)
            digits.insert(0, "1");
        else
            ++digits[i - 1];
    }
    const size_t int_len = digits.size() - n;
    std::string out = (std::signbit(value) ? "-" : "") + digits.substr(0, int_len);
    if (n > 0) out += "." + digits.substr(int_len);
    if (compact && n > 0)
        while (out.back() == '0' && out[out.size() - 2] != '.') out.pop_back();
    return out;
}

void register_erlang_bifs(BuiltinTable& t) {
    auto def = [&](std::string_view name, int arity, SyncBuiltin fn) {
        t.add("erlang", name, arity, fn);
    };
    for (int arity : {1, 2})
        def(
            "phash2", arity, +[](ProcessContext&, Args a) { return phash2_bif(a); });
    def(
        "float_to_binary", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_float()) raise_bif_argument_error(1, "not a float");
            return make_binary(float_text(a[0].as_float(), Term::empty_list(), 2));
        });
    def(
        "float_to_binary", 2, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_float()) raise_bif_argument_error(1, "not a float");
            return make_binary(float_text(a[0].as_float(), a[1], 2));
        });
    def(
        "float_to_list", 2, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_float()) raise_bif_argument_error(1, "not a float");
            std::vector<Term> chars;
            for (unsigned char c : float_text(a[0].as_float(), a[1], 2))
                chars.push_back(Term::integer(c));
            return make_list(chars);
        });
    def(
        "element", 2, +[](ProcessContext&, Args a) -> Term {
            const Term& tuple = tuple_arg(a[1], 2);
            return tuple.element(index_arg(a[0], tuple));
        });
    def(
        "setelement", 3, +[](ProcessContext&, Args a) -> Term {
            const Term& tuple = tuple_arg(a[1], 2);
            size_t i = index_arg(a[0], tuple);
            std::vector<Term> items(tuple.tuple_items().begin(), tuple.tuple_items().end());
            items[i] = a[2];
            return Term::tuple(items);
        });
    def(
        "tuple_size", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::integer(static_cast<int64_t>(tuple_arg(a[0], 1).tuple_size()));
        });
    def(
        "tuple_to_list", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::list(tuple_arg(a[0], 1).tuple_items());
        });
    def(
        "list_to_tuple", 1,
        +[](ProcessContext&, Args a) -> Term { return Term::tuple(list_arg(a[0], 1)); });
    def(
        "make_tuple", 2, +[](ProcessContext&, Args a) -> Term {
            // The BEAM's largest tuple is MAX_ARITY: a bigger one is refused, not allocated.
            if (!a[0].is_integer() || a[0].as_integer() < 0 || a[0].as_integer() > 16'777'215)
                raise_bif_argument_error(1, "out of range");
            return Term::tuple(std::vector<Term>(static_cast<size_t>(a[0].as_integer()), a[1]));
        });
    def(
        "append_element", 2, +[](ProcessContext&, Args a) -> Term {
            const Term& tuple = tuple_arg(a[0], 1);
            std::vector<Term> items(tuple.tuple_items().begin(), tuple.tuple_items().end());
            items.push_back(a[1]);
            return Term::tuple(items);
        });
    auto atom_to_binary = +[](ProcessContext&, Args a) -> Term {
        if (!a[0].is_atom()) raise_bif_argument_error(1, "not an atom");
        encoding_atom_check(a);
        return Term::binary(a[0].as_atom().name());
    };
    def("atom_to_binary", 1, atom_to_binary);
    def("atom_to_binary", 2, atom_to_binary);
    auto binary_to_atom = +[](ProcessContext&, Args a) -> Term {
        std::string_view s = binary_arg(a[0], 1);
        encoding_atom_check(a);
        if (utf8_codepoints(s).size() > 255)
            raise_term(
                make_exception("SystemLimitError",
                               {{"message", Term::binary("a system limit has been reached")}}));
        return Term::atom(intern_scenario_atom(s));
    };
    def("binary_to_atom", 1, binary_to_atom);
    def("binary_to_atom", 2, binary_to_atom);
    auto binary_to_existing_atom = +[](ProcessContext&, Args a) -> Term {
        std::string_view s = binary_arg(a[0], 1);
        encoding_atom_check(a);
        return existing_atom(s);
    };
    def("binary_to_existing_atom", 1, binary_to_existing_atom);
    def("binary_to_existing_atom", 2, binary_to_existing_atom);
    def(
        "atom_to_list", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_atom()) raise_bif_argument_error(1, "not an atom");
            std::vector<Term> chars;
            std::string_view name = a[0].as_atom().name();
            for (size_t i = 0; i < name.size();) {
                char32_t cp;
                bool valid;
                i += utf8_decode(name, i, cp, valid);
                chars.push_back(Term::integer(cp));
            }
            return make_list(chars);
        });
    static constexpr auto char_list_text = [](const Term& list) {
        std::string text;
        for (const Term& ch : list_arg(list, 1)) {
            if (!ch.is_integer() || ch.as_integer() < 0 || ch.as_integer() > 0x10FFFF)
                raise_bif_argument_error(1, "not a list of characters");
            utf8_append(text, static_cast<char32_t>(ch.as_integer()));
        }
        return text;
    };
    def(
        "list_to_atom", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::atom(intern_scenario_atom(char_list_text(a[0])));
        });

    auto integer_to_binary = +[](ProcessContext&, Args a) -> Term {
        if (!a[0].is_integral()) raise_bif_argument_error(1, "not an integer");
        int base = 10;
        if (a.size() > 1) {
            if (!a[1].is_integer() || a[1].as_integer() < 2 || a[1].as_integer() > 36)
                raise_bif_argument_error(2, "not an integer in the range 2 through 36");
            base = static_cast<int>(a[1].as_integer());
        }
        return Term::binary(integer_term_text(a[0], base));
    };
    def("integer_to_binary", 1, integer_to_binary);
    def("integer_to_binary", 2, integer_to_binary);
    def(
        "integer_to_list", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_integral()) raise_bif_argument_error(1, "not an integer");
            std::vector<Term> chars;
            for (char c : integer_term_text(a[0], 10)) chars.push_back(Term::integer(c));
            return make_list(chars);
        });
    auto binary_to_integer = +[](ProcessContext&, Args a) -> Term {
        std::string_view s = binary_arg(a[0], 1);
        int base = 10;
        if (a.size() > 1) {
            if (!a[1].is_integer() || a[1].as_integer() < 2 || a[1].as_integer() > 36)
                raise_bif_argument_error(2, "not an integer in the range 2 through 36");
            base = static_cast<int>(a[1].as_integer());
        }
        size_t used = 0;
        Term value = parse_integer_term(s, base, used);
        if (used != s.size() || s.empty())
            raise_bif_argument_error(1, "not a textual representation of an integer");
        return value;
    };
    def("binary_to_integer", 1, binary_to_integer);
    def("binary_to_integer", 2, binary_to_integer);
    def(
        "list_to_integer", 1, +[](ProcessContext&, Args a) -> Term {
            std::string text;
            for (const Term& ch : list_arg(a[0], 1)) {
                if (!ch.is_integer() || ch.as_integer() < 0 || ch.as_integer() > 127)
                    raise_bif_argument_error(1, "not a textual representation of an integer");
                text += static_cast<char>(ch.as_integer());
            }
            size_t used = 0;
            Term value = parse_integer_term(text, 10, used);
            if (text.empty() || used != text.size())
                raise_bif_argument_error(1, "not a textual representation of an integer");
            return value;
        });
    def(
        "binary_to_list", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> bytes;
            for (unsigned char c : binary_arg(a[0], 1)) bytes.push_back(Term::integer(c));
            return make_list(bytes);
        });
    auto iolist_to_binary = +[](ProcessContext&, Args a) -> Term {
        if (a[0].is_binary()) return a[0];
        if (!a[0].is_list()) raise_bif_argument_error(1, "not an iodata term");
        std::string out;
        iolist_append(out, a[0]);
        return Term::binary(out);
    };
    def("list_to_binary", 1, iolist_to_binary);
    def("iolist_to_binary", 1, iolist_to_binary);
    def(
        "hd", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_cons()) raise_bif_argument_error(1, "not a nonempty list");
            return a[0].head();
        });
    def(
        "tl", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_cons()) raise_bif_argument_error(1, "not a nonempty list");
            return a[0].tail();
        });
    def(
        "length", 1, +[](ProcessContext&, Args a) -> Term {
            int64_t n = a[0].is_list() ? list_length(a[0]) : -1;
            if (n < 0) raise_bif_argument_error(1, "not a list");
            return Term::integer(n);
        });
    def(
        "byte_size", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_bitstring()) raise_bif_argument_error(1, "not a bitstring");
            return Term::integer(static_cast<int64_t>(a[0].binary_view().size()));
        });
    def(
        "map_size", 1, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            return Term::integer(static_cast<int64_t>(a[0].map_size()));
        });
    def(
        "map_get", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            const Term* value = a[1].map_find(a[0]);
            if (!value) raise_key_error(a[0], a[1]);
            return *value;
        });
    def(
        "is_map_key", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            return Term::boolean(a[1].map_find(a[0]) != nullptr);
        });
    def(
        "abs", 1, +[](ProcessContext&, Args a) -> Term {
            if (a[0].is_integral()) return integer::abs(a[0]);
            if (a[0].is_float()) {
                // erts negates only what is below zero: abs(-0.0) stays -0.0
                const double f = a[0].as_float();
                return Term::floating(f < 0 ? -f : f);
            }
            raise_bif_argument_error(1, "not a number");
        });
    def(
        "max", 2,
        +[](ProcessContext&, Args a) -> Term { return compare(a[0], a[1]) < 0 ? a[1] : a[0]; });
    def(
        "min", 2,
        +[](ProcessContext&, Args a) -> Term { return compare(a[1], a[0]) < 0 ? a[1] : a[0]; });
}

/// 0-based tuple position of a :lists key function's N argument (1-based in Erlang).
size_t key_position(const Term& n, int position) {
    if (!n.is_integer() || n.as_integer() < 1) raise_bif_argument_error(position, "out of range");
    return static_cast<size_t>(n.as_integer() - 1);
}
bool has_key(const Term& item, size_t pos, const Term& key) {
    return item.is_tuple() && item.tuple_size() > pos && equal(item.element(pos), key);
}
/// Stable sort of tuples by their element at `pos` (lists:keysort is a stable merge sort).
std::vector<Term> keysorted(std::vector<Term> items, size_t pos, const Clause& clause) {
    for (const Term& item : items)
        if (!item.is_tuple() || item.tuple_size() <= pos) clause.fail();
    std::stable_sort(items.begin(), items.end(), [pos](const Term& x, const Term& y) {
        return compare(x.element(pos), y.element(pos)) < 0;
    });
    return items;
}

// The :lists functions on tuple lists, merging and splitting that take no fun.
void register_lists_keyed(BuiltinTable& t) {
    auto def = [&](std::string_view name, int arity, SyncBuiltin fn) {
        t.add("lists", name, arity, fn);
    };
    def(
        "keysort", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{":lists", "keysort", 2};
            return make_list(keysorted(need_list(a[1], c), key_position(a[0], 1), c));
        });
    def(
        "ukeysort", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{":lists", "ukeysort", 2};
            size_t pos = key_position(a[0], 1);
            std::vector<Term> out;
            for (Term& item : keysorted(need_list(a[1], c), pos, c))
                if (out.empty() || !equal(out.back().element(pos), item.element(pos)))
                    out.push_back(std::move(item));
            return make_list(out);
        });
    def(
        "keydelete", 3, +[](ProcessContext&, Args a) -> Term {
            size_t pos = key_position(a[1], 2);
            auto items = list_arg(a[2], 3);
            for (size_t i = 0; i < items.size(); ++i)
                if (has_key(items[i], pos, a[0])) {
                    items.erase(items.begin() + static_cast<ptrdiff_t>(i));
                    break;
                }
            return make_list(items);
        });
    def(
        "keyreplace", 4, +[](ProcessContext&, Args a) -> Term {
            size_t pos = key_position(a[1], 2);
            auto items = list_arg(a[2], 3);
            for (Term& item : items)
                if (has_key(item, pos, a[0])) {
                    item = a[3];
                    break;
                }
            return make_list(items);
        });
    def(
        "keystore", 4, +[](ProcessContext&, Args a) -> Term {
            size_t pos = key_position(a[1], 2);
            auto items = list_arg(a[2], 3);
            for (Term& item : items)
                if (has_key(item, pos, a[0])) {
                    item = a[3];
                    return make_list(items);
                }
            items.push_back(a[3]);
            return make_list(items);
        });
    def(
        "keytake", 3, +[](ProcessContext&, Args a) -> Term {
            size_t pos = key_position(a[1], 2);
            auto items = list_arg(a[2], 3);
            for (size_t i = 0; i < items.size(); ++i)
                if (has_key(items[i], pos, a[0])) {
                    Term found = items[i];
                    items.erase(items.begin() + static_cast<ptrdiff_t>(i));
                    return Term::tuple({atom_term("value"), found, make_list(items)});
                }
            return Term::boolean(false);
        });
    def(
        "merge", 2, +[](ProcessContext&, Args a) -> Term {
            auto x = need_list(a[0], {":lists", "merge", 2}),
                 y = need_list(a[1], {":lists", "merge", 2});
            std::vector<Term> out;
            std::merge(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out),
                       [](const Term& p, const Term& q) { return compare(p, q) < 0; });
            return make_list(out);
        });
    def(
        "unzip", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> xs, ys;
            for (const Term& item : need_list(a[0], {":lists", "unzip", 1})) {
                if (!item.is_tuple(2)) raise_function_clause(":lists", "unzip", 1);
                xs.push_back(item.element(0));
                ys.push_back(item.element(1));
            }
            return Term::tuple({make_list(xs), make_list(ys)});
        });
    def(
        "concat", 1, +[](ProcessContext&, Args a) -> Term {
            std::string out;
            for (const Term& item : need_list(a[0], {":lists", "concat", 1})) {
                if (item.is_atom())
                    out += item.as_atom().name();
                else if (item.is_integer())
                    out += std::to_string(item.as_integer());
                else if (item.is_binary())
                    out += item.binary_view();
                else
                    raise_function_clause(":lists", "concat", 1);
            }
            std::vector<Term> chars;
            for (unsigned char ch : out) chars.push_back(Term::integer(ch));
            return make_list(chars);
        });
    def(
        "prefix", 2, +[](ProcessContext&, Args a) -> Term {
            auto x = list_arg(a[0], 1), y = list_arg(a[1], 2);
            if (x.size() > y.size()) return Term::boolean(false);
            for (size_t i = 0; i < x.size(); ++i)
                if (!exact_equal(x[i], y[i])) return Term::boolean(false);
            return Term::boolean(true);
        });
    def(
        "suffix", 2, +[](ProcessContext&, Args a) -> Term {
            auto x = list_arg(a[0], 1), y = list_arg(a[1], 2);
            if (x.size() > y.size()) return Term::boolean(false);
            size_t off = y.size() - x.size();
            for (size_t i = 0; i < x.size(); ++i)
                if (!exact_equal(x[i], y[off + i])) return Term::boolean(false);
            return Term::boolean(true);
        });
}

void register_lists(BuiltinTable& t) {
    auto def = [&](std::string_view name, int arity, SyncBuiltin fn) {
        t.add("lists", name, arity, fn);
    };
    auto seq = +[](ProcessContext&, Args a) -> Term {
        Clause c{":lists", "seq", static_cast<int>(a.size())};
        int64_t from = need_integer(a[0], c), to = need_integer(a[1], c);
        int64_t step = a.size() > 2 ? need_integer(a[2], c) : 1;
        if (a.size() == 2 && to < from - 1) c.fail();
        if (step == 0 && from != to) c.fail();
        if ((step > 0 && to < from - step) || (step < 0 && to > from - step)) c.fail();
        std::vector<Term> out;
        if (step == 0) return Term::list({Term::integer(from)});
        for (int64_t i = from; step > 0 ? i <= to : i >= to;) {
            out.push_back(Term::integer(i));
            if (__builtin_add_overflow(i, step, &i)) break;  // the int64 edge ends the sequence
        }
        return make_list(out);
    };
    def("seq", 2, seq);
    def("seq", 3, seq);
    def(
        "reverse", 1,
        +[](ProcessContext&, Args a) -> Term { return reverse_onto(a[0], Term::empty_list()); });
    def(
        "reverse", 2, +[](ProcessContext&, Args a) -> Term { return reverse_onto(a[0], a[1]); });
    def(
        "sort", 1, +[](ProcessContext&, Args a) -> Term {
            auto items = need_list(a[0], {":lists", "sort", 1});
            std::stable_sort(items.begin(), items.end(),
                             [](const Term& x, const Term& y) { return compare(x, y) < 0; });
            return make_list(items);
        });
    def(
        "usort", 1, +[](ProcessContext&, Args a) -> Term {
            auto items = need_list(a[0], {":lists", "usort", 1});
            std::stable_sort(items.begin(), items.end(),
                             [](const Term& x, const Term& y) { return compare_exact(x, y) < 0; });
            items.erase(std::unique(items.begin(), items.end(),
                                    [](const Term& x, const Term& y) { return exact_equal(x, y); }),
                        items.end());
            return make_list(items);
        });
    def(
        "member", 2, +[](ProcessContext&, Args a) -> Term {
            for (const Term& item : list_arg(a[1], 2))
                if (exact_equal(item, a[0])) return Term::boolean(true);
            return Term::boolean(false);
        });
    def(
        "nth", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{":lists", "nth", 2};
            auto items = need_list(a[1], c);
            int64_t n = need_integer(a[0], c);
            if (n < 1 || n > static_cast<int64_t>(items.size())) c.fail();
            return items[static_cast<size_t>(n - 1)];
        });
    def(
        "last", 1, +[](ProcessContext&, Args a) -> Term {
            auto items = need_list(a[0], {":lists", "last", 1});
            if (items.empty()) raise_function_clause(":lists", "last", 1);
            return items.back();
        });
    def(
        "append", 2,
        +[](ProcessContext&, Args a) -> Term { return make_list(list_arg(a[0], 1), a[1]); });
    def(
        "append", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> lists = need_list(a[0], {":lists", "append", 1});
            if (lists.empty()) return Term::empty_list();
            Term result = lists.back();
            for (size_t i = lists.size() - 1; i-- > 0;)
                result = make_list(list_arg(lists[i], 1), result);
            return result;
        });
    def(
        "sum", 1, +[](ProcessContext&, Args a) -> Term {
            Term sum = Term::integer(0);
            for (const Term& item : need_list(a[0], {":lists", "sum", 1}))
                sum = arith::add(sum, item);
            return sum;
        });
    def(
        "max", 1, +[](ProcessContext&, Args a) -> Term {
            auto items = need_list(a[0], {":lists", "max", 1});
            if (items.empty()) raise_function_clause(":lists", "max", 1);
            Term best = items[0];
            for (const Term& item : items)
                if (compare(best, item) < 0) best = item;
            return best;
        });
    def(
        "min", 1, +[](ProcessContext&, Args a) -> Term {
            auto items = need_list(a[0], {":lists", "min", 1});
            if (items.empty()) raise_function_clause(":lists", "min", 1);
            Term best = items[0];
            for (const Term& item : items)
                if (compare(item, best) < 0) best = item;
            return best;
        });
    def(
        "duplicate", 2, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_integer() || a[0].as_integer() < 0)
                raise_function_clause(":lists", "duplicate", 2);
            return make_list(std::vector<Term>(static_cast<size_t>(a[0].as_integer()), a[1]));
        });
    def(
        "keyfind", 3, +[](ProcessContext&, Args a) -> Term {
            if (!a[1].is_integer() || a[1].as_integer() < 1)
                raise_bif_argument_error(2, "out of range");
            auto pos = static_cast<size_t>(a[1].as_integer() - 1);
            for (const Term& item : list_arg(a[2], 3))
                if (item.is_tuple() && item.tuple_size() > pos && equal(item.element(pos), a[0]))
                    return item;
            return Term::boolean(false);
        });
    def(
        "keymember", 3, +[](ProcessContext&, Args a) -> Term {
            if (!a[1].is_integer() || a[1].as_integer() < 1)
                raise_bif_argument_error(2, "out of range");
            auto pos = static_cast<size_t>(a[1].as_integer() - 1);
            for (const Term& item : list_arg(a[2], 3))
                if (item.is_tuple() && item.tuple_size() > pos && equal(item.element(pos), a[0]))
                    return Term::boolean(true);
            return Term::boolean(false);
        });
    def(
        "delete", 2, +[](ProcessContext&, Args a) -> Term {
            auto items = need_list(a[1], {":lists", "delete", 2});
            for (size_t i = 0; i < items.size(); ++i)
                if (exact_equal(items[i], a[0])) {
                    items.erase(items.begin() + static_cast<ptrdiff_t>(i));
                    break;
                }
            return make_list(items);
        });
    def(
        "subtract", 2, +[](ProcessContext&, Args a) -> Term {
            auto items = list_arg(a[0], 1);
            for (const Term& remove : list_arg(a[1], 2)) {
                for (size_t i = 0; i < items.size(); ++i)
                    if (exact_equal(items[i], remove)) {
                        items.erase(items.begin() + static_cast<ptrdiff_t>(i));
                        break;
                    }
            }
            return make_list(items);
        });
    def(
        "flatten", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> out;
            std::vector<const Term*> stack{&a[0]};
            while (!stack.empty()) {
                const Term* cur = stack.back();
                stack.pop_back();
                if (cur->is_empty_list()) continue;
                if (!cur->is_cons()) raise_function_clause(":lists", "flatten", 1);
                stack.push_back(&cur->tail());
                if (cur->head().is_list())
                    stack.push_back(&cur->head());
                else
                    out.push_back(cur->head());
            }
            return make_list(out);
        });
    def(
        "zip", 2, +[](ProcessContext&, Args a) -> Term {
            auto x = need_list(a[0], {":lists", "zip", 2}),
                 y = need_list(a[1], {":lists", "zip", 2});
            if (x.size() != y.size()) raise_function_clause(":lists", "zip", 2);
            std::vector<Term> out;
            for (size_t i = 0; i < x.size(); ++i) out.push_back(Term::tuple({x[i], y[i]}));
            return make_list(out);
        });
    def(
        "nthtail", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{":lists", "nthtail", 2};
            int64_t n = need_integer(a[0], c);
            const Term* cur = &a[1];
            for (int64_t i = 0; i < n; ++i) {
                if (!cur->is_cons()) c.fail();
                cur = &cur->tail();
            }
            return *cur;
        });
    auto sublist = +[](ProcessContext&, Args a) -> Term {
        Clause c{":lists", "sublist", static_cast<int>(a.size())};
        auto items = need_list(a[0], c);
        int64_t start = a.size() == 3 ? need_integer(a[1], c) : 1;
        int64_t len = need_integer(a.size() == 3 ? a[2] : a[1], c);
        if (start < 1 || len < 0 || start > static_cast<int64_t>(items.size()) + 1) c.fail();
        auto begin = static_cast<size_t>(start - 1);
        size_t end = std::min(items.size(), begin + static_cast<size_t>(len));
        return make_list(std::vector<Term>(items.begin() + static_cast<ptrdiff_t>(begin),
                                           items.begin() + static_cast<ptrdiff_t>(end)));
    };
    def("sublist", 2, sublist);
    def("sublist", 3, sublist);
    register_lists_keyed(t);
}

void register_maps(BuiltinTable& t) {
    auto def = [&](std::string_view name, int arity, SyncBuiltin fn) {
        t.add("maps", name, arity, fn);
    };
    def(
        "get", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            const Term* value = a[1].map_find(a[0]);
            if (!value) raise_key_error(a[0], a[1]);
            return *value;
        });
    def(
        "get", 3, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            const Term* value = a[1].map_find(a[0]);
            return value ? *value : a[2];
        });
    def(
        "find", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            const Term* value = a[1].map_find(a[0]);
            return value ? ok_tuple(*value) : Term::atom(atom::error);
        });
    def(
        "put", 3, +[](ProcessContext&, Args a) -> Term {
            need_map(a[2]);
            return a[2].map_put(a[0], a[1]);
        });
    def(
        "update", 3, +[](ProcessContext&, Args a) -> Term {
            need_map(a[2]);
            if (!a[2].map_find(a[0])) raise_key_error(a[0], a[2]);
            return a[2].map_put(a[0], a[1]);
        });
    def(
        "remove", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            return a[1].map_remove(a[0]);
        });
    def(
        "take", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            const Term* value = a[1].map_find(a[0]);
            if (!value) return Term::atom(atom::error);
            return Term::tuple({*value, a[1].map_remove(a[0])});
        });
    def(
        "is_key", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            return Term::boolean(a[1].map_find(a[0]) != nullptr);
        });
    def(
        "keys", 1, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            std::vector<Term> out;
            for (const auto& [k, v] : a[0].map_object()) out.push_back(k);
            return make_list(out);
        });
    def(
        "values", 1, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            std::vector<Term> out;
            for (const auto& [k, v] : a[0].map_object()) out.push_back(v);
            return make_list(out);
        });
    def(
        "to_list", 1, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            std::vector<Term> out;
            for (const auto& [k, v] : a[0].map_object()) out.push_back(Term::tuple({k, v}));
            return make_list(out);
        });
    def(
        "from_list", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<std::pair<Term, Term>> entries;
            for (const Term& item : list_arg(a[0], 1)) {
                if (!item.is_tuple(2)) raise_bif_argument_error(1, "not a list of 2-tuples");
                entries.emplace_back(item.element(0), item.element(1));
            }
            return Term::map(std::move(entries));
        });
    def(
        "merge", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            need_map(a[1]);
            return map_merge(a[0], a[1]);
        });
    def(
        "size", 1, +[](ProcessContext&, Args a) -> Term {
            need_map(a[0]);
            return Term::integer(static_cast<int64_t>(a[0].map_size()));
        });
    def(
        "new", 0, +[](ProcessContext&, Args) { return Term::empty_map(); });
    def(
        "with", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            std::vector<std::pair<Term, Term>> entries;
            for (const Term& key : list_arg(a[0], 1))
                if (const Term* value = a[1].map_find(key)) entries.emplace_back(key, *value);
            return Term::map(std::move(entries));
        });
    def(
        "without", 2, +[](ProcessContext&, Args a) -> Term {
            need_map(a[1]);
            Term result = a[1];
            for (const Term& key : list_arg(a[0], 1)) result = result.map_remove(key);
            return result;
        });
}

/// :binary patterns: a binary or a list of binaries, none empty.
std::vector<std::string_view> binary_patterns(const Term& pattern) {
    std::vector<std::string_view> out;
    if (pattern.is_binary())
        out.push_back(pattern.binary_view());
    else if (pattern.is_list())
        for (const Term& item : list_arg(pattern, 2)) {
            if (!item.is_binary()) raise_bif_argument_error(2, "not a valid pattern");
            out.push_back(item.binary_view());
        }
    if (out.empty() || std::any_of(out.begin(), out.end(), [](auto p) { return p.empty(); }))
        raise_bif_argument_error(2, "not a valid pattern");
    return out;
}

std::optional<std::pair<size_t, size_t>> binary_find(std::string_view s,
                                                     const std::vector<std::string_view>& patterns,
                                                     size_t from) {
    std::optional<std::pair<size_t, size_t>> best;
    for (auto p : patterns) {
        size_t pos = s.find(p, from);
        if (pos == std::string_view::npos) continue;
        if (!best || pos < best->first || (pos == best->first && p.size() > best->second))
            best = std::pair{pos, p.size()};
    }
    return best;
}

bool has_option(const Term& opts, std::string_view name) {
    Atom a = Atom::intern(name);
    for (ListIterator it(opts); !it.done(); ++it)
        if ((*it).is_atom(a)) return true;
    return false;
}

void register_binary(BuiltinTable& t) {
    auto def = [&](std::string_view name, int arity, SyncBuiltin fn) {
        t.add("binary", name, arity, fn);
    };
    auto split = +[](ProcessContext&, Args a) -> Term {
        std::string_view s = binary_arg(a[0], 1);
        auto patterns = binary_patterns(a[1]);
        Term opts = a.size() > 2 ? a[2] : Term::empty_list();
        bool global = has_option(opts, "global");
        bool trim_all = has_option(opts, "trim_all");
        bool trim = has_option(opts, "trim");
        std::vector<std::string_view> parts;
        size_t from = 0;
        while (auto m = binary_find(s, patterns, from)) {
            parts.push_back(s.substr(from, m->first - from));
            from = m->first + m->second;
            if (!global) break;
        }
        parts.push_back(s.substr(from));
        if (trim_all)
            parts.erase(
                std::remove_if(parts.begin(), parts.end(), [](auto p) { return p.empty(); }),
                parts.end());
        else if (trim)
            while (!parts.empty() && parts.back().empty()) parts.pop_back();
        std::vector<Term> out;
        for (auto p : parts) out.push_back(Term::binary(p));
        return make_list(out);
    };
    def("split", 2, split);
    def("split", 3, split);
    auto replace = +[](ProcessContext&, Args a) -> Term {
        std::string_view s = binary_arg(a[0], 1);
        auto patterns = binary_patterns(a[1]);
        std::string_view with = binary_arg(a[2], 3);
        bool global = a.size() > 3 && has_option(a[3], "global");
        std::string out;
        size_t from = 0;
        while (auto m = binary_find(s, patterns, from)) {
            out.append(s.substr(from, m->first - from));
            out.append(with);
            from = m->first + m->second;
            if (!global) break;
        }
        out.append(s.substr(from));
        return Term::binary(out);
    };
    def("replace", 3, replace);
    def("replace", 4, replace);
    def(
        "match", 2, +[](ProcessContext&, Args a) -> Term {
            auto m = binary_find(binary_arg(a[0], 1), binary_patterns(a[1]), 0);
            if (!m) return Term::atom("nomatch");
            return Term::tuple({Term::integer(static_cast<int64_t>(m->first)),
                                Term::integer(static_cast<int64_t>(m->second))});
        });
    def(
        "matches", 2, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = binary_arg(a[0], 1);
            auto patterns = binary_patterns(a[1]);
            std::vector<Term> out;
            size_t from = 0;
            while (auto m = binary_find(s, patterns, from)) {
                out.push_back(Term::tuple({Term::integer(static_cast<int64_t>(m->first)),
                                           Term::integer(static_cast<int64_t>(m->second))}));
                from = m->first + m->second;
            }
            return make_list(out);
        });
    def(
        "part", 3, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = binary_arg(a[0], 1);
            if (!a[1].is_integer() || !a[2].is_integer())
                raise_bif_argument_error(2, "not a valid position");
            int64_t pos = a[1].as_integer(), len = a[2].as_integer();
            if (len < 0) pos += len, len = -len;
            if (pos < 0 || pos + len > static_cast<int64_t>(s.size()))
                raise_bif_argument_error(2, "out of range");
            return Term::binary(s.substr(static_cast<size_t>(pos), static_cast<size_t>(len)));
        });
    def(
        "at", 2, +[](ProcessContext&, Args a) -> Term {
            // :binary.at raises a plain badarg (the module is not a BIF with error info)
            if (!a[0].is_binary() || !a[1].is_integer()) throw ErlangException::badarg();
            std::string_view s = a[0].binary_view();
            if (a[1].as_integer() < 0 || a[1].as_integer() >= static_cast<int64_t>(s.size()))
                throw ErlangException::badarg();
            return Term::integer(
                static_cast<unsigned char>(s[static_cast<size_t>(a[1].as_integer())]));
        });
    def(
        "first", 1, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = binary_arg(a[0], 1);
            if (s.empty()) raise_bif_argument_error(1, "a zero-sized binary is not allowed");
            return Term::integer(static_cast<unsigned char>(s.front()));
        });
    def(
        "last", 1, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = binary_arg(a[0], 1);
            if (s.empty()) raise_bif_argument_error(1, "a zero-sized binary is not allowed");
            return Term::integer(static_cast<unsigned char>(s.back()));
        });
    auto copy = +[](ProcessContext&, Args a) -> Term {
        std::string_view s = binary_arg(a[0], 1);
        int64_t n = 1;
        if (a.size() > 1) {
            if (!a[1].is_integer() || a[1].as_integer() < 0)
                raise_bif_argument_error(2, "out of range");
            n = a[1].as_integer();
        }
        std::string out;
        for (int64_t i = 0; i < n; ++i) out += s;
        return Term::binary(out);
    };
    def("copy", 1, copy);
    def("copy", 2, copy);
    def(
        "bin_to_list", 1, +[](ProcessContext&, Args a) -> Term {
            std::vector<Term> bytes;
            for (unsigned char c : binary_arg(a[0], 1)) bytes.push_back(Term::integer(c));
            return make_list(bytes);
        });
}

}  // namespace

void register_erlang(BuiltinTable& t) {
    register_erlang_bifs(t);
    register_lists(t);
    register_maps(t);
    register_binary(t);
}

}  // namespace tasklens::script::stdlib
