#pragma once
// The one table of Elixir's binary operators, shared by the lexer (which tokens continue an
// expression across a newline, which name functions), the parser (precedence, associativity,
// the AST operator) and the AST printer and compiler (spelling). Operators the parser handles
// structurally (`->`, `=>`, `&`, the unary ones, `[h | t]`) are not in it; Bitwise's operators
// (`&&& ||| <<< >>> ^^^`) lex as one token kind and are listed in kBitwiseOperators.
#include <array>
#include <string_view>

#include "engine/script/ast.h"
#include "engine/script/token.h"

namespace tasklens::script {

struct BinaryOperatorInfo {
    TokenKind token;
    BinaryOperator op;
    std::string_view spelling;
    int precedence;  ///< Elixir's table (lib/elixir/pages/references/operators.md): higher binds
                     ///< tighter
    bool right_assoc;
    bool names_function;  ///< after '.' or before '/' it is a function name (`Kernel.+`, `&+/2`)
};

// clang-format off
inline constexpr std::array<BinaryOperatorInfo, 33> kBinaryOperators{{
    {TokenKind::LeftArrow,      BinaryOperator::LeftArrow,      "<-",     40,  false, false},
    {TokenKind::Backslashes,    BinaryOperator::Default,        "\\\\",   40,  false, false},
    {TokenKind::When,           BinaryOperator::When,           "when",   50,  true,  false},
    {TokenKind::DoubleColon,    BinaryOperator::Type,           "::",     60,  true,  false},
    {TokenKind::Bar,            BinaryOperator::Union,          "|",      70,  true,  false},
    {TokenKind::Match,          BinaryOperator::Match,          "=",      100, true,  false},
    {TokenKind::OrOr,           BinaryOperator::RelaxedOr,      "||",     120, false, true},
    {TokenKind::Or,             BinaryOperator::Or,             "or",     120, false, false},
    {TokenKind::AndAnd,         BinaryOperator::RelaxedAnd,     "&&",     130, false, true},
    {TokenKind::And,            BinaryOperator::And,            "and",    130, false, false},
    {TokenKind::EqualEqual,     BinaryOperator::Equal,          "==",     140, false, true},
    {TokenKind::NotEqual,       BinaryOperator::NotEqual,       "!=",     140, false, true},
    {TokenKind::StrictEqual,    BinaryOperator::StrictEqual,    "===",    140, false, true},
    {TokenKind::StrictNotEqual, BinaryOperator::StrictNotEqual, "!==",    140, false, true},
    {TokenKind::RegexMatch,     BinaryOperator::RegexMatch,     "=~",     140, false, true},
    {TokenKind::Less,           BinaryOperator::Less,           "<",      150, false, true},
    {TokenKind::Greater,        BinaryOperator::Greater,        ">",      150, false, true},
    {TokenKind::LessEqual,      BinaryOperator::LessEqual,      "<=",     150, false, true},
    {TokenKind::GreaterEqual,   BinaryOperator::GreaterEqual,   ">=",     150, false, true},
    {TokenKind::Pipe,           BinaryOperator::Pipe,           "|>",     160, false, true},
    {TokenKind::In,             BinaryOperator::In,             "in",     170, false, false},
    {TokenKind::NotIn,          BinaryOperator::NotIn,          "not in", 170, false, false},
    {TokenKind::StepSlash,      BinaryOperator::RangeStep,      "..//",   190, true,  false},
    {TokenKind::PlusPlus,       BinaryOperator::ListConcat,     "++",     200, true,  true},
    {TokenKind::MinusMinus,     BinaryOperator::ListSubtract,   "--",     200, true,  true},
    {TokenKind::Concat,         BinaryOperator::StringConcat,   "<>",     200, true,  true},
    {TokenKind::Range,          BinaryOperator::Range,          "..",     200, true,  true},
    {TokenKind::Plus,           BinaryOperator::Add,            "+",      210, false, true},
    {TokenKind::Minus,          BinaryOperator::Subtract,       "-",      210, false, true},
    {TokenKind::Star,           BinaryOperator::Multiply,       "*",      220, false, true},
    {TokenKind::Slash,          BinaryOperator::Divide,         "/",      220, false, true},
    {TokenKind::Power,          BinaryOperator::Power,          "**",     230, false, true},
    // never produced by the parser: the token is refused, or lexed as a Bitwise operator
    {TokenKind::UnsupportedOperator, BinaryOperator::Pipe,      "",       160, false, true},
}};
// clang-format on

struct BitwiseOperatorInfo {
    std::string_view spelling;
    int precedence;
};
/// Bitwise's binary operators (Elixir's or_op, and_op, arrow_op and xor_op levels).
inline constexpr std::array<BitwiseOperatorInfo, 5> kBitwiseOperators{
    {{"|||", 120}, {"&&&", 130}, {"<<<", 160}, {">>>", 160}, {"^^^", 180}}};

/// The entry for a token that is a binary operator, or nullptr.
constexpr const BinaryOperatorInfo* binary_operator_info(TokenKind token) {
    for (const auto& info : kBinaryOperators)
        if (info.token == token) return &info;
    return nullptr;
}

/// The entry for an AST operator (its spelling, precedence...).
constexpr const BinaryOperatorInfo& binary_operator_info(BinaryOperator op) {
    for (const auto& info : kBinaryOperators)
        if (info.op == op && !info.spelling.empty()) return info;
    return kBinaryOperators.back();
}

}  // namespace tasklens::script
