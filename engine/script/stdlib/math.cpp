// :math — the C library's functions as OTP exposes them: arguments are numbers (anything else is
// the BIF's ArgumentError, "1st argument: not a number"), results are floats, and a result that is
// not a finite number (sqrt(-1), log(0), pow(10.0, 400)) raises ArithmeticError (badarith).
#include <cmath>
#include <numbers>

#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

double num(const Term& t, int position) {
    if (!t.is_number()) raise_bif_argument_error(position, "not a number");
    return t.as_number();
}
Term result(double r) {
    if (!std::isfinite(r)) raise_arithmetic_error();
    return Term::floating(r);
}

template <double (*F)(double)>
Term unary(ProcessContext&, Args a) {
    return result(F(num(a[0], 1)));
}
template <double (*F)(double, double)>
Term binary(ProcessContext&, Args a) {
    return result(F(num(a[0], 1), num(a[1], 2)));
}

double c_sin(double x) {
    return std::sin(x);
}
double c_cos(double x) {
    return std::cos(x);
}
double c_tan(double x) {
    return std::tan(x);
}
double c_asin(double x) {
    return std::asin(x);
}
double c_acos(double x) {
    return std::acos(x);
}
double c_atan(double x) {
    return std::atan(x);
}
double c_sinh(double x) {
    return std::sinh(x);
}
double c_cosh(double x) {
    return std::cosh(x);
}
double c_tanh(double x) {
    return std::tanh(x);
}
double c_asinh(double x) {
    return std::asinh(x);
}
double c_acosh(double x) {
    return std::acosh(x);
}
double c_atanh(double x) {
    return std::atanh(x);
}
double c_exp(double x) {
    return std::exp(x);
}
double c_log(double x) {
    return std::log(x);
}
double c_log2(double x) {
    return std::log2(x);
}
double c_log10(double x) {
    return std::log10(x);
}
double c_sqrt(double x) {
    return std::sqrt(x);
}
double c_erf(double x) {
    return std::erf(x);
}
double c_erfc(double x) {
    return std::erfc(x);
}
double c_ceil(double x) {
    return std::ceil(x);
}
double c_floor(double x) {
    return std::floor(x);
}
double c_atan2(double y, double x) {
    return std::atan2(y, x);
}
double c_pow(double x, double y) {
    return std::pow(x, y);
}
double c_fmod(double x, double y) {
    return std::fmod(x, y);
}

}  // namespace

void register_math(BuiltinTable& t) {
    const char* M = "math";
    t.add(
        M, "pi", 0, +[](ProcessContext&, Args) { return Term::floating(std::numbers::pi); });
    t.add(M, "sin", 1, unary<c_sin>);
    t.add(M, "cos", 1, unary<c_cos>);
    t.add(M, "tan", 1, unary<c_tan>);
    t.add(M, "asin", 1, unary<c_asin>);
    t.add(M, "acos", 1, unary<c_acos>);
    t.add(M, "atan", 1, unary<c_atan>);
    t.add(M, "sinh", 1, unary<c_sinh>);
    t.add(M, "cosh", 1, unary<c_cosh>);
    t.add(M, "tanh", 1, unary<c_tanh>);
    t.add(M, "asinh", 1, unary<c_asinh>);
    t.add(M, "acosh", 1, unary<c_acosh>);
    t.add(M, "atanh", 1, unary<c_atanh>);
    t.add(M, "exp", 1, unary<c_exp>);
    t.add(M, "log", 1, unary<c_log>);
    t.add(M, "log2", 1, unary<c_log2>);
    t.add(M, "log10", 1, unary<c_log10>);
    t.add(M, "sqrt", 1, unary<c_sqrt>);
    t.add(M, "erf", 1, unary<c_erf>);
    t.add(M, "erfc", 1, unary<c_erfc>);
    t.add(M, "ceil", 1, unary<c_ceil>);
    t.add(M, "floor", 1, unary<c_floor>);
    t.add(M, "atan2", 2, binary<c_atan2>);
    t.add(M, "pow", 2, binary<c_pow>);
    t.add(M, "fmod", 2, binary<c_fmod>);
}

}  // namespace tasklens::script::stdlib
