// Integers of any size (engine/runtime/integer.h) and the term-level behaviour of bignums and
// bitstrings: normalization, exact comparison with floats, hashing, inspect.
#include "engine/runtime/integer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/runtime/inspect.h"

namespace tasklens {
namespace {

Term big(std::string_view digits) {
    return *integer::parse(digits, 10);
}

TEST(Integer, ResultsBackInRangeAreSmall) {
    Term max = Term::integer(INT64_MAX);
    Term over = integer::add(max, Term::integer(1));
    ASSERT_TRUE(over.is_bignum());
    EXPECT_EQ(integer::to_string(over), "9223372036854775808");
    Term back = integer::sub(over, Term::integer(1));
    ASSERT_TRUE(back.is_integer());
    EXPECT_EQ(back.as_integer(), INT64_MAX);
    EXPECT_TRUE(integer::neg(Term::integer(INT64_MIN)).is_bignum());
    EXPECT_TRUE(integer::neg(integer::neg(Term::integer(INT64_MIN))).is_integer());
}

TEST(Integer, DivisionNeverTraps) {
    Term min = Term::integer(INT64_MIN);
    EXPECT_EQ(integer::to_string(*integer::div(min, Term::integer(-1))), "9223372036854775808");
    EXPECT_EQ(integer::rem(min, Term::integer(-1))->as_integer(), 0);
    EXPECT_FALSE(integer::div(Term::integer(1), Term::integer(0)).has_value());
    EXPECT_FALSE(integer::rem(big("100000000000000000000"), Term::integer(0)).has_value());
    // truncating vs floored
    EXPECT_EQ(integer::div(Term::integer(-7), Term::integer(2))->as_integer(), -3);
    EXPECT_EQ(integer::floor_div(Term::integer(-7), Term::integer(2))->as_integer(), -4);
    EXPECT_EQ(integer::mod(Term::integer(-7), Term::integer(3))->as_integer(), 2);
}

TEST(Integer, PowAndLimits) {
    EXPECT_EQ(integer::to_string(*integer::pow(Term::integer(2), 100)),
              "1267650600228229401496703205376");
    EXPECT_EQ(integer::pow(Term::integer(-1), 1'000'000'000'001)->as_integer(), -1);
    EXPECT_FALSE(integer::pow(Term::integer(2), uint64_t{1} << 40).has_value());
}

TEST(Integer, BitwiseOnNegativeBignums) {
    Term x = integer::neg(*integer::pow(Term::integer(2), 70));
    EXPECT_EQ(integer::to_string(integer::band(
                  x, integer::sub(*integer::pow(Term::integer(2), 72), Term::integer(1)))),
              "3541774862152233910272");
    EXPECT_EQ(integer::to_string(integer::bnot(*integer::pow(Term::integer(2), 70))),
              "-1180591620717411303425");
    EXPECT_EQ(integer::shift_left(Term::integer(-16), Term::integer(-2))->as_integer(), -4);
    EXPECT_EQ(integer::shift_left(Term::integer(-1), Term::integer(-100))->as_integer(), -1);
    EXPECT_FALSE(integer::shift_left(Term::integer(1), big("100000000000000000000")).has_value());
}

TEST(Integer, ExactComparisonWithFloats) {
    Term two64 = *integer::pow(Term::integer(2), 64);
    EXPECT_EQ(compare(two64, Term::floating(18446744073709551616.0)), 0);
    EXPECT_LT(compare_exact(two64, Term::floating(18446744073709551616.0)), 0);
    EXPECT_GT(
        compare(integer::add(two64, Term::integer(1)), Term::floating(18446744073709551616.0)), 0);
    EXPECT_LT(compare(Term::integer(INT64_MAX), Term::floating(9223372036854775808.0)), 0);
    EXPECT_LT(compare(two64, Term::atom("a")), 0);  // numbers sort before atoms
    EXPECT_LT(compare(integer::neg(two64), Term::integer(INT64_MIN)), 0);
}

TEST(Integer, FloatConversions) {
    EXPECT_EQ(integer::to_string(integer::from_double_truncated(1.0e30)),
              "1000000000000000019884624838656");
    EXPECT_EQ(integer::from_double_truncated(-2.5).as_integer(), -2);
    EXPECT_FALSE(integer::to_double(*integer::pow(Term::integer(2), 2000)).has_value());
    // rounds to nearest, like the BEAM (2^64 + 2^11 + 1 is just above a midpoint)
    Term above_midpoint = integer::add(*integer::pow(Term::integer(2), 64), Term::integer(2049));
    EXPECT_EQ(*integer::to_double(above_midpoint), 18446744073709555712.0);
}

TEST(Integer, TextInAnyBase) {
    EXPECT_EQ(integer::to_string(*integer::pow(Term::integer(2), 70), 16), "400000000000000000");
    EXPECT_EQ(integer::to_string(Term::integer(-255), 2), "-11111111");
    EXPECT_EQ(integer::to_string(*integer::parse("-zzzzzzzzzzzzzzzz", 36)),
              "-7958661109946400884391935");
    EXPECT_FALSE(integer::parse("12a", 10).has_value());
    EXPECT_FALSE(integer::parse("-", 10).has_value());
    EXPECT_EQ(integer::parse("-9223372036854775808", 10)->as_integer(), INT64_MIN);
}

TEST(Integer, EqualBignumsHashEqual) {
    Term a = big("123456789012345678901234567890");
    Term b = integer::add(big("123456789012345678901234567889"), Term::integer(1));
    EXPECT_TRUE(exact_equal(a, b));
    EXPECT_EQ(hash(a), hash(b));
    EXPECT_EQ(inspect(integer::neg(a)), "-123456789012345678901234567890");
}

TEST(Bitstrings, TermLevel) {
    Term bits = Term::bitstring("\xFF", 3);
    EXPECT_FALSE(bits.is_binary());
    EXPECT_TRUE(bits.is_bitstring());
    EXPECT_EQ(bits.bit_size(), 3u);
    EXPECT_EQ(inspect(bits), "<<7::size(3)>>");
    EXPECT_TRUE(Term::bitstring("ab", 16).is_binary());
    // bit-by-bit order: <<1::1>> sorts after <<1>> (its first bit is 1)
    EXPECT_GT(compare(Term::bitstring("\x80", 1), Term::binary("\x01")), 0);
    EXPECT_LT(compare(Term::binary("a"), Term::bitstring("a\x80", 9)), 0);
    EXPECT_EQ(inspect(Term::binary(std::string("\x01\x02", 2))), "<<1, 2>>");
}

TEST(Bitstrings, SubBinariesShareTheirParent) {
    std::string text(1000, 'x');
    text += "tail";
    Term whole = Term::binary(text);
    Term tail = Term::sub_binary(whole, 900, 104);
    EXPECT_EQ(tail.binary_view().size(), 104u);
    EXPECT_EQ(tail.binary_view().data(), whole.binary_view().data() + 900);
    Term inner = Term::sub_binary(tail, 100, 4);  // short: copied
    EXPECT_EQ(inner.binary_view(), "tail");
    whole = Term();  // the slice keeps the bytes alive
    EXPECT_EQ(tail.binary_view().substr(100), "tail");
    EXPECT_TRUE(exact_equal(tail, Term::binary(text.substr(900))));
}

}  // namespace
}  // namespace tasklens
