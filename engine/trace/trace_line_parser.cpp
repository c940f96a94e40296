#include "engine/trace/trace_line_parser.h"

#include <array>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>

#include "engine/trace/text_util.h"

namespace tasklens::trace {

namespace {

/// A cursor over one line. Every method returns false when the text is not what the fast path
/// handles; the caller then gives up on the line.
class LineCursor {
  public:
    explicit LineCursor(std::string_view line) : p_(line.data()), end_(line.data() + line.size()) {}

    void skip_space() noexcept {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\t')) ++p_;
    }
    bool consume(char c) noexcept {
        skip_space();
        if (p_ < end_ && *p_ == c) {
            ++p_;
            return true;
        }
        return false;
    }
    bool at_end() noexcept {
        skip_space();
        return p_ == end_;
    }
    char peek() noexcept {
        skip_space();
        return p_ < end_ ? *p_ : '\0';
    }

    /// A string without escapes, as a view into the line (keys and names never need escapes).
    bool plain_string(std::string_view& out) noexcept {
        if (!consume('"')) return false;
        const char* start = p_;
        const void* quote = std::memchr(p_, '"', static_cast<size_t>(end_ - p_));
        if (quote == nullptr) return false;
        const char* stop = static_cast<const char*>(quote);
        for (const char* c = start; c < stop; ++c)
            if (*c == '\\' || static_cast<unsigned char>(*c) < 0x20) return false;
        out = std::string_view(start, static_cast<size_t>(stop - start));
        p_ = stop + 1;
        return true;
    }

    /// Any JSON string, decoded; the result must be valid UTF-8 (as JSON requires).
    bool string(std::string& out) {
        if (!consume('"')) return false;
        out.clear();
        bool ascii = true;
        while (p_ < end_) {
            const char* run = p_;
            while (p_ < end_ && *p_ != '"' && *p_ != '\\') {
                const auto byte = static_cast<unsigned char>(*p_);
                if (byte < 0x20) return false;
                ascii &= byte < 0x80;
                ++p_;
            }
            out.append(run, static_cast<size_t>(p_ - run));
            if (p_ == end_) return false;
            if (*p_ == '"') {
                ++p_;
                return ascii || is_valid_utf8(out);
            }
            if (++p_ == end_) return false;  // the backslash
            switch (*p_++) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    uint32_t code = 0;
                    if (!hex4(code)) return false;
                    if (code >= 0xD800 && code <= 0xDBFF) {
                        uint32_t low = 0;
                        if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
                        p_ += 2;
                        if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    } else if (code >= 0xDC00 && code <= 0xDFFF) {
                        return false;
                    }
                    append_utf8(out, code);
                    ascii &= code < 0x80;
                    break;
                }
                default:
                    return false;
            }
        }
        return false;
    }

    /// An integer (no fraction, no exponent) that fits T.
    template <typename T>
    bool integer(T& out) noexcept {
        skip_space();
        const char* start = p_;
        if (p_ < end_ && *p_ == '-') {
            if constexpr (std::is_unsigned_v<T>) return false;
            ++p_;
        }
        if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
        if (*p_ == '0' && p_ + 1 < end_ && p_[1] >= '0' && p_[1] <= '9') return false;  // 01
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
        if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
        const auto [stop, ec] = std::from_chars(start, p_, out);
        return ec == std::errc{} && stop == p_;
    }

  private:
    bool hex4(uint32_t& code) noexcept {
        if (end_ - p_ < 4) return false;
        for (int i = 0; i < 4; ++i) {
            const char c = *p_++;
            code <<= 4;
            if (c >= '0' && c <= '9')
                code |= static_cast<uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                code |= static_cast<uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                code |= static_cast<uint32_t>(c - 'A' + 10);
            else
                return false;
        }
        return true;
    }
    static void append_utf8(std::string& out, uint32_t code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    const char* p_;
    const char* end_;
};

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

bool decode_base64(std::string_view text, std::string& out) {
    out.clear();
    if (text.size() % 4 != 0) return false;
    out.reserve(text.size() / 4 * 3);
    for (size_t i = 0; i < text.size(); i += 4) {
        uint32_t v = 0;
        int padding = 0;
        for (size_t k = 0; k < 4; ++k) {
            const char c = text[i + k];
            uint32_t digit = 0;
            if (c == '=' && i + 4 == text.size() && k >= 2) {
                ++padding;
            } else {
                if (padding > 0) return false;
                const auto pos = kBase64Alphabet.find(c);
                if (pos == std::string_view::npos) return false;
                digit = static_cast<uint32_t>(pos);
            }
            v = (v << 6) | digit;
        }
        out.push_back(static_cast<char>(v >> 16));
        if (padding < 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
        if (padding < 1) out.push_back(static_cast<char>(v & 0xFF));
    }
    return true;
}

namespace {

/// Reads exactly the lines TraceWriter writes: the keys in its order, no spaces, decimal numbers
/// without leading zeros, pids as "<n.s.0>", and text of printable ASCII without escapes. That is
/// nearly every line of a real trace, read with a handful of compares per field; anything else
/// (spaces, escapes, other key orders, base64) returns false and goes to the LineCursor path,
/// which reads every well-formed line. Both give the same Event for the lines this one accepts.
class CanonicalLine {
  public:
    explicit CanonicalLine(std::string_view line)
        : p_(line.data()), end_(line.data() + line.size()) {}

    /// A literal of the line format: its size is a constant, so the compare is a few loads.
    template <size_t N>
    bool literal(const char (&text)[N]) noexcept {
        constexpr size_t size = N - 1;
        if (static_cast<size_t>(end_ - p_) < size || std::memcmp(p_, text, size) != 0) return false;
        p_ += size;
        return true;
    }
    bool literal(std::string_view text) noexcept {
        if (static_cast<size_t>(end_ - p_) < text.size() ||
            std::memcmp(p_, text.data(), text.size()) != 0)
            return false;
        p_ += text.size();
        return true;
    }
    /// At most 18 digits (so never overflowing int64), no leading zero.
    bool digits(uint64_t& out) noexcept {
        const char* start = p_;
        uint64_t value = 0;
        // More than 18 digits may wrap `value`; they are refused below.
        while (p_ < end_ && static_cast<unsigned char>(*p_ - '0') < 10)
            value = value * 10 + static_cast<unsigned>(*p_++ - '0');
        const auto count = p_ - start;
        if (count == 0 || count > 18 || (*start == '0' && count > 1)) return false;
        out = value;
        return true;
    }
    bool signed_number(int64_t& out) noexcept {
        const bool negative = p_ < end_ && *p_ == '-';
        if (negative) ++p_;
        uint64_t magnitude = 0;
        if (!digits(magnitude)) return false;
        out = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
        return true;
    }
    bool byte(uint8_t& out) noexcept {
        uint64_t value = 0;
        if (!digits(value) || value > 255) return false;
        out = static_cast<uint8_t>(value);
        return true;
    }
    /// `"<node.serial.0>"`, each number fitting 32 bits.
    bool pid(Pid& out) noexcept {
        uint64_t node = 0, serial = 0;
        if (!literal("\"<") || !digits(node) || !literal(".") || !digits(serial) ||
            !literal(".0>\""))
            return false;
        if (node > UINT32_MAX || serial > UINT32_MAX) return false;
        out = Pid{static_cast<uint32_t>(node), static_cast<uint32_t>(serial)};
        return true;
    }
    /// A name up to the closing quote (the opening one already consumed).
    bool name(std::string_view& out) noexcept {
        const void* quote = std::memchr(p_, '"', static_cast<size_t>(end_ - p_));
        if (quote == nullptr) return false;
        const char* stop = static_cast<const char*>(quote);
        out = std::string_view(p_, static_cast<size_t>(stop - p_));
        p_ = stop + 1;
        return true;
    }
    /// Text of printable ASCII other than '"' and '\\' (the opening quote already consumed).
    bool plain_text(std::string& out) {
        const char* start = p_;
        while (p_ < end_) {
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') break;
            if (c < 0x20 || c >= 0x7f || c == '\\') return false;
            ++p_;
        }
        if (p_ == end_) return false;
        out.assign(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
    }
    bool at(char c) const noexcept { return p_ < end_ && *p_ == c; }
    bool at_end() const noexcept { return p_ == end_; }

  private:
    const char* p_;
    const char* end_;
};

/// parse_event_kind by length first: most lengths have one or two kinds.
std::optional<EventKind> kind_named(std::string_view name) noexcept {
    static const auto by_length = [] {
        std::array<std::vector<EventKind>, 24> table;
        for (int k = 0; k < kEventKindCount; ++k) {
            const auto kind = static_cast<EventKind>(k);
            table[to_string(kind).size()].push_back(kind);
        }
        return table;
    }();
    if (name.size() >= by_length.size()) return std::nullopt;
    for (const EventKind kind : by_length[name.size()])
        if (std::memcmp(to_string(kind).data(), name.data(), name.size()) == 0) return kind;
    return std::nullopt;
}

bool parse_canonical_line(std::string_view line, Event& event) {
    CanonicalLine in(line);
    std::string_view kind_name;
    int64_t time_us = 0;
    if (!in.literal("{\"seq\":") || !in.digits(event.seq) || !in.literal(",\"t\":") ||
        !in.signed_number(time_us) || !in.literal(",\"kind\":\"") || !in.name(kind_name))
        return false;
    event.time_us = time_us;
    const auto kind = kind_named(kind_name);
    if (!kind) return false;
    event.kind = *kind;
    if (!in.literal(",\"pid\":") || !in.pid(event.pid)) return false;
    event.flags = 0;
    event.detail = 0;
    event.peer = Pid{};
    event.ref = Ref{};
    event.deadline_us = -1;
    event.value = 0;
    event.text.clear();
    // The detail: by name under the kind's key, or as a raw byte.
    const std::string_view key = detail_key(event.kind);
    if (!key.empty()) {
        std::string_view detail_name;
        if (in.literal(",\"")) {
            if (in.literal(key)) {
                if (!in.literal("\":\"") || !in.name(detail_name)) return false;
                const auto detail = parse_detail(event.kind, detail_name);
                if (!detail) return false;
                event.detail = *detail;
            } else if (!in.literal("detail\":") || !in.byte(event.detail)) {
                return false;
            }
        } else {
            return false;  // a kind with a detail key always writes it
        }
    } else if (in.literal(",\"detail\":") && !in.byte(event.detail)) {
        return false;
    }
    if (in.literal(",\"peer\":") && !in.pid(event.peer)) return false;
    if (in.literal(",\"ref\":") && !in.digits(event.ref.id)) return false;
    if (in.literal(",\"deadline\":") && !in.signed_number(event.deadline_us)) return false;
    if (in.literal(",\"value\":") && !in.signed_number(event.value)) return false;
    if (in.literal(",\"flags\":") && !in.byte(event.flags)) return false;
    if (in.literal(",\"text\":\"") && !in.plain_text(event.text)) return false;
    return in.literal("}") && in.at_end();
}

}  // namespace

bool parse_event_line_fast(std::string_view line, Event& event) {
    if (parse_canonical_line(line, event)) return true;
    LineCursor in(line);
    if (!in.consume('{')) return false;
    event.seq = 0;
    event.time_us = 0;
    event.flags = 0;
    event.detail = 0;
    event.pid = Pid{};
    event.peer = Pid{};
    event.ref = Ref{};
    event.deadline_us = -1;
    event.value = 0;
    event.text.clear();
    bool has_seq = false, has_time = false, has_kind = false, has_pid = false, has_text = false;
    std::string_view
        detail_name;  // the named detail ("state": "Running"), checked once the kind is known
    std::string_view detail_name_key;
    bool has_raw_detail = false;
    std::string_view base64;
    bool has_base64 = false;
    if (in.peek() == '}') return false;  // an empty object lacks required fields: slow path
    do {
        std::string_view key;
        if (!in.plain_string(key) || !in.consume(':')) return false;
        if (key.empty()) return false;
        switch (key[0]) {
            case 's':
                if (key == "seq") {
                    if (!in.integer(event.seq)) return false;
                    has_seq = true;
                    continue;
                }
                if (key == "state") break;
                return false;
            case 't':
                if (key == "t") {
                    if (!in.integer(event.time_us)) return false;
                    has_time = true;
                    continue;
                }
                if (key == "text") {
                    if (!in.string(event.text)) return false;
                    has_text = true;
                    continue;
                }
                if (key == "text_base64") {
                    if (!in.plain_string(base64)) return false;
                    has_base64 = true;
                    continue;
                }
                return false;
            case 'k':
                if (key == "kind") {
                    std::string_view name;
                    if (!in.plain_string(name)) return false;
                    const auto kind = parse_event_kind(name);
                    if (!kind) return false;
                    event.kind = *kind;
                    has_kind = true;
                    continue;
                }
                return false;
            case 'p': {
                const bool is_pid = key == "pid";
                if (!is_pid && key != "peer") return false;
                std::string_view text;
                if (!in.plain_string(text)) return false;
                const auto pid = parse_pid(text);
                if (!pid) return false;
                (is_pid ? event.pid : event.peer) = *pid;
                has_pid |= is_pid;
                continue;
            }
            case 'r':
                if (key == "ref") {
                    if (!in.integer(event.ref.id)) return false;
                    continue;
                }
                if (key == "reason_class") break;
                return false;
            case 'd':
                if (key == "deadline") {
                    if (!in.integer(event.deadline_us)) return false;
                    continue;
                }
                if (key == "detail") {
                    uint64_t raw = 0;
                    if (!in.integer(raw) || raw > 255) return false;
                    event.detail = static_cast<uint8_t>(raw);
                    has_raw_detail = true;
                    continue;
                }
                if (key == "disposition") break;
                return false;
            case 'v':
                if (key == "value") {
                    if (!in.integer(event.value)) return false;
                    continue;
                }
                return false;
            case 'f':
                if (key == "flags") {
                    uint64_t raw = 0;
                    if (!in.integer(raw) || raw > 255) return false;
                    event.flags = static_cast<uint8_t>(raw);
                    continue;
                }
                return false;
            case 'w':
                if (key == "wait_kind") break;
                return false;
            case 'o':
                if (key == "outcome") break;
                return false;
            case 'l':
                if (key == "level") break;
                return false;
            default:
                return false;  // unknown keys (allowed by the format) go the general way
        }
        // A named detail key; which one is valid depends on the kind, known only at the end.
        if (!detail_name_key.empty()) return false;
        detail_name_key = key;
        if (!in.plain_string(detail_name)) return false;
    } while (in.consume(','));
    if (!in.consume('}') || !in.at_end()) return false;
    if (!has_seq || !has_time || !has_kind || !has_pid) return false;

    const std::string_view expected_key = detail_key(event.kind);
    if (!detail_name_key.empty() && detail_name_key != expected_key) return false;
    if (!expected_key.empty()) {
        if (!detail_name_key.empty()) {
            const auto detail = parse_detail(event.kind, detail_name);
            if (!detail) return false;
            if (!has_raw_detail) event.detail = *detail;
        } else if (!has_raw_detail) {
            return false;
        }
    }
    if (has_base64 && !has_text && !decode_base64(base64, event.text)) return false;
    return true;
}

}  // namespace tasklens::trace
