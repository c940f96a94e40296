// erts' make_hash2, step for step, with an explicit stack of work items instead of erts' ESTACK
// of tagged words (so deep terms never recurse on the C++ stack).
#include "engine/runtime/phash2.h"

#include <cstring>
#include <vector>

#include "engine/runtime/format_error.h"
#include "engine/runtime/integer.h"
#include "engine/runtime/jenkins_hash.h"
#include "engine/runtime/runtime.h"

namespace tasklens {
namespace {

using jenkins::hash2;
using jenkins::hconst;

/// erts' NIL_DEF tag value, which make_hash2 mixes in for [] inside a term.
constexpr uint32_t kNilDef = 2;
/// make_hash2([]) when [] is the whole term (erts' precomputed constant).
constexpr uint32_t kNilAlone = 3468870702u;

inline void hash1(uint32_t& hash, uint32_t x, uint32_t k) {
    hash2(hash, x, 0, k);
}

/// erts' SINT32_HASH for integers of 28 bits: negatives are mixed twice (-y, then y).
inline void hash_small28(uint32_t& hash, int64_t x) {
    const auto y = static_cast<int32_t>(x);
    if (y < 0) hash1(hash, static_cast<uint32_t>(-y), jenkins::kGolden);
    hash1(hash, static_cast<uint32_t>(y), jenkins::kGolden);
}

/// A bignum: its 64-bit digits from the least significant, each as (low word, high word).
void hash_big_magnitude(uint32_t& hash, const uint64_t* digits, size_t n, bool negative) {
    const uint32_t k = negative ? hconst(10) : hconst(11);
    for (size_t i = 0; i < n; ++i)
        hash2(hash, static_cast<uint32_t>(digits[i]), static_cast<uint32_t>(digits[i] >> 32), k);
}

void hash_integer(uint32_t& hash, const Term& t) {
    if (t.is_integer()) {
        const int64_t x = t.as_integer();
        if (x >= -(int64_t{1} << 27) && x < (int64_t{1} << 27)) {
            hash_small28(hash, x);
        } else {
            // erts hashes a small integer past 28 bits as the bignum it would be.
            const uint64_t magnitude =
                x < 0 ? 0 - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
            hash_big_magnitude(hash, &magnitude, 1, x < 0);
        }
        return;
    }
    mpz_srcptr v = integer::big_value(t);
    static_assert(sizeof(mp_limb_t) == sizeof(uint64_t), "64-bit GMP limbs expected");
    hash_big_magnitude(hash, reinterpret_cast<const uint64_t*>(mpz_limbs_read(v)), mpz_size(v),
                       mpz_sgn(v) < 0);
}

void hash_bitstring(uint32_t& hash, const Term& t) {
    const std::string_view bytes = t.binary_view();
    const uint64_t bits = t.bit_size();
    const size_t whole = bits / 8;
    const unsigned tail_bits = bits % 8;
    const uint32_t con = hconst(13) + hash;
    if (whole == 0 && tail_bits == 0) {
        hash = con;
        return;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    hash = jenkins::block_hash(p, whole, con);
    if (tail_bits > 0) hash2(hash, tail_bits, p[whole] >> (8 - tail_bits), hconst(15));
}

uint32_t atom_hash(Atom a) {
    return atom_text_hash(a.name());
}

/// One entry of the explicit stack: a term still to hash, or one of erts' map markers.
struct Work {
    enum Kind : uint8_t {
        TermItem,
        MapPair,  ///< a key/value pair is done: fold its hash into the pairs' xor
        MapTail,  ///< all pairs are done: restore the outer hash and mix the xor in
    } kind;
    const Term* term = nullptr;
    uint32_t saved_hash = 0;  ///< MapTail
    uint32_t saved_xor = 0;   ///< MapTail
};

}  // namespace

uint32_t atom_text_hash(std::string_view text) {
    uint32_t h = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    size_t len = text.size();
    while (len--) {
        uint32_t v = *p++;
        // erts' "latin1 clutch": a two-byte UTF-8 sequence for U+0080..U+00FF counts as its
        // Latin-1 byte, so atoms hash as they did before atoms were UTF-8.
        if (len && (v & 0xFE) == 0xC2 && (*p & 0xC0) == 0x80) {
            v = ((v << 6) | (*p & 0x3F)) & 0xFF;
            ++p;
            --len;
        }
        h = (h << 4) + v;
        if (const uint32_t g = h & 0xf0000000u) {
            h ^= (g >> 24);
            h ^= g;
        }
    }
    return h;
}

uint32_t make_hash2(const Term& root) {
    uint32_t hash = 0;
    uint32_t xor_pairs = 0;
    std::vector<Work> stack;
    const Term* term = &root;
    for (;;) {
        const Term& t = *term;
        switch (t.type()) {
            case TermType::Integer:
            case TermType::BigInt:
                hash_integer(hash, t);
                break;
            case TermType::Float: {
                double d = t.as_float();
                if (d == 0.0) d = 0.0;  // -0.0 hashes as 0.0
                uint64_t bits;
                std::memcpy(&bits, &d, sizeof bits);
                hash2(hash, static_cast<uint32_t>(bits >> 32), static_cast<uint32_t>(bits),
                      hconst(12));
                break;
            }
            case TermType::Atom:
                if (hash == 0)
                    hash = atom_hash(t.as_atom());
                else
                    hash1(hash, atom_hash(t.as_atom()), hconst(3));
                break;
            case TermType::Nil:
                if (hash == 0)
                    hash = kNilAlone;
                else
                    hash1(hash, kNilDef, hconst(2));
                break;
            case TermType::Pid:
                hash1(hash, t.as_pid().serial, hconst(5));
                break;
            case TermType::Reference:
                hash1(hash, static_cast<uint32_t>(t.as_reference().id), hconst(7));
                break;
            case TermType::Binary:
            case TermType::Bitstring:
                hash_bitstring(hash, t);
                break;
            case TermType::Fun: {
                const FunObject& f = t.fun();
                if (f.kind == FunObject::Kind::External) {
                    hash2(hash, f.arity, atom_hash(f.module), jenkins::kGolden);
                    hash1(hash, atom_hash(f.name), hconst(14));
                    break;
                }
                hash2(hash, static_cast<uint32_t>(f.env.size()), atom_hash(f.module),
                      jenkins::kGolden);
                hash2(hash, static_cast<uint32_t>(f.unique), static_cast<uint32_t>(f.unique >> 32),
                      jenkins::kGolden);
                for (size_t i = f.env.size(); i-- > 0;)
                    stack.push_back({Work::TermItem, &f.env[i]});
                break;
            }
            case TermType::Tuple: {
                const size_t n = t.tuple_size();
                hash1(hash, static_cast<uint32_t>(n), hconst(9));
                for (size_t i = n; i-- > 0;) stack.push_back({Work::TermItem, &t.element(i)});
                break;
            }
            case TermType::List: {
                // Runs of small integers 0..255 (strings) are packed four to a word.
                const Term* cell = &t;
                uint32_t packed = 0;
                int count = 0;
                while (cell->is_cons() && cell->head().is_integer() &&
                       static_cast<uint64_t>(cell->head().as_integer()) <= 255) {
                    packed = (packed << 8) + static_cast<uint32_t>(cell->head().as_integer());
                    if (count == 3) {
                        hash1(hash, packed, hconst(4));
                        count = 0;
                        packed = 0;
                    } else {
                        ++count;
                    }
                    cell = &cell->tail();
                }
                if (count > 0) hash1(hash, packed, hconst(4));
                if (cell->is_cons()) {
                    stack.push_back({Work::TermItem, &cell->tail()});
                    stack.push_back({Work::TermItem, &cell->head()});
                } else {
                    stack.push_back({Work::TermItem, cell});  // [] or an improper tail
                }
                break;
            }
            case TermType::Map: {
                const MapObject& m = t.map_object();
                hash1(hash, static_cast<uint32_t>(m.size()), hconst(16));
                if (m.size() == 0) break;
                // Each pair is hashed from 0 and the pairs are xor-ed, so the order of the
                // entries does not matter.
                stack.push_back({Work::MapTail, nullptr, hash, xor_pairs});
                hash = 0;
                xor_pairs = 0;
                for (const MapEntry& e : m) {
                    stack.push_back({Work::MapPair});
                    stack.push_back({Work::TermItem, &e.second});
                    stack.push_back({Work::TermItem, &e.first});
                }
                break;
            }
        }
        // erts' hash2_common: pop the next term, running the map markers on the way.
        for (;;) {
            if (stack.empty()) return hash;
            Work w = stack.back();
            stack.pop_back();
            if (w.kind == Work::TermItem) {
                term = w.term;
                break;
            }
            if (w.kind == Work::MapPair) {
                xor_pairs ^= hash;
                hash = 0;
            } else {
                hash = w.saved_hash;
                hash1(hash, xor_pairs, hconst(19));
                xor_pairs = w.saved_xor;
            }
        }
    }
}

Term phash2_bif(std::span<const Term> args) {
    if (args.size() == 1) return Term::integer(phash2(args[0]));
    const Term& range = args[1];
    // erts reports a bad range as the "1st argument" (its error_info module names the wrong
    // position), and a range past 2^32 with no error info at all.
    if (!range.is_integral())
        throw ErlangException::error(argument_error_at({{1, "not an integer"}}));
    if (integer::sign(range) <= 0)
        throw ErlangException::error(argument_error_at({{1, "out of range"}}));
    if (!range.is_integer() || range.as_integer() > (int64_t{1} << 32))
        throw ErlangException::error(argument_error("argument error"));
    return Term::integer(phash2(args[0], static_cast<uint64_t>(range.as_integer())));
}

}  // namespace tasklens
