// :io and :io_lib (OTP 25): format/fwrite with io_lib_format's control sequences, put_chars, nl,
// write. A format is scanned and every argument checked before anything is written, so a bad
// format writes nothing, as io:format does (it formats in the caller before the io request).
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <variant>
#include <vector>

#include "engine/runtime/inspect.h"
#include "engine/script/stdlib/erl_write.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

// Why a format failed, for io:format's error_info (io_lib:format raises plain badarg).
struct FormatFailure {
    enum class Kind {
        NotAFormat,
        InvalidControl,
        Truncated,
        ArgsNotAList,
        WrongArgCount,
        ArgType,
        Failed
    } kind;
    char32_t control = 0;
    size_t element = 0;     // ArgType: 1-based position in the argument list
    std::string_view type;  // ArgType: "string", "integer", ...
};
[[noreturn]] void fail(FormatFailure::Kind kind) {
    throw FormatFailure{kind};
}

enum class Adjust { Right, Left };

struct Spec {
    char32_t control = 0;
    std::optional<int64_t> width, precision;
    Adjust adjust = Adjust::Right;
    char32_t pad = U' ';
    ErlEncoding encoding = ErlEncoding::Latin1;
    bool strings = true;
    std::vector<Term> args;
    size_t first_arg = 0;  // 1-based index of args[0] in the argument list
};

// A format string as characters: a charlist's elements, an atom's or a binary's bytes (io_lib
// reads a binary format byte by byte, as latin1).
std::u32string format_chars(const Term& format) {
    if (format.is_atom()) return code_points(format.as_atom().name());
    if (format.is_binary()) {
        std::string_view b = format.binary_view();
        std::u32string out;
        for (unsigned char c : b) out.push_back(c);
        return out;
    }
    if (!format.is_list()) fail(FormatFailure::Kind::NotAFormat);
    std::u32string out;
    // io_lib accepts a flat list of characters only.
    for (ListIterator it(format);; ++it) {
        if (it.done()) {
            if (!it.rest().is_empty_list()) fail(FormatFailure::Kind::NotAFormat);
            break;
        }
        if (!(*it).is_integer() || (*it).as_integer() < 0 || (*it).as_integer() > 0x10FFFF)
            fail(FormatFailure::Kind::NotAFormat);
        out.push_back(static_cast<char32_t>((*it).as_integer()));
    }
    return out;
}

using Piece = std::variant<char32_t, Spec>;

std::vector<Piece> scan(const std::u32string& fmt, const std::vector<Term>& args) {
    std::vector<Piece> pieces;
    size_t next_arg = 0;
    auto take_arg = [&]() -> const Term& {
        if (next_arg >= args.size()) fail(FormatFailure::Kind::WrongArgCount);
        return args[next_arg++];
    };
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != U'~') {
            pieces.emplace_back(fmt[i]);
            continue;
        }
        ++i;
        Spec spec;
        auto at = [&](size_t k) -> char32_t { return k < fmt.size() ? fmt[k] : 0; };
        // field_value: digits or '*' (an integer argument).
        auto field_value = [&](std::optional<int64_t>& out) {
            if (at(i) == U'*') {
                const size_t position = next_arg + 1;
                const Term& a = take_arg();
                if (!a.is_integer())
                    throw FormatFailure{FormatFailure::Kind::ArgType, 0, position, "integer"};
                out = a.as_integer();
                ++i;
            } else if (at(i) >= U'0' && at(i) <= U'9') {
                int64_t v = 0;
                while (at(i) >= U'0' && at(i) <= U'9') {
                    v = v * 10 + (at(i) - U'0');
                    if (v > 1'000'000) fail(FormatFailure::Kind::Failed);
                    ++i;
                }
                out = v;
            }
        };
        bool minus = false;
        if (at(i) == U'-') {
            minus = true;
            ++i;
        }
        field_value(spec.width);
        if (minus && spec.width) spec.width = -*spec.width;
        if (spec.width && *spec.width < 0) {
            spec.width = -*spec.width;
            spec.adjust = Adjust::Left;
        }
        if (at(i) == U'.') {
            ++i;
            field_value(spec.precision);
            if (spec.precision && *spec.precision < 0) fail(FormatFailure::Kind::Failed);
            if (at(i) == U'.') {
                if (at(i + 1) == U'*') {
                    const size_t position = next_arg + 1;
                    const Term& a = take_arg();
                    if (!a.is_integer())
                        throw FormatFailure{FormatFailure::Kind::ArgType, 0, position, "integer"};
                    spec.pad = static_cast<char32_t>(a.as_integer());
                    i += 2;
                } else if (i + 1 < fmt.size()) {
                    spec.pad = fmt[i + 1];
                    i += 2;
                }
            }
        }
        while (at(i) == U't' || at(i) == U'l') {
            if (at(i) == U't') spec.encoding = ErlEncoding::Unicode;
            if (at(i) == U'l') spec.strings = false;
            ++i;
        }
        if (i >= fmt.size()) fail(FormatFailure::Kind::Truncated);
        spec.control = fmt[i];
        int wanted;
        switch (spec.control) {
            case U'w':
            case U'p':
            case U's':
            case U'e':
            case U'f':
            case U'g':
            case U'b':
            case U'B':
            case U'+':
            case U'#':
            case U'c':
            case U'i':
                wanted = 1;
                break;
            case U'W':
            case U'P':
            case U'x':
            case U'X':
                wanted = 2;
                break;
            case U'~':
            case U'n':
                wanted = 0;
                break;
            default:
                throw FormatFailure{FormatFailure::Kind::InvalidControl, spec.control};
        }
        spec.first_arg = next_arg + 1;
        for (int k = 0; k < wanted; ++k) spec.args.push_back(take_arg());
        pieces.emplace_back(std::move(spec));
    }
    if (next_arg != args.size()) fail(FormatFailure::Kind::WrongArgCount);
    return pieces;
}

[[noreturn]] void wrong_type(const Spec& spec, std::string_view type) {
    throw FormatFailure{FormatFailure::Kind::ArgType, 0, spec.first_arg, type};
}

std::u32string chars(char32_t c, int64_t n) {
    return std::u32string(static_cast<size_t>(std::max<int64_t>(n, 0)), c);
}
std::u32string adjust(std::u32string data, const std::u32string& pad, Adjust adj) {
    return adj == Adjust::Left ? data + pad : pad + data;
}

// io_lib_format:term/5: a term's text in a field, '*'s when it does not fit.
std::u32string term_field(std::u32string t, std::optional<int64_t> f, Adjust adj,
                          std::optional<int64_t> p, char32_t pad) {
    if (!f && !p) return t;
    if (!f) f = p;
    const int64_t len = static_cast<int64_t>(t.size());
    const int64_t prec = std::min(len, p ? std::min(*p, *f) : *f);
    if (len > prec) return adjust(chars(U'*', prec), chars(pad, *f - prec), adj);
    return adjust(std::move(t), chars(pad, *f - len), adj);
}

std::u32string string_field(std::u32string s, int64_t f, Adjust adj, char32_t pad) {
    const int64_t n = static_cast<int64_t>(s.size());
    if (n > f) return s.substr(0, static_cast<size_t>(f));
    if (n < f) return adjust(std::move(s), chars(pad, f - n), adj);
    return s;
}

// io_lib_format:string/6
std::u32string string_spec(std::u32string s, const Spec& spec) {
    const auto& f = spec.width;
    const auto& p = spec.precision;
    if (!f && !p) return s;
    if (!p) return string_field(std::move(s), *f, spec.adjust, spec.pad);
    if (!f) return string_field(std::move(s), *p, Adjust::Left, spec.pad);
    if (*f < *p) fail(FormatFailure::Kind::Failed);
    const int64_t n = static_cast<int64_t>(s.size());
    if (*f == *p) return string_field(std::move(s), *f, spec.adjust, spec.pad);
    if (n > *p)
        return adjust(s.substr(0, static_cast<size_t>(*p)), chars(spec.pad, *f - *p), spec.adjust);
    if (n < *p) return adjust(s + chars(spec.pad, *p - n), chars(spec.pad, *f - *p), spec.adjust);
    return adjust(std::move(s), chars(spec.pad, *f - *p), spec.adjust);
}

// The characters of ~s's argument: chardata (latin1: every character below 256 and binaries
// as bytes; unicode: binaries decoded as UTF-8, falling back to bytes).
// `strict`: a binary must be UTF-8 (io:put_chars), with no latin1 fallback.
bool collect_chardata(const Term& t, ErlEncoding enc, std::u32string& out, int depth = 0,
                      bool strict = false) {
    if (depth > 10000) return false;
    if (t.is_binary()) {
        std::string_view b = t.binary_view();
        if (strict && !utf8_valid(b)) return false;
        if (enc == ErlEncoding::Unicode && utf8_valid(b)) {
            out += code_points(b);
        } else {
            for (unsigned char c : b) out.push_back(c);
        }
        return true;
    }
    if (!t.is_list()) return false;
    for (ListIterator it(t);; ++it) {
        if (it.done()) {
            const Term& rest = it.rest();
            if (rest.is_empty_list()) return true;
            return rest.is_binary() && collect_chardata(rest, enc, out, depth + 1, strict);
        }
        const Term& e = *it;
        if (e.is_integer()) {
            int64_t c = e.as_integer();
            if (c < 0 || c > (enc == ErlEncoding::Latin1 ? 255 : 0x10FFFF)) return false;
            out.push_back(static_cast<char32_t>(c));
        } else if (!collect_chardata(e, enc, out, depth + 1, strict)) {
            return false;
        }
    }
}

std::u32string integer_text(const Term& value, int64_t base, bool lowercase) {
    if (base < 2 || base > 36) fail(FormatFailure::Kind::Failed);
    std::string s = integer_term_text(value, static_cast<int>(base));
    std::u32string out;
    for (char c : s) out.push_back(lowercase && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

// float_data: the 21 significant digits of float_to_list/1 ("%.20e") and the exponent + 1.
std::pair<std::string, int> float_data(double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.20e", std::fabs(x));
    std::string digits;
    const char* p = buf;
    for (; *p && *p != 'e'; ++p)
        if (*p >= '0' && *p <= '9') digits += *p;
    int exponent = std::atoi(p + 1);
    return {digits, exponent + 1};
}

// float_man/2,3: `ic` characters before the point and `dc` decimals, rounded half up on the
// digits; returns the text and whether a carry came out of the top.
std::pair<std::string, bool> float_man_decimals(std::string_view ds, int dc) {
    if (dc == 0) return {"", !ds.empty() && ds[0] >= '5'};
    if (ds.empty()) return {std::string(static_cast<size_t>(dc), '0'), false};
    auto [cs, carry] = float_man_decimals(ds.substr(1), dc - 1);
    char d = ds[0];
    if (carry && d == '9') return {"0" + cs, true};
    if (carry) return {std::string(1, static_cast<char>(d + 1)) + cs, false};
    return {std::string(1, d) + cs, false};
}
std::pair<std::string, bool> float_man(std::string_view ds, int ic, int dc) {
    if (ic == 0) {
        auto [cs, carry] = float_man_decimals(ds, dc);
        return {"." + cs, carry};
    }
    if (ds.empty())
        return {std::string(static_cast<size_t>(ic), '0') + "." +
                    std::string(static_cast<size_t>(dc), '0'),
                false};
    auto [cs, carry] = float_man(ds.substr(1), ic - 1, dc);
    char d = ds[0];
    if (carry && d == '9') return {"0" + cs, true};
    if (carry) return {std::string(1, static_cast<char>(d + 1)) + cs, false};
    return {std::string(1, d) + cs, false};
}
std::string sign_of(double x) {
    return std::signbit(x) ? "-" : "";
}
std::string float_exp(int e) {
    return e >= 0 ? "e+" + std::to_string(e) : "e" + std::to_string(e);
}
std::string float_e(double x, int p) {
    auto [ds, e] = float_data(x);
    auto [fs, carry] = float_man(ds, 1, p - 1);
    if (carry) return sign_of(x) + "1" + fs.substr(1) + float_exp(e);
    return sign_of(x) + fs + float_exp(e - 1);
}
std::string float_f(double x, int p) {
    auto [ds, e] = float_data(x);
    if (e <= 0) {
        ds = std::string(static_cast<size_t>(-e + 1), '0') + ds;
        e = 1;
    }
    auto [fs, carry] = float_man(ds, e, p);
    return sign_of(x) + (carry ? "1" + fs : fs);
}
std::u32string ascii(const std::string& s) {
    return std::u32string(s.begin(), s.end());
}

std::u32string fwrite_e(double x, const Spec& s) {
    int64_t p = s.precision.value_or(6);
    if (p < 2) fail(FormatFailure::Kind::Failed);
    std::u32string t = ascii(float_e(x, static_cast<int>(p)));
    if (!s.width) return t;
    return term_field(std::move(t), s.width, s.adjust, s.width, s.pad);
}
std::u32string fwrite_f(double x, const Spec& s, std::optional<int64_t> precision) {
    int64_t p = precision.value_or(6);
    if (p < 1) fail(FormatFailure::Kind::Failed);
    std::u32string t = ascii(float_f(x, static_cast<int>(p)));
    if (!s.width) return t;
    return term_field(std::move(t), s.width, s.adjust, s.width, s.pad);
}
std::u32string fwrite_g(double x, const Spec& s) {
    int64_t p = s.precision.value_or(6);
    if (p < 1) fail(FormatFailure::Kind::Failed);
    double a = std::fabs(x);
    std::optional<int> e;
    if (a < 1.0e-1)
        e = -2;
    else if (a < 1.0)
        e = -1;
    else if (a < 1.0e1)
        e = 0;
    else if (a < 1.0e2)
        e = 1;
    else if (a < 1.0e3)
        e = 2;
    else if (a < 1.0e4)
        e = 3;
    Spec es = s;
    if (e && ((p <= 1 && *e == -1) || (p - 1 > *e && *e >= -1))) return fwrite_f(x, s, p - 1 - *e);
    es.precision = p <= 1 ? 2 : p;
    return fwrite_e(x, es);
}

const Term& need_integer_arg(const Spec& s, const Term& t) {
    if (!t.is_integral()) wrong_type(s, "integer");
    return t;
}
double need_float_arg(const Spec& s, const Term& t) {
    if (!t.is_float()) wrong_type(s, "float");
    return t.as_float();
}

// The prefix of ~x/~X: an atom's text or a deep list of characters.
std::u32string prefix_chars(const Term& prefix) {
    if (prefix.is_atom()) return code_points(prefix.as_atom().name());
    std::u32string out;
    if (!prefix.is_list()) fail(FormatFailure::Kind::Failed);
    std::function<void(const Term&)> walk = [&](const Term& t) {
        for (ListIterator it(t);; ++it) {
            if (it.done()) {
                if (!it.rest().is_empty_list()) fail(FormatFailure::Kind::Failed);
                return;
            }
            if ((*it).is_integer() && (*it).as_integer() >= 0)
                out.push_back(static_cast<char32_t>((*it).as_integer()));
            else if ((*it).is_list())
                walk(*it);
            else
                fail(FormatFailure::Kind::Failed);
        }
    };
    walk(prefix);
    return out;
}

std::u32string prefixed_integer(const Term& v, const Spec& s, std::u32string prefix, bool lower) {
    int64_t base = s.precision.value_or(10);
    bool negative = v.is_integer() ? v.as_integer() < 0 : compare(v, Term::integer(0)) < 0;
    std::u32string digits = integer_text(v, base, lower);
    if (negative) digits = digits.substr(1);
    return term_field((negative ? U"-" : U"") + prefix + digits, s.width, s.adjust, std::nullopt,
                      s.pad);
}

std::u32string char_spec(char32_t c, const Spec& s) {
    if (!s.width && !s.precision) return std::u32string(1, c);
    if (!s.precision) return chars(c, *s.width);
    if (!s.width) return chars(c, *s.precision);
    if (*s.width < *s.precision) fail(FormatFailure::Kind::Failed);
    return adjust(chars(c, *s.precision), chars(s.pad, *s.width - *s.precision), s.adjust);
}

// One control sequence; `column` is where its output starts (for ~p's indentation).
std::u32string control(const Spec& s, int64_t column) {
    switch (s.control) {
        case U's': {
            std::u32string text;
            const Term& a = s.args[0];
            if (a.is_atom()) {
                text = code_points(a.as_atom().name());
            } else if (!collect_chardata(a, s.encoding, text)) {
                wrong_type(s, "string");
            }
            return string_spec(std::move(text), s);
        }
        case U'w':
        case U'W': {
            int depth = -1;
            if (s.control == U'W') {
                if (!s.args[1].is_integer()) wrong_type(s, "integer");
                depth = static_cast<int>(s.args[1].as_integer());
            }
            return term_field(erl_write(s.args[0], depth, s.encoding), s.width, s.adjust,
                              s.precision, s.pad);
        }
        case U'p':
        case U'P': {
            int depth = -1;
            if (s.control == U'P') {
                if (!s.args[1].is_integer()) wrong_type(s, "integer");
                depth = static_cast<int>(s.args[1].as_integer());
            }
            if (s.adjust == Adjust::Left) fail(FormatFailure::Kind::Failed);
            int64_t line_length = s.width.value_or(80);
            int64_t col = s.precision.value_or(column + 1);
            return erl_print(s.args[0], static_cast<int>(col), static_cast<int>(line_length), depth,
                             s.encoding, s.strings);
        }
        case U'e':
            return fwrite_e(need_float_arg(s, s.args[0]), s);
        case U'f':
            return fwrite_f(need_float_arg(s, s.args[0]), s, s.precision);
        case U'g':
            return fwrite_g(need_float_arg(s, s.args[0]), s);
        case U'b':
        case U'B':
            return term_field(integer_text(need_integer_arg(s, s.args[0]), s.precision.value_or(10),
                                           s.control == U'b'),
                              s.width, s.adjust, std::nullopt, s.pad);
        case U'x':
        case U'X':
            return prefixed_integer(need_integer_arg(s, s.args[0]), s, prefix_chars(s.args[1]),
                                    s.control == U'x');
        case U'+':
        case U'#': {
            int64_t base = s.precision.value_or(10);
            return prefixed_integer(need_integer_arg(s, s.args[0]), s,
                                    ascii(std::to_string(base) + "#"), s.control == U'+');
        }
        case U'c': {
            const Term& a = s.args[0];
            if (!a.is_integer()) wrong_type(s, "integer");
            int64_t c = a.as_integer();
            if (s.encoding == ErlEncoding::Latin1) c &= 255;
            if (c < 0 || c > 0x10FFFF) fail(FormatFailure::Kind::Failed);
            return char_spec(static_cast<char32_t>(c), s);
        }
        case U'~':
            return char_spec(U'~', s);
        case U'n':
            if (!s.width) return U"\n";
            if (s.adjust == Adjust::Left) fail(FormatFailure::Kind::Failed);
            return chars(U'\n', *s.width);
        case U'i':
            return U"";
    }
    fail(FormatFailure::Kind::Failed);
}

bool is_limited(char32_t c) {
    return c == U'p' || c == U'P' || c == U'w' || c == U'W' || c == U's';
}

// io_lib:format/2 as a list: literal characters and the flattened output of the small controls
// as integers, each ~p/~P/~w/~W/~s result as one nested charlist (the BEAM nests those deeper).
struct Formatted {
    std::u32string text;
    std::vector<Term> elements;
};

Formatted format(const Term& format_term, const Term& args_term) {
    std::u32string fmt = format_chars(format_term);
    std::vector<Term> args;
    if (!args_term.is_list() || !list_to_vector(args_term, args))
        fail(FormatFailure::Kind::ArgsNotAList);
    std::vector<Piece> pieces = scan(fmt, args);
    Formatted out;
    int64_t column = 0;
    auto advance = [&](const std::u32string& s) {
        for (char32_t c : s) {
            if (c == U'\n')
                column = 0;
            else if (c == U'\t')
                column = ((column + 8) / 8) * 8;
            else
                ++column;
        }
    };
    for (const Piece& piece : pieces) {
        if (const char32_t* c = std::get_if<char32_t>(&piece)) {
            out.text += *c;
            out.elements.push_back(Term::integer(*c));
            advance(std::u32string(1, *c));
            continue;
        }
        const Spec& spec = std::get<Spec>(piece);
        std::u32string s = control(spec, column);
        out.text += s;
        advance(s);
        if (is_limited(spec.control)) {
            std::vector<Term> cs;
            cs.reserve(s.size());
            for (char32_t c : s) cs.push_back(Term::integer(c));
            out.elements.push_back(Term::list(cs));
        } else {
            for (char32_t c : s) out.elements.push_back(Term::integer(c));
        }
    }
    return out;
}

std::string ordinal(size_t n) {
    static const char* const names[] = {"", "1st", "2nd", "3rd"};
    return n <= 3 ? names[n] : std::to_string(n) + "th";
}

// io:format's error_info, as erl_stdlib_errors words it.
[[noreturn]] void raise_io_format_error(const FormatFailure& f, int format_position) {
    switch (f.kind) {
        case FormatFailure::Kind::NotAFormat:
            raise_bif_argument_error(format_position, "not a valid format string");
        case FormatFailure::Kind::InvalidControl:
            raise_bif_argument_error(format_position, "format string invalid (invalid control ~" +
                                                          to_utf8(std::u32string(1, f.control)) +
                                                          ")");
        case FormatFailure::Kind::Truncated:
            raise_bif_argument_error(format_position, "format string invalid (truncated)");
        case FormatFailure::Kind::ArgsNotAList:
            raise_bif_argument_error(format_position + 1, "not a list");
        case FormatFailure::Kind::WrongArgCount:
            raise_bif_argument_error(format_position, "wrong number of arguments");
        case FormatFailure::Kind::ArgType:
            raise_bif_argument_error(
                format_position + 1,
                "element " + std::to_string(f.element) + " must be of type " + std::string(f.type));
        case FormatFailure::Kind::Failed:
            break;
    }
    raise_bif_argument_error(format_position, "failed to format string");
}

bool is_stderr(const Term& device) {
    return device.is_atom() && device.as_atom().name() == "standard_error";
}

Term io_format_to(ProcessContext& ctx, const Term& device, const Term& fmt, const Term& args,
                  int format_position) {
    std::string text;
    try {
        text = to_utf8(format(fmt, args).text);
    } catch (const FormatFailure& f) {
        raise_io_format_error(f, format_position);
    }
    ctx.write_console(text, is_stderr(device));
    return Term::atom(atom::ok);
}

Term io_format1(ProcessContext& ctx, Args a) {
    return io_format_to(ctx, Term::atom("standard_io"), a[0], Term::empty_list(), 1);
}
Term io_format2(ProcessContext& ctx, Args a) {
    return io_format_to(ctx, Term::atom("standard_io"), a[0], a[1], 1);
}
Term io_format3(ProcessContext& ctx, Args a) {
    return io_format_to(ctx, a[0], a[1], a[2], 2);
}

Term io_lib_format(ProcessContext&, Args a) {
    try {
        return Term::list(format(a[0], a[1]).elements);
    } catch (const FormatFailure&) {
        throw ErlangException::badarg();
    }
}

Term charlist(const std::u32string& s) {
    std::vector<Term> cs;
    cs.reserve(s.size());
    for (char32_t c : s) cs.push_back(Term::integer(c));
    return Term::list(cs);
}

Term io_lib_write1(ProcessContext&, Args a) {
    return charlist(erl_write(a[0]));
}
Term io_lib_write2(ProcessContext&, Args a) {
    if (!a[1].is_integer()) throw ErlangException::badarg();
    return charlist(erl_write(a[0], static_cast<int>(a[1].as_integer())));
}
Term io_lib_print1(ProcessContext&, Args a) {
    return charlist(erl_print(a[0], 1, 80, -1, ErlEncoding::Latin1));
}

// io:put_chars: unicode chardata; anything else is the BEAM's ArgumentError.
Term put_chars_to(ProcessContext& ctx, const Term& device, const Term& data) {
    if (data.is_binary()) {  // written as it is, unchecked, as the io server does
        ctx.write_console(data.binary_view(), is_stderr(device));
        return Term::atom(atom::ok);
    }
    std::u32string chars;
    if (!collect_chardata(data, ErlEncoding::Unicode, chars, 0, true))
        raise_bif_argument_error(1, "not valid character data (an iodata term)");
    ctx.write_console(to_utf8(chars), is_stderr(device));
    return Term::atom(atom::ok);
}
Term io_put_chars1(ProcessContext& ctx, Args a) {
    return put_chars_to(ctx, Term::atom("standard_io"), a[0]);
}
Term io_put_chars2(ProcessContext& ctx, Args a) {
    return put_chars_to(ctx, a[0], a[1]);
}
Term io_nl0(ProcessContext& ctx, Args) {
    ctx.write_console("\n", false);
    return Term::atom(atom::ok);
}
Term io_nl1(ProcessContext& ctx, Args a) {
    ctx.write_console("\n", is_stderr(a[0]));
    return Term::atom(atom::ok);
}
Term io_write1(ProcessContext& ctx, Args a) {
    ctx.write_console(to_utf8(erl_write(a[0])), false);
    return Term::atom(atom::ok);
}
Term io_write2(ProcessContext& ctx, Args a) {
    ctx.write_console(to_utf8(erl_write(a[1])), is_stderr(a[0]));
    return Term::atom(atom::ok);
}

}  // namespace

void register_io(BuiltinTable& t) {
    for (const char* name : {"format", "fwrite"}) {
        t.add("io", name, 1, io_format1);
        t.add("io", name, 2, io_format2);
        t.add("io", name, 3, io_format3);
        t.add("io_lib", name, 2, io_lib_format);
    }
    t.add("io", "put_chars", 1, io_put_chars1);
    t.add("io", "put_chars", 2, io_put_chars2);
    t.add("io", "nl", 0, io_nl0);
    t.add("io", "nl", 1, io_nl1);
    t.add("io", "write", 1, io_write1);
    t.add("io", "write", 2, io_write2);
    t.add("io_lib", "write", 1, io_lib_write1);
    t.add("io_lib", "write", 2, io_lib_write2);
    t.add("io_lib", "print", 1, io_lib_print1);
}

}  // namespace tasklens::script::stdlib
