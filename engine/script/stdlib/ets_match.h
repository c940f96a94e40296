#pragma once
// ETS match patterns and match specifications (ets:match/2, match_object/2, select/2, ...).
//
// A pattern is a term in which `:_` matches anything and `:"$N"` binds (or, when already bound,
// must equal) the matched subterm; everything else matches exactly (=:=), maps partially.
// A match specification is a list of {head, guards, body}: guards and body are written in the
// match-spec language (`{:>, :"$1", 5}`, `{{:"$1", :"$2"}}` builds a tuple, `{:const, x}`,
// `:"$_"` the whole object, `:"$$"` all bindings). A guard that raises fails its clause.
#include <optional>
#include <vector>

#include "engine/runtime/runtime.h"

namespace tasklens::script::stdlib::ets {

struct MatchClause {
    Term head;
    std::vector<Term> guards;
    std::vector<Term> body;
};

/// Checks the shape of a match specification; raises ArgumentError at `position` if malformed.
std::vector<MatchClause> parse_match_spec(const Term& spec, int position);

/// The first clause's body result for `object`, or nullopt if no clause matches.
std::optional<Term> run_match_spec(ProcessContext& ctx, const std::vector<MatchClause>& spec,
                                   const Term& object);

/// ets:match/2 of one object: the bound variables in $-number order, or nullopt.
std::optional<Term> match_bindings(const Term& pattern, const Term& object);

/// Whether `object` matches `pattern` (ets:match_object/2).
bool matches(const Term& pattern, const Term& object);

}  // namespace tasklens::script::stdlib::ets
