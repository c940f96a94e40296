// Byte codecs and checksums: Elixir's Base (16, 32, 64 and url-safe 64), :erlang.crc32/1,2,
// :erlang.adler32/1,2, :erlang.md5/1, :crypto.hash/2 and :crypto.mac/4 (HMAC) for md5, sha,
// sha224, sha256, sha384 and sha512. Digests are computed here (FIPS 180-4, RFC 1321) so the engine
// needs no crypto library; they are byte-exact with OpenSSL's, which is what the BEAM uses.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <optional>

#include "engine/runtime/inspect.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

// --- input ------------------------------------------------------------------------------------

/// A binary or iodata argument as bytes; otherwise the BIF's ArgumentError.
std::string iodata_arg(const Term& t, int position) {
    if (t.is_binary()) return std::string(t.binary_view());
    std::string out;
    if (!t.is_list() || !append_iodata(out, t))
        raise_bif_argument_error(position, "not an iodata term");
    return out;
}

// --- checksums --------------------------------------------------------------------------------

uint32_t crc32_update(uint32_t crc, std::string_view bytes) {
    static const auto table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

uint32_t adler32_update(uint32_t adler, std::string_view bytes) {
    uint32_t a = adler & 0xFFFF, b = adler >> 16;
    for (unsigned char c : bytes) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

uint32_t checksum_seed(const Term& t) {
    if (!t.is_integer() || t.as_integer() < 0 || t.as_integer() > 0xFFFFFFFFLL)
        raise_bif_argument_error(1, "not an integer");
    return static_cast<uint32_t>(t.as_integer());
}

// --- digests ----------------------------------------------------------------------------------

uint32_t rotl32(uint32_t x, int n) {
    return (x << n) | (x >> (32 - n));
}
uint32_t rotr32(uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}
uint64_t rotr64(uint64_t x, int n) {
    return (x >> n) | (x << (64 - n));
}

/// Merkle-Damgård padding: 0x80, zeros, then the bit length in `length_bytes` bytes, big or
/// little endian, to a multiple of `block` bytes.
std::string pad_message(std::string_view msg, size_t block, size_t length_bytes, bool big_endian) {
    std::string m(msg);
    uint64_t bits = static_cast<uint64_t>(msg.size()) * 8;
    m += static_cast<char>(0x80);
    while ((m.size() + length_bytes) % block != 0) m += '\0';
    std::string len(length_bytes, '\0');
    for (size_t i = 0; i < 8; ++i) {
        char byte = static_cast<char>((bits >> (8 * i)) & 0xFF);
        if (big_endian)
            len[length_bytes - 1 - i] = byte;
        else
            len[i] = byte;
    }
    return m + len;
}

uint32_t load_be32(const unsigned char* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint64_t load_be64(const unsigned char* p) {
    return (uint64_t{load_be32(p)} << 32) | load_be32(p + 4);
}
void store_be(std::string& out, uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::string md5(std::string_view msg) {
    static const auto k = [] {
        std::array<uint32_t, 64> t{};
        // K[i] = floor(|sin(i + 1)| * 2^32), as RFC 1321 defines the table.
        for (int i = 0; i < 64; ++i)
            t[i] = static_cast<uint32_t>(std::fabs(std::sin(i + 1.0)) * 4294967296.0);
        return t;
    }();
    static constexpr int shifts[4][4] = {
        {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};
    uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    std::string m = pad_message(msg, 64, 8, false);
    for (size_t off = 0; off < m.size(); off += 64) {
        const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off);
        uint32_t w[16];
        for (int i = 0; i < 16; ++i)
            w[i] = uint32_t{p[4 * i]} | (uint32_t{p[4 * i + 1]} << 8) |
                   (uint32_t{p[4 * i + 2]} << 16) | (uint32_t{p[4 * i + 3]} << 24);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        for (int i = 0; i < 64; ++i) {
            uint32_t f;
            int g;
            if (i < 16) {
                f = (b & c) | (~b & d);
                g = i;
            } else if (i < 32) {
                f = (d & b) | (~d & c);
                g = (5 * i + 1) % 16;
            } else if (i < 48) {
                f = b ^ c ^ d;
                g = (3 * i + 5) % 16;
            } else {
                f = c ^ (b | ~d);
                g = (7 * i) % 16;
            }
            uint32_t next = b + rotl32(a + f + k[i] + w[g], shifts[i / 16][i % 4]);
            a = d;
            d = c;
            c = b;
            b = next;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
    }
    std::string out;
    for (uint32_t v : h)
        for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
}

std::string sha1(std::string_view msg) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    std::string m = pad_message(msg, 64, 8, true);
    for (size_t off = 0; off < m.size(); off += 64) {
        const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off);
        uint32_t w[80];
        for (int i = 0; i < 16; ++i) w[i] = load_be32(p + 4 * i);
        for (int i = 16; i < 80; ++i) w[i] = rotl32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; ++i) {
            uint32_t f, k;
            if (i < 20) {
                f = (b & c) | (~b & d);
                k = 0x5A827999;
            } else if (i < 40) {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1;
            } else if (i < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDC;
            } else {
                f = b ^ c ^ d;
                k = 0xCA62C1D6;
            }
            uint32_t t = rotl32(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = rotl32(b, 30);
            b = a;
            a = t;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
    }
    std::string out;
    for (uint32_t v : h) store_be(out, v, 4);
    return out;
}

/// SHA-256, or SHA-224 (other initial values, the digest cut to 28 bytes).
std::string sha256(std::string_view msg, bool is224) {
    static constexpr uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    if (is224) {
        const uint32_t h224[8] = {0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939,
                                  0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4};
        std::memcpy(h, h224, sizeof h);
    }
    std::string m = pad_message(msg, 64, 8, true);
    for (size_t off = 0; off < m.size(); off += 64) {
        const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off);
        uint32_t w[64];
        for (int i = 0; i < 16; ++i) w[i] = load_be32(p + 4 * i);
        for (int i = 16; i < 64; ++i) {
            uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t v[8];
        std::memcpy(v, h, sizeof v);
        for (int i = 0; i < 64; ++i) {
            uint32_t s1 = rotr32(v[4], 6) ^ rotr32(v[4], 11) ^ rotr32(v[4], 25);
            uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
            uint32_t t1 = v[7] + s1 + ch + k[i] + w[i];
            uint32_t s0 = rotr32(v[0], 2) ^ rotr32(v[0], 13) ^ rotr32(v[0], 22);
            uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            uint32_t t2 = s0 + maj;
            std::memmove(v + 1, v, 7 * sizeof(uint32_t));
            v[4] += t1;
            v[0] = t1 + t2;
        }
        for (int i = 0; i < 8; ++i) h[i] += v[i];
    }
    std::string out;
    for (int i = 0; i < (is224 ? 7 : 8); ++i) store_be(out, h[i], 4);
    return out;
}

/// SHA-512, or SHA-384 (other initial values, the digest cut to 48 bytes).
std::string sha512(std::string_view msg, bool is384) {
    static constexpr uint64_t k[80] = {
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
        0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
        0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
        0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
        0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
        0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
        0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
        0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
        0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
        0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
        0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
        0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
        0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
        0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
        0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817};
    uint64_t h[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                     0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                     0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
    if (is384) {
        const uint64_t h384[8] = {0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17,
                                  0x152fecd8f70e5939, 0x67332667ffc00b31, 0x8eb44a8768581511,
                                  0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4};
        std::memcpy(h, h384, sizeof h);
    }
    std::string m = pad_message(msg, 128, 16, true);
    for (size_t off = 0; off < m.size(); off += 128) {
        const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off);
        uint64_t w[80];
        for (int i = 0; i < 16; ++i) w[i] = load_be64(p + 8 * i);
        for (int i = 16; i < 80; ++i) {
            uint64_t s0 = rotr64(w[i - 15], 1) ^ rotr64(w[i - 15], 8) ^ (w[i - 15] >> 7);
            uint64_t s1 = rotr64(w[i - 2], 19) ^ rotr64(w[i - 2], 61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint64_t v[8];
        std::memcpy(v, h, sizeof v);
        for (int i = 0; i < 80; ++i) {
            uint64_t s1 = rotr64(v[4], 14) ^ rotr64(v[4], 18) ^ rotr64(v[4], 41);
            uint64_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
            uint64_t t1 = v[7] + s1 + ch + k[i] + w[i];
            uint64_t s0 = rotr64(v[0], 28) ^ rotr64(v[0], 34) ^ rotr64(v[0], 39);
            uint64_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            std::memmove(v + 1, v, 7 * sizeof(uint64_t));
            v[4] += t1;
            v[0] = t1 + s0 + maj;
        }
        for (int i = 0; i < 8; ++i) h[i] += v[i];
    }
    std::string out;
    for (int i = 0; i < (is384 ? 6 : 8); ++i) store_be(out, h[i], 8);
    return out;
}

/// The digest of `algo` (md5, sha, sha224, sha256, sha384, sha512), nullopt for another one;
/// `block` gets the algorithm's block size (for HMAC).
std::optional<std::string> digest(const Term& algo, std::string_view data,
                                  size_t* block = nullptr) {
    if (!algo.is_atom()) return std::nullopt;
    std::string_view name = algo.as_atom().name();
    size_t size = 64;
    std::optional<std::string> out;
    if (name == "md5") out = md5(data);
    if (name == "sha") out = sha1(data);
    if (name == "sha224") out = sha256(data, true);
    if (name == "sha256") out = sha256(data, false);
    if (name == "sha384" || name == "sha512") {
        out = sha512(data, name == "sha384");
        size = 128;
    }
    if (block) *block = size;
    return out;
}

[[noreturn]] void unsupported_algorithm(std::string_view function, const Term& algo) {
    raise_term(make_exception(
        "Tasklens.UnsupportedError",
        {{"message", Term::binary("Tasklens does not support " + std::string(function) +
                                  " with the algorithm " + tasklens::inspect(algo) +
                                  " yet (md5, sha, sha224, sha256, sha384 and sha512 are "
                                  "supported; see docs/scenario-language.md)")}}));
}

Term crypto_hash(ProcessContext&, Args a) {
    std::string data = iodata_arg(a[1], 2);
    if (auto d = digest(a[0], data)) return Term::binary(*d);
    unsupported_algorithm(":crypto.hash/2", a[0]);
}

/// :crypto.mac(:hmac, digest, key, data): RFC 2104 over the digests above.
Term crypto_mac(ProcessContext&, Args a) {
    if (!a[0].is_atom(Atom::intern("hmac"))) unsupported_algorithm(":crypto.mac/4", a[0]);
    std::string key = iodata_arg(a[2], 3);
    std::string data = iodata_arg(a[3], 4);
    size_t block = 64;
    if (!digest(a[1], "", &block)) unsupported_algorithm(":crypto.mac/4", a[1]);
    if (key.size() > block) key = *digest(a[1], key);
    key.resize(block, '\0');
    std::string inner(block, '\0'), outer(block, '\0');
    for (size_t i = 0; i < block; ++i) {
        inner[i] = static_cast<char>(key[i] ^ 0x36);
        outer[i] = static_cast<char>(key[i] ^ 0x5c);
    }
    return Term::binary(*digest(a[1], outer + *digest(a[1], inner + data)));
}

// --- Base -------------------------------------------------------------------------------------

constexpr std::string_view kHexUpper = "0123456789ABCDEF";
constexpr std::string_view kHexLower = "0123456789abcdef";
constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kB64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kB32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kB32Lower = "abcdefghijklmnopqrstuvwxyz234567";

/// A Base function's argument check: a binary data argument and a list of options.
std::string_view base_data(const Term& data, const Term& opts, const Clause& clause) {
    if (!data.is_binary() || !opts.is_list()) clause.fail();
    return data.binary_view();
}

/// The `case:` option (Keyword.get semantics: the first binding), `fallback` when absent.
std::string_view case_option(const Term& opts, std::string_view fallback) {
    auto v = keyword_option(opts, "case");
    return v && v->is_atom() ? v->as_atom().name() : fallback;
}
bool padding_option(const Term& opts) {
    auto v = keyword_option(opts, "padding");
    return !v || !v->is_atom(Atom::intern("false"));
}

/// Raised by the bang decoders, as Base's bad_character!/1 does.
[[noreturn]] void bad_character(unsigned char byte) {
    InspectOptions as_strings;
    as_strings.binaries = InspectOptions::Binaries::AsStrings;
    std::string shown =
        tasklens::inspect(Term::binary(std::string(1, static_cast<char>(byte))), as_strings);
    raise_argument_error("non-alphabet character found: " + shown + " (byte " +
                         std::to_string(byte) + ")");
}

/// Thrown by the decoders; the non-bang variants turn it into :error.
struct DecodeFailure {};
[[noreturn]] void decode_fail(bool bang, std::string_view message) {
    if (bang) raise_argument_error(message);
    throw DecodeFailure{};
}
[[noreturn]] void decode_bad_char(bool bang, unsigned char byte) {
    if (bang) bad_character(byte);
    throw DecodeFailure{};
}

Term encode16(ProcessContext&, Args a) {
    Term opts = a.size() > 1 ? a[1] : Term::empty_list();
    std::string_view in = base_data(a[0], opts, {"Base", "encode16", 2});
    std::string_view digits = case_option(opts, "upper") == "lower" ? kHexLower : kHexUpper;
    std::string out;
    out.reserve(in.size() * 2);
    for (unsigned char c : in) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return Term::binary(out);
}

int hex_value(unsigned char c, std::string_view which) {
    bool upper_ok = which != "lower", lower_ok = which != "upper";
    if (c >= '0' && c <= '9') return c - '0';
    if (upper_ok && c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (lower_ok && c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::string decode16_bytes(std::string_view in, const Term& opts, bool bang) {
    if (in.size() % 2 != 0)
        decode_fail(bang,
                    "string given to decode has wrong length. An even number of bytes was "
                    "expected, got: " +
                        std::to_string(in.size()) +
                        ". Double check your string for unwanted characters or pad it accordingly");
    std::string_view which = case_option(opts, "upper");
    std::string out;
    for (size_t i = 0; i < in.size(); i += 2) {
        int hi = hex_value(in[i], which);
        if (hi < 0) decode_bad_char(bang, in[i]);
        int lo = hex_value(in[i + 1], which);
        if (lo < 0) decode_bad_char(bang, in[i + 1]);
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

std::string encode64_bytes(std::string_view in, std::string_view alphabet, bool pad) {
    std::string out;
    size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        uint32_t v = (uint32_t{static_cast<unsigned char>(in[i])} << 16) |
                     (uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) |
                     static_cast<unsigned char>(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += alphabet[(v >> s) & 63];
    }
    size_t rest = in.size() - i;
    if (rest > 0) {
        uint32_t v = uint32_t{static_cast<unsigned char>(in[i])} << 16;
        if (rest == 2) v |= uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        if (rest == 2) out += alphabet[(v >> 6) & 63];
        if (pad) out += rest == 1 ? "==" : "=";
    }
    return out;
}

/// Removes the characters `ignore: :whitespace` skips (Base's remove_ignored/2).
std::string without_whitespace(std::string_view in) {
    std::string out;
    for (char c : in)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f') out += c;
    return out;
}

/// Base's 64-alphabet decoding: full groups of 4, then a last group that may be padded (or,
/// with padding: false, 2 or 3 characters long). Leftover bits of the last character are
/// dropped, as Base does.
std::string decode64_bytes(std::string_view raw, const Term& opts, std::string_view alphabet,
                           bool bang) {
    auto ignore = keyword_option(opts, "ignore");
    std::string in = ignore && ignore->is_atom(Atom::intern("whitespace")) ? without_whitespace(raw)
                                                                           : std::string(raw);
    bool pad = padding_option(opts);
    int value_of[256];
    std::fill(std::begin(value_of), std::end(value_of), -1);
    for (size_t i = 0; i < alphabet.size(); ++i)
        value_of[static_cast<unsigned char>(alphabet[i])] = int(i);
    auto value = [&](char c) {
        int v = value_of[static_cast<unsigned char>(c)];
        if (v < 0) decode_bad_char(bang, static_cast<unsigned char>(c));
        return static_cast<uint32_t>(v);
    };
    std::string out;
    if (in.empty()) return out;
    size_t full = (in.size() + 3) / 4 - 1;  // groups before the last one
    for (size_t g = 0; g < full; ++g) {
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) v = (v << 6) | value(in[4 * g + k]);
        out += static_cast<char>(v >> 16);
        out += static_cast<char>((v >> 8) & 0xFF);
        out += static_cast<char>(v & 0xFF);
    }
    std::string_view last = std::string_view(in).substr(4 * full);
    size_t data_chars = last.size();
    if (last.size() == 4 && last[3] == '=') data_chars = last[2] == '=' ? 2 : 3;
    bool padded_group = last.size() == 4;
    if (!padded_group && (pad || data_chars < 2)) decode_fail(bang, "incorrect padding");
    uint32_t v = 0;
    for (size_t k = 0; k < data_chars; ++k) v = (v << 6) | value(last[k]);
    if (data_chars == 4) {
        out += static_cast<char>(v >> 16);
        out += static_cast<char>((v >> 8) & 0xFF);
        out += static_cast<char>(v & 0xFF);
    } else if (data_chars == 3) {
        out += static_cast<char>(v >> 10);
        out += static_cast<char>((v >> 2) & 0xFF);
    } else {
        out += static_cast<char>(v >> 4);
    }
    return out;
}

std::string encode32_bytes(std::string_view in, std::string_view alphabet, bool pad) {
    std::string out;
    for (size_t i = 0; i < in.size(); i += 5) {
        size_t n = std::min<size_t>(5, in.size() - i);
        uint64_t v = 0;
        for (size_t k = 0; k < 5; ++k)
            v = (v << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0);
        static constexpr size_t chars_for[6] = {0, 2, 4, 5, 7, 8};
        for (size_t k = 0; k < chars_for[n]; ++k) out += alphabet[(v >> (35 - 5 * k)) & 31];
        if (pad)
            for (size_t k = chars_for[n]; k < 8; ++k) out += '=';
    }
    return out;
}

std::string decode32_bytes(std::string_view in, const Term& opts, std::string_view alphabet,
                           bool bang) {
    bool pad = padding_option(opts);
    std::string_view which = case_option(opts, "upper");
    auto value = [&](char c) -> uint64_t {
        unsigned char u = static_cast<unsigned char>(c);
        bool upper_ok = which != "lower", lower_ok = which != "upper";
        if (u >= '2' && u <= '7') return u - '2' + 26;
        if (upper_ok && u >= 'A' && u <= 'Z') return u - 'A';
        if (lower_ok && u >= 'a' && u <= 'z') return u - 'a';
        decode_bad_char(bang, u);
    };
    (void)alphabet;
    std::string out;
    if (in.empty()) return out;
    size_t full = (in.size() + 7) / 8 - 1;
    auto emit = [&](uint64_t v, size_t bytes) {
        for (size_t k = 0; k < bytes; ++k) out += static_cast<char>((v >> (32 - 8 * k)) & 0xFF);
    };
    for (size_t g = 0; g < full; ++g) {
        uint64_t v = 0;
        for (int k = 0; k < 8; ++k) v = (v << 5) | value(in[8 * g + k]);
        emit(v, 5);
    }
    std::string_view last = in.substr(8 * full);
    size_t data_chars = last.size();
    if (last.size() == 8)
        while (data_chars > 0 && last[data_chars - 1] == '=') --data_chars;
    static constexpr int bytes_for[9] = {-1, -1, 1, -1, 2, 3, -1, 4, 5};
    bool padded_group = last.size() == 8;
    if (bytes_for[data_chars] < 0 || (!padded_group && pad)) decode_fail(bang, "incorrect padding");
    uint64_t v = 0;
    for (size_t k = 0; k < 8; ++k) v = (v << 5) | (k < data_chars ? value(last[k]) : 0);
    emit(v, static_cast<size_t>(bytes_for[data_chars]));
    return out;
}

/// {:ok, decoded} | :error for a non-bang decoder, the decoded binary for a bang one.
template <typename Decode>
Term run_decoder(bool bang, Decode&& decode) {
    try {
        std::string bytes = decode();
        return bang ? Term::binary(bytes) : Term::tuple({Term::atom("ok"), Term::binary(bytes)});
    } catch (const DecodeFailure&) {
        return Term::atom("error");
    }
}

Term opts_of(Args a) {
    return a.size() > 1 ? a[1] : Term::empty_list();
}

template <bool Bang>
Term decode16(ProcessContext&, Args a) {
    Term opts = opts_of(a);
    std::string_view in = base_data(a[0], opts, {"Base", Bang ? "decode16!" : "decode16", 2});
    return run_decoder(Bang, [&] { return decode16_bytes(in, opts, Bang); });
}

template <bool Url>
Term encode64(ProcessContext&, Args a) {
    Term opts = opts_of(a);
    std::string_view in = base_data(a[0], opts, {"Base", Url ? "url_encode64" : "encode64", 2});
    return Term::binary(encode64_bytes(in, Url ? kB64Url : kB64, padding_option(opts)));
}

template <bool Url, bool Bang>
Term decode64(ProcessContext&, Args a) {
    Term opts = opts_of(a);
    std::string_view name =
        Url ? (Bang ? "url_decode64!" : "url_decode64") : (Bang ? "decode64!" : "decode64");
    std::string_view in = base_data(a[0], opts, {"Base", name, 2});
    return run_decoder(Bang, [&] { return decode64_bytes(in, opts, Url ? kB64Url : kB64, Bang); });
}

Term encode32(ProcessContext&, Args a) {
    Term opts = opts_of(a);
    std::string_view in = base_data(a[0], opts, {"Base", "encode32", 2});
    std::string_view alphabet = case_option(opts, "upper") == "lower" ? kB32Lower : kB32;
    return Term::binary(encode32_bytes(in, alphabet, padding_option(opts)));
}

template <bool Bang>
Term decode32(ProcessContext&, Args a) {
    Term opts = opts_of(a);
    std::string_view in = base_data(a[0], opts, {"Base", Bang ? "decode32!" : "decode32", 2});
    return run_decoder(Bang, [&] { return decode32_bytes(in, opts, kB32, Bang); });
}

}  // namespace

void register_codecs(BuiltinTable& t) {
    const std::string_view B = "Elixir.Base";
    for (int arity : {1, 2}) {
        t.add(B, "encode16", arity, encode16);
        t.add(B, "decode16", arity, decode16<false>);
        t.add(B, "decode16!", arity, decode16<true>);
        t.add(B, "encode64", arity, encode64<false>);
        t.add(B, "url_encode64", arity, encode64<true>);
        t.add(B, "decode64", arity, decode64<false, false>);
        t.add(B, "decode64!", arity, decode64<false, true>);
        t.add(B, "url_decode64", arity, decode64<true, false>);
        t.add(B, "url_decode64!", arity, decode64<true, true>);
        t.add(B, "encode32", arity, encode32);
        t.add(B, "decode32", arity, decode32<false>);
        t.add(B, "decode32!", arity, decode32<true>);
    }
    t.add(
        "erlang", "crc32", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::integer(crc32_update(0, iodata_arg(a[0], 1)));
        });
    t.add(
        "erlang", "crc32", 2, +[](ProcessContext&, Args a) -> Term {
            return Term::integer(crc32_update(checksum_seed(a[0]), iodata_arg(a[1], 2)));
        });
    t.add(
        "erlang", "adler32", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::integer(adler32_update(1, iodata_arg(a[0], 1)));
        });
    t.add(
        "erlang", "adler32", 2, +[](ProcessContext&, Args a) -> Term {
            return Term::integer(adler32_update(checksum_seed(a[0]), iodata_arg(a[1], 2)));
        });
    t.add(
        "erlang", "md5", 1,
        +[](ProcessContext&, Args a) -> Term { return Term::binary(md5(iodata_arg(a[0], 1))); });
    t.add("crypto", "hash", 2, crypto_hash);
    t.add("crypto", "mac", 4, crypto_mac);
}

}  // namespace tasklens::script::stdlib
