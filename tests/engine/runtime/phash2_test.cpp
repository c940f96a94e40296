// :erlang.phash2 against the values Elixir 1.14 / OTP 25 printed for the same terms
// (`:erlang.phash2(t)`, `:erlang.phash2(t, 7)`, `:erlang.phash2(t, 4294967296)`); the same terms
// run end to end in tests/conformance/cases/otp_phash2.exs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/runtime/integer.h"
#include "engine/runtime/phash2.h"
#include "tests/engine/runtime/term_builders.h"

namespace tasklens {
namespace {
using namespace test;

Term Big(const char* decimal) {
    return *integer::parse(decimal);
}

Term Bits(std::string_view bytes, uint64_t bit_size) {
    return Term::bitstring(bytes, bit_size);
}

Term ExternalFun(std::string_view module, std::string_view name, uint32_t arity) {
    auto* f = new FunObject(FunObject::Kind::External);
    f->module = Atom::intern(module);
    f->name = Atom::intern(name);
    f->arity = arity;
    return Term::adopt(f);
}

struct Case {
    const char* what;
    Term term;
    uint32_t phash2;    ///< :erlang.phash2(t)
    uint32_t in_seven;  ///< :erlang.phash2(t, 7)
    uint32_t full;      ///< :erlang.phash2(t, 4294967296)
};

std::vector<Case> cases() {
    std::vector<std::pair<Term, Term>> squares, keyed;
    for (int64_t i = 1; i <= 40; ++i) squares.emplace_back(I(i), I(i * i));
    for (int64_t i = 1; i <= 100; ++i) keyed.emplace_back(S("k" + std::to_string(i)), L({I(i)}));
    return {
        {"0", I(0), 88723725, 1, 3175731469u},
        {"1", I(1), 2614250, 6, 539485162},
        {"-1", I(-1), 44071773, 5, 1117813597},
        {"255", I(255), 44734653, 3, 715823293},
        {"-1000", I(-1000), 121372174, 4, 2537291278u},
        {"2^27-1", I(134217727), 112602999, 1, 4273352567u},
        {"2^27", I(134217728), 12354923, 5, 2562491755u},
        {"-2^27", I(-134217728), 69672967, 6, 874979335},
        {"-2^27-1", I(-134217729), 76739502, 3, 1418916782},
        {"2^40", I(int64_t{1} << 40), 13893919, 6, 282329375},
        {"-2^40", I(-(int64_t{1} << 40)), 48180921, 2, 2464100025u},
        {"2^63-1", I(INT64_MAX), 28179613, 6, 2712534173u},
        {"-2^63", I(INT64_MIN), 126213383, 0, 1736826119},
        {"2^64", Big("18446744073709551616"), 103122609, 6, 2519041713u},
        {"-2^64", Big("-18446744073709551616"), 13457787, 5, 2563594619u},
        {"2^100+12345", Big("1267650600228229401496703217721"), 129244998, 2, 263462726},
        {"-2^130-99", Big("-1361129467683753853853498429727072845923"), 90757007, 6, 224974735},
        {"0.0", F(0.0), 20875736, 3, 423528920},
        {"-0.0", F(-0.0), 20875736, 3, 423528920},
        {"1.0", F(1.0), 77147068, 6, 3029937084u},
        {"-1.5", F(-1.5), 13753666, 2, 1758584130},
        {"1.0e300", F(1.0e300), 119088650, 4, 387524106},
        {":a", A("a"), 97, 6, 97},
        {":hello_world", A("hello_world"), 84192276, 0, 84192276},
        {"Foo.Bar", Mod("Foo.Bar"), 7285106, 3, 7285106},
        {"Foo", Mod("Foo"), 117567583, 1, 251785311},
        {"nil", A("nil"), 29948, 2, 29948},
        {":héllo", A("h\xc3\xa9llo"), 7799599, 3, 7799599},
        {":日本", A("\xe6\x97\xa5\xe6\x9c\xac"), 117588076, 5, 251805804},
        {"\"\"", S(""), 13708901, 4, 147926629},
        {"\"abc\"", S("abc"), 98228475, 4, 1306188027},
        {"36 bytes", S("0123456789abcdefghijklmnopqrstuvwxyz"), 91488717, 2, 3446931917u},
        {"<<0, 255, 128>>", S(std::string("\0\xff\x80", 3)), 88930461, 3, 2773285021u},
        {"<<1::1>>", Bits("\x80", 1), 102233125, 2, 3994547237u},
        {"<<\"ab\", 3::2>>", Bits("ab\xc0", 18), 19855431, 3, 288290887},
        {"<<255, 1::7>>", Bits("\xff\x02", 15), 65672752, 2, 602543664},
        {"[]", Term::empty_list(), 113427502, 3, 3468870702u},
        {"[1, 2, 3]", L({I(1), I(2), I(3)}), 25788620, 0, 4186538188u},
        {"'abcde'", Charlist("abcde"), 71169904, 5, 2487089008u},
        {"[1, 256, 2]", L({I(1), I(256), I(2)}), 27752983, 0, 2041018903},
        {"[:a, :b]", L({A("a"), A("b")}), 9075654, 6, 3632954310u},
        {"[1 | 2]", Improper({I(1)}, I(2)), 86124794, 0, 3844221178u},
        {"[[], []]", L({L({}), L({})}), 67164138, 6, 67164138},
        {"[-1]", L({I(-1)}), 42412580, 0, 3800508964u},
        {"{}", T({}), 87486268, 3, 221703996},
        {"{:ok, \"value\"}", T({A("ok"), S("value")}), 12773029, 0, 3368216229u},
        {"{:a, {:b, {:c}}}", T({A("a"), T({A("b"), T({A("c")})})}), 131874723, 2, 4024188835u},
        {"%{}", M({}), 39679005, 1, 844985373},
        {"%{a: 1, b: 2}", M({{A("a"), I(1)}, {A("b"), I(2)}}), 103634663, 6, 1982682855},
        {"%{{1, 2} => %{c: nil}}", M({{T({I(1), I(2)}), M({{A("c"), A("nil")}})}}), 41344134, 4,
         3531005062u},
        {"40 squares", M(squares), 37357662, 4, 708446302},
        {"100 keyed lists", M(keyed), 5216435, 1, 139434163},
        {"{:via, Registry, {MyReg, \"key\"}}",
         T({A("via"), Mod("Registry"), T({Mod("MyReg"), S("key")})}), 87818908, 6, 2503738012u},
        {"&IO.puts/1", ExternalFun("Elixir.IO", "puts", 1), 20497695, 5, 3375940895u},
        {"&:lists.reverse/1", ExternalFun("lists", "reverse", 1), 134027972, 6, 805116612},
        {"#PID<0.80.0>", P(80), 64285637, 4, 3956599749u},
        {"#PID<0.12345.0>", P(12345), 18097289, 0, 18097289},
    };
}

TEST(Phash2, MatchesTheBeam) {
    for (const Case& c : cases()) {
        SCOPED_TRACE(c.what);
        EXPECT_EQ(phash2(c.term), c.phash2);
        EXPECT_EQ(phash2(c.term, 7), c.in_seven);
        EXPECT_EQ(phash2(c.term, uint64_t{1} << 32), c.full);
    }
}

TEST(Phash2, EqualMapsHashEquallyWhateverTheirInsertionOrder) {
    std::vector<std::pair<Term, Term>> forward, backward;
    for (int64_t i = 0; i < 50; ++i) forward.emplace_back(I(i), S(std::to_string(i)));
    for (int64_t i = 50; i-- > 0;) backward.emplace_back(I(i), S(std::to_string(i)));
    EXPECT_EQ(make_hash2(M(forward)), make_hash2(M(backward)));
}

TEST(Phash2, DeepListsDoNotRecurse) {
    Term deep = Term::empty_list();
    for (int i = 0; i < 1'000'000; ++i) deep = Term::list({deep});
    EXPECT_LT(phash2(deep), uint32_t{1} << 27);
}

}  // namespace
}  // namespace tasklens
