// ProcessContext: what process code calls. Every operation acts at once (signals are delivered
// synchronously, in order); see docs/native-processes.md for the rule when an operation ends up
// killing its own caller.
#include "engine/runtime/runtime_impl.h"

namespace tasklens {

namespace {

/// The calling process was killed by a signal its own call caused (exit/2 on a linked peer,
/// exit(self(), :kill), a link to a disconnected node...). Its exit has been fully processed;
/// what is left is unwinding its C++ frames, which this exception does. Catching it does not
/// revive the process: it is already dead, and its next suspension destroys its frames.
/// Thrown through the frames of a process that died while running (an exit signal it sent
/// itself, a link to a lost node). Not an ErlangException or std::exception, so no try/catch in
/// the process's code (the VM's or the OTP layer's) stops it, as none can on the BEAM; the
/// scheduler finds the process dead and destroys it.
struct ProcessDied {};

void unwind_if_killed(Process& p) {
    if (p.dead) throw ProcessDied{};
}

trace::Event process_event(trace::EventKind kind, Pid pid) {
    trace::Event e;
    e.kind = kind;
    e.pid = pid;
    return e;
}

}  // namespace

Pid ProcessContext::self() const noexcept {
    return process_.pid;
}
Runtime& ProcessContext::runtime() const noexcept {
    return process_.rt.runtime;
}
int64_t ProcessContext::now_us() const noexcept {
    return process_.rt.now_us();
}

// --- messages ------------------------------------------------------------------------------

void ProcessContext::send(Pid to, Term message) {
    process_.rt.send_from(&process_, process_.pid, to, std::move(message));
}

Term ProcessContext::send(const Term& dest, Term message) {
    Runtime::Impl& rt = process_.rt;
    Term result = message;
    if (dest.is_pid()) {
        send(dest.as_pid(), std::move(message));
    } else if (dest.is_reference()) {
        rt.send_to_alias(&process_, dest.as_reference(), std::move(message));
    } else if (dest.is_atom()) {
        std::optional<Pid> to = rt.whereis(process_.pid.node, dest.as_atom());
        if (!to) throw ErlangException::badarg();
        send(*to, std::move(message));
    } else if (dest.is_tuple(2) && dest.element(0).is_atom() && dest.element(1).is_atom()) {
        // {name, node}: like a remote send, an unknown name or node drops the message silently.
        std::optional<uint32_t> node = runtime().find_node(dest.element(1).as_atom());
        std::optional<Pid> to;
        if (node) to = rt.whereis(*node, dest.element(0).as_atom());
        if (to) {
            send(*to, std::move(message));
        } else if (!process_.dead) {
            rt.charge(1);
        }
    } else {
        throw ErlangException::badarg();
    }
    return result;
}

Message* ProcessContext::first_message() const noexcept {
    return process_.mailbox_head;
}
Message* ProcessContext::next_message(Message* m) const noexcept {
    return m->next;
}
const Term& ProcessContext::message_term(const Message* m) const noexcept {
    return m->term;
}
size_t ProcessContext::message_queue_len() const noexcept {
    return process_.mailbox_len;
}

Term ProcessContext::take_message(Message* m) {
    Runtime::Impl& rt = process_.rt;
    rt.unlink_message(&process_, m);
    Term term = std::move(m->term);
    if (rt.sink) {
        trace::Event& e = rt.text_event(trace::EventKind::Receive);
        e.pid = process_.pid;
        e.peer = m->from;
        if (m->rendered.empty())
            render_term_to(e.text, term);
        else
            e.text.swap(m->rendered);  // free_message() clears the old buffer
        rt.emit(e);
    }
    rt.free_message(m);
    rt.charge(1);
    return term;
}

void ProcessContext::WaitForMessage::await_suspend(std::coroutine_handle<> h) {
    Process& p = ctx.process_;
    p.resume_point = h;
    if (p.dead) return;  // a zombie: the scheduler destroys it as soon as control is back
    Runtime::Impl& rt = p.rt;
    p.wait_tail = p.mailbox_tail;
    p.waiting_for_message = true;
    p.state = trace::ProcessState::Waiting;
    ++p.wait_generation;
    if (deadline_us >= 0)
        rt.add_timer({deadline_us, 0, p.pid.packed(), p.wait_generation, TimerEntry::Kind::Wake});
    if (rt.sink) rt.emit_state(&p, trace::ProcessState::Waiting);
}

bool ProcessContext::WaitForMessage::await_resume() {
    Process& p = ctx.process_;
    p.waiting_for_message = false;
    return p.mailbox_tail != p.wait_tail;
}

Co<std::optional<Term>> ProcessContext::receive(std::function<bool(const Term&)> matches,
                                                Timeout timeout, trace::WaitKind kind, Pid about,
                                                Ref ref) {
    // This frame exists once per receive call and once per blocked process, so it holds only
    // what survives a suspension; the event work lives in out-of-line helpers.
    Runtime::Impl& rt = process_.rt;
    const int64_t deadline = timeout.is_infinity() ? -1 : rt.now_us() + timeout.ms * 1000;
    bool waited = false;
    // The scan position survives each wait: after waking, only messages that arrived during the
    // wait are looked at, never the ones already rejected.
    Message* last_rejected = nullptr;
    Message* m = process_.mailbox_head;
    for (;;) {
        for (; m; m = m->next) {
            if (!matches(m->term)) {
                last_rejected = m;
                continue;
            }
            if (waited) rt.end_wait(process_, m->term, about, ref);
            co_return take_message(m);
        }
        if (deadline >= 0 && rt.now_us() >= deadline) {
            rt.time_out_wait(process_, waited, kind, about, ref, deadline);
            co_return std::nullopt;
        }
        if (!waited) {
            waited = true;
            rt.start_wait(process_, kind, about, ref, deadline);
        }
        co_await wait_for_message(deadline);
        m = last_rejected ? last_rejected->next : process_.mailbox_head;
    }
}

void ProcessContext::Sleep::await_suspend(std::coroutine_handle<> h) {
    Process& p = ctx.process_;
    p.resume_point = h;
    if (p.dead) return;
    Runtime::Impl& rt = p.rt;
    p.state = trace::ProcessState::Sleeping;
    ++p.wait_generation;
    int64_t deadline = timeout.is_infinity() ? -1 : rt.now_us() + timeout.ms * 1000;
    if (deadline >= 0)
        rt.add_timer({deadline, 0, p.pid.packed(), p.wait_generation, TimerEntry::Kind::Wake});
    if (rt.sink) {
        trace::Event e = process_event(trace::EventKind::Sleep, p.pid);
        e.deadline_us = deadline;
        rt.emit(e);
        rt.emit_state(&p, trace::ProcessState::Sleeping);
    }
}

void ProcessContext::Sleep::await_resume() {}

bool ProcessContext::consume_reductions(uint32_t n) noexcept {
    Runtime::Impl& rt = process_.rt;
    rt.charge(n);
    return rt.slice_used >= rt.options.reductions_per_slice || process_.dead;
}

void ProcessContext::Yield::await_suspend(std::coroutine_handle<> h) {
    Process& p = ctx.process_;
    p.resume_point = h;
    if (p.dead) return;
    p.rt.make_runnable(&p);
}

void ProcessContext::Yield::await_resume() {}

// --- processes -----------------------------------------------------------------------------

SpawnResult ProcessContext::spawn(ProcessBody body, SpawnOptions options) {
    if (process_.dead) {
        // Running: unwind. Being torn down (a destructor in its frames): spawn nothing, quietly.
        if (process_.rt.current == &process_) unwind_if_killed(process_);
        return {};
    }
    SpawnResult result = process_.rt.spawn(&process_, std::move(body), std::move(options));
    unwind_if_killed(process_);
    return result;
}

void ProcessContext::link(Pid other) {
    Runtime::Impl& rt = process_.rt;
    if (process_.dead || other == process_.pid) return;
    rt.charge(1);
    Process* target = rt.lookup(other);
    if (!target || target->exiting) {
        // erlang:link/1: a trapping caller gets true and {:EXIT, pid, :noproc}; any other
        // caller fails with noproc.
        if (!process_.trap_exit) throw ErlangException::error(Term::atom(atom::noproc));
        rt.signal_exit(other, &process_, Term::atom(atom::noproc), SignalOrigin::Link);
        return;
    }
    if (!rt.connected(process_.pid.node, other.node)) {
        rt.signal_exit(other, &process_, Term::atom(atom::noconnection), SignalOrigin::Link);
        unwind_if_killed(process_);
        return;
    }
    if (!process_.links.insert({other})) return;
    target->links.insert({process_.pid});
    if (rt.sink) {
        trace::Event e = process_event(trace::EventKind::Link, process_.pid);
        e.peer = other;
        rt.emit(e);
    }
}

void ProcessContext::unlink(Pid other) {
    Runtime::Impl& rt = process_.rt;
    if (process_.dead) return;
    rt.charge(1);
    if (!process_.links.erase(other)) return;
    if (Process* target = rt.lookup(other)) target->links.erase(process_.pid);
    if (rt.sink) {
        trace::Event e = process_event(trace::EventKind::Unlink, process_.pid);
        e.peer = other;
        rt.emit(e);
    }
}

Ref ProcessContext::monitor(const Term& target) {
    return monitor_impl(target, std::nullopt);
}

Ref ProcessContext::monitor(const Term& target, AliasMode alias) {
    return monitor_impl(target, alias);
}

Ref ProcessContext::alias(AliasMode mode) {
    Runtime::Impl& rt = process_.rt;
    Ref ref = rt.make_ref();
    if (process_.dead) return ref;
    rt.charge(1);
    rt.add_alias(&process_, ref, mode);
    return ref;
}

bool ProcessContext::unalias(Ref alias) {
    Runtime::Impl& rt = process_.rt;
    if (process_.dead) return false;
    rt.charge(1);
    auto it = rt.aliases.find(alias);
    if (it == rt.aliases.end() || it->second.owner != process_.pid) return false;
    return rt.drop_alias(alias);
}

Ref ProcessContext::monitor_impl(const Term& target, std::optional<AliasMode> alias) {
    Runtime::Impl& rt = process_.rt;
    Ref ref = rt.make_ref();
    if (process_.dead) return ref;
    rt.charge(1);
    // Before any DOWN below, which ends a monitor alias at once (the target is already gone).
    if (alias) rt.add_alias(&process_, ref, *alias);

    MonitorEntry entry{ref, Pid{}, std::nullopt, 0};
    bool unknown_node = false;
    if (target.is_pid()) {
        entry.other = target.as_pid();
    } else if (target.is_atom()) {
        entry.name = target.as_atom();
        entry.name_node = process_.pid.node;
    } else if (target.is_tuple(2) && target.element(0).is_atom() && target.element(1).is_atom()) {
        entry.name = target.element(0).as_atom();
        std::optional<uint32_t> node = runtime().find_node(target.element(1).as_atom());
        if (node)
            entry.name_node = *node;
        else
            unknown_node = true;
    } else {
        throw ErlangException::badarg();
    }
    if (entry.name && !unknown_node) {
        if (auto owner = rt.whereis(entry.name_node, *entry.name)) entry.other = *owner;
    }

    if (rt.sink) {
        trace::Event e = process_event(trace::EventKind::Monitor, process_.pid);
        e.peer = entry.other;
        e.ref = ref;
        if (entry.name) e.text = std::string(entry.name->name());
        rt.emit(e);
    }
    if (unknown_node) {
        // No such node: the DOWN names the node as it was given.
        if (alias) rt.drop_monitor_alias(ref);
        rt.deliver(&process_,
                   Term::tuple({Term::atom(atom::DOWN), Term::reference(ref),
                                Term::atom(atom::process), target, Term::atom(atom::noconnection)}),
                   Pid{});
        return ref;
    }
    Process* watched = entry.other.valid() ? rt.lookup(entry.other) : nullptr;
    if (!watched || watched->exiting) {
        rt.send_down(&process_, entry, entry.other, Term::atom(atom::noproc));
        return ref;
    }
    if (!rt.connected(process_.pid.node, entry.other.node)) {
        rt.send_down(&process_, entry, entry.other, Term::atom(atom::noconnection));
        return ref;
    }
    MonitorEntry reverse{ref, process_.pid, entry.name, entry.name_node};
    process_.monitors.insert(std::move(entry));
    watched->monitored_by.insert(std::move(reverse));
    return ref;
}

bool ProcessContext::demonitor(Ref ref, bool flush) {
    Runtime::Impl& rt = process_.rt;
    if (process_.dead) return false;
    rt.charge(1);
    bool active = false;
    if (!rt.aliases.empty()) rt.drop_monitor_alias(ref);
    if (auto entry = process_.monitors.take(ref)) {
        active = true;
        if (Process* target = rt.lookup(entry->other)) target->monitored_by.erase(ref);
        if (rt.sink) {
            trace::Event e = process_event(trace::EventKind::Demonitor, process_.pid);
            e.peer = entry->other;
            e.ref = ref;
            rt.emit(e);
        }
    }
    if (flush) {
        // erlang:demonitor(Ref, [flush]) removes one {_, Ref, _, _, _} message, if there is one.
        for (Message* m = process_.mailbox_head; m; m = m->next) {
            const Term& t = m->term;
            if (t.is_tuple(5) && t.element(1).is_reference() &&
                t.element(1).as_reference() == ref) {
                rt.unlink_message(&process_, m);
                rt.free_message(m);
                break;
            }
        }
    }
    return active;
}

void ProcessContext::exit(Pid target, Term reason) {
    Runtime::Impl& rt = process_.rt;
    if (process_.dead) return;
    rt.charge(1);
    Process* p = rt.lookup(target);
    if (!p || p->exiting || !rt.connected(process_.pid.node, target.node)) {
        if (rt.sink)
            rt.emit_exit_signal(target, process_.pid, reason, trace::SignalDisposition::Ignored);
        return;
    }
    rt.signal_exit(process_.pid, p, reason, SignalOrigin::Exit2);
    unwind_if_killed(process_);
}

void ProcessContext::exit_self(Term reason) {
    throw ErlangException::exit(std::move(reason));
}

bool ProcessContext::set_trap_exit(bool on) {
    return std::exchange(process_.trap_exit, on);
}
bool ProcessContext::trap_exit() const noexcept {
    return process_.trap_exit;
}
bool ProcessContext::alive(Pid p) const noexcept {
    return runtime().alive(p);
}
std::optional<ProcessInfo> ProcessContext::info(Pid p) const {
    return runtime().info(p);
}
std::optional<Atom> ProcessContext::registered_name() const noexcept {
    return process_.registered_name;
}

// --- names, dictionary, refs, timers -------------------------------------------------------

void ProcessContext::register_name(Atom name, Pid pid) {
    Runtime::Impl& rt = process_.rt;
    Process* target = rt.lookup(pid);
    if (name == atom::undefined || !target || target->exiting || target->registered_name ||
        pid.node != process_.pid.node || rt.names.contains(Runtime::Impl::name_key(pid.node, name)))
        throw ErlangException::badarg();
    rt.names.emplace(Runtime::Impl::name_key(pid.node, name), pid);
    target->registered_name = name;
    if (rt.sink) {
        trace::Event e = process_event(trace::EventKind::Register, pid);
        // Aliases read as Elixir writes them: Demo.Worker, not Elixir.Demo.Worker.
        std::string_view text = name.name();
        if (text.starts_with("Elixir.")) text.remove_prefix(7);
        e.text = std::string(text);
        rt.emit(e);
    }
}

void ProcessContext::unregister_name(Atom name) {
    Runtime::Impl& rt = process_.rt;
    auto it = rt.names.find(Runtime::Impl::name_key(process_.pid.node, name));
    if (it == rt.names.end()) throw ErlangException::badarg();
    if (Process* owner = rt.lookup(it->second))
        rt.release_name(owner);
    else
        rt.names.erase(it);
}

std::optional<Pid> ProcessContext::whereis(Atom name) const {
    return process_.rt.whereis(process_.pid.node, name);
}

Term ProcessContext::dict_get(const Term& key) const {
    const Term* value = process_.dictionary.find(key);
    return value ? *value : Term::nil();
}

std::optional<Term> ProcessContext::dict_find(const Term& key) const {
    const Term* value = process_.dictionary.find(key);
    if (!value) return std::nullopt;
    return *value;
}

Term ProcessContext::dict_put(Term key, Term value) {
    return process_.dictionary.put(std::move(key), std::move(value));
}

Term ProcessContext::dict_erase(const Term& key) {
    return process_.dictionary.erase(key);
}

std::vector<std::pair<Term, Term>> ProcessContext::dict_all() const {
    return process_.dictionary.entries();
}

Ref ProcessContext::make_ref() {
    return process_.rt.make_ref();
}

Ref ProcessContext::send_after(Term dest, Term message, int64_t ms) {
    Runtime::Impl& rt = process_.rt;
    if (!(dest.is_pid() || dest.is_atom()) || ms < 0) throw ErlangException::badarg();
    rt.charge(1);
    Ref ref = rt.make_ref();
    int64_t due = rt.now_us() + ms * 1000;
    rt.send_after_timers.emplace(
        ref.id, SendAfterTimer{std::move(dest), std::move(message), due, process_.pid});
    rt.add_timer({due, 0, ref.id, 0, TimerEntry::Kind::SendAfter});
    return ref;
}

std::optional<int64_t> ProcessContext::cancel_timer(Ref timer) {
    Runtime::Impl& rt = process_.rt;
    auto it = rt.send_after_timers.find(timer.id);
    if (it == rt.send_after_timers.end()) return std::nullopt;
    int64_t remaining_us = std::max<int64_t>(0, it->second.due_us - rt.now_us());
    rt.send_after_timers.erase(it);
    return (remaining_us + 999) / 1000;
}

std::optional<int64_t> ProcessContext::read_timer(Ref timer) const {
    const Runtime::Impl& rt = process_.rt;
    auto it = rt.send_after_timers.find(timer.id);
    if (it == rt.send_after_timers.end()) return std::nullopt;
    int64_t remaining_us = std::max<int64_t>(0, it->second.due_us - rt.now_us());
    return (remaining_us + 999) / 1000;
}

// --- output and events ---------------------------------------------------------------------

void ProcessContext::write_console(std::string_view text, bool to_stderr) {
    Runtime::Impl& rt = process_.rt;
    if (rt.options.console) rt.options.console(text, to_stderr);
    if (rt.sink) {
        trace::Event& e = rt.text_event(trace::EventKind::Console);
        e.pid = process_.pid;
        e.flags = to_stderr ? trace::FlagStderr : 0;
        e.text.assign(text);
        rt.emit(e);
    }
}

void ProcessContext::record_event(trace::Event event) {
    Runtime::Impl& rt = process_.rt;
    if (!rt.sink) return;
    event.pid = process_.pid;
    rt.emit(event);
}

bool ProcessContext::recording() const noexcept {
    return process_.rt.sink != nullptr;
}

}  // namespace tasklens
