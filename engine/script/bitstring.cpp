#include "engine/script/bitstring.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/script/utf8.h"

#include "engine/runtime/format_error.h"
#include "engine/runtime/inspect.h"
#include "engine/runtime/integer.h"
#include "engine/runtime/runtime.h"

namespace tasklens::script::bits {
namespace {

bool is_little(uint8_t modifiers) {
    if (modifiers & kBitNative) return std::endian::native == std::endian::little;
    return (modifiers & kBitLittle) != 0;
}

// --- writing ---------------------------------------------------------------------------------

/// Appends bits, most significant first.
class BitWriter {
  public:
    void append_bits(uint64_t value, unsigned count) {
        // count <= 64; value's low `count` bits are appended
        while (count > 0) {
            unsigned used = static_cast<unsigned>(bits_ % 8);
            if (used == 0) bytes_.push_back('\0');
            unsigned room = 8 - used;
            unsigned take = count < room ? count : room;
            unsigned chunk = static_cast<unsigned>((value >> (count - take)) & ((1u << take) - 1));
            auto& last = reinterpret_cast<unsigned char&>(bytes_.back());
            last = static_cast<unsigned char>(last | (chunk << (room - take)));
            bits_ += take;
            count -= take;
        }
    }
    /// The first `bit_count` bits of `data`.
    void append_bitstring(std::string_view data, uint64_t bit_count) {
        size_t whole = static_cast<size_t>(bit_count / 8);
        if (bits_ % 8 == 0) {
            bytes_.append(data.data(), whole);
            bits_ += uint64_t{whole} * 8;
        } else {
            for (size_t i = 0; i < whole; ++i) append_bits(static_cast<unsigned char>(data[i]), 8);
        }
        if (unsigned rest = static_cast<unsigned>(bit_count % 8); rest != 0)
            append_bits(static_cast<unsigned char>(data[whole]) >> (8 - rest), rest);
    }
    Term finish() { return Term::bitstring(bytes_, bits_); }

  private:
    std::string bytes_;
    uint64_t bits_ = 0;
};

[[noreturn]] void construction_failed(size_t segment, BitType type, const std::string& detail) {
    throw ErlangException::error(
        argument_error(fmt::format("construction of binary failed: segment {} of type '{}': {}",
                                   segment, to_string(type), detail)));
}

/// Writes `value` as a `bits`-bit two's complement integer.
void write_integer(BitWriter& out, const Term& value, uint64_t bits, bool little) {
    if (bits == 0) return;
    if (bits <= 64 && value.is_integer() && !(little && bits % 8 != 0 && bits > 8)) {
        auto v = static_cast<uint64_t>(value.as_integer());
        if (!little || bits <= 8) {
            out.append_bits(v, static_cast<unsigned>(bits));
        } else {
            for (uint64_t done = 0; done < bits; done += 8) out.append_bits(v >> done, 8);
        }
        return;
    }
    // The low `bits` bits as bytes, least significant byte first.
    mpz_t r;
    mpz_init(r);
    integer::to_mpz(value, r);
    mpz_fdiv_r_2exp(r, r, bits);  // non-negative: two's complement truncation
    size_t byte_count = static_cast<size_t>((bits + 7) / 8);
    std::vector<unsigned char> le(byte_count, 0);
    size_t written = 0;
    mpz_export(le.data(), &written, -1, 1, 0, 0, r);
    mpz_clear(r);
    unsigned partial = static_cast<unsigned>(bits % 8);
    if (little) {
        // Erlang: whole bytes least significant first, then the remaining high bits.
        for (size_t i = 0; i < byte_count; ++i)
            out.append_bits(le[i], i + 1 == byte_count && partial ? partial : 8);
    } else {
        for (size_t i = byte_count; i-- > 0;)
            out.append_bits(le[i], i + 1 == byte_count && partial ? partial : 8);
    }
}

uint16_t to_half(double d) {
    // IEEE 754 binary16, round to nearest even; 65520 and above round to infinity
    if (std::fabs(d) >= 65520.0) return std::signbit(d) ? 0xFC00 : 0x7C00;
    uint32_t f;
    float x = static_cast<float>(d);
    std::memcpy(&f, &x, 4);
    uint32_t sign = (f >> 16) & 0x8000u;
    int exponent = static_cast<int>((f >> 23) & 0xFF) - 127 + 15;
    uint32_t mantissa = f & 0x7FFFFFu;
    if (exponent <= 0) {
        if (exponent < -10) return static_cast<uint16_t>(sign);
        mantissa |= 0x800000u;
        unsigned shift = static_cast<unsigned>(14 - exponent);
        uint32_t half = mantissa >> shift;
        uint32_t rest = mantissa & ((1u << shift) - 1);
        uint32_t midpoint = 1u << (shift - 1);
        if (rest > midpoint || (rest == midpoint && (half & 1))) ++half;
        return static_cast<uint16_t>(sign | half);
    }
    if (exponent >= 31) return static_cast<uint16_t>(sign | 0x7C00u);  // too large: infinity
    uint32_t half = sign | (static_cast<uint32_t>(exponent) << 10) | (mantissa >> 13);
    uint32_t rest = mantissa & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1))) ++half;
    return static_cast<uint16_t>(half);
}

double from_half(uint16_t h) {
    int exponent = (h >> 10) & 0x1F;
    int mantissa = h & 0x3FF;
    double v;
    if (exponent == 0) {
        v = std::ldexp(mantissa, -24);
    } else if (exponent == 31) {
        v = mantissa ? NAN : INFINITY;
    } else {
        v = std::ldexp(mantissa + 1024, exponent - 25);
    }
    return (h & 0x8000) ? -v : v;
}

bool valid_codepoint(const Term& v) {
    if (!v.is_integer()) return false;
    int64_t cp = v.as_integer();
    return cp >= 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

std::optional<uint64_t> segment_bits(const SegmentSpec& spec, const Term* size) {
    if (spec.size == SegmentSpec::Size::Default) return std::nullopt;
    uint64_t n = spec.value;
    if (spec.size == SegmentSpec::Size::Register) {
        // the BEAM raises a plain badarg for a bad size
        if (!size || !size->is_integer() || size->as_integer() < 0) throw ErlangException::badarg();
        n = static_cast<uint64_t>(size->as_integer());
    }
    return n * spec.unit;
}

void write_segment(BitWriter& out, const SegmentSpec& spec, const Term& value, const Term* size,
                   size_t segment) {
    std::optional<uint64_t> bits = segment_bits(spec, size);
    bool little = is_little(spec.modifiers);
    switch (spec.type) {
        case BitType::Integer: {
            if (!value.is_integral())
                construction_failed(segment, spec.type,
                                    "expected an integer but got: " + inspect(value));
            uint64_t n = bits.value_or(8);
            if (n > integer::kMaxBits) throw ErlangException::error(Term::atom("system_limit"));
            write_integer(out, value, n, little);
            return;
        }
        case BitType::Float: {
            if (!value.is_number())
                construction_failed(segment, spec.type,
                                    "expected a float or an integer but got: " + inspect(value));
            uint64_t n = bits.value_or(64);
            double d = 0;
            if (value.is_float()) {
                d = value.as_float();
            } else if (auto converted = integer::to_double(value)) {
                d = *converted;
            } else {
                construction_failed(
                    segment, spec.type,
                    "the value " + inspect(value) + " is outside the range expressible as a float");
            }
            if (n != 16 && n != 32 && n != 64)
                construction_failed(segment, spec.type,
                                    fmt::format("the size {} is not 16, 32 or 64", n));
            uint64_t raw;
            if (n == 64) {
                std::memcpy(&raw, &d, 8);
            } else if (n == 32) {
                // too large for a float: infinity, as the BEAM (a plain cast would be undefined)
                float f = std::fabs(d) > std::numeric_limits<float>::max()
                              ? std::copysign(std::numeric_limits<float>::infinity(),
                                              static_cast<float>(d > 0 ? 1 : -1))
                              : static_cast<float>(d);
                uint32_t r32;
                std::memcpy(&r32, &f, 4);
                raw = r32;
            } else {
                raw = to_half(d);
            }
            if (little) {
                for (uint64_t done = 0; done < n; done += 8) out.append_bits(raw >> done, 8);
            } else {
                out.append_bits(raw, static_cast<unsigned>(n));
            }
            return;
        }
        case BitType::Binary:
        case BitType::Bitstring: {
            if (!value.is_bitstring() ||
                (spec.type == BitType::Binary && !bits && !value.is_binary()))
                construction_failed(
                    segment, spec.type,
                    value.is_bitstring()
                        ? "the size of the value " + inspect(value) +
                              " is not a multiple of the unit for the segment"
                        : std::string(spec.type == BitType::Binary ? "expected a binary"
                                                                   : "expected a bitstring") +
                              " but got: " + inspect(value));
            uint64_t available = value.bit_size();
            uint64_t n = bits.value_or(available);
            if (n > available)
                construction_failed(
                    segment, spec.type,
                    "the value " + inspect(value) + " is shorter than the size of the segment");
            out.append_bitstring(value.binary_view(), n);
            return;
        }
        case BitType::Utf8:
        case BitType::Utf16:
        case BitType::Utf32: {
            if (!valid_codepoint(value))
                construction_failed(
                    segment, spec.type,
                    fmt::format("expected a non-negative integer encodable as {} but got: {}",
                                to_string(spec.type), inspect(value)));
            auto cp = static_cast<uint32_t>(value.as_integer());
            if (spec.type == BitType::Utf8) {
                std::string encoded;
                utf8_append(encoded, static_cast<char32_t>(cp));
                out.append_bitstring(encoded, uint64_t{encoded.size()} * 8);
            } else if (spec.type == BitType::Utf32) {
                write_integer(out, value, 32, little);
            } else {
                std::vector<uint32_t> units;
                if (cp < 0x10000) {
                    units.push_back(cp);
                } else {
                    units.push_back(0xD800 + ((cp - 0x10000) >> 10));
                    units.push_back(0xDC00 + ((cp - 0x10000) & 0x3FF));
                }
                for (uint32_t u : units) write_integer(out, Term::integer(u), 16, little);
            }
            return;
        }
    }
}

// --- reading ---------------------------------------------------------------------------------

/// `count` (<= 64) bits of `data` from bit `offset`, most significant first.
uint64_t read_bits(std::string_view data, uint64_t offset, unsigned count) {
    uint64_t v = 0;
    while (count > 0) {
        size_t byte = static_cast<size_t>(offset / 8);
        unsigned used = static_cast<unsigned>(offset % 8);
        unsigned room = 8 - used;
        unsigned take = count < room ? count : room;
        unsigned b = static_cast<unsigned char>(data[byte]);
        unsigned chunk = (b >> (room - take)) & ((1u << take) - 1);
        v = (v << take) | chunk;
        offset += take;
        count -= take;
    }
    return v;
}

Term read_integer(std::string_view data, uint64_t offset, uint64_t bits, bool little,
                  bool is_signed) {
    if (bits == 0) return Term::integer(0);
    if (bits <= 64) {
        uint64_t v;
        if (!little || bits <= 8) {
            v = read_bits(data, offset, static_cast<unsigned>(bits));
        } else {
            v = 0;
            uint64_t done = 0;
            for (; done + 8 <= bits; done += 8) v |= read_bits(data, offset + done, 8) << done;
            if (done < bits)
                v |= read_bits(data, offset + done, static_cast<unsigned>(bits - done)) << done;
        }
        if (is_signed && bits < 64 && (v >> (bits - 1)) & 1) v |= ~uint64_t{0} << bits;
        if (is_signed || v <= static_cast<uint64_t>(INT64_MAX))
            return Term::integer(static_cast<int64_t>(v));
        mpz_t r;
        mpz_init(r);
        mpz_import(r, 1, 1, sizeof v, 0, 0, &v);
        Term t = integer::from_mpz(r);
        mpz_clear(r);
        return t;
    }
    // Gather the bits as little-endian bytes (least significant first), then import.
    size_t byte_count = static_cast<size_t>((bits + 7) / 8);
    std::vector<unsigned char> le(byte_count, 0);
    unsigned partial = static_cast<unsigned>(bits % 8);
    uint64_t at = offset;
    if (little) {
        for (size_t i = 0; i < byte_count; ++i) {
            unsigned take = i + 1 == byte_count && partial ? partial : 8;
            le[i] = static_cast<unsigned char>(read_bits(data, at, take));
            at += take;
        }
    } else {
        for (size_t i = byte_count; i-- > 0;) {
            unsigned take = i + 1 == byte_count && partial ? partial : 8;
            le[i] = static_cast<unsigned char>(read_bits(data, at, take));
            at += take;
        }
    }
    mpz_t r;
    mpz_init(r);
    mpz_import(r, byte_count, -1, 1, 0, 0, le.data());
    if (is_signed && mpz_tstbit(r, bits - 1)) {
        mpz_t full;
        mpz_init(full);
        mpz_setbit(full, bits);
        mpz_sub(r, r, full);
        mpz_clear(full);
    }
    Term t = integer::from_mpz(r);
    mpz_clear(r);
    return t;
}

/// A byte-aligned or unaligned slice of `subject` as a new binary/bitstring.
Term slice(const Term& subject, uint64_t offset, uint64_t bits) {
    std::string_view data = subject.binary_view();
    if (offset % 8 == 0 && bits % 8 == 0)
        return Term::sub_binary(subject, static_cast<size_t>(offset / 8),
                                static_cast<size_t>(bits / 8));
    std::string out;
    out.reserve(static_cast<size_t>(bits / 8 + 1));
    uint64_t done = 0;
    for (; done + 8 <= bits; done += 8) out += static_cast<char>(read_bits(data, offset + done, 8));
    if (done < bits) {
        auto rest = static_cast<unsigned>(bits - done);
        out += static_cast<char>(read_bits(data, offset + done, rest) << (8 - rest));
    }
    return Term::bitstring(out, bits);
}

}  // namespace

int64_t SegmentSpec::pack() const noexcept {
    return static_cast<int64_t>(static_cast<uint64_t>(type) | (uint64_t{modifiers} << 3) |
                                (uint64_t{unit} << 6) |
                                (uint64_t{static_cast<uint8_t>(size)} << 15) | (value << 17));
}

SegmentSpec SegmentSpec::unpack(int64_t packed) noexcept {
    auto p = static_cast<uint64_t>(packed);
    SegmentSpec s;
    s.type = static_cast<BitType>(p & 7);
    s.modifiers = static_cast<uint8_t>((p >> 3) & 7);
    s.unit = static_cast<uint32_t>((p >> 6) & 0x1FF);
    s.size = static_cast<Size>((p >> 15) & 3);
    s.value = p >> 17;
    return s;
}

Term build(const Term& segments, std::span<const Term> operands) {
    BitWriter out;
    size_t next = 0;
    auto specs = segments.tuple_items();
    for (size_t i = 0; i < specs.size(); ++i) {
        SegmentSpec spec = SegmentSpec::unpack(specs[i].as_integer());
        const Term& value = operands[next++];
        const Term* size = spec.size == SegmentSpec::Size::Register ? &operands[next++] : nullptr;
        write_segment(out, spec, value, size, i + 1);
    }
    return out.finish();
}

Term concat(std::span<const Term> parts) {
    BitWriter out;
    for (const Term& part : parts) out.append_bitstring(part.binary_view(), part.bit_size());
    return out.finish();
}

bool match(const Term& subject, uint64_t& offset, const SegmentSpec& spec, const Term* size,
           Term& out) {
    uint64_t total = subject.bit_size();
    uint64_t left = total - offset;
    std::optional<uint64_t> bits;
    if (spec.size == SegmentSpec::Size::Literal) {
        bits = spec.value * spec.unit;
    } else if (spec.size == SegmentSpec::Size::Register) {
        if (!size || !size->is_integer() || size->as_integer() < 0) return false;
        bits = static_cast<uint64_t>(size->as_integer()) * spec.unit;
    }
    std::string_view data = subject.binary_view();
    bool little = is_little(spec.modifiers);
    switch (spec.type) {
        case BitType::Integer: {
            uint64_t n = bits.value_or(8);
            if (n > left) return false;
            out = read_integer(data, offset, n, little, (spec.modifiers & kBitSigned) != 0);
            offset += n;
            return true;
        }
        case BitType::Float: {
            uint64_t n = bits.value_or(64);
            if (n > left || (n != 16 && n != 32 && n != 64)) return false;
            uint64_t raw = 0;
            if (little) {
                for (unsigned k = 0; k < n / 8; ++k)
                    raw |= read_bits(data, offset + 8 * k, 8) << (8 * k);
            } else {
                raw = read_bits(data, offset, static_cast<unsigned>(n));
            }
            double d;
            if (n == 64) {
                std::memcpy(&d, &raw, 8);
            } else if (n == 32) {
                auto r32 = static_cast<uint32_t>(raw);
                float f;
                std::memcpy(&f, &r32, 4);
                d = f;
            } else {
                d = from_half(static_cast<uint16_t>(raw));
            }
            if (!std::isfinite(d)) return false;
            out = Term::floating(d);
            offset += n;
            return true;
        }
        case BitType::Binary:
        case BitType::Bitstring: {
            uint64_t n = bits.value_or(left);
            if (n > left) return false;
            if (spec.type == BitType::Binary && n % 8 != 0) return false;
            out = slice(subject, offset, n);
            offset += n;
            return true;
        }
        case BitType::Utf8: {
            if (left < 8) return false;
            char bytes[4];
            const size_t available = static_cast<size_t>(std::min<uint64_t>(4, left / 8));
            for (size_t k = 0; k < available; ++k)
                bytes[k] = static_cast<char>(read_bits(data, offset + 8 * k, 8));
            char32_t cp;
            bool valid;
            const size_t length = utf8_decode(std::string_view(bytes, available), 0, cp, valid);
            if (!valid) return false;
            out = Term::integer(cp);
            offset += uint64_t{length} * 8;
            return true;
        }
        case BitType::Utf16: {
            if (left < 16) return false;
            auto u =
                static_cast<uint32_t>(read_integer(data, offset, 16, little, false).as_integer());
            if (u >= 0xDC00 && u <= 0xDFFF) return false;
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (left < 32) return false;
                auto low = static_cast<uint32_t>(
                    read_integer(data, offset + 16, 16, little, false).as_integer());
                if (low < 0xDC00 || low > 0xDFFF) return false;
                out = Term::integer(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
                offset += 32;
                return true;
            }
            out = Term::integer(u);
            offset += 16;
            return true;
        }
        case BitType::Utf32: {
            if (left < 32) return false;
            Term cp = read_integer(data, offset, 32, little, false);
            if (!valid_codepoint(cp)) return false;
            out = std::move(cp);
            offset += 32;
            return true;
        }
    }
    return false;
}

}  // namespace tasklens::script::bits
