#pragma once
// Bob Jenkins' 32-bit mixing as erts' utils.c uses it, shared by the two erts term hashes that
// Tasklens reproduces: make_internal_hash (map.cpp, the hash-trie layout of maps) and make_hash2
// (phash2.cpp, :erlang.phash2).
#include <cstddef>
#include <cstdint>

namespace tasklens::jenkins {

inline void mix(uint32_t& a, uint32_t& b, uint32_t& c) {
    a -= b;
    a -= c;
    a ^= (c >> 13);
    b -= c;
    b -= a;
    b ^= (a << 8);
    c -= a;
    c -= b;
    c ^= (b >> 13);
    a -= b;
    a -= c;
    a ^= (c >> 12);
    b -= c;
    b -= a;
    b ^= (a << 16);
    c -= a;
    c -= b;
    c ^= (b >> 5);
    a -= b;
    a -= c;
    a ^= (c >> 3);
    b -= c;
    b -= a;
    b ^= (a << 10);
    c -= a;
    c -= b;
    c ^= (b >> 15);
}

inline constexpr uint32_t kGolden = 0x9e3779b9u;
/// erts' HCONST_n: (HCONST * n) mod 2^32.
constexpr uint32_t hconst(uint32_t n) {
    return kGolden * n;
}

/// erts' UINT32_HASH_2(x, y, k): mixes two words into `hash`.
inline void hash2(uint32_t& hash, uint32_t x, uint32_t y, uint32_t k) {
    uint32_t a = k + x, b = k + y;
    mix(a, b, hash);
}

/// erts' block_hash: the bytes of a binary, 12 at a time, `initval` the hash so far.
inline uint32_t block_hash(const unsigned char* k, size_t length, uint32_t initval) {
    uint32_t a = kGolden, b = kGolden, c = initval;
    size_t len = length;
    auto word = [](const unsigned char* p) {
        return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) |
               (uint32_t{p[3]} << 24);
    };
    while (len >= 12) {
        a += word(k);
        b += word(k + 4);
        c += word(k + 8);
        mix(a, b, c);
        k += 12;
        len -= 12;
    }
    c += static_cast<uint32_t>(length);
    switch (len) {  // every case falls through, as in erts
        case 11:
            c += uint32_t{k[10]} << 24;
            [[fallthrough]];
        case 10:
            c += uint32_t{k[9]} << 16;
            [[fallthrough]];
        case 9:
            c += uint32_t{k[8]} << 8;
            [[fallthrough]];
        case 8:
            b += uint32_t{k[7]} << 24;
            [[fallthrough]];
        case 7:
            b += uint32_t{k[6]} << 16;
            [[fallthrough]];
        case 6:
            b += uint32_t{k[5]} << 8;
            [[fallthrough]];
        case 5:
            b += k[4];
            [[fallthrough]];
        case 4:
            a += uint32_t{k[3]} << 24;
            [[fallthrough]];
        case 3:
            a += uint32_t{k[2]} << 16;
            [[fallthrough]];
        case 2:
            a += uint32_t{k[1]} << 8;
            [[fallthrough]];
        case 1:
            a += k[0];
            [[fallthrough]];
        default:
            break;
    }
    mix(a, b, c);
    return c;
}

}  // namespace tasklens::jenkins
