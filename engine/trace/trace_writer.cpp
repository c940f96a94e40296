#include "engine/trace/trace_writer.h"

#include <array>
#include <charconv>
#include <cstring>
#include <initializer_list>

#include "engine/trace/text_util.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tasklens::trace {
namespace {

// Room for everything on a line but its text: the longest key names and values, the whole slots
// of the fixed-size copies (numbers 24 bytes, pids 32, pieces 48), the newline, with margin.
constexpr size_t kMaxLineBytesWithoutText = 416;

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

template <size_t N>
char* put(char* at, const char (&literal)[N]) noexcept {
    std::memcpy(at, literal, N - 1);
    return at + N - 1;
}

char* put(char* at, std::string_view s) noexcept {
    std::memcpy(at, s.data(), s.size());
    return at + s.size();
}

template <typename Integer>
char* put_number(char* at, Integer value) noexcept {
    return std::to_chars(at, at + 24, value).ptr;
}

/// "\"<node.serial.0>\""
char* format_pid_text(char* at, Pid pid) noexcept {
    at = put(at, "\"<");
    at = put_number(at, pid.node);
    *at++ = '.';
    at = put_number(at, pid.serial);
    return put(at, ".0>\"");
}

/// The key under which a kind stores its detail byte by name, with the JSON around it
/// (`,"state":"`), or empty if the kind has none. The same keys as detail_key().
std::string_view detail_key_prefix(EventKind kind) noexcept {
    switch (kind) {
        case EventKind::StateChange:
            return ",\"state\":\"";
        case EventKind::WaitStart:
            return ",\"wait_kind\":\"";
        case EventKind::WaitEnd:
            return ",\"outcome\":\"";
        case EventKind::ExitSignal:
            return ",\"disposition\":\"";
        case EventKind::Exit:
            return ",\"reason_class\":\"";
        case EventKind::Log:
            return ",\"level\":\"";
        default:
            return {};
    }
}

/// The name of the detail byte under `kind`'s enum, or empty if out of range.
std::string_view detail_name(EventKind kind, uint8_t detail) noexcept {
    auto named = [&](auto enumerator, size_t count) -> std::string_view {
        return detail < count ? to_string(enumerator) : std::string_view{};
    };
    switch (kind) {
        case EventKind::StateChange:
            return named(static_cast<ProcessState>(detail), 5);
        case EventKind::WaitStart:
            return named(static_cast<WaitKind>(detail), 5);
        case EventKind::WaitEnd:
            return named(static_cast<WaitOutcome>(detail), 4);
        case EventKind::ExitSignal:
            return named(static_cast<SignalDisposition>(detail), 3);
        case EventKind::Exit:
            return named(static_cast<ExitReasonClass>(detail), 4);
        case EventKind::Log:
            return named(static_cast<LogLevel>(detail), 5);
        default:
            return {};
    }
}

/// A run of bytes stored in a fixed-size slot, so that writing it is one fixed-size copy (a few
/// vector moves, no call to memcpy) followed by advancing by its real length: the line buffer
/// always has room for the whole slot.
struct Piece {
    static constexpr size_t kSlot = 48;
    char bytes[kSlot] = {};
    uint8_t size = 0;

    char* put(char* at) const noexcept {
        std::memcpy(at, bytes, kSlot);
        return at + size;
    }
};

Piece make_piece(std::initializer_list<std::string_view> parts) noexcept {
    Piece piece;
    for (std::string_view part : parts) {
        std::memcpy(piece.bytes + piece.size, part.data(), part.size());
        piece.size = static_cast<uint8_t>(piece.size + part.size());
    }
    return piece;
}

/// The pieces of a line that depend only on its kind and detail byte.
struct LinePieces {
    static constexpr size_t kDetails = 8;
    /// `,"kind":"Send","pid":` per kind.
    std::array<Piece, kEventKindCount> kind;
    /// `,"state":"Running"` per kind and detail byte below kDetails, for the bytes that name an
    /// enumerator of the kind's detail enum; size 0 otherwise (then the general path writes it).
    std::array<std::array<Piece, kDetails>, kEventKindCount> detail;
    /// Whether a kind with a detail byte of 0 writes nothing for it (kinds without a detail key).
    std::array<bool, kEventKindCount> no_detail_key;
};

const LinePieces& line_pieces() noexcept {
    static const LinePieces pieces = [] {
        LinePieces p;
        for (int k = 0; k < kEventKindCount; ++k) {
            const auto kind = static_cast<EventKind>(k);
            p.kind[k] = make_piece({",\"kind\":\"", to_string(kind), "\",\"pid\":"});
            const std::string_view key = detail_key_prefix(kind);
            p.no_detail_key[k] = key.empty();
            for (size_t d = 0; d < LinePieces::kDetails; ++d) {
                const std::string_view name =
                    key.empty() ? std::string_view{} : detail_name(kind, static_cast<uint8_t>(d));
                if (!name.empty()) p.detail[k][d] = make_piece({key, name, "\""});
            }
        }
        return p;
    }();
    return pieces;
}

/// What a byte of text needs inside a JSON string.
enum ByteClass : uint8_t { Plain, Escaped, NonAscii };

constexpr std::array<uint8_t, 256> kByteClasses = [] {
    std::array<uint8_t, 256> classes{};
    for (int c = 0; c < 256; ++c) {
        if (c >= 0x80)
            classes[c] = NonAscii;
        else if (c < 0x20 || c == 0x7F || c == '"' || c == '\\')
            classes[c] = Escaped;
        else
            classes[c] = Plain;
    }
    return classes;
}();

/// Whether no byte of `word` needs anything in a JSON string (kByteClasses says Plain for
/// all eight): each test sets the top bit of a byte that is non-ASCII, below 0x20, DEL, '"' or
/// '\\' (a byte-wise zero test, exact as to whether any byte is one).
constexpr bool all_plain(uint64_t word) noexcept {
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    constexpr uint64_t kHigh = 0x8080808080808080ull;
    auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    const uint64_t flagged = (word & kHigh) | ((word - kOnes * 0x20) & ~word & kHigh) |
                             has_zero(word ^ (kOnes * 0x7F)) | has_zero(word ^ (kOnes * '"')) |
                             has_zero(word ^ (kOnes * '\\'));
    return flagged == 0;
}

/// Copies the run of bytes at the start of `src` (`n` of them) that need nothing in a JSON
/// string to `dst` and returns its length. It may write up to 15 bytes past the run's end in
/// `dst` (the caller has room: it reserves 6 bytes per text byte), which later writes overwrite.
size_t copy_plain_run(char* dst, const unsigned char* src, size_t n) noexcept {
#if defined(__SSE2__)
    // 16 bytes at a time: one signed compare flags bytes below 0x20 and non-ASCII ones (negative
    // as signed), three more flag '"', '\\' and DEL. Each block is stored whole and the run
    // ends at its first flagged byte.
    auto flagged = [](__m128i v) {
        const __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
        const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
        const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
        const __m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
        return static_cast<unsigned>(_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(low, quote), _mm_or_si128(backslash, del))));
    };
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), v);
        if (const unsigned mask = flagged(v); mask != 0)
            return i + static_cast<size_t>(__builtin_ctz(mask));
    }
    const size_t rest = n - i;
    if (rest == 0) return i;
    if (n >= 16) {
        // The tail as the last block of the text, which overlaps the bytes already copied: they
        // are plain and copied one to one, so storing them again changes nothing.
        const size_t last = n - 16;
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + last));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + last), v);
        const unsigned mask = (flagged(v) >> (16 - rest)) | (1u << rest);
        return i + static_cast<size_t>(__builtin_ctz(mask));
    }
    // A text shorter than a block: two overlapping words when there are eight bytes or more.
    if (n >= 8) {
        uint64_t first, second;
        std::memcpy(&first, src, 8);
        std::memcpy(&second, src + n - 8, 8);
        if (all_plain(first) && all_plain(second)) {
            std::memcpy(dst, &first, 8);
            std::memcpy(dst + n - 8, &second, 8);
            return n;
        }
    }
    while (i < n && kByteClasses[src[i]] == Plain) {
        dst[i] = static_cast<char>(src[i]);
        ++i;
    }
    return i;
#else
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t word;
        std::memcpy(&word, src + i, 8);
        if (!all_plain(word)) break;
        std::memcpy(dst + i, &word, 8);
        i += 8;
    }
    while (i < n && kByteClasses[src[i]] == Plain) {
        dst[i] = static_cast<char>(src[i]);
        ++i;
    }
    return i;
#endif
}

/// The escape of an ASCII byte that JSON (or our readers' comfort, for DEL) wants escaped.
char* put_escape(char* at, unsigned char c) noexcept {
    static constexpr char kHex[] = "0123456789abcdef";
    *at++ = '\\';
    switch (c) {
        case '"':
            *at++ = '"';
            break;
        case '\\':
            *at++ = '\\';
            break;
        case '\n':
            *at++ = 'n';
            break;
        case '\r':
            *at++ = 'r';
            break;
        case '\t':
            *at++ = 't';
            break;
        default:
            at = put(at, "u00");
            *at++ = kHex[c >> 4];
            *at++ = kHex[c & 0xF];
    }
    return at;
}

char* put_base64(char* at, std::string_view bytes) noexcept {
    size_t i = 0;
    auto byte = [&](size_t k) { return uint32_t{static_cast<unsigned char>(bytes[k])}; };
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        *at++ = kBase64Alphabet[(v >> 18) & 63];
        *at++ = kBase64Alphabet[(v >> 12) & 63];
        *at++ = kBase64Alphabet[(v >> 6) & 63];
        *at++ = kBase64Alphabet[v & 63];
    }
    const size_t rest = bytes.size() - i;
    if (rest > 0) {
        uint32_t v = byte(i) << 16;
        if (rest == 2) v |= byte(i + 1) << 8;
        *at++ = kBase64Alphabet[(v >> 18) & 63];
        *at++ = kBase64Alphabet[(v >> 12) & 63];
        *at++ = rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
        *at++ = '=';
    }
    return at;
}

}  // namespace

void EventLineBuffer::grow(size_t count) {
    size_t capacity = capacity_ == 0 ? size_t{4096} : capacity_ * 2;
    while (capacity - size_ < count) capacity *= 2;
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
}

char* EventLineBuffer::put_seq(char* at, uint64_t seq) noexcept {
    NumberText& t = seq_text_;
    if (t.size != 0 && seq == seq_ + 1 && seq != 0) {
        // The previous digits are copied out first, and then both copies get one added, byte by
        // byte: copying after the byte-wise update would load bytes whose stores are still in
        // flight, and such a load waits for them (store forwarding fails on a wider load).
        std::memcpy(at, t.digits, NumberText::kSlot);
        // Trailing nines become zeros, the digit before them goes up, and all nines become a
        // one followed by as many zeros.
        int i = t.size - 1;
        while (i >= 0 && t.digits[i] == '9') {
            t.digits[i] = '0';
            at[i] = '0';
            --i;
        }
        if (i >= 0) {
            at[i] = static_cast<char>(t.digits[i] + 1);
            t.digits[i] = at[i];
        } else {
            t.digits[0] = at[0] = '1';
            t.digits[t.size] = at[t.size] = '0';
            ++t.size;
        }
        seq_ = seq;
        return at + t.size;
    }
    if (t.size == 0 || seq != seq_) {
        t.size = static_cast<uint8_t>(put_number(t.digits, seq) - t.digits);
        seq_ = seq;
    }
    std::memcpy(at, t.digits, NumberText::kSlot);
    return at + t.size;
}

char* EventLineBuffer::put_time(char* at, int64_t time_us) noexcept {
    NumberText& t = time_text_;
    if (t.size == 0 || time_us != time_) {
        t.size = static_cast<uint8_t>(put_number(t.digits, time_us) - t.digits);
        time_ = time_us;
    }
    std::memcpy(at, t.digits, NumberText::kSlot);
    return at + t.size;
}

char* EventLineBuffer::put_pid(char* at, Pid pid) noexcept {
    const uint64_t packed = pid.packed();
    PidText& t = pid_texts_[(pid.serial ^ (pid.node * 31u)) % kPidCacheSize];
    if (t.packed != packed || t.size == 0) {
        t.size = static_cast<uint8_t>(format_pid_text(t.bytes, pid) - t.bytes);
        t.packed = packed;
    }
    std::memcpy(at, t.bytes, PidText::kSlot);
    return at + t.size;
}

char* EventLineBuffer::put_text(char* at, std::string_view text) {
    char* const field = at;
    at = put(at, ",\"text\":\"");
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    bool utf8_checked = false;
    size_t i = 0;
    while (i < n) {
        // Copy the run of bytes that need nothing, then deal with the byte that ends it.
        const size_t run = copy_plain_run(at, bytes + i, n - i);
        at += run;
        i += run;
        if (i == n) break;
        if (kByteClasses[bytes[i]] == Escaped) {
            at = put_escape(at, bytes[i]);
            ++i;
            continue;
        }
        // Non-ASCII: the text goes as a JSON string only if all of it is UTF-8. Sequences start
        // here, so checking from here on checks the whole text.
        if (!utf8_checked) {
            if (!is_valid_utf8(text.substr(i))) {
                at = put(field, ",\"text_base64\":\"");
                at = put_base64(at, text);
                *at++ = '"';
                return at;
            }
            utf8_checked = true;
        }
        *at++ = static_cast<char>(bytes[i]);
        ++i;
    }
    *at++ = '"';
    return at;
}

void EventLineBuffer::write_line(const Event& e, bool newline) {
    // The escaped text takes at most 6 bytes per byte ("\u00xx"); base64 takes fewer.
    char* const begin = reserve(kMaxLineBytesWithoutText + 6 * e.text.size());
    char* at = begin;
    at = put(at, "{\"seq\":");
    at = put_seq(at, e.seq);
    at = put(at, ",\"t\":");
    at = put_time(at, e.time_us);
    const LinePieces& pieces = line_pieces();
    const auto kind = static_cast<size_t>(e.kind);
    if (kind < pieces.kind.size()) {
        at = pieces.kind[kind].put(at);
    } else {
        at = put(at, ",\"kind\":\"");
        at = put(at, to_string(e.kind));
        at = put(at, "\",\"pid\":");
    }
    at = put_pid(at, e.pid);
    if (kind < pieces.kind.size() && e.detail < LinePieces::kDetails &&
        pieces.detail[kind][e.detail].size != 0) {
        at = pieces.detail[kind][e.detail].put(at);
    } else if (kind < pieces.kind.size() && e.detail == 0 && pieces.no_detail_key[kind]) {
        // nothing to write
    } else {
        const std::string_view key = detail_key_prefix(e.kind);
        const std::string_view name =
            key.empty() ? std::string_view{} : detail_name(e.kind, e.detail);
        if (!name.empty()) {
            at = put(at, key);
            at = put(at, name);
            *at++ = '"';
        } else if (!key.empty() || e.detail != 0) {
            at = put(at, ",\"detail\":");
            at = put_number(at, e.detail);
        }
    }
    if (e.peer != Pid{}) {
        at = put(at, ",\"peer\":");
        at = put_pid(at, e.peer);
    }
    if (e.ref.id != 0) {
        at = put(at, ",\"ref\":");
        at = put_number(at, e.ref.id);
    }
    if (e.deadline_us != -1) {
        at = put(at, ",\"deadline\":");
        at = put_number(at, e.deadline_us);
    }
    if (e.value != 0) {
        at = put(at, ",\"value\":");
        at = put_number(at, e.value);
    }
    if (e.flags != 0) {
        at = put(at, ",\"flags\":");
        at = put_number(at, e.flags);
    }
    if (!e.text.empty()) at = put_text(at, e.text);
    *at++ = '}';
    if (newline) *at++ = '\n';
    size_ += static_cast<size_t>(at - begin);
}

}  // namespace tasklens::trace
