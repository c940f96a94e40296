// Over 800 lines: the scheduler loop, exit-signal rules and timers act on the same process table
// under the same invariants; the exit-signal rules are the candidate to move out next.
// The runtime core: process table, run queue, virtual clock, timers, exit signals and the
// scheduler loop. See docs/architecture.md ("Time") and docs/native-processes.md.
#include <algorithm>
#include <cstdio>
#include <new>
#include <thread>

#include <time.h>
#include <unistd.h>

#include "engine/runtime/runtime_impl.h"

namespace tasklens {

namespace {

constexpr size_t kInitialTableSize = 1024;
constexpr size_t kSerialRunTableSize = size_t{1} << 18;  // the BEAM's default process table

bool timer_after(const TimerEntry& a, const TimerEntry& b) noexcept {
    return a.due_us != b.due_us ? a.due_us > b.due_us : a.seq > b.seq;
}

// Resident set size of this process (Linux /proc/self/statm), 0 if unknown.
uint64_t resident_bytes() noexcept {
    FILE* statm = std::fopen("/proc/self/statm", "r");
    if (!statm) return 0;
    unsigned long long size = 0, resident = 0;
    const int read = std::fscanf(statm, "%llu %llu", &size, &resident);
    std::fclose(statm);
    if (read != 2) return 0;
    return static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Wall time and memory are looked at this often. Every slice reads the coarse monotonic clock (a
// variable read through the vDSO, a few ns) to know when: counting slices instead missed a
// recursion that grew to 1 GB in fewer than the 64 slices between polls.
constexpr int64_t kPollIntervalNs = 10'000'000;

int64_t coarse_monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

// --- ErlangException -------------------------------------------------------------------------

Term ErlangException::exit_reason() const {
    if (kind_ == atom::exit) return reason_;
    if (kind_ == atom::throw_) {
        static const Atom nocatch = Atom::intern("nocatch");
        return Term::tuple({Term::tuple({Term::atom(nocatch), reason_}), stacktrace_});
    }
    return Term::tuple({reason_, stacktrace_});
}

// --- Impl: construction ----------------------------------------------------------------------

Runtime::Impl::Impl(Runtime& owner, RuntimeOptions opts)
    : runtime(owner), options(std::move(opts)), sink(options.events) {
    scheduler_count = options.schedulers > 0
                          ? options.schedulers
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    ticks_per_reduction = options.ns_per_reduction;
    ticks_per_us = 1000LL * scheduler_count;
    wall_start = std::chrono::steady_clock::now();
    last_poll_ns = coarse_monotonic_ns();
    table.assign(kInitialTableSize, nullptr);
    table_mask = kInitialTableSize - 1;
    next_serial = std::max<uint32_t>(1, options.first_pid_serial);
    nodes.push_back({Atom::intern(options.node_name), true});
    default_initial_call =
        Term::tuple({Term::atom(atom::erlang), Term::atom(atom::apply), Term::integer(2)});
}

Runtime::Impl::~Impl() {
    // Take every process out of the table first: destructors running inside coroutine frames
    // then see dead processes and their runtime calls become no-ops.
    std::vector<Process*> all;
    for (Process*& slot : table) {
        if (slot) {
            slot->dead = true;
            all.push_back(slot);
            slot = nullptr;
        }
    }
    live = 0;
    run_head = run_tail = nullptr;
    for (Process* p : all) destroy(p);
    while (free_messages) {
        Message* next = free_messages->next;
        delete free_messages;
        free_messages = next;
    }
}

// --- clock -----------------------------------------------------------------------------------

int64_t Runtime::Impl::now_us() const noexcept {
    if (options.clock == ClockMode::Wall) {
        return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now() - wall_start)
            .count();
    }
    return clock_us;
}

void Runtime::Impl::advance_to(int64_t us) noexcept {
    if (options.clock == ClockMode::Virtual && us > clock_us) {
        clock_us = us;
        clock_remainder_ticks = 0;
    }
}

void Runtime::Impl::charge(uint32_t reductions) noexcept {
    slice_used += reductions;
    total_reductions += reductions;
    if (current) current->reductions += reductions;
    if (options.clock == ClockMode::Virtual) {
        clock_remainder_ticks += int64_t{reductions} * ticks_per_reduction;
        if (clock_remainder_ticks >= ticks_per_us) {
            clock_us += clock_remainder_ticks / ticks_per_us;
            clock_remainder_ticks %= ticks_per_us;
        }
    }
}

// --- process table ---------------------------------------------------------------------------

void Runtime::Impl::grow_table() {
    std::vector<Process*> bigger(table.size() * 2, nullptr);
    uint64_t mask = bigger.size() - 1;
    for (Process* p : table)
        if (p) bigger[p->pid.serial & mask] = p;
    table = std::move(bigger);
    table_mask = mask;
}

Pid Runtime::Impl::allocate_pid(uint32_t node) {
    if ((live + 1) * 2 > table.size()) grow_table();
    for (;;) {
        uint32_t serial = next_serial++;
        if (serial == 0) continue;  // wrapped around: 0 means "no pid"
        // A busy slot grows the table (up to the BEAM's default table of 262,144) rather than
        // skipping the serial, so serials stay consecutive as the BEAM's pids are.
        while (table[serial & table_mask] && table.size() < kSerialRunTableSize) grow_table();
        if (!table[serial & table_mask]) return Pid{node, serial};
    }
}

// --- run queue -------------------------------------------------------------------------------

void Runtime::Impl::enqueue(Process* p) noexcept {
    if (p->in_run_queue) return;
    p->in_run_queue = true;
    p->run_next = nullptr;
    p->run_prev = run_tail;
    if (run_tail)
        run_tail->run_next = p;
    else
        run_head = p;
    run_tail = p;
}

void Runtime::Impl::dequeue(Process* p) noexcept {
    if (!p->in_run_queue) return;
    p->in_run_queue = false;
    if (p->run_prev)
        p->run_prev->run_next = p->run_next;
    else
        run_head = p->run_next;
    if (p->run_next)
        p->run_next->run_prev = p->run_prev;
    else
        run_tail = p->run_prev;
    p->run_prev = p->run_next = nullptr;
}

Process* Runtime::Impl::pop_runnable() noexcept {
    Process* p = run_head;
    if (p) dequeue(p);
    return p;
}

void Runtime::Impl::make_runnable(Process* p) {
    p->state = trace::ProcessState::Runnable;
    enqueue(p);
    if (sink) emit_state(p, trace::ProcessState::Runnable);
}

void Runtime::Impl::run_slice(Process* p) {
    current = p;
    slice_used = 0;
    p->state = trace::ProcessState::Running;
    p->woken_by_message = false;
    if (sink) emit_state(p, trace::ProcessState::Running);
    charge(1);
    std::coroutine_handle<> handle = p->resume_point ? p->resume_point : p->root.handle();
    p->resume_point = {};
    handle.resume();
    current = nullptr;

    if (p->dead) {  // killed while running: its exit is already processed
        destroy(p);
        return;
    }
    if (!p->root.done()) return;  // suspended; the awaitable set its state

    Term reason = Term::atom(atom::normal);
    try {
        p->root.result();
    } catch (const ErlangException& e) {
        reason = e.exit_reason();
    } catch (const std::bad_alloc&) {
        // Out of memory is the whole node's end on the BEAM, not one process's: stop the run.
        if (!limit_state) limit_state = &runtime.extension<RunLimitState>();
        limit_state->exceeded = LimitKind::Memory;
        limit_state->exceeded_memory = 0;
        reason = Term::atom(atom::killed);
    } catch (const std::exception&) {
        // A C++ library error escaping native code (std::invalid_argument, std::out_of_range,
        // ...) means an argument it could not take: the BEAM's badarg, never C++ text.
        reason = ErlangException::badarg().exit_reason();
    } catch (...) {
        reason = ErlangException::badarg().exit_reason();
    }
    kill(p, std::move(reason));
}

bool Runtime::Impl::limits_reached() {
    if (!limit_state) limit_state = &runtime.extension<RunLimitState>();
    RunLimitState& state = *limit_state;
    state.total_reductions = total_reductions;
    if (state.stop_flag && state.stop_flag->load(std::memory_order_relaxed) != 0) return true;
    LimitKind& exceeded = state.exceeded;
    if (exceeded != LimitKind::None) return true;
    const RunLimits& limits = state.limits;
    if (limits.max_reductions && total_reductions > limits.max_reductions) {
        exceeded = LimitKind::Reductions;
    } else if (limits.max_virtual_us && options.clock == ClockMode::Virtual &&
               clock_us > limits.max_virtual_us) {
        exceeded = LimitKind::VirtualTime;
    } else if (limits.max_wall_ms || limits.max_memory_bytes) {
        const int64_t now_ns = coarse_monotonic_ns();
        if (now_ns - last_poll_ns >= kPollIntervalNs) {
            last_poll_ns = now_ns;
            if (limits.max_wall_ms && std::chrono::steady_clock::now() - wall_start >
                                          std::chrono::milliseconds(limits.max_wall_ms)) {
                exceeded = LimitKind::WallTime;
            } else if (limits.max_memory_bytes) {
                const uint64_t resident = resident_bytes();
                if (resident > limits.max_memory_bytes) {
                    exceeded = LimitKind::Memory;
                    state.exceeded_memory = resident;
                }
            }
        }
    }
    return exceeded != LimitKind::None;
}

Runtime::Impl::Action Runtime::Impl::do_one(int64_t limit_us) {
    if (stop_requested.exchange(false, std::memory_order_relaxed)) return Action::Stopped;
    if (limits_reached()) return Action::Stopped;
    if (!timers.empty()) fire_due_timers();
    if (run_head) {
        // Inclusive: what is due at exactly limit_us still runs in this call.
        if (limit_us >= 0 && now_us() > limit_us) return Action::LimitReached;
        run_slice(pop_runnable());
        return Action::Worked;
    }
    std::optional<int64_t> due = next_timer_due();
    if (!due) return Action::Idle;
    int64_t target = (limit_us >= 0 && *due > limit_us) ? limit_us : *due;
    if (options.clock == ClockMode::Virtual) {
        advance_to(target);
    } else {
        std::unique_lock lock(wall_mutex);
        wall_wakeup.wait_until(lock, wall_start + std::chrono::microseconds(target),
                               [this] { return stop_requested.load(std::memory_order_relaxed); });
        if (stop_requested.exchange(false, std::memory_order_relaxed)) return Action::Stopped;
    }
    if (target != *due) return Action::LimitReached;
    fire_due_timers();
    return Action::Worked;
}

// --- timers ----------------------------------------------------------------------------------

void Runtime::Impl::add_timer(TimerEntry entry) {
    entry.seq = next_timer_seq++;
    timers.push_back(entry);
    std::push_heap(timers.begin(), timers.end(), timer_after);
}

bool Runtime::Impl::timer_live(const TimerEntry& entry) const noexcept {
    if (entry.kind == TimerEntry::Kind::SendAfter) return send_after_timers.contains(entry.key);
    Process* p = lookup(Pid::from_packed(entry.key));
    return p && !p->exiting && p->wait_generation == entry.generation &&
           (p->waiting_for_message || p->state == trace::ProcessState::Sleeping);
}

std::optional<int64_t> Runtime::Impl::next_timer_due() {
    while (!timers.empty() && !timer_live(timers.front())) {
        std::pop_heap(timers.begin(), timers.end(), timer_after);
        timers.pop_back();
    }
    if (timers.empty()) return std::nullopt;
    return timers.front().due_us;
}

void Runtime::Impl::fire_due_timers() {
    int64_t now = now_us();
    while (!timers.empty() && timers.front().due_us <= now) {
        std::pop_heap(timers.begin(), timers.end(), timer_after);
        TimerEntry entry = timers.back();
        timers.pop_back();
        if (timer_live(entry)) fire(entry);
    }
}

void Runtime::Impl::fire(const TimerEntry& entry) {
    if (entry.kind == TimerEntry::Kind::Wake) {
        Process* p = lookup(Pid::from_packed(entry.key));
        p->waiting_for_message = false;
        ++p->wait_generation;
        make_runnable(p);
        return;
    }
    auto node = send_after_timers.extract(entry.key);
    SendAfterTimer& timer = node.mapped();
    std::optional<Pid> to;
    if (timer.dest.is_pid())
        to = timer.dest.as_pid();
    else if (timer.dest.is_atom())
        to = whereis(timer.owner.node, timer.dest.as_atom());
    if (!to) return;  // the name was unregistered meanwhile: Erlang drops it too
    Process* target = lookup(*to);
    if (!target) return;
    if (sink) {
        trace::Event& e = text_event(trace::EventKind::Send);
        e.pid = timer.owner;
        e.peer = *to;
        render_term_to(e.text, timer.message);
        emit(e);
        deliver(target, std::move(timer.message), timer.owner, e.text);
        return;
    }
    deliver(target, std::move(timer.message), timer.owner);
}

// --- messages --------------------------------------------------------------------------------

Message* Runtime::Impl::new_message(Term term, Pid from) {
    Message* m = free_messages;
    if (m) {
        free_messages = m->next;
        m->next = nullptr;
    } else {
        m = new Message();
    }
    m->term = std::move(term);
    m->from = from;
    return m;
}

void Runtime::Impl::free_message(Message* m) noexcept {
    m->term = Term();
    m->rendered.clear();
    m->prev = nullptr;
    m->next = free_messages;
    free_messages = m;
}

void Runtime::Impl::deliver(Process* to, Term message, Pid from, std::string& rendered) {
    if (to->dead || to->exiting) return;
    Message* m = new_message(std::move(message), from);
    m->rendered.swap(rendered);
    append_message(to, m);
}

void Runtime::Impl::deliver(Process* to, Term message, Pid from) {
    if (to->dead || to->exiting) return;
    append_message(to, new_message(std::move(message), from));
}

void Runtime::Impl::append_message(Process* to, Message* m) {
    m->prev = to->mailbox_tail;
    if (to->mailbox_tail)
        to->mailbox_tail->next = m;
    else
        to->mailbox_head = m;
    to->mailbox_tail = m;
    ++to->mailbox_len;
    if (to->waiting_for_message) {
        to->waiting_for_message = false;
        to->woken_by_message = true;
        ++to->wait_generation;  // its receive timer is now stale
        make_runnable(to);
    }
}

void Runtime::Impl::unlink_message(Process* p, Message* m) noexcept {
    if (m->prev)
        m->prev->next = m->next;
    else
        p->mailbox_head = m->next;
    if (m->next)
        m->next->prev = m->prev;
    else
        p->mailbox_tail = m->prev;
    --p->mailbox_len;
}

void Runtime::Impl::send_from(Process* sender, Pid from, Pid to, Term message) {
    if (sender) {
        if (sender->dead) return;
        charge(1);
    }
    Process* target = lookup(to);
    if (sink) {
        trace::Event& e = text_event(trace::EventKind::Send);
        e.pid = from;
        e.peer = to;
        render_term_to(e.text, message);
        emit(e);
        if (target && connected(from.node, to.node))
            deliver(target, std::move(message), from, e.text);
        return;
    }
    if (target && connected(from.node, to.node)) deliver(target, std::move(message), from);
}

// --- exits -----------------------------------------------------------------------------------

void Runtime::Impl::signal_exit(Pid from, Process* to, const Term& reason, SignalOrigin origin) {
    if (to->dead || to->exiting) return;
    using trace::SignalDisposition;
    SignalDisposition disposition;
    Term death_reason;
    if (origin == SignalOrigin::Exit2 && reason.is_atom(atom::kill)) {
        disposition = SignalDisposition::Killed;
        death_reason = Term::atom(atom::killed);
    } else if (to->trap_exit) {
        disposition = SignalDisposition::Trapped;
    } else if (reason.is_atom(atom::normal)) {
        // erlang:exit/2: "If Reason is the atom normal, Pid does not exit, unless Pid is the
        // calling process, in which case it exits with reason normal."
        bool to_self = origin == SignalOrigin::Exit2 && from == to->pid;
        disposition = to_self ? SignalDisposition::Killed : SignalDisposition::Ignored;
        death_reason = reason;
    } else {
        disposition = SignalDisposition::Killed;
        death_reason = reason;
    }
    if (sink) emit_exit_signal(to->pid, from, reason, disposition);
    if (disposition == SignalDisposition::Trapped) {
        deliver(to, Term::tuple({Term::atom(atom::EXIT), Term::pid(from), reason}), from);
    } else if (disposition == SignalDisposition::Killed) {
        kill(to, std::move(death_reason));
    }
}

void Runtime::Impl::kill(Process* p, Term reason) {
    if (p->dead || p->exiting) return;
    p->exiting = true;
    pending_deaths.push_back({p->pid, std::move(reason)});
    if (!draining) drain_deaths();
}

// A long chain of links dies here one process at a time: each death queues its peers' deaths
// instead of recursing into them, so the C++ stack stays flat however long the chain.
void Runtime::Impl::drain_deaths() {
    draining = true;
    while (!pending_deaths.empty()) {
        PendingDeath death = std::move(pending_deaths.front());
        pending_deaths.pop_front();
        if (Process* p = lookup(death.pid); p && !p->dead) finish_exit(p, std::move(death.reason));
    }
    draining = false;
}

void Runtime::Impl::finish_exit(Process* p, Term reason) {
    p->dead = true;
    p->exiting = true;
    table[p->pid.serial & table_mask] = nullptr;
    --live;
    dequeue(p);
    p->waiting_for_message = false;
    if (sink) {
        if (p->wait_event_open) {
            trace::Event e;
            e.kind = trace::EventKind::WaitEnd;
            e.wait_outcome = trace::WaitOutcome::Killed;
            e.pid = p->pid;
            emit(e);
        }
        emit_state(p, trace::ProcessState::Exiting);
        trace::Event& e = text_event(trace::EventKind::Exit);
        e.reason_class = classify_reason(reason);
        e.pid = p->pid;
        render_term_to(e.text, reason);
        emit(e);
    }
    p->wait_event_open = false;
    p->state = trace::ProcessState::Exiting;
    release_name(p);
    for (const Runtime::ExitObserver& observer : exit_observers) observer(p->pid, reason);

    for (const LinkEntry& link : p->links.release()) {
        Process* peer = lookup(link.peer);
        if (!peer) continue;
        peer->links.erase(p->pid);
        if (connected(p->pid.node, peer->pid.node))
            signal_exit(p->pid, peer, reason, SignalOrigin::Link);
    }
    for (Ref alias : std::exchange(p->aliases, {})) aliases.erase(alias);
    for (const MonitorEntry& entry : p->monitored_by.release()) {
        Process* watcher = lookup(entry.other);
        if (!watcher) continue;
        if (auto watched_entry = watcher->monitors.take(entry.ref))
            send_down(watcher, *watched_entry, p->pid, reason);
    }
    for (const MonitorEntry& entry : p->monitors.release())
        if (Process* target = lookup(entry.other)) target->monitored_by.erase(entry.ref);

    while (Message* m = p->mailbox_head) {
        unlink_message(p, m);
        free_message(m);
    }
    p->dictionary.clear();
    if (p->pid == watched) {
        watched_exited = true;
        watched_reason = reason;
    }
    p->exit_reason = std::move(reason);
    if (p != current) destroy(p);
}

void Runtime::Impl::destroy(Process* p) noexcept {
    // Destroying the root frame destroys every frame it awaits (frames own their Co locals).
    p->root = Co<void>();
    while (Message* m = p->mailbox_head) {
        unlink_message(p, m);
        free_message(m);
    }
    delete p;
}

void Runtime::Impl::send_down(Process* watcher, const MonitorEntry& entry, Pid target,
                              const Term& reason) {
    if (!aliases.empty()) drop_monitor_alias(entry.ref);
    Term object =
        entry.name ? Term::tuple({Term::atom(*entry.name), Term::atom(nodes[entry.name_node].name)})
                   : Term::pid(target);
    if (sink) {
        trace::Event& e = text_event(trace::EventKind::Down);
        e.pid = watcher->pid;
        e.peer = target;
        e.ref = entry.ref;
        render_term_to(e.text, reason);
        emit(e);
    }
    deliver(watcher,
            Term::tuple({Term::atom(atom::DOWN), Term::reference(entry.ref),
                         Term::atom(atom::process), std::move(object), reason}),
            target);
}

// --- process aliases -------------------------------------------------------------------------

void Runtime::Impl::add_alias(Process* owner, Ref ref, AliasMode mode) {
    aliases[ref] = AliasEntry{owner->pid, mode};
    owner->aliases.push_back(ref);
}

bool Runtime::Impl::drop_alias(Ref ref) {
    auto it = aliases.find(ref);
    if (it == aliases.end()) return false;
    if (Process* owner = lookup(it->second.owner)) std::erase(owner->aliases, ref);
    aliases.erase(it);
    return true;
}

void Runtime::Impl::drop_monitor_alias(Ref ref) {
    auto it = aliases.find(ref);
    if (it == aliases.end()) return;
    if (it->second.mode == AliasMode::Demonitor || it->second.mode == AliasMode::ReplyDemonitor)
        drop_alias(ref);
}

void Runtime::Impl::send_to_alias(Process* sender, Ref alias, Term message) {
    auto it = aliases.find(alias);
    if (it == aliases.end()) {
        if (sender && !sender->dead) charge(1);  // an inactive alias: the message is dropped
        return;
    }
    const Pid owner = it->second.owner;
    const AliasMode mode = it->second.mode;
    if (mode == AliasMode::Reply || mode == AliasMode::ReplyDemonitor) drop_alias(alias);
    if (mode == AliasMode::ReplyDemonitor) {
        // The reply removes the monitor too, as demonitor/1 by the owner would.
        if (Process* p = lookup(owner)) {
            if (auto entry = p->monitors.take(alias)) {
                if (Process* target = lookup(entry->other)) target->monitored_by.erase(alias);
            }
        }
    }
    send_from(sender, sender ? sender->pid : Pid{}, owner, std::move(message));
}

// --- spawn -----------------------------------------------------------------------------------

SpawnResult Runtime::Impl::spawn(Process* parent, ProcessBody body, SpawnOptions opts) {
    if (!body) throw ErlangException::badarg();
    if (live >= options.process_limit) throw ErlangException::error(Term::atom(atom::system_limit));
    uint32_t node = opts.node ? opts.node : (parent ? parent->pid.node : 0);
    if (node >= nodes.size()) throw ErlangException::badarg();

    Pid pid = allocate_pid(node);
    auto* p = new Process(*this, pid);
    p->body = std::move(body);
    try {
        p->root = p->body(p->ctx);
    } catch (...) {
        delete p;
        throw;
    }
    table[pid.serial & table_mask] = p;
    ++live;
    p->initial_call =
        opts.initial_call.is_nil() ? default_initial_call : std::move(opts.initial_call);
    enqueue(p);

    bool link = opts.link && parent;
    bool monitor = opts.monitor && parent;
    SpawnResult result{pid, {}};
    if (monitor) result.monitor = make_ref();
    if (monitor && opts.monitor_alias) add_alias(parent, result.monitor, *opts.monitor_alias);
    if (sink) {
        trace::Event& e = text_event(trace::EventKind::Spawn);
        e.flags = (link ? trace::FlagLinked : 0) | (monitor ? trace::FlagMonitored : 0);
        e.pid = pid;
        if (parent) e.peer = parent->pid;
        e.ref = result.monitor;
        if (opts.label.empty())
            render_mfa_to(e.text, p->initial_call);
        else
            e.text.swap(opts.label);
        emit(e);
    }
    if (parent) charge(1);
    if (parent && !connected(parent->pid.node, node)) {
        // The child lives on a node its parent cannot reach: the link or monitor breaks at once.
        Term noconnection = Term::atom(atom::noconnection);
        if (monitor) send_down(parent, MonitorEntry{result.monitor, pid, {}, 0}, pid, noconnection);
        if (link) signal_exit(pid, parent, noconnection, SignalOrigin::Link);
        return result;
    }
    if (link) {
        parent->links.insert({pid});
        p->links.insert({parent->pid});
    }
    if (monitor) {
        parent->monitors.insert({result.monitor, pid, {}, 0});
        p->monitored_by.insert({result.monitor, parent->pid, {}, 0});
    }
    return result;
}

// --- names -----------------------------------------------------------------------------------

std::optional<Pid> Runtime::Impl::whereis(uint32_t node, Atom name) const {
    auto it = names.find(name_key(node, name));
    if (it == names.end()) return std::nullopt;
    return it->second;
}

void Runtime::Impl::release_name(Process* p) {
    if (!p->registered_name) return;
    Atom name = *p->registered_name;
    names.erase(name_key(p->pid.node, name));
    p->registered_name.reset();
    if (sink) {
        trace::Event e;
        e.kind = trace::EventKind::Unregister;
        e.pid = p->pid;
        e.text = std::string(name.name());
        emit(e);
    }
}

// --- events ----------------------------------------------------------------------------------

void Runtime::Impl::emit_state(Process* p, trace::ProcessState state) {
    // Only kind, state and pid are ever set on this event; the rest keeps its defaults.
    trace::Event& e = state_event_storage;
    e.kind = trace::EventKind::StateChange;
    e.state = state;
    e.pid = p->pid;
    emit(e);
}

trace::Event wait_event(trace::EventKind kind, Pid pid, Pid about, Ref ref) {
    trace::Event e;
    e.kind = kind;
    e.pid = pid;
    e.peer = about;
    e.ref = ref;
    return e;
}

void Runtime::Impl::start_wait(Process& p, trace::WaitKind kind, Pid about, Ref ref,
                               int64_t deadline) {
    p.wait_event_open = true;
    if (!sink) return;
    trace::Event e = wait_event(trace::EventKind::WaitStart, p.pid, about, ref);
    e.wait_kind = kind;
    e.deadline_us = deadline;
    emit(e);
}

void Runtime::Impl::end_wait(Process& p, const Term& matched, Pid about, Ref ref) {
    p.wait_event_open = false;
    if (!sink) return;
    trace::Event e = wait_event(trace::EventKind::WaitEnd, p.pid, about, ref);
    // An await that ends with the DOWN of the awaited monitor ended in Down, not in a reply.
    bool down = ref.valid() && matched.is_tuple(5) && matched.element(0).is_atom(atom::DOWN) &&
                matched.element(1).is_reference() && matched.element(1).as_reference() == ref;
    e.wait_outcome = down ? trace::WaitOutcome::Down : trace::WaitOutcome::Message;
    emit(e);
}

void Runtime::Impl::time_out_wait(Process& p, bool waited, trace::WaitKind kind, Pid about, Ref ref,
                                  int64_t deadline) {
    p.wait_event_open = false;
    if (!sink) return;
    // A receive that times out without blocking (after 0) still shows as a zero-length wait.
    if (!waited) start_wait(p, kind, about, ref, deadline);
    p.wait_event_open = false;
    trace::Event e = wait_event(trace::EventKind::WaitEnd, p.pid, about, ref);
    e.wait_outcome = trace::WaitOutcome::Timeout;
    emit(e);
}

void Runtime::Impl::emit_exit_signal(Pid to, Pid from, const Term& reason,
                                     trace::SignalDisposition disposition) {
    trace::Event& e = text_event(trace::EventKind::ExitSignal);
    e.disposition = disposition;
    e.pid = to;
    e.peer = from;
    render_term_to(e.text, reason);
    emit(e);
}

ProcessInfo Runtime::Impl::info(const Process& p) const {
    ProcessInfo info;
    info.pid = p.pid;
    // Woken in a receive by a message it has not looked at yet: on the BEAM another scheduler runs
    // it at once, and a process idle in receive reports waiting.
    info.state = p.state == trace::ProcessState::Runnable && p.woken_by_message
                     ? trace::ProcessState::Waiting
                     : p.state;
    info.registered_name = p.registered_name;
    info.initial_call = p.initial_call;
    info.current_call = p.initial_call;
    info.message_queue_len = p.mailbox_len;
    info.messages.reserve(p.mailbox_len);
    for (Message* m = p.mailbox_head; m; m = m->next) info.messages.push_back(m->term);
    for (const LinkEntry& link : p.links) info.links.push_back(link.peer);
    for (const MonitorEntry& m : p.monitors) info.monitors.emplace_back(m.ref, m.other);
    for (const MonitorEntry& m : p.monitored_by) info.monitored_by.emplace_back(m.ref, m.other);
    info.reductions = p.reductions;
    info.trap_exit = p.trap_exit;
    info.dictionary = p.dictionary.entries();
    return info;
}

// --- Runtime ---------------------------------------------------------------------------------

Runtime::Runtime(RuntimeOptions options)
    : impl_(std::make_unique<Impl>(*this, std::move(options))) {}
Runtime::~Runtime() = default;

SpawnResult Runtime::spawn(ProcessBody body, SpawnOptions options) {
    return impl_->spawn(nullptr, std::move(body), std::move(options));
}

RunResult Runtime::run() {
    for (;;) {
        switch (impl_->do_one(-1)) {
            case Impl::Action::Worked:
                continue;
            case Impl::Action::Stopped:
                return {RunResult::Reason::Stopped, now_us(), {}};
            default:
                return {RunResult::Reason::Idle, now_us(), {}};
        }
    }
}

RunResult Runtime::run_until_exit(Pid target) {
    return run_until(-1, target);
}

RunResult Runtime::run_until(int64_t virtual_us, Pid target) {
    if (target.valid() && !alive(target)) return {RunResult::Reason::TargetExited, now_us(), {}};
    impl_->watched = target;
    impl_->watched_exited = false;
    impl_->watched_reason.reset();
    RunResult result{RunResult::Reason::Idle, 0, {}};
    for (;;) {
        const Impl::Action action = impl_->do_one(virtual_us);
        if (impl_->watched_exited) {
            result.reason = RunResult::Reason::TargetExited;
            result.exit_reason = std::move(impl_->watched_reason);
            break;
        }
        if (action == Impl::Action::Worked) continue;
        result.reason = action == Impl::Action::Stopped        ? RunResult::Reason::Stopped
                        : action == Impl::Action::LimitReached ? RunResult::Reason::TimeReached
                                                               : RunResult::Reason::Idle;
        break;
    }
    impl_->watched = Pid{};
    impl_->watched_reason.reset();
    result.now_us = now_us();
    return result;
}

RunResult Runtime::step(Pid target) {
    if (target.valid() && !alive(target)) return {RunResult::Reason::TargetExited, now_us(), {}};
    impl_->watched = target;
    impl_->watched_exited = false;
    impl_->watched_reason.reset();
    const uint64_t first_seq = impl_->next_seq;
    RunResult result{RunResult::Reason::Idle, 0, {}};
    for (;;) {
        const Impl::Action action = impl_->do_one(-1);
        if (impl_->watched_exited) {
            result.reason = RunResult::Reason::TargetExited;
            result.exit_reason = std::move(impl_->watched_reason);
            break;
        }
        if (action == Impl::Action::Worked) {
            if (!impl_->sink || impl_->next_seq > first_seq) {
                result.reason = RunResult::Reason::StepDone;
                break;
            }
            continue;
        }
        result.reason =
            action == Impl::Action::Stopped ? RunResult::Reason::Stopped : RunResult::Reason::Idle;
        break;
    }
    impl_->watched = Pid{};
    impl_->watched_reason.reset();
    result.now_us = now_us();
    return result;
}

void set_run_limits(Runtime& runtime, const RunLimits& limits, const std::atomic<int>* stop_flag) {
    RunLimitState& state = runtime.extension<RunLimitState>();
    state.limits = limits;
    state.stop_flag = stop_flag;
}

const RunLimitState& run_limit_state(Runtime& runtime) {
    return runtime.extension<RunLimitState>();
}

void Runtime::request_stop() noexcept {
    impl_->stop_requested.store(true, std::memory_order_relaxed);
    {
        // Taking the lock orders the store before a Wall-mode waiter re-checks its predicate.
        std::lock_guard lock(impl_->wall_mutex);
    }
    impl_->wall_wakeup.notify_all();
}

int64_t Runtime::now_us() const noexcept {
    return impl_->now_us();
}
int Runtime::schedulers() const noexcept {
    return impl_->scheduler_count;
}
void Runtime::reserve_pids(uint32_t count) noexcept {
    if (impl_->options.reserve_pids) impl_->next_serial += count;
}
const RuntimeOptions& Runtime::options() const noexcept {
    return impl_->options;
}
void Runtime::set_event_sink(trace::EventSink* sink) noexcept {
    impl_->sink = sink;
    impl_->options.events = sink;
}

bool Runtime::alive(Pid p) const noexcept {
    Process* process = impl_->lookup(p);
    return process && !process->exiting;
}

std::optional<ProcessInfo> Runtime::info(Pid p) const {
    Process* process = impl_->lookup(p);
    if (!process) return std::nullopt;
    return impl_->info(*process);
}

std::vector<Pid> Runtime::processes() const {
    std::vector<Pid> pids;
    pids.reserve(impl_->live);
    for (Process* p : impl_->table)
        if (p) pids.push_back(p->pid);
    std::sort(pids.begin(), pids.end(), [](Pid a, Pid b) {
        return a.serial != b.serial ? a.serial < b.serial : a.node < b.node;
    });
    return pids;
}

size_t Runtime::process_count() const noexcept {
    return impl_->live;
}

std::optional<Pid> Runtime::whereis(Atom name) const {
    return impl_->whereis(0, name);
}

void Runtime::send(Pid to, Term message) {
    impl_->send_from(nullptr, Pid{}, to, std::move(message));
}

void Runtime::exit(Pid target, Term reason) {
    if (Process* p = impl_->lookup(target))
        impl_->signal_exit(Pid{}, p, reason, SignalOrigin::Exit2);
}

CodeRegistry& Runtime::code() noexcept {
    return impl_->code;
}

uint32_t Runtime::local_node() const noexcept {
    return 0;
}

Atom Runtime::node_name(uint32_t node) const {
    if (node >= impl_->nodes.size()) throw ErlangException::badarg();
    return impl_->nodes[node].name;
}

std::optional<uint32_t> Runtime::find_node(Atom name) const {
    for (uint32_t i = 0; i < impl_->nodes.size(); ++i)
        if (impl_->nodes[i].name == name) return i;
    return std::nullopt;
}

uint32_t Runtime::start_node(Atom name) {
    std::optional<uint32_t> existing = find_node(name);
    uint32_t node = existing ? *existing : static_cast<uint32_t>(impl_->nodes.size());
    if (existing && impl_->nodes[node].connected) return node;
    if (existing)
        impl_->nodes[node].connected = true;
    else
        impl_->nodes.push_back({name, true});
    if (impl_->sink) {
        trace::Event e;
        e.kind = trace::EventKind::NodeUp;
        e.value = node;
        e.text = std::string(name.name());
        impl_->emit(e);
    }
    return node;
}

void Runtime::disconnect_node(uint32_t node) {
    Impl& rt = *impl_;
    if (node == 0 || node >= rt.nodes.size() || !rt.nodes[node].connected) return;

    // Collect first: breaking links kills processes, which edits the very tables we walk.
    struct Crossing {
        Pid a, b;
    };
    std::vector<Crossing> links;
    std::vector<std::pair<Pid, MonitorEntry>> monitors;  // watcher, watcher's entry
    for (Process* p : rt.table) {
        if (!p || p->exiting) continue;
        bool inside = p->pid.node == node;
        for (const LinkEntry& link : p->links)
            if (inside != (link.peer.node == node) && p->pid < link.peer)
                links.push_back({p->pid, link.peer});
        for (const MonitorEntry& m : p->monitors)
            if (inside != (m.other.node == node)) monitors.emplace_back(p->pid, m);
    }
    rt.nodes[node].connected = false;

    bool outermost = !rt.draining;
    rt.draining = true;
    Term noconnection = Term::atom(atom::noconnection);
    for (const Crossing& c : links) {
        Process* a = rt.lookup(c.a);
        Process* b = rt.lookup(c.b);
        if (a) a->links.erase(c.b);
        if (b) b->links.erase(c.a);
        if (a) rt.signal_exit(c.b, a, noconnection, SignalOrigin::Link);
        if (b) rt.signal_exit(c.a, b, noconnection, SignalOrigin::Link);
    }
    for (auto& [watcher_pid, entry] : monitors) {
        Process* watcher = rt.lookup(watcher_pid);
        if (Process* target = rt.lookup(entry.other)) target->monitored_by.erase(entry.ref);
        if (!watcher) continue;
        if (auto taken = watcher->monitors.take(entry.ref))
            rt.send_down(watcher, *taken, entry.other, noconnection);
    }
    if (rt.sink) {
        trace::Event e;
        e.kind = trace::EventKind::NodeDown;
        e.value = node;
        e.text = std::string(rt.nodes[node].name.name());
        rt.emit(e);
    }
    if (outermost) rt.drain_deaths();
}

size_t Runtime::next_extension_id() {
    static std::atomic<size_t> next{0};
    return next.fetch_add(1);
}

void Runtime::add_exit_observer(ExitObserver observer) {
    impl_->exit_observers.push_back(std::move(observer));
}

std::shared_ptr<void>& Runtime::extension_slot(size_t id) {
    return impl_->extensions[id];
}

}  // namespace tasklens
