// MainWindow, second half: menus, run controls, files, settings, export, help and the actions on
// a process (kill, exit signal, message, breakpoints). Layout and live refresh: main_window.cpp.
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <fstream>

#include "engine/trace/trace_file.h"
#include "ui/beam_stream.h"
#include "ui/trace_loading.h"
#include "ui/image_export.h"
#include "ui/lineage_view.h"
#include "ui/main_window.h"
#include "ui/models.h"
#include "ui/sample_trace.h"
#include "ui/term_input.h"
#include "ui/timeline_plot.h"
#include "ui/trace_adapter.h"
#include "ui/tree_view.h"
#include "ui/view_state.h"

namespace tasklens::ui {

namespace {

constexpr int kSliderSteps = 10000;
constexpr int kMaxRecentFiles = 8;

struct SpeedChoice {
    const char* label;
    double speed;
};
constexpr SpeedChoice kSpeeds[] = {
    {"0.1\u00d7", 0.1}, {"0.25\u00d7", 0.25}, {"0.5\u00d7", 0.5},
    {"1\u00d7", 1},     {"2\u00d7", 2},       {"5\u00d7", 5},
    {"10\u00d7", 10},   {"100\u00d7", 100},   {"As fast as possible", 0}};

QString pidText(Pid pid) {
    return QString::fromStdString(formatPid(pid));
}

}  // namespace

QAction* MainWindow::action(const QString& name) const {
    return findChild<QAction*>(name, Qt::FindDirectChildrenOnly);
}

void MainWindow::buildActions() {
    auto make = [this](const QString& name, const QString& text, QKeySequence key = {}) {
        auto* a = new QAction(text, this);
        a->setObjectName(name);
        if (!key.isEmpty()) a->setShortcut(key);
        return a;
    };

    // --- File ---------------------------------------------------------------------------------
    QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction* new_scenario =
        make(QStringLiteral("new"), QStringLiteral("&New scenario"), QKeySequence::New);
    connect(new_scenario, &QAction::triggered, this, [this] {
        if (!confirmDiscardEdits()) return;
        editor_->clear();
        editor_->document()->setModified(false);
        scenario_path_.clear();
        scenario_name_ = QStringLiteral("untitled.exs");
        updateTitle();
    });
    file->addAction(new_scenario);
    QAction* open = make(QStringLiteral("open"), QStringLiteral("&Open\u2026"), QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, QStringLiteral("Open a scenario or a trace"), QString(),
            QStringLiteral("Scenarios and traces (*.exs *.jsonl *.tlb);;Elixir scenarios (*.exs);;"
                           "Tasklens traces (*.jsonl *.tlb);;All files (*)"));
        if (!path.isEmpty() && (path.endsWith(QLatin1String(".jsonl")) ||
                                path.endsWith(QLatin1String(".tlb")) || confirmDiscardEdits()))
            openFile(path);
    });
    file->addAction(open);
    recent_menu_ = file->addMenu(QStringLiteral("Open &recent"));
    QAction* save =
        make(QStringLiteral("save"), QStringLiteral("&Save scenario"), QKeySequence::Save);
    connect(save, &QAction::triggered, this, &MainWindow::saveScenario);
    file->addAction(save);
    QAction* save_as = make(QStringLiteral("saveAs"), QStringLiteral("Save scenario &as\u2026"),
                            QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(save_as, &QAction::triggered, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, QStringLiteral("Save scenario"), scenario_name_,
                                         QStringLiteral("Elixir scenarios (*.exs)"));
        if (path.isEmpty()) return;
        QString error;
        if (!saveScenarioAs(path, &error))
            QMessageBox::warning(this, QStringLiteral("Cannot save"), error);
    });
    file->addAction(save_as);
    QAction* save_trace = make(QStringLiteral("saveTrace"), QStringLiteral("Save &trace as\u2026"));
    connect(save_trace, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, QStringLiteral("Save trace"),
            QFileInfo(trace_title_.isEmpty() ? scenario_name_ : trace_title_).completeBaseName() +
                QStringLiteral(".jsonl"),
            QStringLiteral("Tasklens traces (*.jsonl)"));
        if (path.isEmpty()) return;
        QString error;
        if (!saveTraceAs(path, &error))
            QMessageBox::warning(this, QStringLiteral("Cannot save trace"), error);
    });
    file->addAction(save_trace);
    file->addSeparator();
    QAction* sample = make(QStringLiteral("sample"), QStringLiteral("Open &sample trace"),
                           QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(sample, &QAction::triggered, this, &MainWindow::openSampleTrace);
    file->addAction(sample);
    QAction* observe = make(QStringLiteral("observe-real-node"),
                            QStringLiteral("Observe a &real node\u2026"), QKeySequence());
    connect(observe, &QAction::triggered, this, [this] { observeRealNode(this); });
    file->addAction(observe);
    QAction* export_view =
        make(QStringLiteral("export"), QStringLiteral("&Export view as image\u2026"),
             QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(export_view, &QAction::triggered, this, &MainWindow::exportCurrentView);
    file->addAction(export_view);
    file->addSeparator();
    QAction* quit = make(QStringLiteral("quit"), QStringLiteral("&Quit"), QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    file->addAction(quit);
    rebuildRecentMenu();

    // --- Run ----------------------------------------------------------------------------------
    QMenu* run = menuBar()->addMenu(QStringLiteral("&Run"));
    QAction* run_action = make(QStringLiteral("run"), QStringLiteral("\u25b6 Run"), Qt::Key_F5);
    run_action->setToolTip(QStringLiteral("Run the scenario in the editor, or continue (F5)"));
    connect(run_action, &QAction::triggered, this, [this] {
        if (controller_->state() == RunState::Paused)
            controller_->resume();
        else if (controller_->state() != RunState::Running)
            runScenario();
    });
    QAction* pause = make(QStringLiteral("pause"), QStringLiteral("Pause"), Qt::Key_Space);
    pause->setToolTip(QStringLiteral("Pause or continue the run (Space)"));
    connect(pause, &QAction::triggered, this, [this] {
        if (controller_->state() == RunState::Running)
            controller_->pause();
        else if (controller_->state() == RunState::Paused)
            controller_->resume();
    });
    QAction* step = make(QStringLiteral("step"), QStringLiteral("Step"), Qt::Key_F10);
    step->setToolTip(QStringLiteral("Run to the next event, then pause (F10)"));
    connect(step, &QAction::triggered, this, [this] {
        if (controller_->state() == RunState::Running || controller_->state() == RunState::Paused) {
            controller_->step();
        } else {
            runScenario(true);
            controller_->step();
        }
    });
    QAction* stop = make(QStringLiteral("stop"), QStringLiteral("\u25a0 Stop"),
                         QKeySequence(Qt::SHIFT | Qt::Key_F5));
    stop->setToolTip(QStringLiteral("End the run; its trace stays on screen (Shift+F5)"));
    connect(stop, &QAction::triggered, controller_, &RunController::stop);
    QAction* restart = make(QStringLiteral("restart"), QStringLiteral("\u27f2 Restart"),
                            QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F5));
    restart->setToolTip(QStringLiteral("Run the scenario again from the start (Ctrl+Shift+F5)"));
    connect(restart, &QAction::triggered, this, [this] { runScenario(); });
    QAction* live = make(QStringLiteral("live"), QStringLiteral("\u25cf Live"), Qt::Key_End);
    live->setCheckable(true);
    live->setChecked(true);
    live->setToolTip(
        QStringLiteral("Follow the live edge of the run (End); scrubbing back "
                       "stops following"));
    connect(live, &QAction::toggled, this, [this](bool on) { setFollowingLive(on); });
    for (QAction* a : {run_action, pause, step, stop, restart}) run->addAction(a);
    run->addSeparator();
    run->addAction(live);
    breakpoint_menu_ = run->addMenu(QStringLiteral("&Breakpoints"));
    for (int k = 0; k < kBreakKindCount; ++k) {
        QAction* a = breakpoint_menu_->addAction(
            QStringLiteral("Pause on %1").arg(breakKindName(BreakKind(k))));
        a->setCheckable(true);
        a->setData(k);
        connect(a, &QAction::toggled, this, &MainWindow::applyBreakpointActions);
        break_kind_actions_.push_back(a);
    }
    breakpoint_menu_->addSeparator();
    break_selected_only_ =
        breakpoint_menu_->addAction(QStringLiteral("Only for the selected process"));
    break_selected_only_->setCheckable(true);
    connect(break_selected_only_, &QAction::toggled, this, &MainWindow::applyBreakpointActions);
    connect(state_, &ViewState::selectedPidChanged, this, [this] {
        if (break_selected_only_->isChecked()) applyBreakpointActions();
    });
    breakpoint_menu_->addAction(QStringLiteral("Clear process breakpoints"), this, [this] {
        process_breakpoints_.clear();
        applyBreakpointActions();
    });

    // --- View ---------------------------------------------------------------------------------
    QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
    QAction* whole =
        make(QStringLiteral("showAll"), QStringLiteral("Show &whole run"), Qt::Key_Home);
    connect(whole, &QAction::triggered, state_, &ViewState::showAll);
    view->addAction(whole);
    view->addSeparator();
    for (auto* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());

    // --- Help ---------------------------------------------------------------------------------
    QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
    QAction* keys = make(QStringLiteral("shortcuts"), QStringLiteral("&Keyboard shortcuts"),
                         QKeySequence::HelpContents);
    connect(keys, &QAction::triggered, this, &MainWindow::showShortcuts);
    help->addAction(keys);
    QAction* about = make(QStringLiteral("about"), QStringLiteral("&About Tasklens"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
    help->addAction(about);

    buildRunToolbar();

    // Export takes the picture that last had focus.
    for (QWidget* w : std::initializer_list<QWidget*>{tree_, lineage_, timeline_})
        w->setFocusPolicy(Qt::ClickFocus);
    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) {
        for (QWidget* w = now; w; w = w->parentWidget())
            if (w == tree_ || w == lineage_ || w == timeline_) export_view_ = w;
    });
}

void MainWindow::buildRunToolbar() {
    QToolBar* bar = addToolBar(QStringLiteral("Run"));
    bar->setObjectName(QStringLiteral("run"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    for (const char* name : {"run", "pause", "step", "stop", "restart"})
        bar->addAction(action(QString::fromLatin1(name)));
    bar->addSeparator();
    bar->addWidget(new QLabel(QStringLiteral(" Speed ")));
    speed_box_ = new QComboBox;
    for (const SpeedChoice& choice : kSpeeds)
        speed_box_->addItem(QString::fromUtf8(choice.label), choice.speed);
    speed_box_->setCurrentIndex(3);  // 1x
    speed_box_->setToolTip(QStringLiteral("Virtual time per wall-clock second"));
    speed_box_->setFocusPolicy(Qt::NoFocus);
    connect(speed_box_, &QComboBox::currentIndexChanged, this,
            [this](int i) { controller_->setSpeed(speed_box_->itemData(i).toDouble()); });
    bar->addWidget(speed_box_);
    bar->addSeparator();
    bar->addAction(action(QStringLiteral("live")));
    bar->addWidget(new QLabel(QStringLiteral(" Time ")));
    time_slider_ = new QSlider(Qt::Horizontal);
    time_slider_->setRange(0, kSliderSteps);
    time_slider_->setMinimumWidth(80);
    time_slider_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    time_slider_->setFocusPolicy(Qt::NoFocus);
    time_slider_->setToolTip(QStringLiteral("The time cursor: every view shows this moment"));
    bar->addWidget(time_slider_);
    time_label_ = new QLabel(QStringLiteral(" \u2014 "));
    time_label_->setMinimumWidth(80);
    bar->addWidget(time_label_);
    connect(time_slider_, &QSlider::valueChanged, this, [this](int value) {
        const TimeWindow run = state_->traceWindow();
        state_->setCursorUs(run.begin_us + run.duration() * value / kSliderSteps);
    });

    busy_ = new QProgressBar;
    busy_->setRange(0, 0);  // an endless "busy" animation while the engine runs
    busy_->setMaximumWidth(80);
    busy_->setMaximumHeight(14);
    busy_->setTextVisible(false);
    busy_->hide();
    run_status_ = new QLabel;
    statusBar()->addPermanentWidget(busy_);
    statusBar()->addPermanentWidget(run_status_);
}

void MainWindow::updateRunActions() {
    const RunState state = controller_->state();
    const bool active = state == RunState::Running || state == RunState::Paused;
    const bool has_source = !editor_->document()->isEmpty();
    action(QStringLiteral("run"))->setEnabled(state == RunState::Paused || (!active && has_source));
    action(QStringLiteral("run"))
        ->setText(state == RunState::Paused ? QStringLiteral("\u25b6 Continue")
                                            : QStringLiteral("\u25b6 Run"));
    action(QStringLiteral("pause"))->setEnabled(active);
    action(QStringLiteral("pause"))->setText(QStringLiteral("Pause"));
    action(QStringLiteral("step"))
        ->setEnabled(state == RunState::Paused || (!active && has_source));
    action(QStringLiteral("stop"))->setEnabled(active);
    action(QStringLiteral("restart"))->setEnabled(has_source);
    action(QStringLiteral("live"))->setEnabled(live_);
    action(QStringLiteral("saveTrace"))->setEnabled(model_ != nullptr);
    action(QStringLiteral("export"))->setEnabled(timeline_data_ != nullptr);
}

void MainWindow::updateTitle() {
    const bool scenario = !scenario_path_.isEmpty() || !editor_->document()->isEmpty();
    const QString name =
        scenario ? scenario_name_ : (trace_title_.isEmpty() ? QString() : trace_title_);
    setWindowTitle(name.isEmpty() ? QStringLiteral("Tasklens")
                                  : QStringLiteral("%1[*] \u2014 Tasklens").arg(name));
    setWindowModified(scenario && editor_->document()->isModified());
}

void MainWindow::runScenario(bool paused) {
    const QString source = editor_->toPlainText();
    if (source.trimmed().isEmpty()) {
        statusBar()->showMessage(
            QStringLiteral("The editor is empty: pick a demo or open a scenario."));
        return;
    }
    clearErrorMarker();
    console_->clear();
    // A run ends at the next slice boundary; start() waits for that before the new one begins.
    controller_->setSpeed(speed_box_->currentData().toDouble());
    controller_->start(scenario_name_, source, paused);
    setFollowingLive(true);
    updateRunActions();
}

// --- files -----------------------------------------------------------------------------------

bool MainWindow::openTraceFile(const QString& path, QString* error) {
    // Streamed straight into the model with a progress dialog (trace_loading.h): no list of
    // millions of events first.
    TraceLoadResult result = loadTraceWithProgress(path, this);
    trace::LoadedTrace& loaded = result.loaded;
    if (result.cancelled) {
        if (error) *error = QStringLiteral("opening %1 was cancelled").arg(path);
        return false;
    }
    QString note;
    if (loaded.error) {
        const QString why = QString::fromStdString(loaded.error->what());
        if (loaded.model.event_count() == 0) {
            if (error)
                *error = why;
            else
                QMessageBox::warning(this, QStringLiteral("Cannot open trace"), why);
            return false;
        }
        note = QStringLiteral("Read what could be read: %1").arg(why);
    } else if (loaded.warning) {
        note = QStringLiteral("Opened what was recorded: %1")
                   .arg(QString::fromStdString(loaded.warning->what()));
    }
    setTrace(std::make_shared<trace::TraceModel>(std::move(loaded.model)),
             QFileInfo(path).fileName());
    if (!note.isEmpty()) statusBar()->showMessage(note);
    return true;
}

void MainWindow::openSampleTrace() {
    setTrace(std::make_shared<trace::TraceModel>(sampleTaskSupervisorTrace(),
                                                 trace::RunInfo{"sample: Task.Supervisor", 2}),
             QStringLiteral("sample: Task.Supervisor"));
}

bool MainWindow::saveScenarioAs(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    const QByteArray bytes = editor_->toPlainText().toUtf8();
    if (file.write(bytes) != bytes.size() || !file.flush()) {
        if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    scenario_path_ = path;
    scenario_name_ = QFileInfo(path).fileName();
    editor_->document()->setModified(false);
    addRecentFile(path);
    updateTitle();
    statusBar()->showMessage(QStringLiteral("Saved %1").arg(path), 5000);
    return true;
}

void MainWindow::saveScenario() {
    if (scenario_path_.isEmpty() || scenario_path_.startsWith(QLatin1Char(':'))) {
        action(QStringLiteral("saveAs"))->trigger();
        return;
    }
    QString error;
    if (!saveScenarioAs(scenario_path_, &error))
        QMessageBox::warning(this, QStringLiteral("Cannot save"), error);
}

bool MainWindow::saveTraceAs(const QString& path, QString* error) {
    if (!model_) {
        if (error) *error = QStringLiteral("there is no trace to save");
        return false;
    }
    std::vector<trace::Event> events;
    events.reserve(model_->event_count());
    for (trace::EventIndex i = 0; i < model_->event_count(); ++i)
        events.push_back(model_->event(i));
    trace::RunInfo run = model_->run_info();
    if (run.scenario.empty()) run.scenario = trace_title_.toStdString();
    std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
    if (out) trace::write_trace(out, run, events);
    out.flush();
    if (!out) {
        if (error) *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    addRecentFile(path);
    statusBar()->showMessage(QStringLiteral("Saved %1 events to %2").arg(events.size()).arg(path),
                             5000);
    return true;
}

bool MainWindow::confirmDiscardEdits() {
    if (!editor_->document()->isModified() || !persistent_) return true;
    const auto answer = QMessageBox::question(
        this, QStringLiteral("Discard changes?"),
        QStringLiteral("%1 has changes that are not saved. Discard them?").arg(scenario_name_),
        QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel);
    return answer == QMessageBox::Discard;
}

void MainWindow::addRecentFile(const QString& path) {
    if (!persistent_) return;
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecentFiles) recent.removeLast();
    settings.setValue(QStringLiteral("recentFiles"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    if (!recent_menu_) return;
    recent_menu_->clear();
    const QStringList recent = persistent_
                                   ? QSettings().value(QStringLiteral("recentFiles")).toStringList()
                                   : QStringList();
    for (const QString& path : recent)
        recent_menu_->addAction(
            QFileInfo(path).fileName() + QStringLiteral("  \u2014  ") + path, this, [this, path] {
                if (path.endsWith(QLatin1String(".jsonl")) ||
                    path.endsWith(QLatin1String(".tlb")) || confirmDiscardEdits())
                    openFile(path);
            });
    recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::restoreSettings() {
    persistent_ = true;
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    layout_restored_ = restoreState(settings.value(QStringLiteral("windowState")).toByteArray());
    const int speed = settings.value(QStringLiteral("speedIndex"), 3).toInt();
    if (speed >= 0 && speed < speed_box_->count()) speed_box_->setCurrentIndex(speed);
    const int filter = settings.value(QStringLiteral("eventFilter"), 0).toInt();
    if (filter >= 0 && filter < event_kind_filter_->count())
        event_kind_filter_->setCurrentIndex(filter);
    rebuildRecentMenu();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (persistent_) {
        if (!confirmDiscardEdits()) {
            event->ignore();
            return;
        }
        QSettings settings;
        settings.setValue(QStringLiteral("geometry"), saveGeometry());
        settings.setValue(QStringLiteral("windowState"), saveState());
        settings.setValue(QStringLiteral("speedIndex"), speed_box_->currentIndex());
        settings.setValue(QStringLiteral("eventFilter"), event_kind_filter_->currentIndex());
    }
    controller_->stop();
    QMainWindow::closeEvent(event);
}

// --- export ----------------------------------------------------------------------------------

void MainWindow::exportCurrentView() {
    if (!timeline_data_ || !model_) return;
    QDialog dialog(this);
    dialog.setWindowTitle(QStringLiteral("Export view as image"));
    auto* form = new QFormLayout(&dialog);
    auto* which = new QComboBox;
    which->addItems({QStringLiteral("Timeline"), QStringLiteral("Supervision tree"),
                     QStringLiteral("Lineage of the selected process")});
    QWidget* focused = export_view_ ? export_view_ : pictures_->currentWidget();
    which->setCurrentIndex(focused == tree_ ? 1 : focused == lineage_ ? 2 : 0);
    auto* width = new QSpinBox;
    width->setRange(200, 10000);
    width->setValue(1600);
    auto* height = new QSpinBox;
    height->setRange(200, 10000);
    height->setValue(900);
    auto* path =
        new QLineEdit(QFileInfo(scenario_name_).completeBaseName() + QStringLiteral(".png"));
    auto* browse = new QPushButton(QStringLiteral("Browse\u2026"));
    auto* path_row = new QHBoxLayout;
    path_row->addWidget(path);
    path_row->addWidget(browse);
    connect(browse, &QPushButton::clicked, &dialog, [&] {
        const QString chosen = QFileDialog::getSaveFileName(
            &dialog, QStringLiteral("Export to"), path->text(),
            QStringLiteral("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
        if (!chosen.isEmpty()) path->setText(chosen);
    });
    form->addRow(QStringLiteral("View"), which);
    form->addRow(QStringLiteral("Width (px)"), width);
    form->addRow(QStringLiteral("Height (px)"), height);
    form->addRow(QStringLiteral("File (.png, .svg, .pdf)"), path_row);
    form->addRow(
        new QLabel(QStringLiteral("The image shows the view at the time cursor, with its "
                                  "legend.")));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("Export"));
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted) return;

    ImageRequest request{path->text(), {width->value(), height->value()}, 1.0, {}};
    QString error;
    const auto t = static_cast<int64_t>(state_->cursorUs());
    bool ok = false;
    if (!imageFormatForPath(request.path)) {
        error = QStringLiteral("the file name must end in .png, .svg or .pdf");
    } else if (which->currentIndex() == 1) {
        ok = exportTree(buildTreeSnapshot(*model_, t), request, &error);
    } else if (which->currentIndex() == 2) {
        if (!state_->selectedPid().valid())
            error = QStringLiteral("select a process first");
        else
            ok = exportLineage(buildLineage(*model_, state_->selectedPid(), t), request, &error);
    } else {
        ok = exportTimeline(*timeline_data_, request, &error, state_->visibleWindow());
    }
    if (!ok)
        QMessageBox::warning(this, QStringLiteral("Export failed"), error);
    else
        statusBar()->showMessage(QStringLiteral("Exported %1").arg(request.path), 5000);
}

// --- help ------------------------------------------------------------------------------------

void MainWindow::showShortcuts() {
    QMessageBox box(this);
    box.setWindowTitle(QStringLiteral("Keyboard shortcuts"));
    box.setTextFormat(Qt::RichText);
    box.setText(QStringLiteral(
        "<table cellspacing=6>"
        "<tr><th colspan=2 align=left>Running</th></tr>"
        "<tr><td><b>F5</b></td><td>Run the scenario / continue</td></tr>"
        "<tr><td><b>Space</b></td><td>Pause / continue (outside the editor)</td></tr>"
        "<tr><td><b>F10</b></td><td>Step to the next event</td></tr>"
        "<tr><td><b>Shift+F5</b></td><td>Stop</td></tr>"
        "<tr><td><b>Ctrl+Shift+F5</b></td><td>Restart</td></tr>"
        "<tr><td><b>End</b></td><td>Follow the live edge again</td></tr>"
        "<tr><td>Right-click a process</td><td>Kill, exit signal, message, breakpoints</td></tr>"
        "<tr><th colspan=2 align=left>Timeline</th></tr>"
        "<tr><td><b>Ctrl+wheel</b>, <b>W</b>/<b>S</b></td><td>Zoom</td></tr>"
        "<tr><td><b>Shift+wheel</b>, drag, <b>A</b>/<b>D</b></td><td>Pan</td></tr>"
        "<tr><td><b>Shift+drag</b></td><td>Select an interval</td></tr>"
        "<tr><td>Click</td><td>Select a lane, move the time cursor</td></tr>"
        "<tr><td>Double-click</td><td>Zoom to a process's lifetime</td></tr>"
        "<tr><td><b>Home</b></td><td>Show the whole run</td></tr>"
        "<tr><th colspan=2 align=left>Files</th></tr>"
        "<tr><td><b>Ctrl+O</b></td><td>Open a scenario (.exs) or a trace (.jsonl, .tlb)</td></tr>"
        "<tr><td><b>Ctrl+S</b> / <b>Ctrl+Shift+S</b></td><td>Save the scenario / save as</td></tr>"
        "<tr><td><b>Ctrl+E</b></td><td>Export the focused view as PNG, SVG or PDF</td></tr>"
        "<tr><td><b>Ctrl+Shift+O</b></td><td>Open the sample trace</td></tr>"
        "</table>"));
    box.exec();
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, QStringLiteral("About Tasklens"),
        QStringLiteral("<h3>Tasklens %1</h3><p>A process observer for Elixir's Task and "
                       "Supervisor model. Scenarios run on an embedded engine with OTP's "
                       "semantics on a deterministic virtual clock.</p>")
            .arg(QApplication::applicationVersion().toHtmlEscaped()));
}

// --- acting on a run -----------------------------------------------------------------------------

void MainWindow::showProcessMenu(Pid pid, QPoint global_pos) {
    if (!pid.valid() || !model_) return;
    const trace::ProcessIndex p = model_->find(pid);
    if (p == trace::kNone) return;
    const RunState state = controller_->state();
    const bool active = live_ && (state == RunState::Running || state == RunState::Paused);
    const bool alive = !model_->process(p).exited();
    QMenu menu(this);
    menu.addSection(QString::fromStdString(model_->display_name(p)) + QLatin1Char(' ') +
                    pidText(pid));
    QAction* kill = menu.addAction(QStringLiteral("Kill\u2026"), this,
                                   [this, pid] { askExitSignal(pid, true); });
    QAction* exit = menu.addAction(QStringLiteral("Send exit signal\u2026"), this,
                                   [this, pid] { askExitSignal(pid, false); });
    QAction* send = menu.addAction(QStringLiteral("Send message\u2026"), this,
                                   [this, pid] { askMessage(pid); });
    for (QAction* a : {kill, exit, send}) a->setEnabled(active && alive);
    if (!active)
        menu.addAction(QStringLiteral("(run a scenario to act on its processes)"))
            ->setEnabled(false);
    else if (!alive)
        menu.addAction(QStringLiteral("(this process has exited)"))->setEnabled(false);
    menu.addSeparator();
    QMenu* breaks = menu.addMenu(QStringLiteral("Pause when this process\u2026"));
    for (int k = 0; k < kBreakKindCount; ++k) {
        const Breakpoint b{BreakKind(k), pid};
        QAction* a = breaks->addAction(breakKindName(BreakKind(k)));
        a->setCheckable(true);
        a->setChecked(std::find(process_breakpoints_.begin(), process_breakpoints_.end(), b) !=
                      process_breakpoints_.end());
        connect(a, &QAction::toggled, this, [this, b](bool on) {
            std::erase(process_breakpoints_, b);
            if (on) process_breakpoints_.push_back(b);
            applyBreakpointActions();
        });
    }
    menu.addAction(QStringLiteral("Show only its events"), this, [this, pid] {
        state_->setSelectedPid(pid);
        event_process_filter_->setChecked(true);
    });
    menu.exec(global_pos);
}

void MainWindow::askExitSignal(Pid pid, bool kill) {
    const QString title = kill ? QStringLiteral("Kill %1").arg(pidText(pid))
                               : QStringLiteral("Send exit signal to %1").arg(pidText(pid));
    QString label =
        kill ? QStringLiteral(
                   "Exit reason (an Elixir term). :kill cannot be trapped; "
                   "other reasons reach a trapping process as a message.")
             : QStringLiteral("Exit reason (an Elixir term), as Process.exit(pid, reason):");
    QString text = kill ? QStringLiteral(":kill") : QStringLiteral(":shutdown");
    for (;;) {
        bool ok = false;
        text = QInputDialog::getText(this, title, label, QLineEdit::Normal, text, &ok);
        if (!ok) return;
        const std::string error = validateTerm(text.toStdString());
        if (error.empty()) break;
        label = QStringLiteral("Not a term (%1). Exit reason:").arg(QString::fromStdString(error));
    }
    controller_->sendExitSignal(pid, text);
}

void MainWindow::askMessage(Pid pid) {
    QString label = QStringLiteral("Message (an Elixir term, e.g. {:work, 3}):");
    QString text;
    for (;;) {
        bool ok = false;
        text = QInputDialog::getText(this, QStringLiteral("Send message to %1").arg(pidText(pid)),
                                     label, QLineEdit::Normal, text, &ok);
        if (!ok) return;
        const std::string error = validateTerm(text.toStdString());
        if (error.empty()) break;
        label = QStringLiteral("Not a term (%1). Message:").arg(QString::fromStdString(error));
    }
    controller_->sendMessage(pid, text);
}

void MainWindow::applyBreakpointActions() {
    std::vector<Breakpoint> breakpoints = process_breakpoints_;
    const Pid only = break_selected_only_->isChecked() ? state_->selectedPid() : Pid{};
    for (QAction* a : break_kind_actions_)
        if (a->isChecked()) breakpoints.push_back({BreakKind(a->data().toInt()), only});
    controller_->setBreakpoints(std::move(breakpoints));
}

void MainWindow::onBreakpointHit(quint64 seq, const QString& description) {
    // The trace window must reach the event before the cursor can be put on it.
    refreshLiveViews(true);
    int row = event_model_->rowOfSeq(seq);
    if (row < 0) return;
    QModelIndex shown = event_filter_->mapFromSource(event_model_->index(row, 0));
    if (!shown.isValid()) {
        // The filter hides the event that hit: show everything so it can be highlighted.
        event_process_filter_->setChecked(false);
        event_kind_filter_->setCurrentIndex(1);
        shown = event_filter_->mapFromSource(event_model_->index(row, 0));
    }
    const QModelIndex source = event_model_->index(row, 0);
    // The run is paused exactly at the event (later ones are held back), so the live edge is
    // there too: the cursor goes to it and keeps following, and Continue watches the run again.
    moving_cursor_ = true;
    state_->setCursorUs(double(source.data(TimeRole).toLongLong()));
    moving_cursor_ = false;
    const QVariant packed = source.data(PidRole);
    if (packed.isValid()) state_->setSelectedPid(Pid::from_packed(packed.toULongLong()));
    if (shown.isValid()) {
        event_table_->selectRow(shown.row());
        event_table_->scrollTo(shown, QAbstractItemView::PositionAtCenter);
    }
    if (auto* dock = findChild<QDockWidget*>(QStringLiteral("events"))) dock->raise();
    appendConsole(QStringLiteral("[breakpoint: %1]\n").arg(description), false);
    statusBar()->showMessage(
        QStringLiteral("Paused at a breakpoint: %1 (F5 continues)").arg(description));
}

}  // namespace tasklens::ui
