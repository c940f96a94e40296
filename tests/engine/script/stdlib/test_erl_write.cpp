// io_lib:write and io_lib_pretty:print; the expected texts come from OTP 25
// (`:io_lib.write/1,2`, `:io_lib_pretty.print/4` under Elixir 1.14).
#include <gtest/gtest.h>

#include "engine/script/stdlib/erl_write.h"

namespace tasklens::script::stdlib {
namespace {

Term ints(int from, int to) {
    std::vector<Term> items;
    for (int i = from; i <= to; ++i) items.push_back(Term::integer(i));
    return Term::list(items);
}

std::string write(const Term& t, int depth = -1) {
    return to_utf8(erl_write(t, depth, ErlEncoding::Latin1));
}
std::string print(const Term& t, int column, int line_length) {
    return to_utf8(erl_print(t, column, line_length, -1, ErlEncoding::Latin1));
}

TEST(ErlWrite, WritesErlangSyntax) {
    Term t = Term::tuple({Term::atom("ok"), Term::list({Term::integer(1), Term::integer(2)}),
                          Term::binary("ab"), Term::floating(1.5)});
    EXPECT_EQ(write(t), "{ok,[1,2],<<97,98>>,1.5}");
    EXPECT_EQ(write(ints(1, 10), 4), "[1,2,3|...]");
    EXPECT_EQ(to_utf8(erl_write_atom(Atom::intern("Hello"))), "'Hello'");
    EXPECT_EQ(to_utf8(erl_write_atom(Atom::intern("and"))), "'and'");
    EXPECT_EQ(to_utf8(erl_write_atom(Atom::intern("a@b_1"))), "a@b_1");
}

TEST(ErlPrint, BreaksListsAtTheLineLength) {
    EXPECT_EQ(print(ints(1, 30), 1, 40),
              "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,\n 16,17,18,19,20,21,22,23,24,25,26,27,\n"
              " 28,29,30]");
}

TEST(ErlPrint, KeepsALoneElementAfterItsTag) {
    Term t =
        Term::tuple({Term::atom("error"),
                     Term::tuple({Term::atom("some_reason"), Term::binary(std::string(60, 'a'))})});
    EXPECT_EQ(print(t, 1, 80), "{error,{some_reason,<<\"" + std::string(60, 'a') + "\">>}}");
}

TEST(ErlPrint, PrintableListsAreStrings) {
    EXPECT_EQ(print(Term::list({Term::integer('h'), Term::integer('i')}), 1, 80), "\"hi\"");
    EXPECT_EQ(print(Term::binary("h\xc3\xa9"), 1, 80), "<<\"h\xc3\x83\xc2\xa9\">>");
    EXPECT_EQ(to_utf8(erl_print(Term::binary("h\xc3\xa9"), 1, 80, -1, ErlEncoding::Unicode)),
              "<<\"h\xc3\xa9\"/utf8>>");
}

}  // namespace
}  // namespace tasklens::script::stdlib
