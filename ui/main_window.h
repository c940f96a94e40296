#pragma once
// The main window (architecture §6): scenario gallery and editor, supervision tree, lineage,
// timeline, process list and inspector, event log and console. Every view shares one ViewState,
// so selecting a process anywhere selects it everywhere and the time slider moves every view.
#include <QMainWindow>
#include <memory>

#include "engine/trace/trace_model.h"
#include "ui/view_data.h"

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QSlider;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;

namespace tasklens::ui {

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

    /// Shows a finished trace in every view.
    void setTrace(std::shared_ptr<const trace::TraceModel> model, const QString& title);
    /// Opens a JSON Lines trace file; false (with a message box) if it cannot be read.
    bool openTraceFile(const QString& path);
    /// Shows what a scenario run wrote on stderr (compile errors, the crash banner) in the console.
    void showRunErrors(const QString& text);
    /// Shows the built-in sample trace (the Task.Supervisor story).
    void openSampleTrace();
    /// Selects a process by registered name or pid; false if there is none.
    bool selectProcess(const QString& name_or_pid);
    ViewState* viewState() const { return state_; }
    /// The trace the views show (nullptr before the first one).
    const trace::TraceModel* traceModel() const { return model_.get(); }
    QString consoleText() const;

  signals:
    /// The user asked to run the scenario in the editor (the app wires this to the engine).
    void runScenarioRequested(const QString& source, const QString& name);

  private:
    void buildActions();
    void buildDocks();
    void loadGallery();
    void showInspector();
    void syncSliderFromState();
    void exportCurrentView();

    ViewState* state_;
    std::shared_ptr<const trace::TraceModel> model_;
    std::shared_ptr<TimelineData> timeline_data_;
    TimelinePlot* timeline_;
    SupervisionTreeView* tree_;
    LineageView* lineage_;
    ProcessListModel* process_model_;
    QSortFilterProxyModel* process_proxy_;
    QTableView* process_table_;
    EventLogModel* event_model_;
    QTableView* event_table_;
    QTextBrowser* inspector_;
    QPlainTextEdit* console_;
    QListWidget* gallery_;
    QPlainTextEdit* editor_;
    QSlider* time_slider_;
    QLabel* time_label_;
};

}  // namespace tasklens::ui
