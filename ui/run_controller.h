#pragma once
// The one driver of live runs (issue 8): the scenario runs on an engine thread owned here, paced
// to wall time with Runtime::run_until / step, and its events reach the GUI only through the
// EventPump, once per frame.
//
// Threads: every public method is called on the GUI thread. The engine thread owns the Runtime
// and every Term; the GUI hands it commands (pause, step, kill, send) through a mutex-guarded
// queue and interrupts a running slice with Runtime::request_stop, so a pause or stop takes
// effect at the next slice boundary even inside an endless CPU loop. Signals are delivered on
// the GUI thread.
//
// Memory: the engine runs in chunks of at most kChunkEvents events and waits between chunks
// until the GUI has drained the BatchingSubscriber below kMaxBacklog events (back-pressure), so
// nothing between the engine and the trace model grows while the GUI is busy. Console text is
// capped the same way (kMaxConsoleBytes pending; beyond it output is dropped with a note).
#include <QObject>
#include <QString>
#include <QTimer>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/runtime/ids.h"
#include "engine/trace/event.h"
#include "ui/event_pump.h"

namespace tasklens {
class Runtime;
struct RunResult;
}  // namespace tasklens

namespace tasklens::ui {

/// What a breakpoint waits for.
enum class BreakKind : uint8_t {
    Exit,        ///< any process exit
    Crash,       ///< an exit with an abnormal reason (not normal, shutdown or killed)
    Down,        ///< a DOWN message delivered
    Restart,     ///< a supervisor restarted a child
    Timeout,     ///< a wait (await, yield, receive-after, call) ended by its deadline
    Escalation,  ///< a supervisor exceeded its restart intensity and gave up
};
inline constexpr int kBreakKindCount = 6;
QString breakKindName(BreakKind kind);

/// Pause when an event of `kind` happens, to `pid` if valid (else to any process).
struct Breakpoint {
    BreakKind kind = BreakKind::Crash;
    Pid pid;
    friend bool operator==(const Breakpoint&, const Breakpoint&) = default;
};
bool breakpointMatches(const Breakpoint& breakpoint, const trace::Event& event);

enum class RunState : uint8_t {
    Idle,      ///< nothing started yet
    Running,   ///< the engine runs, paced
    Paused,    ///< the engine thread waits for a command
    Finished,  ///< the scenario ended, was stopped, or did not compile
};

class RunController : public QObject {
    Q_OBJECT
  public:
    static constexpr uint64_t kChunkEvents = 20'000;
    static constexpr uint64_t kMaxBacklog = 60'000;
    static constexpr size_t kMaxConsoleBytes = 8u << 20;

    explicit RunController(QObject* parent = nullptr);
    /// Stops the run and joins the engine thread.
    ~RunController() override;

    /// Ends any current run, then compiles and starts `source` (named `name` in diagnostics).
    /// With `paused`, the engine stops before the first event (F10 on an idle window).
    void start(const QString& name, const QString& source, bool paused = false);
    void resume();
    void pause();
    /// Runs until the next event is recorded, then pauses.
    void step();
    /// Ends the run at the next slice boundary; the trace so far stays.
    void stop();
    /// As fast as possible until virtual time `t_us` (or the end), then pause there.
    void runTo(int64_t t_us);
    /// Virtual seconds per wall second; 0 = as fast as possible.
    void setSpeed(double speed);
    double speed() const { return speed_; }
    void setBreakpoints(std::vector<Breakpoint> breakpoints);
    const std::vector<Breakpoint>& breakpoints() const { return breakpoints_; }

    /// Process.exit(pid, reason) from outside any process; `reason` is an Elixir term as text.
    void sendExitSignal(Pid pid, const QString& reason);
    /// send(pid, message) from outside any process; `message` is an Elixir term as text.
    void sendMessage(Pid pid, const QString& message);

    EventPump* pump() { return &pump_; }
    RunState state() const { return state_; }
    /// The engine's virtual clock after its last chunk.
    int64_t virtualNowUs() const { return virtual_now_us_.load(std::memory_order_relaxed); }
    /// The exit status of the last finished run (0 ok, 1 crashed/failed/stopped), -1 before.
    int exitStatus() const { return exit_status_; }
    /// Whether the last run compiled (false: its diagnostics went to consoleOutput).
    bool lastRunCompiled() const { return last_run_compiled_; }
    /// Whether the last run ended by stop().
    bool lastRunStopped() const { return last_run_stopped_; }
    const QString& scenarioName() const { return name_; }
    const QString& scenarioSource() const { return source_; }

  signals:
    /// The script compiled and its runtime started: views switch to pump()->model().
    void runStarted();
    void stateChanged(tasklens::ui::RunState state);
    /// Text the scenario (or the compiler) wrote, in order.
    void consoleOutput(const QString& text, bool is_stderr);
    /// A breakpoint paused the run at the event with this sequence number.
    void breakpointHit(quint64 seq, const QString& description);
    /// A kill/send command could not be carried out (a bad term, a dead process).
    void commandFailed(const QString& message);
    /// A kill/send command was carried out.
    void commandDone(const QString& message);
    /// The run ended: `status` as `tasklens run` would exit.
    void runEnded(int status);

  private:
    struct Command {
        enum class Kind { ExitSignal, Send } kind;
        Pid pid;
        std::string term_text;
    };
    class Gate;
    class ConsoleBuffer;

    void engineMain(uint64_t run_id, std::string name, std::string source);
    RunResult drive(Runtime& runtime, Pid main);
    void runCommands(Runtime& runtime, std::deque<Command> commands);
    void waitForBacklog();
    /// Engine thread: hands the chunk's events over and publishes the clock the views reach.
    void publishClock(Runtime& runtime);
    /// The engine paused by itself (breakpoint, runTo): applies unless the user acted since.
    void enginePaused(uint64_t control_gen);
    void joinEngine();
    void setState(RunState state);
    /// Runs `fn` on the GUI thread if run_id is still the current run. The closure waits in
    /// posted_ under posted_mutex_ until pollEngine (the GUI thread's frame timer) takes it: no
    /// Qt event is posted from the engine thread, so the only hand-over between the threads is a
    /// std::mutex that ThreadSanitizer can see.
    void post(uint64_t run_id, std::function<void()> fn);
    void runPosted();
    /// GUI thread, every frame while a run lives: posted closures, then console text.
    void pollEngine();
    void interruptLocked();

    EventPump pump_;
    QTimer poll_timer_;
    RunState state_ = RunState::Idle;
    double speed_ = 1.0;
    std::vector<Breakpoint> breakpoints_;
    QString name_, source_;
    int exit_status_ = -1;
    bool last_run_compiled_ = false;
    bool last_run_stopped_ = false;
    uint64_t run_id_ = 0;   ///< GUI side: the current run
    uint64_t gui_gen_ = 0;  ///< GUI side: control_gen_ after the user's last command

    std::thread engine_;
    std::unique_ptr<Gate> gate_;
    std::unique_ptr<ConsoleBuffer> console_;
    std::atomic<int64_t> virtual_now_us_{0};

    // Shared with the engine thread, guarded by mutex_.
    std::mutex mutex_;
    std::mutex posted_mutex_;
    std::vector<std::pair<uint64_t, std::function<void()>>> posted_;  ///< guarded by posted_mutex_
    std::condition_variable wake_;
    Runtime* runtime_ = nullptr;  ///< set while the engine drives a runtime
    bool stop_requested_ = false;
    bool pause_requested_ = true;
    int steps_requested_ = 0;
    std::optional<int64_t> pause_at_us_;
    double shared_speed_ = 1.0;
    uint64_t pacing_epoch_ = 0;  ///< bumped on resume and speed changes: re-anchor the pacing
    std::vector<Breakpoint> shared_breakpoints_;
    bool breakpoints_changed_ = false;
    std::deque<Command> commands_;
    uint64_t control_gen_ = 0;  ///< bumped by every user command that changes run/pause
    uint64_t engine_run_id_ = 0;
};

}  // namespace tasklens::ui
