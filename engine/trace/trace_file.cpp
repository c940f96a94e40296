#include "engine/trace/trace_file.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <istream>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <ostream>
#include <thread>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/trace/text_util.h"
#include "engine/trace/trace_binary.h"
#include "engine/trace/trace_line_parser.h"

namespace tasklens::trace {
namespace {

using Json = nlohmann::json;

}  // namespace

// Tasklens writes event texts of a few hundred bytes at most; a hand-made trace can put
// megabytes in one, which every view would then lay out glyph by glyph (a 20 MB text took 16 s
// and 1.4 GB to draw). The model keeps the first 64 KiB, cut at a UTF-8 code point, and "…".
void cut_event_text(std::string& text) {
    if (text.size() <= kMaxEventTextBytes) return;
    size_t end = kMaxEventTextBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text.resize(end);
    text += "\u2026";
}

/// The key under which a kind stores its detail byte by name, or empty if the kind has none.
std::string_view detail_key(EventKind kind) noexcept {
    switch (kind) {
        case EventKind::StateChange:
            return "state";
        case EventKind::WaitStart:
            return "wait_kind";
        case EventKind::WaitEnd:
            return "outcome";
        case EventKind::ExitSignal:
            return "disposition";
        case EventKind::Exit:
            return "reason_class";
        case EventKind::Log:
            return "level";
        default:
            return {};
    }
}

std::optional<uint8_t> parse_detail(EventKind kind, std::string_view name) noexcept {
    auto raw = [](auto parsed) -> std::optional<uint8_t> {
        if (!parsed) return std::nullopt;
        return static_cast<uint8_t>(*parsed);
    };
    switch (kind) {
        case EventKind::StateChange:
            return raw(parse_process_state(name));
        case EventKind::WaitStart:
            return raw(parse_wait_kind(name));
        case EventKind::WaitEnd:
            return raw(parse_wait_outcome(name));
        case EventKind::ExitSignal:
            return raw(parse_signal_disposition(name));
        case EventKind::Exit:
            return raw(parse_exit_reason_class(name));
        case EventKind::Log:
            return raw(parse_log_level(name));
        default:
            return std::nullopt;
    }
}

std::optional<Pid> parse_pid(std::string_view s) noexcept {
    // "<node.serial.0>"
    if (s.size() < 7 || s.front() != '<' || !s.ends_with(".0>")) return std::nullopt;
    s = s.substr(1, s.size() - 4);
    const auto dot = s.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    Pid pid;
    const auto node = s.substr(0, dot);
    const auto serial = s.substr(dot + 1);
    auto parse_u32 = [](std::string_view digits, uint32_t& value) {
        if (digits.empty()) return false;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        return ec == std::errc{} && end == digits.data() + digits.size();
    };
    if (!parse_u32(node, pid.node) || !parse_u32(serial, pid.serial)) return std::nullopt;
    return pid;
}

namespace {
std::string_view json_type_name(const Json& value) {
    return value.type_name();
}

}  // namespace

std::string format_header_line(const RunInfo& run) {
    Json header = Json::object();
    header["format"] = kTraceFormatName;
    header["version"] = kTraceFormatVersion;
    header["scenario"] = run.scenario;
    header["schedulers"] = run.schedulers;
    header["started_at"] = run.started_at;
    header["tasklens"] = run.tasklens_version;
    header["seed"] = run.seed;
    header["time_unit"] = "us";
    // Header strings come from file names and settings; replace bytes that are not UTF-8 rather
    // than fail the whole recording.
    return header.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string format_event_line(const Event& event) {
    EventLineBuffer line;
    line.append_event(event);
    return std::string(line.bytes());
}

namespace {
constexpr size_t kFlushBytes = size_t{64} << 10;
constexpr auto kFlushInterval = std::chrono::milliseconds(100);
// Events closer together than this let the writer read the clock less often.
constexpr auto kBurstGap = std::chrono::milliseconds(1);
constexpr uint32_t kMaxClockStride = 256;
}  // namespace

TraceWriter::TraceWriter(std::ostream& out, const RunInfo& run) : out_(out) {
    std::string header = format_header_line(run);
    header += '\n';
    out_.write(header.data(), static_cast<std::streamsize>(header.size()));
    flush();  // the header is on disk before the run starts
    last_clock_check_ = last_flush_;
}

TraceWriter::~TraceWriter() {
    try {
        write_buffered();
    } catch (...) {
        // A stream that throws on failure: the caller sees the failure in the stream's state.
    }
}

void TraceWriter::on_event(const Event& event) {
    buffer_.append_line(event);
    ++written_;
    if (buffer_.size() >= kFlushBytes) {
        flush();
        return;
    }
    // Reading the clock costs about as much as formatting a line: in a burst of events it is
    // read every `clock_stride_` events (up to 256), and after every event when they are sparse.
    if (++events_since_clock_check_ < clock_stride_) return;
    events_since_clock_check_ = 0;
    const auto now = std::chrono::steady_clock::now();
    clock_stride_ =
        now - last_clock_check_ < kBurstGap ? std::min(clock_stride_ * 2, kMaxClockStride) : 1;
    last_clock_check_ = now;
    if (now - last_flush_ >= kFlushInterval) flush();
}

void TraceWriter::write_buffered() {
    if (buffer_.empty()) return;
    const std::string_view bytes = buffer_.bytes();
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    buffer_.clear();
}

void TraceWriter::flush() {
    write_buffered();
    out_.flush();
    last_flush_ = std::chrono::steady_clock::now();
}

void write_trace(std::ostream& out, const RunInfo& run, std::span<const Event> events) {
    TraceWriter writer(out, run);
    for (const auto& event : events) writer.on_event(event);
}

std::string TraceError::what() const {
    if (binary)
        return fmt::format("{}: record {} (byte {}): {}", source, line, byte_offset, message);
    return fmt::format("{}:{}: {}", source, line, message);
}

TraceReader::TraceReader(std::istream& in, std::string source_name)
    : in_(in), source_(std::move(source_name)) {}

bool TraceReader::fail(std::string message) {
    if (!error_) error_ = TraceError{source_, line_number_, std::move(message)};
    return false;
}

bool TraceReader::refill() {
    if (input_done_) return false;
    // Keep the unread part, and grow when a single line fills the whole buffer.
    if (pos_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
    }
    if (buffer_.empty()) buffer_.resize(size_t{1} << 20);
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    in_.read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
    const auto got = static_cast<size_t>(in_.gcount());
    end_ += got;
    if (got == 0 || !in_) input_done_ = true;
    return got > 0;
}

TraceReader::LineStatus TraceReader::read_line() {
    size_t searched = pos_;
    for (;;) {
        const void* newline = searched < end_
                                  ? std::memchr(buffer_.data() + searched, '\n', end_ - searched)
                                  : nullptr;
        if (newline != nullptr) {
            const auto at = static_cast<size_t>(static_cast<const char*>(newline) - buffer_.data());
            line_ = std::string_view(buffer_.data() + pos_, at - pos_);
            consumed_ += at + 1 - pos_;
            pos_ = at + 1;
            ++line_number_;
            if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
            return LineStatus::Ok;
        }
        const size_t unread = end_ - pos_;
        if (!refill()) {
            if (pos_ == end_) {
                line_ = {};
                return LineStatus::End;
            }
            // The last line of the input has no newline: the writer stopped in the middle.
            line_ = std::string_view(buffer_.data() + pos_, end_ - pos_);
            consumed_ += end_ - pos_;
            pos_ = end_;
            ++line_number_;
            if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
            return LineStatus::Truncated;
        }
        searched = pos_ + unread;
    }
}

bool TraceReader::error_is_at_the_tail() {
    if (!error_) return false;
    for (;;) {
        for (size_t i = pos_; i < end_; ++i) {
            const char c = buffer_[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
        }
        pos_ = end_;
        if (!refill()) return true;
    }
}

namespace {

/// Parses a line into an object; on failure writes a readable reason.
std::optional<Json> parse_object(std::string_view line, std::string& reason) {
    try {
        Json value = Json::parse(line.begin(), line.end());
        if (!value.is_object()) {
            reason = fmt::format("expected a JSON object, found {}", json_type_name(value));
            return std::nullopt;
        }
        return value;
    } catch (const Json::parse_error& error) {
        // nlohmann's message starts with "[json.exception.parse_error.101] parse error at ...";
        // keep the part after the bracketed id.
        std::string_view what = error.what();
        if (const auto close = what.find("] "); close != std::string_view::npos)
            what.remove_prefix(close + 2);
        reason = fmt::format("not valid JSON ({})", what);
        return std::nullopt;
    }
}

}  // namespace

bool TraceReader::read_header() {
    if (error_) return false;
    const auto status = read_line();
    if (status == LineStatus::End) {
        line_number_ = 1;
        return fail("empty file: expected a tasklens-trace header");
    }
    std::string reason;
    const auto header = parse_object(line_, reason);
    if (!header) return fail(fmt::format("not a tasklens trace header: {}", reason));
    const auto format = header->find("format");
    if (format == header->end() || !format->is_string() || *format != kTraceFormatName)
        return fail(fmt::format("not a tasklens trace: the header's \"format\" must be \"{}\"",
                                kTraceFormatName));
    const auto version = header->find("version");
    if (version == header->end() || !version->is_number_integer())
        return fail("the header has no integer \"version\"");
    if (version->get<int64_t>() != kTraceFormatVersion)
        return fail(fmt::format("unsupported trace version {} (this build reads version {})",
                                version->get<int64_t>(), kTraceFormatVersion));
    auto string_field = [&](const char* key, std::string& to) {
        if (const auto it = header->find(key); it != header->end() && it->is_string())
            to = it->get<std::string>();
    };
    string_field("scenario", run_.scenario);
    string_field("started_at", run_.started_at);
    string_field("tasklens", run_.tasklens_version);
    if (const auto it = header->find("schedulers"); it != header->end() && it->is_number_integer())
        run_.schedulers = it->get<int>();
    if (const auto it = header->find("seed"); it != header->end() && it->is_number_integer())
        run_.seed = it->get<int64_t>();
    header_read_ = true;
    return true;
}

bool TraceReader::next(Event& event) {
    if (error_) return false;
    if (!header_read_ && !read_header()) return false;
    LineStatus status;
    do {
        status = read_line();
        if (status == LineStatus::End) return false;
    } while (line_.find_first_not_of(" \t") == std::string::npos && status == LineStatus::Ok);
    if (status == LineStatus::Truncated && line_.find_first_not_of(" \t") == std::string::npos)
        return false;

    if (!parse_event_line_fast(line_, event) && !parse_general(event, status)) return false;
    if (event.text.size() > kMaxEventTextBytes) cut_event_text(event.text);

    if (have_previous_) {
        if (event.seq <= previous_seq_)
            return fail(fmt::format("seq {} does not follow the previous seq {}", event.seq,
                                    previous_seq_));
        if (event.time_us < previous_time_)
            return fail(fmt::format("time {} us goes back before the previous event's {} us",
                                    event.time_us, previous_time_));
    }
    have_previous_ = true;
    previous_seq_ = event.seq;
    previous_time_ = event.time_us;
    return true;
}

bool TraceReader::parse_general(Event& event, LineStatus status) {
    std::string reason;
    const auto object = parse_object(line_, reason);
    if (!object) {
        if (status == LineStatus::Truncated)
            return fail(fmt::format("truncated last line (no newline at the end, {})", reason));
        return fail(reason);
    }
    const Json& o = *object;
    event = Event{};

    auto find = [&](const char* key) -> const Json* {
        const auto it = o.find(key);
        return it == o.end() ? nullptr : &*it;
    };
    auto wrong_type = [&](const char* key, const char* expected, const Json& value) {
        return fail(
            fmt::format("field \"{}\" must be {}, found {}", key, expected, json_type_name(value)));
    };
    auto missing = [&](const char* key) { return fail(fmt::format("missing field \"{}\"", key)); };

    const Json* seq = find("seq");
    if (!seq) return missing("seq");
    if (!seq->is_number_unsigned()) return wrong_type("seq", "a non-negative integer", *seq);
    event.seq = seq->get<uint64_t>();

    const Json* time = find("t");
    if (!time) return missing("t");
    if (!time->is_number_integer()) return wrong_type("t", "an integer (microseconds)", *time);
    event.time_us = time->get<int64_t>();

    const Json* kind = find("kind");
    if (!kind) return missing("kind");
    if (!kind->is_string()) return wrong_type("kind", "a string", *kind);
    const auto& kind_name = kind->get_ref<const std::string&>();
    const auto parsed_kind = parse_event_kind(kind_name);
    if (!parsed_kind) return fail(fmt::format("unknown event kind \"{}\"", kind_name));
    event.kind = *parsed_kind;

    auto pid_field = [&](const char* key, Pid& to, bool required) {
        const Json* value = find(key);
        if (!value) return required ? missing(key) : true;
        if (!value->is_string()) return wrong_type(key, "a pid string \"<node.serial.0>\"", *value);
        const auto pid = parse_pid(value->get_ref<const std::string&>());
        if (!pid)
            return fail(fmt::format("field \"{}\": \"{}\" is not a pid \"<node.serial.0>\"", key,
                                    value->get_ref<const std::string&>()));
        to = *pid;
        return true;
    };
    if (!pid_field("pid", event.pid, true)) return false;
    if (!pid_field("peer", event.peer, false)) return false;

    if (const auto key = detail_key(event.kind); !key.empty()) {
        const Json* named = find(std::string(key).c_str());
        const Json* raw = find("detail");
        if (named) {
            if (!named->is_string())
                return wrong_type(std::string(key).c_str(), "a string", *named);
            const auto& name = named->get_ref<const std::string&>();
            const auto detail = parse_detail(event.kind, name);
            if (!detail) return fail(fmt::format("unknown {} \"{}\"", key, name));
            event.detail = *detail;
        } else if (!raw) {
            return missing(std::string(key).c_str());
        }
    }
    if (const Json* raw = find("detail")) {
        if (!raw->is_number_unsigned() || raw->get<uint64_t>() > 255)
            return wrong_type("detail", "an integer 0..255", *raw);
        event.detail = static_cast<uint8_t>(raw->get<uint64_t>());
    }

    auto int_field = [&](const char* key, int64_t& to) {
        const Json* value = find(key);
        if (!value) return true;
        if (!value->is_number_integer()) return wrong_type(key, "an integer", *value);
        to = value->get<int64_t>();
        return true;
    };
    if (const Json* ref = find("ref")) {
        if (!ref->is_number_unsigned()) return wrong_type("ref", "a non-negative integer", *ref);
        event.ref.id = ref->get<uint64_t>();
    }
    if (!int_field("deadline", event.deadline_us) || !int_field("value", event.value)) return false;
    if (const Json* flags = find("flags")) {
        if (!flags->is_number_unsigned() || flags->get<uint64_t>() > 255)
            return wrong_type("flags", "an integer 0..255", *flags);
        event.flags = static_cast<uint8_t>(flags->get<uint64_t>());
    }
    if (const Json* text = find("text")) {
        if (!text->is_string()) return wrong_type("text", "a string", *text);
        event.text = text->get<std::string>();
    } else if (const Json* encoded = find("text_base64")) {
        if (!encoded->is_string()) return wrong_type("text_base64", "a string", *encoded);
        if (!decode_base64(encoded->get_ref<const std::string&>(), event.text))
            return fail("field \"text_base64\" is not valid base64");
    }
    return true;
}

namespace {

std::string format_bytes(uint64_t bytes) {
    if (bytes >= (uint64_t{1} << 30)) return fmt::format("{:.1f} GiB", double(bytes) / (1 << 30));
    return fmt::format("{:.0f} MiB", double(bytes) / (1 << 20));
}

std::string out_of_memory_message(uint64_t events, uint64_t model_bytes, uint64_t budget,
                                  uint64_t total_bytes) {
    std::string size =
        total_bytes > 0 ? fmt::format(" of a {} trace", format_bytes(total_bytes)) : std::string();
    return fmt::format(
        "not enough memory to load this trace: the first {} events{} already take {} of the {} "
        "this machine can spare; open a shorter recording, or free memory and try again",
        events, size, format_bytes(model_bytes), format_bytes(budget));
}

uint64_t stream_size(std::istream& in) {
    const auto here = in.tellg();
    if (here < 0) return 0;
    in.seekg(0, std::ios::end);
    const auto end = in.tellg();
    in.seekg(here);
    return end > here ? static_cast<uint64_t>(end - here) : 0;
}

}  // namespace

uint64_t available_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    uint64_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024;
    return 0;
}

namespace {

/// True if the stream starts with the binary trace signature's first byte (a JSONL trace starts
/// with `{`, a byte-order mark or white space).
bool starts_binary(std::istream& in) {
    const auto first = in.peek();
    return first != std::char_traits<char>::eof() &&
           static_cast<char>(first) == kBinaryTraceSignature.front();
}

template <class Reader>
TraceFile read_with(Reader& reader, std::string_view source_name) {
    TraceFile file;
    try {
        if (reader.read_header()) {
            Event event;
            while (reader.next(event)) file.events.push_back(std::move(event));
        }
        file.error = reader.error();
    } catch (const std::bad_alloc&) {
        const uint64_t events = file.events.size();
        file.events = {};
        file.events.shrink_to_fit();
        file.error = TraceError{std::string(source_name), reader.line_number(),
                                fmt::format("not enough memory to read this trace into a list of "
                                            "events (stopped after {} events)",
                                            events)};
    }
    file.run = reader.run();
    return file;
}

}  // namespace

TraceFile read_trace(std::istream& in, std::string_view source_name) {
    if (starts_binary(in)) {
        BinaryTraceReader reader(in, std::string(source_name));
        return read_with(reader, source_name);
    }
    TraceReader reader(in, std::string(source_name));
    return read_with(reader, source_name);
}

TraceFile read_trace_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        TraceFile file;
        file.error = TraceError{path, 0, "cannot open the file"};
        return file;
    }
    return read_trace(in, path);
}

namespace {

/// Batches of parsed events handed from the parsing thread to the thread that builds the model.
/// A few batches circulate: the parser fills an empty one while the model takes in a full one.
class BatchPipe {
  public:
    static constexpr size_t kBatchEvents = 4096;
    static constexpr size_t kBatches = 4;

    struct Batch {
        std::vector<Event> events = std::vector<Event>(kBatchEvents);
        /// Binary traces: each event's BinaryTraceReader::text_table_index().
        std::vector<uint64_t> text_indexes;
        size_t filled = 0;
        uint64_t bytes_read = 0;   ///< of the input, after the batch's last line
        uint64_t line_number = 0;  ///< the reader's line after the batch's last event
        bool last = false;         ///< the reader stopped (end of input, error or no memory)
        bool out_of_memory = false;
    };

    BatchPipe() {
        for (size_t i = 0; i < kBatches; ++i) empty_.push_back(i);
    }
    Batch& batch(size_t index) noexcept { return batches_[index]; }

    /// Parser side: an empty batch to fill, or nullopt once the consumer stopped.
    std::optional<size_t> take_empty() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopped_ || !empty_.empty(); });
        if (stopped_) return std::nullopt;
        const size_t index = empty_.front();
        empty_.pop_front();
        return index;
    }
    void put_full(size_t index) {
        {
            const std::lock_guard lock(mutex_);
            full_.push_back(index);
        }
        changed_.notify_all();
    }
    /// Consumer side: the next filled batch, in order.
    size_t take_full() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !full_.empty(); });
        const size_t index = full_.front();
        full_.pop_front();
        return index;
    }
    void put_empty(size_t index) {
        {
            const std::lock_guard lock(mutex_);
            empty_.push_back(index);
        }
        changed_.notify_all();
    }
    /// The consumer gives up (cancelled, over budget): the parser stops at its next batch.
    void stop() {
        {
            const std::lock_guard lock(mutex_);
            stopped_ = true;
        }
        changed_.notify_all();
    }

  private:
    std::array<Batch, kBatches> batches_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<size_t> empty_;
    std::deque<size_t> full_;
    bool stopped_ = false;
};

/// The parsing thread: reads events into batches until the input ends, an error or the consumer
/// stops it. The last batch it hands over says so (`last`).
template <class Reader>
void parse_into_batches(Reader& reader, BatchPipe& pipe) {
    constexpr bool binary = std::is_same_v<Reader, BinaryTraceReader>;
    for (;;) {
        const auto index = pipe.take_empty();
        if (!index) return;
        BatchPipe::Batch& batch = pipe.batch(*index);
        batch.filled = 0;
        bool more = true;
        try {
            if constexpr (binary) batch.text_indexes.resize(BatchPipe::kBatchEvents);
            while (batch.filled < BatchPipe::kBatchEvents &&
                   (more = reader.next(batch.events[batch.filled]))) {
                if constexpr (binary) batch.text_indexes[batch.filled] = reader.text_table_index();
                ++batch.filled;
            }
        } catch (const std::bad_alloc&) {
            batch.out_of_memory = true;
            more = false;
        }
        batch.bytes_read = reader.bytes_read();
        batch.line_number = reader.line_number();
        batch.last = !more;
        pipe.put_full(*index);
        if (batch.last) return;
    }
}

template <class Reader>
LoadedTrace load_with(Reader& reader, std::string_view source_name, uint64_t total_bytes,
                      const TraceLoadOptions& options) {
    LoadedTrace loaded;
    uint64_t budget = options.memory_budget_bytes;
    if (budget == 0) {
        const uint64_t available = available_memory_bytes();
        constexpr uint64_t kHeadroom = uint64_t{512} << 20;
        budget = available > 2 * kHeadroom ? available - kHeadroom
                                           : std::numeric_limits<uint64_t>::max();
    }
    constexpr bool binary = std::is_same_v<Reader, BinaryTraceReader>;
    uint64_t events = 0;
    uint64_t line_number = 1;
    uint64_t bytes_read = 0;
    auto stop = [&](std::string message) {
        loaded.error = TraceError{std::string(source_name), line_number, std::move(message), binary,
                                  bytes_read};
    };
    if (!reader.read_header()) {
        loaded.error = reader.error();
        return loaded;
    }
    loaded.model.set_run_info(reader.run());
    // A binary trace numbers its repeated texts (its text table): each is interned once, when the
    // table defines it, and the reader does not copy it out for the events that refer to it.
    std::vector<StringId> table_text_ids;
    if constexpr (binary) reader.skip_table_texts(true);

    // The lines are parsed on a second thread while this one builds the model (each is about half
    // of the work); the progress callback and the model stay on the calling thread.
    auto pipe = std::make_unique<BatchPipe>();
    std::thread parser(parse_into_batches<Reader>, std::ref(reader), std::ref(*pipe));
    // Stops and joins the parser on every way out; after it the reader is this thread's again.
    struct ParserJoin {
        std::thread& thread;
        BatchPipe& pipe;
        void operator()() {
            if (!thread.joinable()) return;
            pipe.stop();
            thread.join();
        }
        ~ParserJoin() { (*this)(); }
    } join_parser{parser, *pipe};

    bool out_of_memory = false;
    try {
        // Event lines are 60-120 bytes: reserving for ~90 saves growing the big arrays by copying.
        // A binary record is 10-14 bytes (docs/trace-format.md).
        if (total_bytes > 0) loaded.model.reserve(total_bytes / (binary ? 11 : 90));
        for (bool last = false; !last;) {
            const size_t index = pipe->take_full();
            BatchPipe::Batch& batch = pipe->batch(index);
            last = batch.last;
            out_of_memory = batch.out_of_memory;
            line_number = batch.line_number;
            if constexpr (binary) {
                for (size_t i = 0; i < batch.filled; ++i) {
                    const uint64_t text = batch.text_indexes[i];
                    if (text == BinaryTraceReader::kNoTableText) {
                        loaded.model.append(batch.events[i]);
                        continue;
                    }
                    // The table defines its texts in order, each before any event refers to it.
                    if (text >= table_text_ids.size()) table_text_ids.resize(text + 1, kNone);
                    StringId& id = table_text_ids[text];
                    if (id == kNone) id = loaded.model.intern(batch.events[i].text);
                    loaded.model.append(batch.events[i], id);
                }
            } else {
                loaded.model.append(std::span<const Event>(batch.events.data(), batch.filled));
            }
            events += batch.filled;
            bytes_read = batch.bytes_read;
            const bool full = batch.filled == BatchPipe::kBatchEvents;
            pipe->put_empty(index);
            if (out_of_memory) break;
            if (options.progress && !options.progress(bytes_read, total_bytes)) {
                stop(fmt::format("the load was cancelled after {} events", events));
                return loaded;
            }
            // Checked every 64 batches: memory_bytes() walks the processes.
            if ((events / BatchPipe::kBatchEvents) % 64 == 0 && full) {
                const uint64_t used = loaded.model.memory_bytes();
                if (used > budget) {
                    stop(out_of_memory_message(events, used, budget, total_bytes));
                    return loaded;
                }
            }
        }
        if (!out_of_memory) loaded.model.shrink_to_fit();
    } catch (const std::bad_alloc&) {
        out_of_memory = true;
    }
    join_parser();
    if (out_of_memory) {
        stop(out_of_memory_message(events, loaded.model.memory_bytes(), budget, total_bytes));
        return loaded;
    }
    if (const auto& error = reader.error()) {
        if (reader.error_is_at_the_tail()) {
            TraceError warning = *error;
            warning.message +=
                fmt::format("; opened up to {} {} ({} events)", error->binary ? "record" : "line",
                            error->line - 1, loaded.model.event_count());
            loaded.warning = std::move(warning);
        } else {
            loaded.error = error;
        }
    }
    return loaded;
}

}  // namespace

LoadedTrace load_trace(std::istream& in, std::string_view source_name, uint64_t total_bytes,
                       const TraceLoadOptions& options) {
    if (starts_binary(in)) {
        BinaryTraceReader reader(in, std::string(source_name));
        return load_with(reader, source_name, total_bytes, options);
    }
    TraceReader reader(in, std::string(source_name));
    return load_with(reader, source_name, total_bytes, options);
}

LoadedTrace load_trace_file(const std::string& path, const TraceLoadOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LoadedTrace loaded;
        loaded.error = TraceError{path, 0, "cannot open the file"};
        return loaded;
    }
    const uint64_t size = stream_size(in);
    return load_trace(in, path, size, options);
}

}  // namespace tasklens::trace
