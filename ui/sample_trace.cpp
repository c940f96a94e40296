#include "ui/sample_trace.h"

#include <algorithm>

namespace tasklens::ui {

using trace::Event;
using trace::EventKind;
using trace::ExitReasonClass;
using trace::ProcessState;
using trace::WaitKind;
using trace::WaitOutcome;

Event& EventScript::add(int64_t t_us, EventKind kind, Pid pid, Pid peer) {
    Event event;
    event.seq = events_.size();
    event.time_us = t_us;
    event.kind = kind;
    event.pid = pid;
    event.peer = peer;
    events_.push_back(std::move(event));
    return events_.back();
}

void EventScript::spawn(int64_t t_us, Pid child, Pid parent, const char* initial_call,
                        bool linked) {
    Event& event = add(t_us, EventKind::Spawn, child, parent);
    event.text = initial_call;
    if (linked) event.flags = trace::FlagLinked;
    if (linked && parent.valid()) add(t_us, EventKind::Link, parent, child);
    state(t_us, child, ProcessState::Runnable);
}

void EventScript::state(int64_t t_us, Pid pid, ProcessState state) {
    add(t_us, EventKind::StateChange, pid).state = state;
}

void EventScript::send(int64_t t_us, Pid from, Pid to, const char* message, int64_t delivered_us) {
    add(t_us, EventKind::Send, from, to).text = message;
    add(delivered_us, EventKind::Receive, to, from).text = message;
}

void EventScript::waitStart(int64_t t_us, Pid pid, WaitKind kind, int64_t deadline_us, Pid peer) {
    Event& event = add(t_us, EventKind::WaitStart, pid, peer);
    event.wait_kind = kind;
    event.deadline_us = deadline_us;
    state(t_us, pid, ProcessState::Waiting);
}

void EventScript::waitEnd(int64_t t_us, Pid pid, WaitOutcome outcome, Pid peer) {
    add(t_us, EventKind::WaitEnd, pid, peer).wait_outcome = outcome;
    state(t_us, pid, ProcessState::Running);
}

void EventScript::exit(int64_t t_us, Pid pid, ExitReasonClass reason_class, const char* reason) {
    state(t_us, pid, ProcessState::Exiting);
    Event& event = add(t_us + 40, EventKind::Exit, pid);
    event.reason_class = reason_class;
    event.text = reason;
}

std::vector<Event> sampleTaskSupervisorTrace() {
    constexpr int64_t ms = 1000;
    const Pid main{0, 90}, sup{0, 101}, worker{0, 102}, t1{0, 110}, t2{0, 111}, t3{0, 112},
        t4{0, 120};
    EventScript s;
    s.spawn(0, main, {}, "elixir scenario.exs", false);
    s.state(0, main, ProcessState::Running);
    // {:ok, _} = Task.Supervisor.start_link(name: MyApp.TaskSupervisor)
    s.spawn(100, sup, main, "Task.Supervisor.init/1", true);
    s.add(100, EventKind::Register, sup).text = "MyApp.TaskSupervisor";
    s.state(120, sup, ProcessState::Running);
    s.state(180, sup, ProcessState::Waiting);
    // {:ok, _} = GenServer.start_link(MyApp.Fetcher, [], name: MyApp.Fetcher)
    s.spawn(200, worker, main, "MyApp.Fetcher.init/1", true);
    s.add(200, EventKind::Register, worker).text = "MyApp.Fetcher";
    s.state(220, worker, ProcessState::Running);
    s.state(300, worker, ProcessState::Waiting);

    // GenServer.call(MyApp.Fetcher, :fetch_all, 5_000)
    s.send(1 * ms, main, worker, ":fetch_all", 1 * ms + 30);
    s.waitStart(1 * ms + 10, main, WaitKind::GenServerCall, 5001 * ms, worker);
    s.state(1 * ms + 30, worker, ProcessState::Running);

    // The GenServer starts three tasks under the Task.Supervisor (async_nolink monitors them).
    const Pid tasks[] = {t1, t2, t3};
    const char* calls[] = {"Task.Supervisor.async_nolink/3 fn (fetch :users)",
                           "Task.Supervisor.async_nolink/3 fn (fetch :orders)",
                           "Task.Supervisor.async_nolink/3 fn (fetch :audit)"};
    for (int i = 0; i < 3; ++i) {
        const int64_t t = 1 * ms + 100 + i * 200;
        s.send(t, worker, sup, "{:start_child, ...}", t + 20);
        s.state(t + 20, sup, ProcessState::Running);
        s.spawn(t + 40, tasks[i], sup, calls[i], true);
        s.add(t + 40, EventKind::Caller, tasks[i], worker);
        s.add(t + 40, EventKind::ChildStart, sup, tasks[i]).text = "Task.Supervisor.async_nolink";
        s.add(t + 60, EventKind::Monitor, worker, tasks[i]).ref = Ref{uint64_t(1000 + i)};
        s.state(t + 70, sup, ProcessState::Waiting);
        s.state(t + 80, tasks[i], ProcessState::Running);
    }
    // :users sleeps 300 ms (a slow query), then replies.
    s.add(1 * ms + 200, EventKind::Sleep, t1).deadline_us = 301 * ms;
    s.state(1 * ms + 200, t1, ProcessState::Sleeping);
    // :orders works for a while and raises.
    s.state(1 * ms + 400, t2, ProcessState::Running);
    s.exit(150 * ms, t2, ExitReasonClass::Crash,
           "{%RuntimeError{message: \"orders db down\"}, [...]}");
    // :audit is far too slow: it sleeps 10 s.
    s.add(1 * ms + 600, EventKind::Sleep, t3).deadline_us = 10001 * ms;
    s.state(1 * ms + 600, t3, ProcessState::Sleeping);

    // Task.yield(orders, 5_000) -> the task crashed: DOWN.
    s.waitStart(1 * ms + 700, worker, WaitKind::TaskYield, 5001 * ms + 700, t2);
    {
        Event& down = s.add(150 * ms + 40, EventKind::Down, worker, t2);
        down.ref = Ref{1001};
        down.text = "{%RuntimeError{message: \"orders db down\"}, [...]}";
    }
    s.waitEnd(150 * ms + 60, worker, WaitOutcome::Down, t2);
    // Task.yield(users, 5_000) -> the reply.
    s.waitStart(150 * ms + 100, worker, WaitKind::TaskYield, 5150 * ms + 100, t1);
    s.state(301 * ms, t1, ProcessState::Running);
    s.add(301 * ms + 20, EventKind::Reply, t1, worker).ref = Ref{1000};
    s.send(301 * ms + 20, t1, worker, "{ref, [%User{}, ...]}", 301 * ms + 50);
    s.exit(301 * ms + 60, t1, ExitReasonClass::Normal, ":normal");
    s.waitEnd(301 * ms + 50, worker, WaitOutcome::Message, t1);
    s.add(301 * ms + 55, EventKind::Demonitor, worker, t1).ref = Ref{1000};
    // Task.yield(audit, 1_000) || Task.shutdown(audit, :brutal_kill)
    s.waitStart(301 * ms + 100, worker, WaitKind::TaskYield, 1301 * ms + 100, t3);
    s.waitEnd(1301 * ms + 100, worker, WaitOutcome::Timeout, t3);
    s.waitStart(1301 * ms + 120, worker, WaitKind::Shutdown, -1, t3);
    {
        Event& kill = s.add(1301 * ms + 130, EventKind::ExitSignal, t3, worker);
        kill.disposition = trace::SignalDisposition::Killed;
        kill.text = ":kill";
    }
    s.exit(1301 * ms + 140, t3, ExitReasonClass::Killed, ":killed");
    {
        Event& down = s.add(1301 * ms + 190, EventKind::Down, worker, t3);
        down.ref = Ref{1002};
        down.text = ":killed";
    }
    s.waitEnd(1301 * ms + 200, worker, WaitOutcome::Down, t3);
    // The GenServer answers the script's call.
    s.add(1302 * ms, EventKind::Reply, worker, main).ref = Ref{900};
    s.send(1302 * ms, worker, main, "{:ok, %{users: [...], orders: :error, audit: :timeout}}",
           1302 * ms + 40);
    s.waitEnd(1302 * ms + 40, main, WaitOutcome::Message, worker);
    s.state(1302 * ms + 100, worker, ProcessState::Waiting);

    // task = Task.async(fn -> Process.sleep(3_000) end); Task.await(task, 500)
    s.spawn(1400 * ms, t4, main, "Task.async/1 fn (report)", true);
    s.add(1400 * ms, EventKind::Caller, t4, main);
    s.add(1400 * ms + 10, EventKind::Monitor, main, t4).ref = Ref{1100};
    s.state(1400 * ms + 50, t4, ProcessState::Running);
    s.add(1400 * ms + 200, EventKind::Sleep, t4).deadline_us = 4400 * ms;
    s.state(1400 * ms + 200, t4, ProcessState::Sleeping);
    s.waitStart(1400 * ms + 100, main, WaitKind::TaskAwait, 1900 * ms + 100, t4);
    s.waitEnd(1900 * ms + 100, main, WaitOutcome::Timeout, t4);
    // Task.await exits the caller; its links take everyone down.
    const char* reason = "{:timeout, {Task, :await, [%Task{...}, 500]}}";
    s.exit(1900 * ms + 150, main, ExitReasonClass::Crash, reason);
    for (Pid linked : {sup, worker, t4}) {
        Event& signal = s.add(1900 * ms + 200, EventKind::ExitSignal, linked, main);
        signal.disposition = trace::SignalDisposition::Killed;
        signal.text = reason;
        s.exit(1900 * ms + 220, linked, ExitReasonClass::Crash, reason);
    }
    auto events = s.take();
    // Events were written story by story; a trace is in time order, with seq following it.
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.time_us < b.time_us; });
    for (size_t i = 0; i < events.size(); ++i) events[i].seq = i;
    return events;
}

std::vector<Event> sampleRestartTrace() {
    constexpr int64_t ms = 1000;
    const Pid main{0, 90}, sup{0, 100}, cache1{0, 101}, worker{0, 102}, registry{0, 103},
        helper{0, 104}, cache2{0, 105}, cache3{0, 106};
    EventScript s;
    s.spawn(0, main, {}, "elixir scenario.exs", false);
    s.state(0, main, ProcessState::Running);
    s.spawn(100, sup, main, "Supervisor.init/1", true);
    s.add(100, EventKind::Register, sup).text = "MyApp.Supervisor";
    s.state(100, sup, ProcessState::Running);
    auto child = [&](int64_t t, Pid pid, const char* call, const char* id, const char* name) {
        s.spawn(t, pid, sup, call, true);
        s.add(t, EventKind::ChildStart, sup, pid).text = id;
        s.add(t, EventKind::Register, pid).text = name;
        s.state(t + 20, pid, ProcessState::Waiting);
    };
    child(200, registry, "Registry.init/1", "Registry", "MyApp.Registry");
    child(300, cache1, "MyApp.Cache.init/1", "MyApp.Cache", "MyApp.Cache");
    child(400, worker, "MyApp.Worker.init/1", "MyApp.Worker", "MyApp.Worker");
    s.state(500, sup, ProcessState::Waiting);
    s.waitStart(600, main, WaitKind::Receive, -1);
    // The worker links to a helper it spawned and monitors the registry.
    s.state(1 * ms, worker, ProcessState::Running);
    s.spawn(1 * ms, helper, worker, "MyApp.Worker.start_helper/0 fn", true);
    s.state(1 * ms + 20, helper, ProcessState::Sleeping);
    s.add(1 * ms + 30, EventKind::Monitor, worker, registry).ref = Ref{77};
    s.state(1 * ms + 40, worker, ProcessState::Waiting);
    // The cache crashes twice; the supervisor restarts it each time.
    const Pid caches[] = {cache1, cache2, cache3};
    for (int i = 0; i < 2; ++i) {
        const int64_t t = (200 + i * 300) * ms;
        s.state(t, caches[i], ProcessState::Running);
        s.exit(t + 100, caches[i], ExitReasonClass::Crash,
               "{%ArgumentError{message: \"bad key\"}, [...]}");
        {
            Event& signal = s.add(t + 150, EventKind::ExitSignal, sup, caches[i]);
            signal.disposition = trace::SignalDisposition::Trapped;
            signal.text = "{%ArgumentError{...}, [...]}";
        }
        s.state(t + 150, sup, ProcessState::Running);
        s.spawn(t + 200, caches[i + 1], sup, "MyApp.Cache.init/1", true);
        Event& restart = s.add(t + 200, EventKind::ChildRestart, sup, caches[i + 1]);
        restart.text = "MyApp.Cache";
        restart.value = i + 1;
        s.add(t + 200, EventKind::Register, caches[i + 1]).text = "MyApp.Cache";
        s.state(t + 260, caches[i + 1], ProcessState::Waiting);
        s.state(t + 300, sup, ProcessState::Waiting);
    }
    s.state(900 * ms, worker, ProcessState::Running);
    s.state(900 * ms + 50, worker, ProcessState::Waiting);
    auto events = s.take();
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.time_us < b.time_us; });
    for (size_t i = 0; i < events.size(); ++i) events[i].seq = i;
    return events;
}

}  // namespace tasklens::ui
