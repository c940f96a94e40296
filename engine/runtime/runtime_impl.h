#pragma once
// Internal to the runtime: Runtime::Impl, the state behind Runtime and ProcessContext.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "engine/runtime/process.h"
#include "engine/runtime/run_limits.h"
#include "engine/runtime/runtime.h"

namespace tasklens {

/// A pending timer. Timers are never removed from the heap when cancelled or superseded; a stale
/// entry is recognised (and dropped) when it reaches the top.
struct TimerEntry {
    enum class Kind : uint8_t { Wake, SendAfter };
    int64_t due_us;
    uint64_t seq;         ///< insertion order: breaks ties between equal deadlines
    uint64_t key;         ///< Wake: the packed pid; SendAfter: the timer ref
    uint32_t generation;  ///< Wake: the process's wait_generation when armed
    Kind kind;
};

struct SendAfterTimer {
    Term dest;  ///< a pid or a registered name, resolved when it fires
    Term message;
    int64_t due_us;
    Pid owner;
};

struct NodeRecord {
    Atom name;
    bool connected = true;
};

/// How an exit signal was sent: by a dying linked process, or by exit/2. Only exit/2 can carry
/// the untrappable :kill, and only exit/2 to oneself makes :normal kill.
enum class SignalOrigin : uint8_t { Link, Exit2 };

struct Runtime::Impl {
    Impl(Runtime& owner, RuntimeOptions opts);
    ~Impl();

    Runtime& runtime;
    RuntimeOptions options;
    int scheduler_count;
    trace::EventSink* sink;
    uint64_t next_seq = 0;

    // --- clock ---------------------------------------------------------------------------
    // Virtual time is whole microseconds plus a remainder in ticks of 1/scheduler_count ns, so
    // that a reduction costing ns_per_reduction / schedulers ns accumulates exactly, without
    // rounding drift, and reading the clock (every event) needs no division.
    int64_t clock_us = 0;
    int64_t clock_remainder_ticks = 0;
    int64_t ticks_per_reduction;
    int64_t ticks_per_us;
    std::chrono::steady_clock::time_point wall_start;

    int64_t now_us() const noexcept;
    void advance_to(int64_t us) noexcept;

    // --- process table -------------------------------------------------------------------
    // Open addressing by serial: slot = serial & mask. Serials only grow and a spawn skips a
    // serial whose slot is busy, so lookup is one index and one compare, like the BEAM's table.
    std::vector<Process*> table;
    uint64_t table_mask = 0;
    uint32_t next_serial = 1;
    size_t live = 0;

    Process* lookup(Pid pid) const noexcept {
        Process* p = table[pid.serial & table_mask];
        return (p && p->pid == pid) ? p : nullptr;
    }
    Pid allocate_pid(uint32_t node);
    void grow_table();

    // --- scheduling ----------------------------------------------------------------------
    Process* run_head = nullptr;
    Process* run_tail = nullptr;
    Process* current = nullptr;
    uint32_t slice_used = 0;
    std::atomic<bool> stop_requested{false};
    uint64_t total_reductions = 0;
    // Run limits (run_limits.h): the runtime extension holding them, looked up on first use, and
    // when wall time and memory were last looked at.
    RunLimitState* limit_state = nullptr;
    int64_t last_poll_ns = 0;  ///< CLOCK_MONOTONIC_COARSE
    bool limits_reached();
    std::mutex wall_mutex;
    std::condition_variable wall_wakeup;

    void enqueue(Process* p) noexcept;
    void dequeue(Process* p) noexcept;
    Process* pop_runnable() noexcept;
    void make_runnable(Process* p);
    /// Charges reductions to the running process (if any) and to the clock.
    void charge(uint32_t reductions) noexcept;
    void run_slice(Process* p);

    // One unit of scheduler work: fire due timers, run one slice, or move the clock to the next
    // timer (but not past `limit_us`, -1 = no limit). Returns false when there is nothing to do.
    enum class Action { Worked, Idle, LimitReached, Stopped };
    Action do_one(int64_t limit_us);

    // --- timers --------------------------------------------------------------------------
    std::vector<TimerEntry> timers;  ///< a binary min-heap on (due_us, seq)
    uint64_t next_timer_seq = 0;
    std::unordered_map<uint64_t, SendAfterTimer> send_after_timers;

    void add_timer(TimerEntry entry);
    bool timer_live(const TimerEntry& entry) const noexcept;
    /// Drops stale entries from the top; the next live deadline, if any.
    std::optional<int64_t> next_timer_due();
    void fire_due_timers();
    void fire(const TimerEntry& entry);

    // --- messages ------------------------------------------------------------------------
    Message* free_messages = nullptr;
    Message* new_message(Term term, Pid from);
    void free_message(Message* m) noexcept;
    /// Appends to the mailbox and wakes the receiver. No event: callers record Send/Down/EXIT.
    /// `rendered` (the Send event's text, or empty) is swapped into the message, which keeps it
    /// for the Receive event; `rendered` gets the message's old buffer.
    void deliver(Process* to, Term message, Pid from);
    void deliver(Process* to, Term message, Pid from, std::string& rendered);
    /// Links `m` into `to`'s mailbox and wakes `to`.
    void append_message(Process* to, Message* m);
    void unlink_message(Process* p, Message* m) noexcept;
    void send_from(Process* sender, Pid from, Pid to, Term message);

    // --- links, monitors, exits ----------------------------------------------------------
    struct PendingDeath {
        Pid pid;
        Term reason;
    };
    std::deque<PendingDeath> pending_deaths;
    bool draining = false;

    /// Delivers an exit signal from `from` to `to` under Erlang's rules; may schedule a death.
    void signal_exit(Pid from, Process* to, const Term& reason, SignalOrigin origin);
    /// Marks the process to die with `reason` and runs the cascade (iteratively) unless one is
    /// already running further up the C++ stack.
    void kill(Process* p, Term reason);
    void drain_deaths();
    void finish_exit(Process* p, Term reason);
    void destroy(Process* p) noexcept;
    void send_down(Process* watcher, const MonitorEntry& entry, Pid target, const Term& reason);
    bool connected(uint32_t a, uint32_t b) const noexcept {
        return a == b || (nodes[a].connected && nodes[b].connected);
    }

    // --- spawn ---------------------------------------------------------------------------
    SpawnResult spawn(Process* parent, ProcessBody body, SpawnOptions options);
    Ref make_ref() noexcept { return Ref{next_ref++}; }
    uint64_t next_ref = 1;

    // --- process aliases -----------------------------------------------------------------
    struct AliasEntry {
        Pid owner;
        AliasMode mode;
    };
    std::unordered_map<Ref, AliasEntry> aliases;
    void add_alias(Process* owner, Ref ref, AliasMode mode);
    /// Ends an alias; true if it was active.
    bool drop_alias(Ref ref);
    /// A monitor went away (demonitor or DOWN): ends its alias if the alias was tied to it.
    void drop_monitor_alias(Ref ref);
    /// send/2 to a reference: delivered to the alias owner while the alias is active.
    void send_to_alias(Process* sender, Ref alias, Term message);

    // --- names ---------------------------------------------------------------------------
    std::unordered_map<uint64_t, Pid> names;  ///< key: node << 32 | atom id
    static uint64_t name_key(uint32_t node, Atom name) noexcept {
        return (uint64_t{node} << 32) | name.id;
    }
    std::optional<Pid> whereis(uint32_t node, Atom name) const;
    void release_name(Process* p);

    // --- nodes ---------------------------------------------------------------------------
    std::vector<NodeRecord> nodes;

    /// {:erlang, :apply, 2}, shared by every process spawned without an initial call.
    Term default_initial_call;

    // --- run control ---------------------------------------------------------------------
    Pid watched;
    bool watched_exited = false;
    std::optional<Term> watched_reason;

    // --- events --------------------------------------------------------------------------
    void emit(trace::Event& event) {
        event.seq = next_seq++;
        event.time_us = now_us();
        sink->on_event(event);
    }
    // Events that carry a text are built in one Event that lives on (text_event()), so that its
    // text's capacity lives on from event to event and texts longer than std::string's 15 inline
    // bytes cost no allocation. A Send's text is swapped into its message (Message::rendered) and
    // swapped back out for the Receive, so buffers circulate: steady state allocates nothing.
    trace::Event text_event_storage;
    /// The text-carrying event, reset to `kind` with every other field at its default and an
    /// empty text (capacity kept): fill it, write the text into `.text`, then emit() it.
    trace::Event& text_event(trace::EventKind kind) noexcept {
        trace::Event& e = text_event_storage;
        e.kind = kind;
        e.flags = 0;
        e.detail = 0;
        e.pid = Pid{};
        e.peer = Pid{};
        e.ref = Ref{};
        e.deadline_us = -1;
        e.value = 0;
        e.text.clear();
        return e;
    }
    // StateChange events (two or three per scheduling of a process) reuse one Event as well.
    trace::Event state_event_storage;
    void emit_state(Process* p, trace::ProcessState state);
    // receive()'s wait events, kept out of its coroutine frame.
    void start_wait(Process& p, trace::WaitKind kind, Pid about, Ref ref, int64_t deadline);
    void end_wait(Process& p, const Term& matched, Pid about, Ref ref);
    void time_out_wait(Process& p, bool waited, trace::WaitKind kind, Pid about, Ref ref,
                       int64_t deadline);
    void emit_exit_signal(Pid to, Pid from, const Term& reason, trace::SignalDisposition d);

    ProcessInfo info(const Process& p) const;

    CodeRegistry code;
    std::unordered_map<size_t, std::shared_ptr<void>> extensions;
    std::vector<Runtime::ExitObserver> exit_observers;
};

/// Kernel.inspect/1 of a term for event texts (messages, reasons), cut at `limit` characters
/// (then "..." is appended).
std::string render_term(const Term& term, size_t limit = 120);
/// render_term, appended to `out`.
void render_term_to(std::string& out, const Term& term, size_t limit = 120);
/// The initial call as the trace shows it: "Task.Supervisor.async_nolink/2", ":erlang.apply/2".
std::string render_mfa(const Term& mfa);
/// render_mfa, appended to `out`.
void render_mfa_to(std::string& out, const Term& mfa);
trace::ExitReasonClass classify_reason(const Term& reason) noexcept;

}  // namespace tasklens
