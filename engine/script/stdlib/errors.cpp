#include "engine/script/stdlib/errors.h"

#include <string>
#include <vector>

namespace tasklens::script::stdlib {

Term make_exception(std::string_view module,
                    std::initializer_list<std::pair<std::string_view, Term>> fields) {
    std::vector<std::pair<Term, Term>> entries;
    entries.reserve(fields.size() + 2);
    entries.emplace_back(Term::atom(atom::struct_), Term::atom("Elixir." + std::string(module)));
    entries.emplace_back(Term::atom(atom::exception_), Term::boolean(true));
    for (const auto& [name, value] : fields) entries.emplace_back(Term::atom(name), value);
    return Term::map(std::move(entries));
}

void raise_term(Term exception) {
    throw ErlangException::error(std::move(exception));
}

void raise_argument_error(std::string_view message) {
    raise_term(make_exception("ArgumentError", {{"message", Term::binary(message)}}));
}

void raise_bif_argument_error(int position, std::string_view detail) {
    static constexpr const char* ordinals[] = {"", "1st", "2nd", "3rd"};
    std::string ordinal = position <= 3 ? ordinals[position] : std::to_string(position) + "th";
    raise_argument_error("errors were found at the given arguments:\n\n  * " + ordinal +
                         " argument: " + std::string(detail) + "\n");
}

Term existing_atom(std::string_view name) {
    if (auto found = Atom::find(name)) return Term::atom(*found);
    raise_bif_argument_error(1, "not an already existing atom");
}

void raise_function_clause(std::string_view module, std::string_view function, int arity) {
    // Erlang modules are written ":lists"; Elixir modules without their prefix.
    Term module_atom = module.starts_with(':') ? Term::atom(module.substr(1))
                                               : Term::atom("Elixir." + std::string(module));
    raise_term(make_exception("FunctionClauseError", {{"module", module_atom},
                                                      {"function", Term::atom(function)},
                                                      {"arity", Term::integer(arity)},
                                                      {"kind", Term::nil()},
                                                      {"args", Term::nil()},
                                                      {"clauses", Term::nil()}}));
}

void raise_bad_map(const Term& term) {
    raise_term(make_exception("BadMapError", {{"term", term}}));
}

void raise_key_error(const Term& key, const Term& term) {
    raise_term(
        make_exception("KeyError", {{"key", key}, {"term", term}, {"message", Term::nil()}}));
}

void raise_arithmetic_error(std::string_view message) {
    raise_term(make_exception("ArithmeticError", {{"message", Term::binary(message)}}));
}

void raise_integer_overflow() {
    raise_arithmetic_error("integer overflow");
}

void raise_regex_compile_error(std::string_view message) {
    raise_term(make_exception("Regex.CompileError", {{"message", Term::binary(message)}}));
}

void raise_case_clause(const Term& term) {
    raise_term(make_exception("CaseClauseError", {{"term", term}}));
}

}  // namespace tasklens::script::stdlib
