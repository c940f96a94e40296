// Unicode normalization (UAX #15) as OTP 25 does it: String.normalize/2 (:nfd, :nfc, :nfkd,
// :nfkc) and :unicode.characters_to_nf{d,c,kd,kc}_binary/1 and _list/1. Decomposition is
// recursive over the one-level table, Hangul syllables are computed, non-starters are put in
// canonical order, and composition follows the standard algorithm (blocked when a character
// of the same or higher class lies between). The tables (unicode_normalization_data.inc) are
// generated from Unicode 14.0 by engine/script/data/gen_unicode_normalization.py.
#include <algorithm>

#include "engine/script/stdlib/errors.h"
#include "engine/script/stdlib/support.h"
#include "engine/script/utf8.h"

namespace tasklens::script::stdlib {
namespace {

struct CombiningClass {
    char32_t cp;
    uint8_t ccc;
};
struct Decomposition {
    char32_t cp;
    uint8_t compat;
    uint16_t first;
    uint8_t count;
};
struct Composition {
    char32_t first, second, composite;
};

#include "engine/script/stdlib/unicode_normalization_data.inc"

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
                   kSCount = kLCount * kNCount;

int combining_class(char32_t cp) {
    auto it = std::lower_bound(std::begin(kCombiningClass), std::end(kCombiningClass), cp,
                               [](const CombiningClass& e, char32_t c) { return e.cp < c; });
    return it != std::end(kCombiningClass) && it->cp == cp ? it->ccc : 0;
}

void decompose(char32_t cp, bool compat, std::u32string& out) {
    if (cp >= kSBase && cp < kSBase + kSCount) {
        char32_t s = cp - kSBase;
        out += kLBase + s / kNCount;
        out += kVBase + (s % kNCount) / kTCount;
        if (s % kTCount != 0) out += kTBase + s % kTCount;
        return;
    }
    auto it = std::lower_bound(std::begin(kDecomposition), std::end(kDecomposition), cp,
                               [](const Decomposition& e, char32_t c) { return e.cp < c; });
    if (it == std::end(kDecomposition) || it->cp != cp || (it->compat && !compat)) {
        out += cp;
        return;
    }
    for (size_t i = 0; i < it->count; ++i)
        decompose(kDecompositionPool[it->first + i], compat, out);
}

char32_t compose_pair(char32_t a, char32_t b) {
    if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
        return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
    if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
        b < kTBase + kTCount)
        return a + (b - kTBase);
    auto it = std::lower_bound(std::begin(kComposition), std::end(kComposition), std::pair{a, b},
                               [](const Composition& e, std::pair<char32_t, char32_t> k) {
                                   return std::pair{e.first, e.second} < k;
                               });
    if (it != std::end(kComposition) && it->first == a && it->second == b) return it->composite;
    return 0;
}

std::u32string normalize(std::u32string_view text, bool compat, bool compose) {
    std::u32string out;
    for (char32_t c : text) decompose(c, compat, out);
    // canonical ordering: a stable sort of each run of non-starters by class
    for (size_t i = 0; i < out.size();) {
        if (combining_class(out[i]) == 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < out.size() && combining_class(out[j]) != 0) ++j;
        std::stable_sort(
            out.begin() + static_cast<ptrdiff_t>(i), out.begin() + static_cast<ptrdiff_t>(j),
            [](char32_t a, char32_t b) { return combining_class(a) < combining_class(b); });
        i = j;
    }
    if (!compose || out.empty()) return out;
    std::u32string result;
    size_t starter = std::u32string::npos;  // index in result of the last starter
    int last_class = -1;  // class of the last character kept after it; -1: none (adjacent)
    for (char32_t c : out) {
        int cc = combining_class(c);
        if (starter != std::u32string::npos) {
            // blocked when a character between them has class 0 or >= this one's
            bool blocked = last_class != -1 && last_class >= cc;
            if (!blocked) {
                if (char32_t composite = compose_pair(result[starter], c)) {
                    result[starter] = composite;
                    continue;
                }
            }
        }
        if (cc == 0) {
            starter = result.size();
            last_class = -1;
        } else {
            last_class = cc;
        }
        result += c;
    }
    return result;
}

struct Form {
    bool compat, compose;
};

// The code points of a UTF-8 binary; an invalid byte stays as itself (String.normalize copies
// it through and goes on, as Elixir does with :unicode's {:error, good, rest}).
std::string normalize_utf8(std::string_view s, Form form) {
    std::string out;
    std::u32string run;
    auto flush = [&] {
        for (char32_t c : normalize(run, form.compat, form.compose)) utf8_append(out, c);
        run.clear();
    };
    for (size_t i = 0; i < s.size();) {
        char32_t cp;
        bool valid;
        size_t n = utf8_decode(s, i, cp, valid);
        if (!valid) {
            flush();
            out += s[i];
            i += 1;
            continue;
        }
        run += cp;
        i += n;
    }
    flush();
    return out;
}

Form form_arg(const Term& t, std::string_view module, std::string_view function, int arity) {
    if (t.is_atom()) {
        std::string_view f = t.as_atom().name();
        if (f == "nfd") return {false, false};
        if (f == "nfc") return {false, true};
        if (f == "nfkd") return {true, false};
        if (f == "nfkc") return {true, true};
    }
    raise_function_clause(module, function, arity);
}

bool append_chardata(const Term& t, std::string& out) {
    if (t.is_binary()) {
        out += t.binary_view();
        return true;
    }
    if (t.is_integer()) {
        if (t.as_integer() < 0 || t.as_integer() > 0x10FFFF) return false;
        utf8_append(out, static_cast<char32_t>(t.as_integer()));
        return true;
    }
    const Term* cur = &t;
    for (; cur->is_cons(); cur = &cur->tail())
        if (!append_chardata(cur->head(), out)) return false;
    return cur->is_empty_list();
}

// :unicode.characters_to_nf*_binary/list: chardata in, the result a binary or a list of code
// points. Data that is not chardata raises ArgumentError.
template <bool Compat, bool Compose, bool Binary>
Term unicode_form(ProcessContext&, Args a) {
    std::string flat;
    if (!append_chardata(a[0], flat))
        raise_bif_argument_error(1, "not valid character data (an iodata term)");
    std::string text = normalize_utf8(flat, {Compat, Compose});
    if (Binary) return Term::binary(text);
    std::vector<Term> items;
    for (size_t i = 0; i < text.size();) {
        char32_t cp;
        bool valid;
        i += utf8_decode(text, i, cp, valid);
        items.push_back(Term::integer(cp));
    }
    return make_list(items);
}

}  // namespace

void register_unicode_normalization(BuiltinTable& t) {
    t.add(
        "Elixir.String", "normalize", 2, +[](ProcessContext&, Args a) {
            Form form = form_arg(a[1], "String", "normalize", 2);
            if (!a[0].is_binary()) raise_function_clause("String", "normalize", 2);
            return Term::binary(normalize_utf8(a[0].binary_view(), form));
        });
    const char* U = "unicode";
    t.add(U, "characters_to_nfd_binary", 1, unicode_form<false, false, true>);
    t.add(U, "characters_to_nfc_binary", 1, unicode_form<false, true, true>);
    t.add(U, "characters_to_nfkd_binary", 1, unicode_form<true, false, true>);
    t.add(U, "characters_to_nfkc_binary", 1, unicode_form<true, true, true>);
    t.add(U, "characters_to_nfd_list", 1, unicode_form<false, false, false>);
    t.add(U, "characters_to_nfc_list", 1, unicode_form<false, true, false>);
    t.add(U, "characters_to_nfkd_list", 1, unicode_form<true, false, false>);
    t.add(U, "characters_to_nfkc_list", 1, unicode_form<true, true, false>);
}

}  // namespace tasklens::script::stdlib
