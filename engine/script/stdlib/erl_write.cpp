// Over 800 lines: io_lib:write and io_lib_pretty share one intermediate format (If) and its
// measuring and layout passes; splitting them would put that format in a header for no reader.
// io_lib:write and io_lib_pretty:print of OTP 25, rule for rule: the pretty printer first measures
// the term into an intermediate tree (print_length), then lays it out (pp) with the same column
// tests, tagged-tuple indentation and the same `-1`/`4` indentation search as io_lib_pretty.
// Maps are walked in maps:iterator order (erts' fold order), as io_lib does.
#include "engine/script/stdlib/erl_write.h"

#include <memory>
#include <optional>
#include <vector>

#include "engine/runtime/integer.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {

std::u32string code_points(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        char32_t cp;
        bool valid;
        i += utf8_decode(s, i, cp, valid);
        out.push_back(cp);
    }
    return out;
}

std::string to_utf8(std::u32string_view chars) {
    std::string out;
    out.reserve(chars.size());
    for (char32_t c : chars) utf8_append(out, c);
    return out;
}

namespace {

std::u32string ascii(std::string_view s) {
    return std::u32string(s.begin(), s.end());
}

bool is_latin1_lower(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}
bool is_name_char(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '@' || (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7);
}
bool is_reserved_word(std::u32string_view a) {
    static const char* const words[] = {
        "after", "and",  "andalso", "band",   "begin",   "bnot", "bor", "bsl",  "bsr",
        "bxor",  "case", "catch",   "cond",   "div",     "end",  "fun", "if",   "let",
        "not",   "of",   "or",      "orelse", "receive", "rem",  "try", "when", "xor"};
    for (const char* w : words)
        if (a == ascii(w)) return true;
    return false;
}

// io_lib's string_char: what a character becomes inside quotes.
void append_string_char(std::u32string& out, char32_t c, char32_t quote, ErlEncoding enc) {
    if (c == quote) {
        out += U'\\';
        out += c;
    } else if (c == '\\') {
        out += U"\\\\";
    } else if (c >= ' ' && c <= '~') {
        out += c;
    } else if (c >= 0xA0 && (enc == ErlEncoding::Unicode || c <= 0xFF)) {
        out += c;
    } else if (c == '\n') {
        out += U"\\n";
    } else if (c == '\r') {
        out += U"\\r";
    } else if (c == '\t') {
        out += U"\\t";
    } else if (c == '\v') {
        out += U"\\v";
    } else if (c == '\b') {
        out += U"\\b";
    } else if (c == '\f') {
        out += U"\\f";
    } else if (c == 27) {
        out += U"\\e";
    } else if (c == 127) {
        out += U"\\d";
    } else if (c < 0xA0) {
        // control/2: \^A for the C0 controls, octal for the C1 range
        if (c < 32) {
            out += U"\\^";
            out += static_cast<char32_t>(c + 64);
        } else {
            out += U'\\';
            out += static_cast<char32_t>('0' + ((c >> 6) & 7));
            out += static_cast<char32_t>('0' + ((c >> 3) & 7));
            out += static_cast<char32_t>('0' + (c & 7));
        }
    } else {
        std::string hex = integer_to_text(static_cast<int64_t>(c), 16);
        out += U"\\x{" + ascii(hex) + U"}";
    }
}

std::u32string integer_chars(const Term& t) {
    return ascii(integer_term_text(t, 10));
}

std::u32string write_pid(Pid p) {
    return ascii("<" + std::to_string(p.node) + "." + std::to_string(p.serial) + ".0>");
}
std::u32string write_ref(Ref r) {
    return ascii("#Ref<0.0.0." + std::to_string(r.id) + ">");
}
std::u32string write_fun(const FunObject& f) {
    if (f.kind == FunObject::Kind::External) {
        return U"fun " + erl_write_atom(f.module) + U":" + erl_write_atom(f.name) + U"/" +
               ascii(std::to_string(f.arity));
    }
    // erlang:fun_to_list/1: the defining module unquoted, the fun's index and a uniq number.
    return U"#Fun<" + code_points(f.module.name()) + U"." + ascii(std::to_string(f.unique)) + U"." +
           ascii(std::to_string(f.arity)) + U">";
}

// io_lib:write_binary_body: byte values, then "X:Bits" for a trailing partial byte; "..." once
// the depth runs out. The tokens keep their separators apart so pp_binary can break lines.
struct BinaryTokens {
    std::vector<std::u32string> bytes;  // each followed by ',' but the last
    std::optional<std::pair<std::u32string, std::u32string>> tail_bits;  // X, Bits
    bool dots = false;
};
BinaryTokens binary_tokens(const Term& bin, int depth) {
    BinaryTokens tokens;
    std::string_view bytes = bin.binary_view();
    uint64_t bits = bin.bit_size();
    size_t whole = bits / 8;
    int d = depth;
    for (size_t i = 0; i < whole; ++i) {
        if (d == 1) {
            tokens.dots = true;
            return tokens;
        }
        tokens.bytes.push_back(ascii(std::to_string(static_cast<unsigned char>(bytes[i]))));
        --d;
    }
    if (unsigned rest = bits % 8) {
        if (d == 1) {
            tokens.dots = true;
            return tokens;
        }
        unsigned value = static_cast<unsigned char>(bytes[whole]) >> (8 - rest);
        tokens.tail_bits = {ascii(std::to_string(value)), ascii(std::to_string(rest))};
    }
    return tokens;
}
std::u32string join_binary(const BinaryTokens& t) {
    std::u32string s = U"<<";
    for (size_t i = 0; i < t.bytes.size(); ++i) {
        if (i) s += U',';
        s += t.bytes[i];
    }
    if (t.tail_bits) {
        if (!t.bytes.empty()) s += U',';
        s += t.tail_bits->first + U":" + t.tail_bits->second;
    }
    if (t.dots) {
        if (!t.bytes.empty()) s += U',';
        s += U"...";
    }
    return s + U">>";
}

void write_term(std::u32string& out, const Term& t, int depth, ErlEncoding enc);

void write_list(std::u32string& out, const Term& list, int depth, ErlEncoding enc) {
    out += U'[';
    write_term(out, list.head(), depth - 1, enc);
    const Term* rest = &list.tail();
    int d = depth - 1;
    while (true) {
        if (rest->is_empty_list()) break;
        if (d == 1) {
            out += U"|...";
            break;
        }
        if (rest->is_cons()) {
            out += U',';
            write_term(out, rest->head(), d - 1, enc);
            rest = &rest->tail();
            --d;
        } else {
            out += U'|';
            write_term(out, *rest, d - 1, enc);
            break;
        }
    }
    out += U']';
}

void write_term(std::u32string& out, const Term& t, int depth, ErlEncoding enc) {
    if (depth == 0) {
        out += U"...";
        return;
    }
    switch (t.type()) {
        case TermType::Integer:
        case TermType::BigInt:
            out += integer_chars(t);
            return;
        case TermType::Float:
            out += ascii(format_float(t.as_float()));
            return;
        case TermType::Atom:
            out += erl_write_atom(t.as_atom(), enc);
            return;
        case TermType::Pid:
            out += write_pid(t.as_pid());
            return;
        case TermType::Reference:
            out += write_ref(t.as_reference());
            return;
        case TermType::Fun:
            out += write_fun(t.fun());
            return;
        case TermType::Nil:
            out += U"[]";
            return;
        case TermType::List:
            if (depth == 1) {
                out += U"[...]";
                return;
            }
            write_list(out, t, depth, enc);
            return;
        case TermType::Tuple: {
            if (depth == 1) {
                out += U"{...}";
                return;
            }
            out += U'{';
            int d = depth;
            auto items = t.tuple_items();
            for (size_t i = 0; i < items.size(); ++i) {
                if (i) out += U',';
                if (d == 1) {
                    out += U"...";
                    break;
                }
                write_term(out, items[i], d - 1, enc);
                --d;
            }
            out += U'}';
            return;
        }
        case TermType::Map: {
            if (depth == 1) {
                out += U"#{...}";
                return;
            }
            out += U"#{";
            int d = depth;
            bool first = true;
            for (const auto& [k, v] : t.map_object().fold_order()) {
                if (!first) out += U',';
                first = false;
                if (d == 1) {
                    out += U"...";
                    break;
                }
                write_term(out, k, depth - 1, enc);
                out += U" => ";
                write_term(out, v, depth - 1, enc);
                --d;
            }
            out += U'}';
            return;
        }
        case TermType::Binary:
        case TermType::Bitstring:
            if (t.bit_size() == 0) {
                out += U"<<>>";
                return;
            }
            if (depth == 1) {
                out += U"<<...>>";
                return;
            }
            out += join_binary(binary_tokens(t, depth));
            return;
    }
}

// --- io_lib_pretty -----------------------------------------------------------------------------

// The intermediate format: what print_length computes. `len` counts characters of the one-line
// form, `dots` the elided parts.
struct If {
    enum class Kind { Text, List, Tuple, Map, Pair, Bin, Dots } kind = Kind::Text;
    std::u32string text;  // Text: the chars; Bin: the whole "<<...>>"
    BinaryTokens bin;
    bool tagged = false;
    std::vector<If> items;     // List/Tuple/Map elements; Pair: key, value
    std::unique_ptr<If> tail;  // List: improper tail; List/Tuple/Map: Dots when elided
    int len = 0;
    int dots = 0;
};

bool atm(const If& e) {
    return e.kind == If::Kind::Text;
}
bool atm_pair(const If& p) {
    return atm(p.items[0]) && atm(p.items[1]);
}

If text_if(std::u32string s, int dots = 0) {
    If e;
    e.len = static_cast<int>(s.size());
    e.text = std::move(s);
    e.dots = dots;
    return e;
}
If dots_if() {
    If e;
    e.kind = If::Kind::Dots;
    e.len = 3;
    e.dots = 3;
    return e;
}

// list_length: elements separated by one character each; the tail adds a separator too.
void measure(If& e, int open_close) {
    int len = open_close, dots = 0;
    for (size_t i = 0; i < e.items.size(); ++i) {
        len += e.items[i].len + (i ? 1 : 0);
        dots += e.items[i].dots;
    }
    if (e.tail) {
        len += e.tail->len + (e.items.empty() ? 0 : 1);
        dots += e.tail->dots;
    }
    e.len = len;
    e.dots = dots;
}

bool printable_latin1_char(char32_t c) {
    return (c >= ' ' && c <= '~') || (c >= 0xA0 && c <= 0xFF) || c == '\n' || c == '\r' ||
           c == '\t' || c == '\v' || c == '\b' || c == '\f' || c == 27;
}

// io_lib:printable_latin1_list (the default printable range is latin1, also for ~tp).
bool printable_list(const Term& list, std::u32string& chars) {
    for (ListIterator it(list);; ++it) {
        if (it.done()) return it.rest().is_empty_list();
        const Term& c = *it;
        if (!c.is_integer() || !printable_latin1_char(static_cast<char32_t>(c.as_integer())) ||
            c.as_integer() < 0)
            return false;
        chars.push_back(static_cast<char32_t>(c.as_integer()));
    }
}

If print_length(const Term& t, int depth, ErlEncoding enc, bool strings);

If print_length_binary(const Term& bin, int depth, ErlEncoding enc, bool strings) {
    std::string_view bytes = bin.binary_view();
    if (strings && bin.bit_size() % 8 == 0) {
        const int d1 = depth - 1;
        size_t limit =
            d1 >= 0 ? std::min<size_t>(4 * static_cast<size_t>(d1), bytes.size()) : bytes.size();
        if (limit > 0) {
            bool all_printable = true;
            for (size_t i = 0; i < bytes.size() && i < limit; ++i)
                if (!printable_latin1_char(static_cast<unsigned char>(bytes[i])))
                    all_printable = false;
            if (enc == ErlEncoding::Unicode && utf8_valid(bytes)) {
                std::u32string cps = code_points(bytes);
                bool ascii_only = true, printable = true;
                for (size_t i = 0; i < cps.size() && i < limit; ++i) {
                    if (cps[i] >= 0x80) ascii_only = false;
                    if (!printable_latin1_char(cps[i])) printable = false;
                }
                if (printable && limit == bytes.size()) {
                    std::u32string s = erl_write_string(cps, U'"', enc);
                    if (ascii_only) return text_if(U"<<" + s + U">>");
                    return text_if(U"<<" + s + U"/utf8>>");
                }
            } else {
                // printable_latin1_bin: the whole binary, or (under a depth) a printable prefix
                // of at least depth - 1 bytes followed by "...".
                size_t p = 0;
                while (p < limit && printable_latin1_char(static_cast<unsigned char>(bytes[p])))
                    ++p;
                auto latin1 = [&](size_t n) {
                    std::u32string chars;
                    for (size_t i = 0; i < n; ++i) chars += static_cast<unsigned char>(bytes[i]);
                    return erl_write_string(chars, U'"', ErlEncoding::Latin1);
                };
                if (all_printable && limit == bytes.size())
                    return text_if(U"<<" + latin1(limit) + U">>");
                if (d1 > 0 && p >= static_cast<size_t>(d1) && p < bytes.size())
                    return text_if(U"<<" + latin1(p) + U"...>>", 3);
            }
        }
    }
    If e;
    e.kind = If::Kind::Bin;
    e.bin = binary_tokens(bin, depth);
    e.text = join_binary(e.bin);
    e.len = static_cast<int>(e.text.size());
    e.dots = e.bin.dots ? 3 : 0;
    return e;
}

If print_length(const Term& t, int depth, ErlEncoding enc, bool strings) {
    switch (t.type()) {
        case TermType::Nil:
            return text_if(U"[]");
        case TermType::Atom:
            return text_if(erl_write_atom(t.as_atom(), enc));
        case TermType::List: {
            std::u32string chars;
            if (strings && depth != 1 && printable_list(t, chars))
                return text_if(erl_write_string(chars, U'"', enc));
            If e;
            e.kind = If::Kind::List;
            const Term* rest = &t;
            int d = depth;
            while (rest->is_cons()) {
                if (d == 1) {
                    e.tail = std::make_unique<If>(dots_if());
                    break;
                }
                e.items.push_back(print_length(rest->head(), d - 1, enc, strings));
                rest = &rest->tail();
                --d;
            }
            if (!e.tail && !rest->is_empty_list())
                e.tail = std::make_unique<If>(print_length(*rest, d - 1, enc, strings));
            measure(e, 2);
            return e;
        }
        case TermType::Tuple: {
            auto items = t.tuple_items();
            if (items.empty()) return text_if(U"{}");
            if (depth == 1) return text_if(U"{...}", 3);
            If e;
            e.kind = If::Kind::Tuple;
            int d = depth;
            for (const Term& item : items) {
                if (d == 1) {
                    e.tail = std::make_unique<If>(dots_if());
                    break;
                }
                e.items.push_back(print_length(item, d - 1, enc, strings));
                --d;
            }
            e.tagged = items[0].is_atom() && items.size() > 1;
            measure(e, 2);
            return e;
        }
        case TermType::Map: {
            if (t.map_size() == 0) return text_if(U"#{}");
            if (depth == 1) return text_if(U"#{...}", 3);
            If e;
            e.kind = If::Kind::Map;
            int d = depth;
            for (const auto& [k, v] : t.map_object().fold_order()) {
                if (d == 1) {
                    e.tail = std::make_unique<If>(dots_if());
                    break;
                }
                If pair;
                pair.kind = If::Kind::Pair;
                pair.items.push_back(print_length(k, depth - 1, enc, strings));
                pair.items.push_back(print_length(v, depth - 1, enc, strings));
                pair.len = pair.items[0].len + 4 + pair.items[1].len;
                pair.dots = pair.items[0].dots + pair.items[1].dots;
                e.items.push_back(std::move(pair));
                --d;
            }
            measure(e, 3);
            return e;
        }
        case TermType::Binary:
        case TermType::Bitstring:
            if (t.bit_size() == 0) return text_if(U"<<>>");
            if (depth == 1) return text_if(U"<<...>>", 3);
            return print_length_binary(t, depth, enc, strings);
        default:
            return text_if(erl_write(t, -1, enc));
    }
}

void write_if(std::u32string& out, const If& e);

void write_if_list(std::u32string& out, const If& e, char32_t sep) {
    if (e.items.empty() && e.tail) {
        out += U"...";
        return;
    }
    for (size_t i = 0; i < e.items.size(); ++i) {
        if (i) out += U',';
        write_if(out, e.items[i]);
    }
    if (e.tail) {
        if (e.tail->kind == If::Kind::Dots) {
            out += sep;
            out += U"...";
        } else {
            out += sep;
            write_if(out, *e.tail);
        }
    }
}

void write_if(std::u32string& out, const If& e) {
    switch (e.kind) {
        case If::Kind::Tuple:
            out += U'{';
            write_if_list(out, e, U',');
            out += U'}';
            return;
        case If::Kind::List:
            out += U'[';
            write_if_list(out, e, U'|');
            out += U']';
            return;
        case If::Kind::Map:
            out += U"#{";
            write_if_list(out, e, U',');
            out += U'}';
            return;
        case If::Kind::Pair:
            write_if(out, e.items[0]);
            out += U" => ";
            write_if(out, e.items[1]);
            return;
        case If::Kind::Dots:
            out += U"...";
            return;
        case If::Kind::Text:
        case If::Kind::Bin:
            out += e.text;
            return;
    }
}
std::u32string write_if(const If& e) {
    std::u32string s;
    write_if(s, e);
    return s;
}

// The remainder of an element list from index i: "more elements" for last_depth.
int last_depth(const If& list, size_t next, int ld) {
    return next < list.items.size() ? 0 : ld + 1;
}

struct NoGood {};

class Pretty {
  public:
    Pretty(int ll, int m) : ll_(ll), m_(m) {}

    // --- cind: can the layout keep indentation `ind` (-1: tags on their own rule, 4)? ---
    int cind(const If& e, int col, int ind, int ld, int w) {
        if (e.len < ll_ - col - ld && e.len + w + ld <= m_) return ind;
        switch (e.kind) {
            case If::Kind::List:
                return cind_list(e, 0, col + 1, ind, ld, w + 1);
            case If::Kind::Tuple:
                if (e.tagged) return cind_tag_tuple(e, col, ind, ld, w + 1);
                return cind_list(e, 0, col + 1, ind, ld, w + 1);
            case If::Kind::Map:
                return cind_map(e, col + 2, ind, ld, w + 2);
            default:
                return ind;
        }
    }
    int cind_tag_tuple(const If& e, int col, int ind, int ld, int w) {
        if (e.items.empty()) return ind;
        int tlen = e.items[0].len;
        int tag_ind = tlen + 2;
        int tcol = col + tag_ind;
        if (ind > 0 && tag_ind > ind) {
            int col1 = col + ind;
            if (m_ + col1 <= ll_ || col1 <= ll_ / 2)
                return cind_tail(e, 1, col1, tcol, ind, ld, w + tlen);
            throw NoGood{};
        }
        if (m_ + tcol < ll_ || tcol < ll_ / 2) return cind_list(e, 1, tcol, ind, ld, w + tlen + 1);
        throw NoGood{};
    }
    int cind_map(const If& e, int col, int ind, int ld, int w) {
        if (e.items.empty()) return ind;
        int pw = cind_pair(e.items[0], col, ind, last_depth(e, 1, ld), w);
        return cind_pairs_tail(e, 1, col, col + pw, ind, ld, w + pw);
    }
    int cind_pairs_tail(const If& e, size_t i, int col0, int col, int ind, int ld, int w) {
        for (; i < e.items.size(); ++i) {
            const If& p = e.items[i];
            int ld1 = last_depth(e, i + 1, ld);
            int elen = 1 + p.len;
            if (fits_tail(elen, col, w, ld1) && atm_pair(p)) {
                col += elen;
                w += elen;
            } else {
                int pw = cind_pair(p, col0, ind, ld1, 0);
                col = col0 + pw;
                w = pw;
            }
        }
        return ind;
    }
    int cind_pair(const If& p, int col, int ind, int ld, int w) {
        if (p.len < ll_ - col - ld && p.len + w + ld <= m_) return atm_pair(p) ? p.len : ll_;
        cind(p.items[0], col, ind, ld, w);
        cind(p.items[1], col + map_value_indent(ind), ind, ld, 0);
        return ll_;
    }
    int cind_list(const If& e, size_t start, int col0, int ind, int ld, int w) {
        if (start >= e.items.size()) return ind;  // only dots
        int we = cind_element(e.items[start], col0, ind, last_depth(e, start + 1, ld), w);
        return cind_tail(e, start + 1, col0, col0 + we, ind, ld, w + we);
    }
    int cind_tail(const If& e, size_t i, int col0, int col, int ind, int ld, int w) {
        for (; i < e.items.size(); ++i) {
            const If& el = e.items[i];
            int ld1 = last_depth(e, i + 1, ld);
            int elen = 1 + el.len;
            if (fits_tail(elen, col, w, ld1) && atm(el)) {
                col += elen;
                w += elen;
            } else {
                int we = cind_element(el, col0, ind, ld1, 0);
                col = col0 + we;
                w = we;
            }
        }
        if (!e.tail || e.tail->kind == If::Kind::Dots) return ind;
        const If& t = *e.tail;
        if (t.len + 1 < ll_ - col - (ld + 1) && t.len + 1 + w + (ld + 1) <= m_ && atm(t))
            return ind;
        return cind(t, col, ind, ld + 1, 0);
    }
    int cind_element(const If& e, int col, int ind, int ld, int w) {
        if (e.len < ll_ - col - ld && e.len + w + ld <= m_ && atm(e)) return e.len;
        cind(e, col, ind, ld, w);
        return ll_;
    }

    // --- pp: the layout ---
    void pp(std::u32string& out, const If& e, int col, int tind, int ind, int ld, int w) {
        if (e.len < ll_ - col - ld && e.len + w + ld <= m_) {
            write_if(out, e);
            return;
        }
        switch (e.kind) {
            case If::Kind::List:
                out += U'[';
                pp_list(out, e, 0, col + 1, tind, ind + 1, ld, U'|', w + 1);
                out += U']';
                return;
            case If::Kind::Tuple:
                out += U'{';
                if (e.tagged)
                    pp_tag_tuple(out, e, col, tind, ind, ld, w + 1);
                else
                    pp_list(out, e, 0, col + 1, tind, ind + 1, ld, U',', w + 1);
                out += U'}';
                return;
            case If::Kind::Map:
                out += U"#{";
                pp_map(out, e, col + 2, tind, ind + 2, ld, w + 1);
                out += U'}';
                return;
            case If::Kind::Bin:
                pp_binary(out, e.bin, col + 2, ind + 2, ld, w);
                return;
            default:
                write_if(out, e);
                return;
        }
    }

  private:
    bool fits_tail(int elen, int col, int w, int ld1) const {
        if (ld1 == 0) return elen + 1 < ll_ - col && w + elen + 1 <= m_;
        return elen < ll_ - col - ld1 && w + elen + ld1 <= m_;
    }
    static int map_value_indent(int tind) { return tind > 0 ? tind : 4; }
    static void newline(std::u32string& out, int ind) {
        out += U'\n';
        out.append(static_cast<size_t>(ind), U' ');
    }

    void pp_tag_tuple(std::u32string& out, const If& e, int col, int tind, int ind, int ld, int w) {
        if (e.items.empty()) {
            out += U"...";
            return;
        }
        const If& tag = e.items[0];
        int tlen = tag.len;
        int tag_ind = tlen + 2;
        int tcol = col + tag_ind;
        if (tind > 0 && tag_ind > tind) {
            write_if(out, tag);
            pp_tail(out, e, 1, col + tind, tcol, tind, ind + tind, ld, U',', w + tlen);
        } else {
            write_if(out, tag);
            out += U',';
            pp_list(out, e, 1, tcol, tind, ind + tag_ind, ld, U',', w + tlen + 1);
        }
    }

    void pp_map(std::u32string& out, const If& e, int col, int tind, int ind, int ld, int w) {
        if (e.items.empty()) {
            out += U"...";
            return;
        }
        int pw = pp_pair(out, e.items[0], col, tind, ind, last_depth(e, 1, ld), w);
        int c = col + pw;
        int ww = pw;
        for (size_t i = 1; i < e.items.size(); ++i) {
            const If& p = e.items[i];
            int ld1 = last_depth(e, i + 1, ld);
            int elen = 1 + p.len;
            if (fits_tail(elen, c, ww, ld1) && atm_pair(p)) {
                out += U',';
                write_if(out, p);
                c += elen;
                ww += elen;
            } else {
                out += U',';
                newline(out, ind);
                int w2 = pp_pair(out, p, col, tind, ind, ld1, 0);
                c = col + w2;
                ww = w2;
            }
        }
        if (e.tail) out += U",...";
    }

    int pp_pair(std::u32string& out, const If& p, int col, int tind, int ind, int ld, int w) {
        if (p.len < ll_ - col - ld && p.len + w + ld <= m_) {
            write_if(out, p);
            return atm_pair(p) ? p.len : ll_;
        }
        int i = map_value_indent(tind);
        pp(out, p.items[0], col, tind, ind, ld, w);
        out += U" =>";
        newline(out, ind + i);
        pp(out, p.items[1], col + i, tind, ind + i, ld, 0);
        return ll_;
    }

    void pp_list(std::u32string& out, const If& e, size_t start, int col0, int tind, int ind,
                 int ld, char32_t sep, int w) {
        if (start >= e.items.size()) {
            out += U"...";
            return;
        }
        int we = pp_element(out, e.items[start], col0, tind, ind, last_depth(e, start + 1, ld), w);
        pp_tail(out, e, start + 1, col0, col0 + we, tind, ind, ld, sep, w + we);
    }

    void pp_tail(std::u32string& out, const If& e, size_t i, int col0, int col, int tind, int ind,
                 int ld, char32_t sep, int w) {
        for (; i < e.items.size(); ++i) {
            const If& el = e.items[i];
            int ld1 = last_depth(e, i + 1, ld);
            int elen = 1 + el.len;
            if (fits_tail(elen, col, w, ld1) && atm(el)) {
                out += U',';
                write_if(out, el);
                col += elen;
                w += elen;
            } else {
                out += U',';
                newline(out, ind);
                int we = pp_element(out, el, col0, tind, ind, ld1, 0);
                col = col0 + we;
                w = we;
            }
        }
        if (!e.tail) return;
        const If& t = *e.tail;
        if (t.kind == If::Kind::Dots) {
            out += sep;
            out += U"...";
            return;
        }
        if (t.len + 1 < ll_ - col - (ld + 1) && t.len + 1 + w + (ld + 1) <= m_ && atm(t)) {
            out += sep;
            write_if(out, t);
            return;
        }
        out += sep;
        newline(out, ind);
        pp(out, t, col0, tind, ind, ld + 1, 0);
    }

    int pp_element(std::u32string& out, const If& e, int col, int tind, int ind, int ld, int w) {
        if (e.len < ll_ - col - ld && e.len + w + ld <= m_ && atm(e)) {
            write_if(out, e);
            return e.len;
        }
        pp(out, e, col, tind, ind, ld, w);
        return ll_;
    }

    // pp_binary: the byte values wrapped at N columns.
    void pp_binary(std::u32string& out, const BinaryTokens& b, int col, int ind, int ld, int w) {
        const int n0 = std::max(8, std::min(ll_ - col, m_ - 4 - w) - ld);
        int n = n0;
        out += U"<<";
        // Tokens with the comma that follows each; the last has none.
        std::vector<std::u32string> tokens = b.bytes;
        if (b.tail_bits) tokens.push_back(b.tail_bits->first + U":" + b.tail_bits->second);
        if (b.dots) tokens.push_back(U"...");
        for (size_t i = 0; i < tokens.size(); ++i) {
            const std::u32string& bs = tokens[i];
            bool last = i + 1 == tokens.size();
            if (!last) {
                int len = static_cast<int>(bs.size()) + 1;
                if (n - len < 0) {
                    newline(out, ind);
                    out += bs + U",";
                    n = n0 - len;
                } else {
                    out += bs + U",";
                    n -= len;
                }
            } else {
                if (static_cast<int>(bs.size()) > n) newline(out, ind);
                out += bs;
            }
        }
        out += U">>";
    }

    int ll_, m_;
};

}  // namespace

std::u32string erl_write_atom(Atom atom, ErlEncoding encoding) {
    std::u32string chars = code_points(atom.name());
    bool plain = !chars.empty() && is_latin1_lower(chars[0]) && !is_reserved_word(chars);
    for (char32_t c : chars)
        if (!is_name_char(c)) plain = false;
    if (plain) return chars;
    return erl_write_string(chars, U'\'', encoding);
}

std::u32string erl_write_string(std::u32string_view chars, char32_t quote, ErlEncoding encoding) {
    std::u32string out;
    out += quote;
    for (char32_t c : chars) append_string_char(out, c, quote, encoding);
    out += quote;
    return out;
}

std::u32string erl_write(const Term& term, int depth, ErlEncoding encoding) {
    std::u32string out;
    write_term(out, term, depth, encoding);
    return out;
}

std::u32string erl_print(const Term& term, int column, int line_length, int depth,
                         ErlEncoding encoding, bool strings) {
    if (depth == 0) return U"...";
    if (column <= 0) column = 1;
    if (term.is_atom()) return erl_write_atom(term.as_atom(), encoding);
    if (!(term.is_tuple() || term.is_list() || term.is_map() || term.is_bitstring()))
        return erl_write(term, -1, encoding);
    If e = print_length(term, depth, encoding, strings);
    const int m = e.len;
    if (line_length == 0 || e.len < line_length - column) return write_if(e);
    Pretty pretty(line_length, m);
    int tind = 1;
    for (int candidate : {-1, 4}) {
        try {
            tind = pretty.cind(e, column, candidate, 0, 0);
            break;
        } catch (const NoGood&) {
        }
    }
    std::u32string out;
    pretty.pp(out, e, column, tind, column - 1, 0, 0);
    return out;
}

}  // namespace tasklens::script::stdlib
