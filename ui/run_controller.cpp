#include "ui/run_controller.h"

#include <algorithm>
#include <chrono>
#include <ostream>
#include <streambuf>
#include <utility>

#include "engine/runtime/runtime.h"
#include "engine/script/scenario_runner.h"
#include "ui/term_input.h"

namespace tasklens::ui {

namespace {

using Clock = std::chrono::steady_clock;

/// Virtual time one "as fast as possible" chunk may cover (chunks also end after kChunkEvents).
constexpr int64_t kFastChunkUs = 200'000;
/// Paced runs never owe more than this much wall time: a CPU-heavy stretch runs slower than
/// asked instead of racing to catch up afterwards.
constexpr double kMaxPacingDebtUs = 250'000;

QString fromUtf8(const std::string& text) {
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

}  // namespace

QString breakKindName(BreakKind kind) {
    switch (kind) {
        case BreakKind::Exit:
            return QStringLiteral("exit");
        case BreakKind::Crash:
            return QStringLiteral("crash");
        case BreakKind::Down:
            return QStringLiteral("DOWN");
        case BreakKind::Restart:
            return QStringLiteral("restart");
        case BreakKind::Timeout:
            return QStringLiteral("timeout");
        case BreakKind::Escalation:
            return QStringLiteral("intensity escalation");
    }
    return {};
}

bool breakpointMatches(const Breakpoint& breakpoint, const trace::Event& event) {
    using trace::EventKind;
    bool kind_matches = false;
    // The process a breakpoint's pid refers to: the one exiting, receiving DOWN, restarted
    // (ChildRestart's peer is the new child; pid is the supervisor, either counts), waiting.
    bool pid_matches = !breakpoint.pid.valid() || event.pid == breakpoint.pid;
    switch (breakpoint.kind) {
        case BreakKind::Exit:
            kind_matches = event.kind == EventKind::Exit;
            break;
        case BreakKind::Crash:
            kind_matches = event.kind == EventKind::Exit &&
                           event.reason_class == trace::ExitReasonClass::Crash;
            break;
        case BreakKind::Down:
            kind_matches = event.kind == EventKind::Down;
            break;
        case BreakKind::Restart:
            kind_matches = event.kind == EventKind::ChildRestart;
            pid_matches = pid_matches || event.peer == breakpoint.pid;
            break;
        case BreakKind::Timeout:
            kind_matches = event.kind == EventKind::WaitEnd &&
                           event.wait_outcome == trace::WaitOutcome::Timeout;
            break;
        case BreakKind::Escalation:
            kind_matches = event.kind == EventKind::SupervisorGiveUp;
            break;
    }
    return kind_matches && pid_matches;
}

// ---------------------------------------------------------------------------------------------

/// Between the runtime and the pump's subscriber (engine thread only): counts the chunk's
/// events to end it at its budget, watches for breakpoints, and holds events back.
///
/// The runtime stops only at a slice boundary, so after the event that hit a breakpoint (or the
/// one a step reached) the same slice may emit more. Those are held here instead of reaching the
/// GUI: the views show the run exactly at the event that hit. Continuing releases them first,
/// one by one through the breakpoints again, so a second hit in the same slice pauses too; a
/// step releases the next one. Held events are at most one slice's worth.
class RunController::Gate final : public trace::EventSink {
  public:
    Gate(trace::BatchingSubscriber& out, std::atomic<int64_t>& virtual_now_us)
        : out_(out), virtual_now_us_(virtual_now_us) {}

    void on_event(const trace::Event& event) override {
        ++chunk_events_;
        // A chunk ends after its event budget, or after kChunkWall of wall time (checked every
        // 64 events), so the status and the views hear from a busy engine several times a second.
        if (runtime_ && !chunk_ended_ &&
            (chunk_events_ >= budget_ ||
             ((chunk_events_ & 63) == 0 && Clock::now() - chunk_start_ > kChunkWall))) {
            chunk_ended_ = true;
            runtime_->request_stop();
        }
        if (!held_.empty() || holding_) {
            held_.push_back(event);
            return;
        }
        // A hit ends the slice's run call early; a step's call returns by itself.
        if (pass(event) && hit_ && runtime_) runtime_->request_stop();
    }
    void beginChunk(Runtime* runtime, uint64_t budget) {
        runtime_ = runtime;
        budget_ = budget;
        chunk_events_ = 0;
        chunk_ended_ = false;
        chunk_start_ = Clock::now();
    }
    /// The next events form one step: forward up to the first that is not a scheduling state
    /// change, hold the rest.
    void beginStep() { stepping_ = true; }
    void endStep() { stepping_ = false; }
    void endRuntime() { runtime_ = nullptr; }

    /// Forwards held events (between runtime calls). With `up_to_us`, only those at or before
    /// it; with `one_step`, up to the next event that is not a state change. Stops after an event
    /// that hits a breakpoint (if `check_breakpoints`). Returns whether events are still held.
    /// A step (`one_step`) that finds only state changes here stays open (stepDone() false).
    bool release(bool check_breakpoints, std::optional<int64_t> up_to_us = {},
                 bool one_step = false) {
        holding_ = false;
        const bool saved_check = check_;
        check_ = check_breakpoints;
        stepping_ = one_step;
        while (!held_.empty()) {
            if (up_to_us && held_.front().time_us > *up_to_us) break;
            const trace::Event event = std::move(held_.front());
            held_.pop_front();
            if (pass(event)) break;
        }
        check_ = saved_check;
        return !held_.empty();
    }
    /// Nothing is held but the last event forwarded hit: the runtime may go on.
    void clearHoldMark() {
        if (held_.empty()) holding_ = false;
    }
    /// Whether the GUI is behind the runtime: events are held, or the last one forwarded hit.
    bool holding() const { return holding_ || !held_.empty(); }
    bool hasHeld() const { return !held_.empty(); }
    /// A step has forwarded its event (beginStep .. now).
    bool stepDone() const { return !stepping_; }
    /// The time of the last event the GUI got (the run as shown is there).
    int64_t shownUntilUs() const { return shown_until_us_; }
    void setShownUntil(int64_t t_us) { shown_until_us_ = t_us; }

    std::optional<std::pair<uint64_t, QString>> takeHit() {
        if (!hit_) return std::nullopt;
        auto hit = std::make_pair(*hit_, std::move(hit_text_));
        hit_.reset();
        return hit;
    }
    void flush() { out_.flush(); }
    trace::BatchingSubscriber& subscriber() { return out_; }

    std::vector<Breakpoint> breakpoints;

  private:
    /// Forwards one event; true if from now on events are held (a breakpoint hit, a step done).
    bool pass(const trace::Event& event) {
        out_.on_event(event);
        shown_until_us_ = event.time_us;
        virtual_now_us_.store(event.time_us, std::memory_order_relaxed);
        if (stepping_ && event.kind != trace::EventKind::StateChange) {
            stepping_ = false;
            holding_ = true;
            return true;
        }
        if (!check_ || hit_ || breakpoints.empty()) return false;
        for (const Breakpoint& b : breakpoints) {
            if (!breakpointMatches(b, event)) continue;
            hit_ = event.seq;
            hit_text_ =
                breakKindName(b.kind) + QStringLiteral(" of ") +
                fromUtf8(trace::format_pid(event.pid)) +
                (event.text.empty() ? QString() : QStringLiteral(": ") + fromUtf8(event.text));
            holding_ = true;
            return true;
        }
        return false;
    }

    static constexpr auto kChunkWall = std::chrono::milliseconds(50);
    trace::BatchingSubscriber& out_;
    std::atomic<int64_t>& virtual_now_us_;
    Runtime* runtime_ = nullptr;
    uint64_t budget_ = 0;
    uint64_t chunk_events_ = 0;
    bool chunk_ended_ = false;
    Clock::time_point chunk_start_;
    bool check_ = true;
    bool stepping_ = false;
    bool holding_ = false;
    std::deque<trace::Event> held_;
    int64_t shown_until_us_ = 0;
    std::optional<uint64_t> hit_;
    QString hit_text_;
};

/// Console text from the engine thread to the GUI, in write order, capped.
class RunController::ConsoleBuffer {
  public:
    void append(bool is_stderr, const char* text, size_t size) {
        std::lock_guard lock(mutex_);
        if (pending_ + size > kMaxConsoleBytes) {
            dropped_ += size;
            return;
        }
        pending_ += size;
        if (chunks_.empty() || chunks_.back().first != is_stderr)
            chunks_.emplace_back(is_stderr, std::string());
        chunks_.back().second.append(text, size);
    }
    std::vector<std::pair<bool, std::string>> take(size_t* dropped) {
        std::lock_guard lock(mutex_);
        *dropped = std::exchange(dropped_, 0);
        pending_ = 0;
        return std::exchange(chunks_, {});
    }

  private:
    std::mutex mutex_;
    std::vector<std::pair<bool, std::string>> chunks_;
    size_t pending_ = 0;
    size_t dropped_ = 0;
};

namespace {

/// An unbuffered std::ostream target that appends to the console buffer.
template <typename Buffer>
class ConsoleStreamBuf final : public std::streambuf {
  public:
    ConsoleStreamBuf(Buffer& buffer, bool is_stderr) : buffer_(buffer), is_stderr_(is_stderr) {}

  protected:
    int_type overflow(int_type c) override {
        if (c != traits_type::eof()) {
            const char ch = traits_type::to_char_type(c);
            buffer_.append(is_stderr_, &ch, 1);
        }
        return traits_type::not_eof(c);
    }
    std::streamsize xsputn(const char* text, std::streamsize size) override {
        buffer_.append(is_stderr_, text, size_t(size));
        return size;
    }

  private:
    Buffer& buffer_;
    bool is_stderr_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

RunController::RunController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<tasklens::ui::RunState>();
    // Once a frame: the GUI thread collects what the engine posted and printed.
    poll_timer_.setInterval(16);
    connect(&poll_timer_, &QTimer::timeout, this, &RunController::pollEngine);
}

RunController::~RunController() {
    joinEngine();
}

void RunController::post(uint64_t run_id, std::function<void()> fn) {
    {
        std::lock_guard lock(posted_mutex_);
        posted_.emplace_back(run_id, std::move(fn));
    }
    // No Qt event from this thread: pollEngine picks the closure up on the GUI thread.
}

void RunController::runPosted() {
    std::vector<std::pair<uint64_t, std::function<void()>>> batch;
    {
        std::lock_guard lock(posted_mutex_);
        batch.swap(posted_);
    }
    for (auto& [run_id, fn] : batch)
        if (run_id == run_id_) fn();
}

void RunController::setState(RunState state) {
    if (state == state_) return;
    state_ = state;
    emit stateChanged(state);
}

void RunController::interruptLocked() {
    if (runtime_) runtime_->request_stop();
    wake_.notify_all();
}

void RunController::joinEngine() {
    {
        std::lock_guard lock(mutex_);
        stop_requested_ = true;
        interruptLocked();
    }
    if (engine_.joinable()) engine_.join();
}

void RunController::start(const QString& name, const QString& source, bool paused) {
    joinEngine();
    // What the old run still had to say is stale now (as its closures would be, by run id).
    {
        std::lock_guard lock(posted_mutex_);
        posted_.clear();
    }
    ++run_id_;
    pump_.reset(trace::RunInfo{name.toStdString(), 0, {}, {}, 0});
    console_ = std::make_unique<ConsoleBuffer>();
    gate_ = std::make_unique<Gate>(pump_.subscriber(), virtual_now_us_);
    name_ = name;
    source_ = source;
    exit_status_ = -1;
    last_run_compiled_ = false;
    last_run_stopped_ = false;
    {
        std::lock_guard lock(mutex_);
        stop_requested_ = false;
        pause_requested_ = paused;
        steps_requested_ = 0;
        pause_at_us_.reset();
        shared_speed_ = speed_;
        ++pacing_epoch_;
        shared_breakpoints_ = breakpoints_;
        breakpoints_changed_ = true;
        commands_.clear();
        gui_gen_ = ++control_gen_;
        engine_run_id_ = run_id_;
    }
    virtual_now_us_ = 0;
    poll_timer_.start();
    setState(paused ? RunState::Paused : RunState::Running);
    engine_ = std::thread(&RunController::engineMain, this, run_id_, name.toStdString(),
                          source.toStdString());
}

void RunController::resume() {
    if (state_ != RunState::Paused && state_ != RunState::Running) return;
    {
        std::lock_guard lock(mutex_);
        pause_requested_ = false;
        steps_requested_ = 0;
        pause_at_us_.reset();
        ++pacing_epoch_;
        gui_gen_ = ++control_gen_;
        wake_.notify_all();
    }
    setState(RunState::Running);
}

void RunController::pause() {
    if (state_ != RunState::Running) return;
    {
        std::lock_guard lock(mutex_);
        pause_requested_ = true;
        pause_at_us_.reset();
        gui_gen_ = ++control_gen_;
        interruptLocked();
    }
    setState(RunState::Paused);
}

void RunController::step() {
    if (state_ != RunState::Paused && state_ != RunState::Running) return;
    {
        std::lock_guard lock(mutex_);
        pause_requested_ = true;
        pause_at_us_.reset();
        ++steps_requested_;
        gui_gen_ = ++control_gen_;
        interruptLocked();
    }
    setState(RunState::Paused);
}

void RunController::stop() {
    if (state_ != RunState::Paused && state_ != RunState::Running) return;
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
    interruptLocked();
}

void RunController::runTo(int64_t t_us) {
    if (state_ != RunState::Paused && state_ != RunState::Running) return;
    {
        std::lock_guard lock(mutex_);
        pause_requested_ = false;
        steps_requested_ = 0;
        pause_at_us_ = t_us;
        gui_gen_ = ++control_gen_;
        wake_.notify_all();
    }
    setState(RunState::Running);
}

void RunController::setSpeed(double speed) {
    speed_ = std::clamp(speed, 0.0, 100.0);
    std::lock_guard lock(mutex_);
    shared_speed_ = speed_;
    ++pacing_epoch_;
    wake_.notify_all();
}

void RunController::setBreakpoints(std::vector<Breakpoint> breakpoints) {
    breakpoints_ = std::move(breakpoints);
    std::lock_guard lock(mutex_);
    shared_breakpoints_ = breakpoints_;
    breakpoints_changed_ = true;
    wake_.notify_all();
}

void RunController::sendExitSignal(Pid pid, const QString& reason) {
    if (state_ != RunState::Paused && state_ != RunState::Running) return;
    std::lock_guard lock(mutex_);
    commands_.push_back({Command::Kind::ExitSignal, pid, reason.toStdString()});
    interruptLocked();
}

void RunController::sendMessage(Pid pid, const QString& message) {
    if (state_ != RunState::Paused && state_ != RunState::Running) return;
    std::lock_guard lock(mutex_);
    commands_.push_back({Command::Kind::Send, pid, message.toStdString()});
    interruptLocked();
}

void RunController::enginePaused(uint64_t control_gen) {
    if (control_gen == gui_gen_ && state_ == RunState::Running) setState(RunState::Paused);
}

void RunController::pollEngine() {
    runPosted();
    if (!console_) return;
    size_t dropped = 0;
    for (auto& [is_stderr, text] : console_->take(&dropped))
        emit consoleOutput(fromUtf8(text), is_stderr);
    if (dropped > 0)
        emit consoleOutput(
            QStringLiteral("[tasklens: %1 bytes of output dropped while the window caught up]\n")
                .arg(dropped),
            true);
}

// --- engine thread -----------------------------------------------------------------------------

void RunController::engineMain(uint64_t run_id, std::string name, std::string source) {
    ConsoleStreamBuf<ConsoleBuffer> out_buf(*console_, false);
    ConsoleStreamBuf<ConsoleBuffer> err_buf(*console_, true);
    std::ostream out(&out_buf);
    std::ostream err(&err_buf);
    script::ScenarioOptions options;
    options.events = gate_.get();
    options.out = &out;
    options.err = &err;
    bool compiled = false;
    options.drive = [this, &compiled](Runtime& runtime, Pid main) {
        compiled = true;
        return drive(runtime, main);
    };
    int status = 1;
    try {
        status = script::run_scenario_source(name, source, options);
    } catch (const std::exception& e) {
        err << "tasklens: internal error: " << e.what() << "\n";
    }
    gate_->flush();
    bool stopped = false;
    {
        std::lock_guard lock(mutex_);
        stopped = stop_requested_;
    }
    post(run_id, [this, status, compiled, stopped] {
        poll_timer_.stop();
        pump_.drainAll();
        pollEngine();
        exit_status_ = status;
        last_run_compiled_ = compiled;
        last_run_stopped_ = stopped;
        setState(RunState::Finished);
        emit runEnded(status);
    });
}

RunResult RunController::drive(Runtime& runtime, Pid main) {
    uint64_t run_id = 0;
    {
        std::lock_guard lock(mutex_);
        runtime_ = &runtime;
        run_id = engine_run_id_;
    }
    // Every way out of here forgets the runtime first: the GUI must not request_stop a
    // destroyed one.
    struct Forget {
        RunController& self;
        ~Forget() {
            std::lock_guard lock(self.mutex_);
            self.runtime_ = nullptr;
            self.gate_->endRuntime();
        }
    } forget{*this};
    gate_->setShownUntil(runtime.now_us());
    publishClock(runtime);
    post(run_id, [this, schedulers = runtime.schedulers()] {
        trace::RunInfo info = pump_.model()->run_info();
        info.schedulers = schedulers;
        pump_.model()->set_run_info(std::move(info));
        emit runStarted();
    });

    const RunResult stopped{RunResult::Reason::Stopped, 0, {}};
    uint64_t epoch = ~uint64_t{0};
    uint64_t announced_pause_gen = ~uint64_t{0};
    Clock::time_point anchor_wall;
    int64_t anchor_virtual = 0;
    // The runtime ended while the gate still held events back (a hit in the last slice): the
    // run ends once they are shown.
    std::optional<RunResult> ended;
    auto finish = [&](RunResult result) {
        gate_->release(false);
        publishClock(runtime);
        return result;
    };
    auto ends = [](const RunResult& result) {
        return result.reason == RunResult::Reason::TargetExited ||
               result.reason == RunResult::Reason::Idle;
    };
    // Under mutex_: a breakpoint hit pauses the run and tells the GUI.
    auto pauseOnHit = [&] {
        auto hit = gate_->takeHit();
        if (!hit) return false;
        pause_requested_ = true;
        pause_at_us_.reset();
        post(run_id,
             [this, seq = hit->first, text = hit->second] { emit breakpointHit(seq, text); });
        return true;
    };

    for (;;) {
        std::unique_lock lock(mutex_);
        if (stop_requested_) return finish(stopped);
        if (breakpoints_changed_) {
            gate_->breakpoints = shared_breakpoints_;
            breakpoints_changed_ = false;
        }
        if (!commands_.empty()) {
            // While events are held, the commands' events queue behind them, in order.
            std::deque<Command> commands = std::exchange(commands_, {});
            lock.unlock();
            runCommands(runtime, std::move(commands));
            gate_->flush();
            continue;
        }
        if (steps_requested_ > 0) {
            --steps_requested_;
            lock.unlock();
            // Held events first; if they are only state changes, the runtime steps on.
            gate_->beginStep();
            if (gate_->hasHeld()) gate_->release(false, {}, true);
            if (!gate_->stepDone() && !ended) {
                gate_->clearHoldMark();
                gate_->beginChunk(&runtime, kChunkEvents);
                RunResult result = runtime.step(main);
                // A stop request that arrived while nothing ran (a pause) is still pending: it
                // ends the first call at once, so step again.
                if (result.reason == RunResult::Reason::Stopped) result = runtime.step(main);
                // Scheduling state changes alone are no step: go on to an event that says more.
                while (!gate_->stepDone() && result.reason == RunResult::Reason::StepDone)
                    result = runtime.step(main);
                if (ends(result)) ended = std::move(result);
            }
            gate_->endStep();
            gate_->takeHit();  // stepping onto a breakpoint's event is not a hit
            publishClock(runtime);
            if (ended && !gate_->hasHeld()) return finish(std::move(*ended));
            continue;
        }
        if (pause_requested_) {
            if (announced_pause_gen != control_gen_) {
                announced_pause_gen = control_gen_;
                const uint64_t gen = control_gen_;
                post(run_id, [this, gen] { enginePaused(gen); });
            }
            wake_.wait(lock);
            continue;
        }
        if (gate_->holding()) {
            // Continuing after a hit or a step: first the events the runtime already made,
            // through the breakpoints again, and only up to a runTo target.
            const bool left = gate_->release(true, pause_at_us_);
            publishClock(runtime);
            if (pauseOnHit()) continue;
            if (left) {  // the rest lies beyond the runTo target
                pause_requested_ = true;
                pause_at_us_.reset();
                continue;
            }
            if (ended) {
                lock.unlock();
                return finish(std::move(*ended));
            }
        }
        const int64_t now = runtime.now_us();
        if (pause_at_us_ && now > *pause_at_us_) {
            pause_requested_ = true;
            pause_at_us_.reset();
            continue;
        }
        const double speed = shared_speed_;
        if (epoch != pacing_epoch_) {
            epoch = pacing_epoch_;
            anchor_wall = Clock::now();
            anchor_virtual = now;
        }
        int64_t target = now + kFastChunkUs;
        if (speed > 0 && !pause_at_us_) {
            const double wall_us =
                std::chrono::duration<double, std::micro>(Clock::now() - anchor_wall).count();
            target = anchor_virtual + static_cast<int64_t>(wall_us * speed);
            if (target <= now) {
                // Ahead of the wall clock: wait until a little virtual time is due (or a command).
                const double wait_us = std::clamp((now + 1 - target) / speed, 1000.0, 16000.0);
                wake_.wait_for(lock, std::chrono::microseconds(static_cast<int64_t>(wait_us)));
                continue;
            }
            if (target - now > speed * kMaxPacingDebtUs) {
                anchor_wall = Clock::now();
                anchor_virtual = now;
                target = now + std::max<int64_t>(1, static_cast<int64_t>(speed * 16'000));
            }
        }
        if (pause_at_us_) target = std::min(target, *pause_at_us_);
        lock.unlock();

        gate_->beginChunk(&runtime, kChunkEvents);
        RunResult result = runtime.run_until(target, main);
        publishClock(runtime);
        {
            std::lock_guard relock(mutex_);
            if (result.reason == RunResult::Reason::TimeReached && pause_at_us_ &&
                target == *pause_at_us_) {
                // run_until is inclusive: everything due at the pause time has run.
                pause_requested_ = true;
                pause_at_us_.reset();
            }
            if (pauseOnHit()) {
                if (ends(result)) ended = std::move(result);
                continue;
            }
        }
        if (ends(result)) return finish(std::move(result));
        waitForBacklog();
    }
}

void RunController::publishClock(Runtime& runtime) {
    // While events are held back, the run as shown ends at the last event the GUI got.
    const int64_t now = gate_->holding() ? gate_->shownUntilUs() : runtime.now_us();
    gate_->flush();
    virtual_now_us_.store(now, std::memory_order_relaxed);
    pump_.publishEdge(now);
}

void RunController::waitForBacklog() {
    trace::BatchingSubscriber& subscriber = gate_->subscriber();
    while (!subscriber.wait_for_backlog_at_most(kMaxBacklog, std::chrono::milliseconds(20))) {
        std::lock_guard lock(mutex_);
        if (stop_requested_ || pause_requested_ || !commands_.empty()) return;
    }
}

void RunController::runCommands(Runtime& runtime, std::deque<Command> commands) {
    uint64_t run_id = 0;
    {
        std::lock_guard lock(mutex_);
        run_id = engine_run_id_;
    }
    for (const Command& command : commands) {
        const QString pid_text = fromUtf8(trace::format_pid(command.pid));
        const QString term_text = fromUtf8(command.term_text);
        std::string error;
        std::optional<Term> term = readTerm(command.term_text, &error);
        if (!term) {
            post(run_id, [this, term_text, error = fromUtf8(error)] {
                emit commandFailed(QStringLiteral("Not a term: %1 (%2)").arg(term_text, error));
            });
            continue;
        }
        if (!runtime.alive(command.pid)) {
            post(run_id, [this, pid_text] {
                emit commandFailed(QStringLiteral("%1 is not alive").arg(pid_text));
            });
            continue;
        }
        QString done;
        if (command.kind == Command::Kind::ExitSignal) {
            runtime.exit(command.pid, std::move(*term));
            done = QStringLiteral("Process.exit(%1, %2)").arg(pid_text, term_text);
        } else {
            runtime.send(command.pid, std::move(*term));
            done = QStringLiteral("send(%1, %2)").arg(pid_text, term_text);
        }
        post(run_id, [this, done] { emit commandDone(done); });
    }
}

}  // namespace tasklens::ui
