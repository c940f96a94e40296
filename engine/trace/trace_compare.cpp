#include "engine/trace/trace_compare.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <optional>
#include <unordered_map>

namespace tasklens::trace {

std::string normalize_identities(std::string_view text) {
    // #PID<0.93.0>, #Reference<0.1.2.3>, #Port<0.5>, #Function<1.2/0 in …>: `#Name<` … `>`.
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '#' && i + 1 < text.size() &&
            std::isupper(static_cast<unsigned char>(text[i + 1]))) {
            size_t j = i + 1;
            while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j]))) ++j;
            if (j < text.size() && text[j] == '<') {
                const size_t close = text.find('>', j);
                if (close != std::string_view::npos) {
                    out.append(text.substr(i, j - i + 1));
                    out += "_>";
                    i = close + 1;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    // A reply to a process alias (OTP 24+) names the alias as [:alias | ref]: the same request.
    for (size_t at; (at = out.find("[:alias | #Reference<_>]")) != std::string::npos;)
        out.replace(at, 24, "#Reference<_>");
    return out;
}

namespace {

constexpr std::string_view kCut = "...";

/// Drops the "..." of a text cut by the recorder, and an identity it may have cut in half.
std::string_view uncut(std::string_view text, bool* was_cut) {
    *was_cut = text.ends_with(kCut);
    if (!*was_cut) return text;
    text.remove_suffix(kCut.size());
    const size_t hash = text.rfind('#');
    if (hash != std::string_view::npos && text.find('>', hash) == std::string_view::npos)
        text = text.substr(0, hash);
    return text;
}

/// Equal, or equal as far as the shorter of two cut texts goes: the engine and the BEAM cut
/// message texts at the same length, but their pids and references print at different lengths.
bool same_text(std::string_view a, std::string_view b) {
    bool cut_a = false, cut_b = false;
    a = uncut(a, &cut_a);
    b = uncut(b, &cut_b);
    if (!cut_a && !cut_b) return a == b;
    const size_t n = std::min(cut_a ? a.size() : std::string_view::npos,
                              cut_b ? b.size() : std::string_view::npos);
    return a.substr(0, n) == b.substr(0, n);
}

/// OTP's own protocol messages, which differ in shape between OTP's implementation and the
/// engine's while meaning the same: replies and start acknowledgements (compared through the
/// outcome of the wait they end) and a task's start message (compared through `$callers`).
bool is_protocol_message(std::string_view text) {
    return text.starts_with("{#Reference<_>, ") || text.starts_with("{:ack, ") ||
           text.starts_with("{#PID<_>, #Reference<_>, #Reference<_>, [");
}

/// Waits the BEAM tracer sees (call tracing); a plain receive leaves no trace on the BEAM.
bool is_traceable_wait(WaitKind kind) {
    return kind != WaitKind::Receive;
}

struct Wait {
    WaitKind kind;
    std::optional<WaitOutcome> outcome;
    size_t end_event = 0;
};

struct ProcessRecord {
    Pid pid;
    int parent = -1;
    std::vector<int> children;  ///< in spawn order
    std::string initial_call;
    size_t spawn_event = 0;
    std::optional<size_t> exit_event;
    std::optional<ExitReasonClass> exit_class;
    std::string exit_text;
    std::optional<Pid> caller;
    size_t caller_event = 0;
    std::vector<Wait>
        waits;  ///< waits that did not get their reply, of the kinds both recorders see
    std::vector<Wait> open_waits;  ///< started, not yet ended
    std::string console;
    std::vector<size_t> console_events;
    /// Messages sent, normalised, with their event index. Sends, not receives: a recorder on the
    /// BEAM sees a message when it is queued, the engine when it is taken, but both see a send.
    std::vector<std::pair<std::string, size_t>> sent;
    int restarts = 0;
    bool gave_up = false;
};

/// One trace's processes in spawn order, the first spawned being the root.
struct Structure {
    std::vector<ProcessRecord> processes;
    std::unordered_map<uint64_t, int> index_of;  ///< packed pid -> process index

    int index(Pid pid) const {
        const auto it = index_of.find(pid.packed());
        return it == index_of.end() ? -1 : it->second;
    }
};

Structure build(std::span<const Event> events) {
    Structure s;
    auto process_of = [&](Pid pid) -> ProcessRecord* {
        const int i = s.index(pid);
        return i < 0 ? nullptr : &s.processes[static_cast<size_t>(i)];
    };
    for (size_t e = 0; e < events.size(); ++e) {
        const Event& ev = events[e];
        if (ev.kind == EventKind::Spawn) {
            if (s.index(ev.pid) >= 0) continue;
            const int index = static_cast<int>(s.processes.size());
            ProcessRecord record;
            record.pid = ev.pid;
            record.parent = s.index(ev.peer);
            record.initial_call = ev.text;
            record.spawn_event = e;
            s.processes.push_back(std::move(record));
            s.index_of.emplace(ev.pid.packed(), index);
            if (const int parent = s.processes.back().parent; parent >= 0)
                s.processes[static_cast<size_t>(parent)].children.push_back(index);
            continue;
        }
        ProcessRecord* p = process_of(ev.pid);
        if (p == nullptr) continue;
        switch (ev.kind) {
            case EventKind::Exit:
                p->exit_event = e;
                p->exit_class = ev.reason_class;
                p->exit_text = normalize_identities(ev.text);
                // {reason, stacktrace}: stack entries name files and line numbers the two
                // runtimes do not share; the reason is what must agree.
                if (const size_t stack = p->exit_text.find(", [{"); stack != std::string::npos)
                    p->exit_text.resize(stack);
                break;
            case EventKind::Caller:
                if (!p->caller) {
                    p->caller = ev.peer;
                    p->caller_event = e;
                }
                break;
            case EventKind::WaitStart:
                p->open_waits.push_back({ev.wait_kind, std::nullopt, e});
                break;
            case EventKind::WaitEnd:
                // Waits nest (a call made while a shutdown waits, say): the innermost ends first.
                if (!p->open_waits.empty()) {
                    Wait w = p->open_waits.back();
                    p->open_waits.pop_back();
                    w.outcome = ev.wait_outcome;
                    w.end_event = e;
                    // A wait that got its reply is in a trace only if the reply was late, which
                    // is scheduling, not semantics: only the waits that ended otherwise (timeout,
                    // DOWN, killed) must agree.
                    if (is_traceable_wait(w.kind) && w.outcome != WaitOutcome::Message)
                        p->waits.push_back(w);
                }
                break;
            case EventKind::Console:
                // stdout only: a dying script's banner is printed by elixir itself on the BEAM.
                if ((ev.flags & FlagStderr) != 0) break;
                p->console += ev.text;
                p->console_events.push_back(e);
                break;
            case EventKind::Send: {
                std::string text = normalize_identities(ev.text);
                if (!is_protocol_message(text)) p->sent.emplace_back(std::move(text), e);
                break;
            }
            case EventKind::ChildRestart:
                ++p->restarts;
                break;
            case EventKind::SupervisorGiveUp:
                p->gave_up = true;
                break;
            default:
                break;
        }
    }
    return s;
}

std::string event_line(const Event& ev) {
    std::string line = std::to_string(ev.seq) + " t=" + std::to_string(ev.time_us) + "us " +
                       std::string(to_string(ev.kind)) + " " + format_pid(ev.pid);
    if (ev.peer != Pid{}) line += " peer " + format_pid(ev.peer);
    if (!ev.text.empty()) line += " " + ev.text.substr(0, 100);
    return line;
}

std::vector<std::string> context_lines(std::span<const Event> events, size_t at, int context) {
    std::vector<std::string> lines;
    if (events.empty()) return lines;
    at = std::min(at, events.size() - 1);
    const size_t from = at >= static_cast<size_t>(context) ? at - context : 0;
    const size_t to = std::min(events.size(), at + context + 1);
    for (size_t i = from; i < to; ++i)
        lines.push_back((i == at ? "> " : "  ") + event_line(events[i]));
    return lines;
}

std::string wait_text(const Wait& w) {
    std::string text(to_string(w.kind));
    text += " -> ";
    text += w.outcome ? std::string(to_string(*w.outcome)) : std::string("still open");
    return text;
}

class Comparer {
  public:
    Comparer(std::span<const Event> a, std::span<const Event> b, const CompareOptions& options)
        : ea_(a),
          eb_(b),
          a_(build(a)),
          b_(build(b)),
          options_(options),
          known_used_(options.known_differences.size(), false) {}

    CompareResult run() {
        result_.processes_a = a_.processes.size();
        result_.processes_b = b_.processes.size();
        if (a_.processes.empty() || b_.processes.empty()) {
            differ("one trace has no processes", 0, 0);
            return result_;
        }
        // Breadth first from the roots; children pair up by their position in spawn order.
        end_a_ = a_.processes[0].exit_event.value_or(ea_.size());
        end_b_ = b_.processes[0].exit_event.value_or(eb_.size());
        std::deque<std::pair<int, int>> queue{{0, 0}};
        paths_a_.assign(a_.processes.size(), {});
        paths_b_.assign(b_.processes.size(), {});
        paths_a_[0] = paths_b_[0] = "script";
        matched_b_of_a_[0] = 0;
        while (!queue.empty()) {
            const auto [ia, ib] = queue.front();
            queue.pop_front();
            ++result_.processes_matched;
            const ProcessRecord& pa = a_.processes[static_cast<size_t>(ia)];
            const ProcessRecord& pb = b_.processes[static_cast<size_t>(ib)];
            const size_t common = std::min(pa.children.size(), pb.children.size());
            for (size_t c = 0; c < common; ++c) {
                const int ca = pa.children[c];
                const int cb = pb.children[c];
                const std::string path =
                    paths_a_[static_cast<size_t>(ia)] + "\u203a" + std::to_string(c + 1);
                paths_a_[static_cast<size_t>(ca)] = path;
                paths_b_[static_cast<size_t>(cb)] = path;
                matched_b_of_a_[ca] = cb;
                queue.emplace_back(ca, cb);
            }
            compare_pair(ia, ib);
        }
        return result_;
    }

  private:
    std::string name(int ia) const {
        const ProcessRecord& p = a_.processes[static_cast<size_t>(ia)];
        std::string n = "process " + paths_a_[static_cast<size_t>(ia)];
        if (ia != 0 && !p.initial_call.empty()) n += " (" + p.initial_call + ")";
        return n;
    }

    void differ(std::string what, size_t event_a, size_t event_b) {
        for (size_t k = 0; k < options_.known_differences.size(); ++k) {
            const std::string& known = options_.known_differences[k];
            if (known != "*" && what.find(known) == std::string::npos) continue;
            known_used_[k] = true;
            if (result_.known.size() < 50) result_.known.push_back(std::move(what));
            return;
        }
        if (result_.equal) {
            result_.context_a = context_lines(ea_, event_a, options_.context);
            result_.context_b = context_lines(eb_, event_b, options_.context);
        }
        result_.equal = false;
        if (result_.differences.size() < 50) result_.differences.push_back(std::move(what));
    }

  public:
    std::vector<std::string> unused_known() const {
        std::vector<std::string> unused;
        for (size_t k = 0; k < options_.known_differences.size(); ++k)
            if (!known_used_[k]) unused.push_back(options_.known_differences[k]);
        return unused;
    }

  private:
    void compare_pair(int ia, int ib) {
        const ProcessRecord& pa = a_.processes[static_cast<size_t>(ia)];
        const ProcessRecord& pb = b_.processes[static_cast<size_t>(ib)];
        if (pa.children.size() != pb.children.size()) {
            const bool a_more = pa.children.size() > pb.children.size();
            const size_t extra = a_more ? pa.children[pb.children.size()] : 0;
            const size_t extra_b = a_more ? 0 : pb.children[pa.children.size()];
            differ(name(ia) + ": spawned " + std::to_string(pa.children.size()) + " processes vs " +
                       std::to_string(pb.children.size()),
                   a_more ? a_.processes[extra].spawn_event : pa.spawn_event,
                   a_more ? pb.spawn_event : b_.processes[extra_b].spawn_event);
        }
        // The engine stops recording when the script's process ends, while a BEAM recording
        // goes on until elixir halts: alive at the end in one trace and dead only after the
        // script ended in the other is no difference.
        const bool outlived_script =
            ia != 0 && pa.exit_event.has_value() != pb.exit_event.has_value() &&
            (pa.exit_event ? *pa.exit_event > end_a_ : *pb.exit_event > end_b_);
        if (outlived_script) {
            // nothing to compare
        } else if (pa.exit_class != pb.exit_class || !same_text(pa.exit_text, pb.exit_text)) {
            auto describe = [](const ProcessRecord& p) {
                return p.exit_event ? std::string(to_string(*p.exit_class)) + " " + p.exit_text
                                    : std::string("alive at the end");
            };
            differ(name(ia) + ": exit " + describe(pa) + " vs " + describe(pb),
                   pa.exit_event.value_or(pa.spawn_event), pb.exit_event.value_or(pb.spawn_event));
        }
        compare_caller(ia, pa, pb);
        const size_t waits = std::min(pa.waits.size(), pb.waits.size());
        for (size_t w = 0; w < waits; ++w) {
            const Wait& wa = pa.waits[w];
            const Wait& wb = pb.waits[w];
            if (wa.kind != wb.kind || wa.outcome != wb.outcome) {
                differ(name(ia) + ": wait " + std::to_string(w + 1) + " " + wait_text(wa) + " vs " +
                           wait_text(wb),
                       wa.end_event, wb.end_event);
                break;
            }
        }
        if (pa.waits.size() != pb.waits.size()) {
            auto first_extra = [waits](const ProcessRecord& p) {
                return waits < p.waits.size() ? p.waits[waits].end_event : p.spawn_event;
            };
            differ(name(ia) + ": " + std::to_string(pa.waits.size()) +
                       " waits without their reply (" +
                       (waits < pa.waits.size() ? wait_text(pa.waits[waits])
                                                : wait_text(pb.waits[waits])) +
                       ") vs " + std::to_string(pb.waits.size()),
                   first_extra(pa), first_extra(pb));
        }
        if (pa.console != pb.console) {
            const size_t at = std::mismatch(pa.console.begin(), pa.console.end(),
                                            pb.console.begin(), pb.console.end())
                                  .first -
                              pa.console.begin();
            differ(name(ia) + ": printed output differs from byte " + std::to_string(at),
                   pa.console_events.empty() ? pa.spawn_event : pa.console_events.front(),
                   pb.console_events.empty() ? pb.spawn_event : pb.console_events.front());
        }
        if (pa.restarts != pb.restarts || pa.gave_up != pb.gave_up)
            differ(name(ia) + ": " + std::to_string(pa.restarts) + " child restarts" +
                       (pa.gave_up ? " then gave up" : "") + " vs " + std::to_string(pb.restarts) +
                       (pb.gave_up ? " then gave up" : ""),
                   pa.spawn_event, pb.spawn_event);
        if (options_.messages) compare_sent(ia, pa, pb);
    }

    void compare_caller(int ia, const ProcessRecord& pa, const ProcessRecord& pb) {
        if (pa.caller.has_value() != pb.caller.has_value()) {
            differ(name(ia) + ": $callers " + (pa.caller ? "set" : "empty") + " vs " +
                       (pb.caller ? "set" : "empty"),
                   pa.caller ? pa.caller_event : pa.spawn_event,
                   pb.caller ? pb.caller_event : pb.spawn_event);
            return;
        }
        if (!pa.caller) return;
        const int ca = a_.index(*pa.caller);
        const int cb = b_.index(*pb.caller);
        const auto matched = matched_b_of_a_.find(ca);
        const bool same = matched != matched_b_of_a_.end() && matched->second == cb;
        if (!same)
            differ(name(ia) + ": $callers starts with a different process", pa.caller_event,
                   pb.caller_event);
    }

    void compare_sent(int ia, const ProcessRecord& pa, const ProcessRecord& pb) {
        const size_t n = std::min(pa.sent.size(), pb.sent.size());
        for (size_t m = 0; m < n; ++m) {
            if (!same_text(pa.sent[m].first, pb.sent[m].first)) {
                differ(name(ia) + ": message " + std::to_string(m + 1) + " sent is " +
                           pa.sent[m].first + " vs " + pb.sent[m].first,
                       pa.sent[m].second, pb.sent[m].second);
                return;
            }
        }
        if (pa.sent.size() != pb.sent.size())
            differ(name(ia) + ": sent " + std::to_string(pa.sent.size()) + " messages vs " +
                       std::to_string(pb.sent.size()),
                   n < pa.sent.size() ? pa.sent[n].second : pa.spawn_event,
                   n < pb.sent.size() ? pb.sent[n].second : pb.spawn_event);
    }

    std::span<const Event> ea_, eb_;
    Structure a_, b_;
    CompareOptions options_;
    CompareResult result_;
    std::vector<std::string> paths_a_, paths_b_;
    std::unordered_map<int, int> matched_b_of_a_;
    size_t end_a_ = 0, end_b_ = 0;  ///< index of the script process's exit in each trace
    std::vector<bool> known_used_;  ///< per entry of options_.known_differences
};

}  // namespace

CompareResult compare_traces(std::span<const Event> a, std::span<const Event> b,
                             const CompareOptions& options) {
    Comparer comparer(a, b, options);
    CompareResult result = comparer.run();
    result.known_unused = comparer.unused_known();
    return result;
}

namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string_view without_exs(std::string_view name) {
    if (name.ends_with(".exs")) name.remove_suffix(4);
    return name;
}

}  // namespace

KnownDifferencesFile parse_known_differences(std::string_view text) {
    KnownDifferencesFile file;
    size_t line_number = 0;
    while (!text.empty()) {
        const size_t newline = text.find('\n');
        const std::string_view line =
            trimmed(newline == std::string_view::npos ? text : text.substr(0, newline));
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        ++line_number;
        if (line.empty() || line.front() == '#') continue;
        const size_t bar1 = line.find('|');
        const size_t bar2 = bar1 == std::string_view::npos ? bar1 : line.find('|', bar1 + 1);
        if (bar2 == std::string_view::npos) {
            file.error = "line " + std::to_string(line_number) +
                         ": expected SCENARIO | DIFFERENCE TEXT | REASON";
            return file;
        }
        KnownDifference entry{std::string(trimmed(line.substr(0, bar1))),
                              std::string(trimmed(line.substr(bar1 + 1, bar2 - bar1 - 1))),
                              std::string(trimmed(line.substr(bar2 + 1)))};
        if (entry.scenario.empty() || entry.difference.empty() || entry.reason.empty()) {
            file.error = "line " + std::to_string(line_number) +
                         ": the scenario, the difference text and the reason must not be empty";
            return file;
        }
        file.entries.push_back(std::move(entry));
    }
    return file;
}

std::vector<std::string> known_differences_for(std::span<const KnownDifference> entries,
                                               std::string_view scenario) {
    std::vector<std::string> texts;
    scenario = without_exs(scenario);
    for (const KnownDifference& entry : entries)
        if (entry.scenario == "*" || without_exs(entry.scenario) == scenario)
            texts.push_back(entry.difference);
    return texts;
}

}  // namespace tasklens::trace
