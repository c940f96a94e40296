#pragma once
// The JSON-lines formatter of trace files, made for their one fixed schema (docs/trace-format.md):
// every line is appended straight into one growing byte buffer, numbers with std::to_chars (or
// from the caches below), text copied in 16-byte blocks and escaped only where JSON needs it.
// Recording a message-heavy run writes tens of millions of these lines, so no format strings, no
// per-line allocation, no per-line stream call: the caller hands the buffer to its stream in large
// blocks.
#include <cstddef>
#include <memory>
#include <string_view>

#include "engine/trace/event.h"

namespace tasklens::trace {

/// Bytes of event lines, appended one after another.
///
/// Consecutive lines repeat most of their numbers: seq goes up by one, t stays put for a while,
/// and a few pids recur. The buffer keeps the text of the last seq and t and of recently written
/// pids, and writes those by a fixed-size copy instead of formatting them again (the bytes are
/// the same either way; the caches are keyed by the values themselves).
class EventLineBuffer {
  public:
    /// Appends the line of `event` (without a newline): the bytes format_event_line() returns.
    void append_event(const Event& event) { write_line(event, false); }
    /// Appends the line of `event` and its newline.
    void append_line(const Event& event) { write_line(event, true); }

    std::string_view bytes() const noexcept { return {data_.get(), size_}; }
    size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    /// Forgets the bytes, keeps the memory.
    void clear() noexcept { size_ = 0; }

  private:
    /// Decimal digits of a number, left-aligned in a slot that is always copied whole.
    struct NumberText {
        static constexpr size_t kSlot = 24;
        char digits[kSlot] = {};
        uint8_t size = 0;  ///< 0: nothing cached yet
    };
    /// A pid as written, quotes included (`"<0.42.0>"`, at most 27 bytes), by packed pid.
    struct PidText {
        static constexpr size_t kSlot = 32;
        uint64_t packed = ~uint64_t{0};
        char bytes[kSlot] = {};
        uint8_t size = 0;
    };
    static constexpr size_t kPidCacheSize = 64;

    void write_line(const Event& event, bool newline);
    /// A pointer to at least `count` writable bytes at the end of the buffer.
    char* reserve(size_t count) {
        if (capacity_ - size_ < count) grow(count);
        return data_.get() + size_;
    }
    void grow(size_t count);
    /// Writes the text field (`,"text":"…"` or `,"text_base64":"…"`) at `at`; returns its end.
    char* put_text(char* at, std::string_view text);
    char* put_seq(char* at, uint64_t seq) noexcept;
    char* put_time(char* at, int64_t time_us) noexcept;
    char* put_pid(char* at, Pid pid) noexcept;

    std::unique_ptr<char[]> data_;
    size_t size_ = 0;
    size_t capacity_ = 0;

    uint64_t seq_ = 0;
    NumberText seq_text_;
    int64_t time_ = 0;
    NumberText time_text_;
    PidText pid_texts_[kPidCacheSize];
};

}  // namespace tasklens::trace
