// MatchSpec: the match specifications Registry.match/select/unregister_match evaluate.
#include "engine/otp/match_spec.h"

#include <gtest/gtest.h>

namespace tasklens::otp {
namespace {

Term A(std::string_view s) {
    return Term::atom(s);
}
Term I(int64_t v) {
    return Term::integer(v);
}

TEST(MatchSpec, VariablesBindAndRepeatMustBeEqual) {
    auto spec = MatchSpec::parse(Term::list({Term::tuple(
        {Term::tuple({A("$1"), A("$1"), A("_")}), Term::empty_list(), Term::list({A("$1")})})}));
    ASSERT_TRUE(spec);
    auto hit = spec->run(Term::tuple({I(7), I(7), A("x")}));
    ASSERT_TRUE(hit);
    EXPECT_TRUE(exact_equal(*hit, I(7)));
    EXPECT_FALSE(spec->run(Term::tuple({I(7), I(8), A("x")})));
    EXPECT_FALSE(spec->run(Term::tuple({I(7), I(7)})));
}

TEST(MatchSpec, GuardsAndBodyConstruction) {
    // [{{:"$1", :_, :"$3"}, [{:andalso, {:is_atom, :"$1"}, {:>, :"$3", 1}}], [{{:"$3", :"$1"}}]}]
    Term guard = Term::tuple(
        {A("andalso"), Term::tuple({A("is_atom"), A("$1")}), Term::tuple({A(">"), A("$3"), I(1)})});
    Term body = Term::tuple({Term::tuple({A("$3"), A("$1")})});
    auto spec = MatchSpec::parse(Term::list({Term::tuple(
        {Term::tuple({A("$1"), A("_"), A("$3")}), Term::list({guard}), Term::list({body})})}));
    ASSERT_TRUE(spec);
    auto hit = spec->run(Term::tuple({A("k"), I(0), I(5)}));
    ASSERT_TRUE(hit);
    EXPECT_TRUE(exact_equal(*hit, Term::tuple({I(5), A("k")})));
    EXPECT_FALSE(spec->run(Term::tuple({A("k"), I(0), I(1)})));
    EXPECT_FALSE(spec->run(Term::tuple({I(3), I(0), I(5)})));
}

TEST(MatchSpec, AGuardThatRaisesIsFalse) {
    // {:>, {:element, 5, :"$1"}, 0} on a 2-tuple: element raises, the clause does not match
    Term guard = Term::tuple({A(">"), Term::tuple({A("element"), I(5), A("$1")}), I(0)});
    auto spec = MatchSpec::pattern(A("$1"), Term::list({guard}));
    ASSERT_TRUE(spec);
    EXPECT_FALSE(spec->run(Term::tuple({I(1), I(2)})));
    auto whole = spec->run(Term::tuple({I(1), I(2), I(3), I(4), I(5)}));
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->tuple_size(), 5u);
}

TEST(MatchSpec, DollarUnderscoreAndDollarDollar) {
    auto spec = MatchSpec::parse(Term::list({Term::tuple(
        {Term::tuple({A("$1"), A("$2")}), Term::empty_list(), Term::list({A("$$")})})}));
    ASSERT_TRUE(spec);
    auto hit = spec->run(Term::tuple({I(1), I(2)}));
    ASSERT_TRUE(hit);
    EXPECT_TRUE(exact_equal(*hit, Term::list({I(1), I(2)})));
    auto whole = MatchSpec::parse(
        Term::list({Term::tuple({A("_"), Term::empty_list(), Term::list({A("$_")})})}));
    ASSERT_TRUE(whole);
    EXPECT_TRUE(exact_equal(*whole->run(I(9)), I(9)));
}

TEST(MatchSpec, MalformedSpecsAreRejected) {
    EXPECT_FALSE(MatchSpec::parse(A("nope")));
    EXPECT_FALSE(MatchSpec::parse(Term::list({Term::tuple({A("_"), Term::empty_list()})})));
    EXPECT_FALSE(MatchSpec::parse(
        Term::list({Term::tuple({A("_"), A("notalist"), Term::list({A("$_")})})})));
}

TEST(MatchSpec, MapPatternsMatchSubsets) {
    Term pattern = Term::map({{A("role"), A("$1")}});
    auto spec = MatchSpec::pattern(pattern, Term::empty_list());
    ASSERT_TRUE(spec);
    EXPECT_TRUE(spec->run(Term::map({{A("role"), A("admin")}, {A("id"), I(1)}})));
    EXPECT_FALSE(spec->run(Term::map({{A("id"), I(1)}})));
    EXPECT_FALSE(spec->run(I(1)));
}

}  // namespace
}  // namespace tasklens::otp
