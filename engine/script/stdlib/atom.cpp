// Atom: conversions to text. Elixir module atoms keep their "Elixir." prefix here, as in Elixir.
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {

void register_atom(BuiltinTable& t) {
    t.add(
        "Elixir.Atom", "to_string", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_atom()) raise_bif_argument_error(1, "not an atom");
            return Term::binary(a[0].as_atom().name());
        });
    t.add(
        "Elixir.Atom", "to_charlist", 1, +[](ProcessContext&, Args a) -> Term {
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
}

}  // namespace tasklens::script::stdlib
