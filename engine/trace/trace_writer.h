#pragma once
// The JSON-lines formatter of trace files, made for their one fixed schema (docs/trace-format.md):
// every line is appended straight into one growing byte buffer, numbers with std::to_chars, text
// copied in runs and escaped only where JSON needs it. Recording a message-heavy run writes tens
// of millions of these lines, so no format strings, no per-line allocation, no per-line stream
// call: the caller hands the buffer to its stream in large blocks.
#include <cstddef>
#include <memory>
#include <string_view>

#include "engine/trace/event.h"

namespace tasklens::trace {

/// Bytes of event lines, appended one after another.
class EventLineBuffer {
  public:
    /// Appends the line of `event` (without a newline): the bytes format_event_line() returns.
    void append_event(const Event& event);
    /// Appends the line of `event` and its newline.
    void append_line(const Event& event) {
        append_event(event);
        *reserve(1) = '\n';
        ++size_;
    }

    std::string_view bytes() const noexcept { return {data_.get(), size_}; }
    size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    /// Forgets the bytes, keeps the memory.
    void clear() noexcept { size_ = 0; }

  private:
    /// A pointer to at least `count` writable bytes at the end of the buffer.
    char* reserve(size_t count);
    /// Writes the text field (`,"text":"…"` or `,"text_base64":"…"`) at `at`; returns its end.
    char* put_text(char* at, std::string_view text);

    std::unique_ptr<char[]> data_;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

}  // namespace tasklens::trace
