#pragma once
// The main window (architecture §6): scenario gallery and editor, supervision tree, lineage,
// timeline, process list and inspector, event log and console. Every view shares one ViewState,
// so selecting a process anywhere selects it everywhere and the time slider moves every view.
//
// Live runs: a RunController runs the editor's scenario on its engine thread; the window adopts
// the pump's growing trace model when the run starts and refreshes the views as batches arrive
// (models every frame, the timeline layout at a rate that follows its own cost). The time cursor
// follows the live edge until the user moves it; "Live" jumps back. Window code is split in
// main_window.cpp (layout, views, live refresh) and main_window_actions.cpp (menus, files,
// settings, run controls, process actions).
#include <QElapsedTimer>
#include <QMainWindow>
#include <memory>

#include "engine/trace/trace_model.h"
#include "ui/code_editor.h"
#include "ui/run_controller.h"
#include "ui/view_data.h"
#include "ui/view_data_live.h"

class QAction;
class QActionGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QMenu;
class QPlainTextEdit;
class QProgressBar;
class QSlider;
class QSortFilterProxyModel;
class QTableView;
class QTabWidget;
class QTimer;
class QTextBrowser;

namespace tasklens::ui {

class EventLogFilterModel;
class EventLogModel;
class LineageView;
class ProcessListModel;
class SupervisionTreeView;
class TimelinePlot;
class ViewState;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Shows a finished trace in every view (ends a live run first).
    void setTrace(std::shared_ptr<const trace::TraceModel> model, const QString& title);
    /// Opens a JSON Lines trace file; false (with the reason in `error`, or a message box when
    /// `error` is null) if it cannot be read.
    bool openTraceFile(const QString& path, QString* error = nullptr);
    /// Loads a scenario into the editor; the window is then named after the file.
    bool openScenarioFile(const QString& path, QString* error = nullptr);
    /// Opens a .exs scenario or a .jsonl / .tlb (binary) trace by its extension.
    bool openFile(const QString& path, QString* error = nullptr);
    /// Writes the editor's text to `path`; it becomes the scenario's file.
    bool saveScenarioAs(const QString& path, QString* error = nullptr);
    /// Writes the trace on screen as JSON Lines.
    bool saveTraceAs(const QString& path, QString* error = nullptr);
    /// Shows what a scenario run wrote on stderr (compile errors, the crash banner) in the console.
    void showRunErrors(const QString& text);
    /// Shows the built-in sample trace (the Task.Supervisor story).
    void openSampleTrace();
    /// Selects a process by registered name or pid; false if there is none.
    bool selectProcess(const QString& name_or_pid);
    /// Restores geometry, dock layout, recent files and settings, and saves them on close.
    void restoreSettings();

    /// The most engine events one live frame takes in while a run goes on (EventPump's frame
    /// cap), so a burst from the engine cannot make one frame arbitrarily long; the engine waits
    /// for the rest. Session 8 measured the 100k-task frame at about the same cost with 16k events
    /// as with 57k (most of it is per-frame work, not per-event), so a small cap only slowed the
    /// run the window shows (3x fewer events per second); 64k bounds the worst frame without that.
    static constexpr size_t kLiveFrameEvents = 65'536;

    ViewState* viewState() const { return state_; }
    RunController* runController() const { return controller_; }
    /// The trace the views show (nullptr before the first one).
    const trace::TraceModel* traceModel() const { return model_.get(); }
    QString consoleText() const;
    CodeEditor* editor() const { return editor_; }
    QString scenarioPath() const { return scenario_path_; }
    /// Whether the time cursor follows the live edge of the run.
    bool followingLive() const { return following_live_; }
    /// The line of the editor marked as a compile error (1-based), 0 if none.
    int errorLine() const { return error_line_; }
    SupervisionTreeView* treeView() const { return tree_; }
    LineageView* lineageView() const { return lineage_; }
    TimelinePlot* timeline() const { return timeline_; }
    QTableView* processTable() const { return process_table_; }
    QTableView* eventTable() const { return event_table_; }
    ProcessListModel* processModel() const { return process_model_; }
    EventLogModel* eventModel() const { return event_model_; }
    EventLogFilterModel* eventFilter() const { return event_filter_; }
    /// Brings the views up to date with the live trace (the timeline in place, at a cost that
    /// follows the frame's events); `rebuild_now` also selects the cursor's event in the log, as
    /// a pause does (tests, screenshots, breakpoints).
    void refreshLiveViews(bool rebuild_now = false);
    /// Runs the editor's scenario (F5 when idle). `paused`: stop before its first event.
    void runScenario(bool paused = false);
    /// Moves the editor's cursor to a line and column (1-based) and focuses it.
    void goToSource(int line, int column);
    /// The actions, by object name ("run", "pause", "step", "stop", "restart", "live", ...).
    QAction* action(const QString& name) const;

  signals:
    /// Emitted whenever a live batch has been shown (tests wait on it).
    void liveViewsRefreshed();

  protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    // main_window.cpp
    void buildViews();
    void buildDocks();
    void fitToScreen();
    void applyDefaultDockSizes();
    void loadGallery();
    void showInspector();
    void syncSliderFromState();
    void adoptLiveModel();
    void rebuildTimeline();
    void applyLiveCursor();
    /// The newest moment of a live run: the engine's clock (or the last event after the end).
    int64_t liveEdgeUs() const;
    void followCursorInEventLog();
    void appendConsole(const QString& text, bool is_stderr);
    void markCompileError(const QString& text);
    void clearErrorMarker();
    void onConsoleClicked(QPoint pos);
    void updateStatus();
    void setFollowingLive(bool follow);
    // main_window_actions.cpp
    void buildActions();
    void buildRunToolbar();
    void updateRunActions();
    void updateTitle();
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();
    void exportCurrentView();
    void showShortcuts();
    void showAbout();
    void showProcessMenu(Pid pid, QPoint global_pos);
    void askExitSignal(Pid pid, bool kill);
    void askMessage(Pid pid);
    void applyBreakpointActions();
    void onBreakpointHit(quint64 seq, const QString& description);
    void saveScenario();
    bool confirmDiscardEdits();

    ViewState* state_;
    RunController* controller_;
    std::shared_ptr<const trace::TraceModel> model_;
    bool live_ = false;  ///< model_ is the growing model of the controller's current run
    bool following_live_ = true;
    bool moving_cursor_ = false;  ///< the window itself moves the cursor (not the user)
    bool refreshing_ = false;     ///< refreshLiveViews is draining the pump
    std::shared_ptr<TimelineData> timeline_data_;
    QTimer* live_timer_ = nullptr;
    /// The live run's timeline, brought up to date in place every frame (view_data_live.h).
    std::unique_ptr<LiveTimeline> live_timeline_;
    uint32_t timeline_events_ = 0;  ///< events in the model when the timeline was last built

    TimelinePlot* timeline_;
    SupervisionTreeView* tree_;
    LineageView* lineage_;
    QTabWidget* pictures_;
    ProcessListModel* process_model_;
    QSortFilterProxyModel* process_proxy_;
    QTableView* process_table_;
    EventLogModel* event_model_;
    EventLogFilterModel* event_filter_;
    QTableView* event_table_;
    QComboBox* event_kind_filter_;
    QCheckBox* event_process_filter_;
    QCheckBox* event_follow_;
    QTextBrowser* inspector_;
    QPlainTextEdit* console_;
    QListWidget* gallery_;
    CodeEditor* editor_;
    QSlider* time_slider_;
    QLabel* time_label_;
    QLabel* run_status_;
    QProgressBar* busy_;
    QComboBox* speed_box_;
    QMenu* recent_menu_ = nullptr;
    QMenu* breakpoint_menu_ = nullptr;
    QAction* break_selected_only_ = nullptr;
    std::vector<QAction*> break_kind_actions_;
    std::vector<Breakpoint> process_breakpoints_;  ///< added from a process's context menu
    QWidget* export_view_ = nullptr;               ///< the picture that last had focus

    QString scenario_path_;  ///< the editor's file (":/..." for a gallery demo), empty if none
    QString scenario_name_ = QStringLiteral("untitled.exs");
    QString trace_title_;
    int error_line_ = 0;
    bool persistent_ = false;
    bool layout_restored_ = false;
    bool dock_sizes_applied_ = false;
};

}  // namespace tasklens::ui
