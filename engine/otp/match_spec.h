#pragma once
// Erlang match specifications ([{pattern, guards, body}]) as Registry.match/select and
// unregister_match use them: `:_`, `:"$N"` variables, guard expressions ({:>, :"$1", 1},
// {:andalso, a, b}, {:is_integer, x}, {:element, n, t}, ...), {{...}} tuple construction,
// {:const, t}, `:"$_"` and `:"$$"` in bodies. A guard that raises is false, as in ETS.
#include <optional>
#include <vector>

#include "engine/runtime/term.h"

namespace tasklens::otp {

class MatchSpec {
  public:
    /// Compiles `spec`; nullopt when it is not a list of {pattern, guards, body} 3-tuples with
    /// lists for guards and body.
    static std::optional<MatchSpec> parse(const Term& spec);
    /// One clause built from a pattern and a guard list, whose result is the matched object.
    static std::optional<MatchSpec> pattern(const Term& pattern, const Term& guards);

    /// The body's value for the first clause whose pattern and guards accept `object`.
    std::optional<Term> run(const Term& object) const;
    /// The patterns, for callers that restrict their shape (Registry.select wants 3-tuples).
    std::vector<Term> patterns() const;

  private:
    struct Clause {
        Term pattern;
        std::vector<Term> guards;
        std::vector<Term> body;  ///< empty: the object itself
    };
    std::vector<Clause> clauses_;
};

}  // namespace tasklens::otp
