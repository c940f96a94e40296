// :unicode — characters_to_binary/1,2,3 and characters_to_list/1,2 as OTP 25's unicode.erl
// converts chardata (binaries and code points, nested in lists) between the :unicode (:utf8)
// and :latin1 encodings. Invalid data gives OTP's {:error, converted, rest} tuple, a binary
// that ends inside a UTF-8 sequence {:incomplete, converted, rest}; a term that is not
// chardata raises ArgumentError. The UTF-16/32 encodings are refused as not supported yet.
#include "engine/script/stdlib/errors.h"
#include "engine/script/stdlib/support.h"
#include "engine/script/utf8.h"

namespace tasklens::script::stdlib {
namespace {

enum class Encoding { Utf8, Latin1 };

[[noreturn]] void not_chardata() {
    raise_bif_argument_error(1, "not valid character data (an iodata term)");
}

Encoding encoding_arg(const Term& t, std::string_view function, int arity) {
    if (t.is_atom()) {
        std::string_view name = t.as_atom().name();
        if (name == "unicode" || name == "utf8") return Encoding::Utf8;
        if (name == "latin1") return Encoding::Latin1;
        if (name == "utf16" || name == "utf32") {
            raise_term(make_exception(
                "Tasklens.UnsupportedError",
                {{"message",
                  Term::binary("Tasklens does not support :unicode." + std::string(function) + "/" +
                               std::to_string(arity) + " with the encoding :" + std::string(name) +
                               " yet (see docs/scenario-language.md)")}}));
        }
    }
    if (t.is_tuple() && t.tuple_size() == 2 && t.element(0).is_atom()) {
        std::string_view name = t.element(0).as_atom().name();
        if (name == "utf16" || name == "utf32") encoding_arg(t.element(0), function, arity);
    }
    not_chardata();
}

/// Decodes one UTF-8 character at `pos`: its length, 0 for an invalid sequence, -1 when the
/// data ends inside a valid prefix.
int utf8_char(std::string_view s, size_t pos, uint32_t& cp) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(pos);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0) return 0;
    cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) {
        if (pos + k >= s.size()) return -1;
        if ((b(pos + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(pos + k) & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

struct Conversion {
    std::vector<uint32_t> chars;  ///< converted so far
    // On failure: what is left, as OTP returns it (the failing element and everything after).
    std::optional<Term> rest;
    bool incomplete = false;
};

// Walks chardata left to right with an explicit stack of list tails (no C++ recursion).
Conversion convert(const Term& data, Encoding in, Encoding out) {
    Conversion conv;
    std::vector<const Term*> tails;  // list tails still to walk, innermost last
    const Term* current = &data;
    auto fail = [&](Term rest, bool incomplete) {
        // OTP's rest is the failing part consed onto the unconverted tail of each outer list.
        for (auto it = tails.rbegin(); it != tails.rend(); ++it) {
            if (!(*it)->is_empty_list()) rest = Term::cons(std::move(rest), **it);
        }
        conv.rest = std::move(rest);
        conv.incomplete = incomplete;
    };
    auto emit = [&](uint32_t cp, const Term& failing) {
        if (out == Encoding::Latin1 && cp > 255) {
            fail(failing, false);
            return false;
        }
        conv.chars.push_back(cp);
        return true;
    };
    while (true) {
        if (current->is_cons()) {
            const Term& head = current->head();
            const Term& tail = current->tail();
            if (!tail.is_list() && !tail.is_binary()) not_chardata();
            if (head.is_integer()) {
                int64_t cp = head.as_integer();
                bool valid = cp >= 0 && cp <= (in == Encoding::Latin1 ? 255 : 0x10FFFF) &&
                             !(cp >= 0xD800 && cp <= 0xDFFF);
                if (!valid) {
                    fail(*current, false);
                    return conv;
                }
                // a character the output encoding lacks: OTP gives [[cp] | tail]
                if (!emit(static_cast<uint32_t>(cp), Term::cons(make_list({head}), tail)))
                    return conv;
                current = &tail;
            } else if (head.is_binary() || head.is_list()) {
                tails.push_back(&tail);
                current = &head;
            } else {
                not_chardata();
            }
        } else if (current->is_binary()) {
            std::string_view s = current->binary_view();
            size_t pos = 0;
            while (pos < s.size()) {
                uint32_t cp = static_cast<unsigned char>(s[pos]);
                int len = 1;
                if (in == Encoding::Utf8) {
                    len = utf8_char(s, pos, cp);
                    if (len <= 0) {
                        fail(Term::binary(s.substr(pos)), len < 0);
                        return conv;
                    }
                }
                if (!emit(cp, Term::binary(s.substr(pos)))) return conv;
                pos += static_cast<size_t>(len);
            }
            if (tails.empty()) return conv;
            current = tails.back();
            tails.pop_back();
        } else if (current->is_empty_list()) {
            if (tails.empty()) return conv;
            current = tails.back();
            tails.pop_back();
        } else {
            not_chardata();
        }
    }
}

Term encode(const std::vector<uint32_t>& chars, Encoding out) {
    std::string bytes;
    for (uint32_t cp : chars) {
        if (out == Encoding::Latin1) {
            bytes += static_cast<char>(cp);
        } else {
            utf8_append(bytes, cp);
        }
    }
    return Term::binary(bytes);
}

Term code_points(const std::vector<uint32_t>& chars) {
    std::vector<Term> items;
    items.reserve(chars.size());
    for (uint32_t cp : chars) items.push_back(Term::integer(cp));
    return make_list(items);
}

Term result(Conversion conv, Term converted) {
    if (!conv.rest) return converted;
    return Term::tuple({atom_term(conv.incomplete ? "incomplete" : "error"), std::move(converted),
                        std::move(*conv.rest)});
}

Term characters_to_binary(ProcessContext&, Args a) {
    int arity = static_cast<int>(a.size());
    Encoding in = arity > 1 ? encoding_arg(a[1], "characters_to_binary", arity) : Encoding::Utf8;
    Encoding out = arity > 2 ? encoding_arg(a[2], "characters_to_binary", arity) : Encoding::Utf8;
    Conversion conv = convert(a[0], in, out);
    Term converted = encode(conv.chars, out);
    return result(std::move(conv), std::move(converted));
}

Term characters_to_list(ProcessContext&, Args a) {
    int arity = static_cast<int>(a.size());
    Encoding in = arity > 1 ? encoding_arg(a[1], "characters_to_list", arity) : Encoding::Utf8;
    Conversion conv = convert(a[0], in, Encoding::Utf8);
    Term converted = code_points(conv.chars);
    return result(std::move(conv), std::move(converted));
}

}  // namespace

void register_unicode(BuiltinTable& t) {
    const char* U = "unicode";
    t.add(U, "characters_to_binary", 1, characters_to_binary);
    t.add(U, "characters_to_binary", 2, characters_to_binary);
    t.add(U, "characters_to_binary", 3, characters_to_binary);
    t.add(U, "characters_to_list", 1, characters_to_list);
    t.add(U, "characters_to_list", 2, characters_to_list);
}

}  // namespace tasklens::script::stdlib
