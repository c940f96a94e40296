// :proplists — property lists as OTP's proplists.erl reads them: an atom `a` stands for
// {a, true}; a tuple's first element is its key; keys compare with =:=. get_keys/1 and the
// normalisation functions (expand, normalize, substitute_*) are not provided.
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

std::vector<Term> plist(const Term& t, std::string_view function, int arity) {
    return need_list(t, {":proplists", function, arity});
}

bool has_key(const Term& p, const Term& key) {
    if (p.is_atom()) return exact_equal(p, key);
    return p.is_tuple() && p.tuple_size() >= 1 && exact_equal(p.element(0), key);
}

/// The entry as a tuple: an atom `a` is {a, true}.
Term as_property(const Term& p) {
    return p.is_atom() ? Term::tuple({p, Term::boolean(true)}) : p;
}

Term get_value(ProcessContext&, Args a) {
    const Term fallback = a.size() > 2 ? a[2] : atom_term("undefined");
    for (const Term& p : plist(a[1], "get_value", static_cast<int>(a.size()))) {
        if (!has_key(p, a[0])) continue;
        if (p.is_atom()) return Term::boolean(true);
        // proplists:get_value stops at the first entry with the key, even if it is not a pair.
        return p.tuple_size() == 2 ? p.element(1) : fallback;
    }
    return fallback;
}

}  // namespace

void register_proplists(BuiltinTable& t) {
    const char* P = "proplists";
    t.add(P, "get_value", 2, get_value);
    t.add(P, "get_value", 3, get_value);
    t.add(
        P, "get_bool", 2, +[](ProcessContext& c, Args a) {
            return Term::boolean(get_value(c, a).is_atom(atom::true_));
        });
    t.add(
        P, "get_all_values", 2, +[](ProcessContext&, Args a) {
            std::vector<Term> out;
            for (const Term& p : plist(a[1], "get_all_values", 2)) {
                if (!has_key(p, a[0])) continue;
                if (p.is_atom())
                    out.push_back(Term::boolean(true));
                else if (p.tuple_size() == 2)
                    out.push_back(p.element(1));
            }
            return make_list(out);
        });
    t.add(
        P, "lookup", 2, +[](ProcessContext&, Args a) {
            for (const Term& p : plist(a[1], "lookup", 2))
                if (has_key(p, a[0])) return as_property(p);
            return atom_term("none");
        });
    t.add(
        P, "lookup_all", 2, +[](ProcessContext&, Args a) {
            std::vector<Term> out;
            for (const Term& p : plist(a[1], "lookup_all", 2))
                if (has_key(p, a[0])) out.push_back(as_property(p));
            return make_list(out);
        });
    t.add(
        P, "is_defined", 2, +[](ProcessContext&, Args a) {
            for (const Term& p : plist(a[1], "is_defined", 2))
                if (has_key(p, a[0])) return Term::boolean(true);
            return Term::boolean(false);
        });
    t.add(
        P, "delete", 2, +[](ProcessContext&, Args a) {
            std::vector<Term> out;
            for (const Term& p : plist(a[1], "delete", 2))
                if (!has_key(p, a[0])) out.push_back(p);
            return make_list(out);
        });
    t.add(
        P, "property", 2, +[](ProcessContext&, Args a) -> Term {
            if (a[1].is_atom(atom::true_) && a[0].is_atom()) return a[0];
            return Term::tuple({a[0], a[1]});
        });
    t.add(
        P, "compact", 1, +[](ProcessContext&, Args a) {
            std::vector<Term> out;
            for (const Term& p : plist(a[0], "compact", 1)) {
                if (p.is_tuple(2) && p.element(0).is_atom() && p.element(1).is_atom(atom::true_))
                    out.push_back(p.element(0));
                else
                    out.push_back(p);
            }
            return make_list(out);
        });
}

}  // namespace tasklens::script::stdlib
