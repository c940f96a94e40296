// Over 800 lines: building the window's docks and wiring them to the shared ViewState and
// RunController; the actions (files, run control, export) are already in main_window_actions.cpp.
#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSlider>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "engine/trace/trace_file.h"
#include "ui/lineage_view.h"
#include "ui/models.h"
#include "ui/palette.h"
#include "ui/sample_trace.h"
#include "ui/timeline_plot.h"
#include "ui/trace_adapter.h"
#include "ui/tree_view.h"
#include "ui/view_state.h"

namespace tasklens::ui {

namespace {

/// The slider works in steps; the cursor is in µs.
constexpr int kSliderSteps = 10000;
/// The console keeps this many lines; older ones scroll away (a runaway printer stays bounded).
constexpr int kConsoleMaxLines = 20000;

QString html(std::string_view text) {
    return QString::fromUtf8(text.data(), qsizetype(text.size())).toHtmlEscaped();
}

/// `file.exs:LINE:COL` (or `file.exs:LINE`) as compile errors and stack traces print it.
const QRegularExpression& sourceLocationPattern() {
    static const QRegularExpression pattern(QStringLiteral(R"(([^\s:()]+\.exs):(\d+)(?::(\d+))?)"));
    return pattern;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), state_(new ViewState(this)), controller_(new RunController(this)) {
    buildViews();
    buildDocks();
    buildActions();
    loadGallery();
    fitToScreen();

    connect(state_, &ViewState::cursorChanged, this, [this](double t) {
        if (!moving_cursor_ && live_ && following_live_) setFollowingLive(false);
        syncSliderFromState();
        process_model_->setCursorUs(static_cast<int64_t>(t));
        showInspector();
        followCursorInEventLog();
    });
    connect(state_, &ViewState::selectedPidChanged, this, [this](Pid pid) {
        showInspector();
        const int row = process_model_->rowOf(pid);
        if (row >= 0)
            process_table_->selectRow(
                process_proxy_->mapFromSource(process_model_->index(row, 0)).row());
        if (event_process_filter_->isChecked()) event_filter_->setProcess(pid);
    });

    // Live runs.
    connect(controller_, &RunController::runStarted, this, &MainWindow::adoptLiveModel);
    // While a run goes on, the views catch up at 20 frames a second (the pump drains its batches
    // at 60): enough to watch, and the cursor moves with virtual time even when nothing happens.
    live_timer_ = new QTimer(this);
    live_timer_->setObjectName(QStringLiteral("liveFrameTimer"));
    live_timer_->setInterval(50);
    connect(live_timer_, &QTimer::timeout, this, [this] { refreshLiveViews(); });
    connect(controller_, &RunController::consoleOutput, this, &MainWindow::appendConsole);
    // A step (or a command) adds events while the run stays paused: show them too.
    connect(controller_->pump(), &EventPump::eventsAppended, this, [this] {
        if (controller_->state() == RunState::Paused && !refreshing_) refreshLiveViews();
    });
    connect(controller_, &RunController::stateChanged, this, [this](RunState state) {
        // While running, each frame takes in at most kLiveFrameEvents of the engine's events
        // (the engine waits for the rest, see EventPump::setFrameCap); a pause, a step or the
        // end takes in everything.
        controller_->pump()->setFrameCap(state == RunState::Running ? kLiveFrameEvents : 0);
        if (state == RunState::Running)
            live_timer_->start();
        else
            live_timer_->stop();
        tree_->setPaced(state == RunState::Running);
        updateRunActions();
        // A pause, a step or the end is a moment to look at: show it exactly, the status bar's
        // event count included (after the drain, not at the next tick of its timer).
        if (state != RunState::Running && live_) refreshLiveViews();
        updateStatus();
    });
    connect(controller_, &RunController::runEnded, this, [this](int status) {
        if (!controller_->lastRunCompiled()) {
            markCompileError(consoleText());
            statusBar()->showMessage(
                QStringLiteral("The scenario did not compile; the previous trace stays on screen. "
                               "Click the error in the console to go to it."));
        } else {
            if (live_) refreshLiveViews();
            statusBar()->showMessage(
                QStringLiteral("%1 %2 at %3 of virtual time, %4 events")
                    .arg(
                        controller_->scenarioName(),
                        controller_->lastRunStopped()
                            ? QStringLiteral("stopped")
                            : (status == 0 ? QStringLiteral("finished")
                                           : QStringLiteral("exited with status 1")),
                        QString::fromStdString(formatDuration(double(controller_->virtualNowUs()))))
                    .arg(model_ ? model_->event_count() : 0));
            const QString how = controller_->lastRunStopped()
                                    ? QStringLiteral("stopped")
                                    : (status == 0 ? QStringLiteral("finished")
                                                   : QStringLiteral("exited with status 1"));
            appendConsole(QStringLiteral("[%1 %2 at %3]\n")
                              .arg(controller_->scenarioName(), how,
                                   QString::fromStdString(
                                       formatDuration(double(controller_->virtualNowUs())))),
                          false);
        }
        updateTitle();
    });
    connect(controller_, &RunController::breakpointHit, this, &MainWindow::onBreakpointHit);
    connect(controller_, &RunController::commandFailed, this, [this](const QString& message) {
        appendConsole(QStringLiteral("[%1]\n").arg(message), true);
        statusBar()->showMessage(message, 8000);
    });
    connect(controller_, &RunController::commandDone, this, [this](const QString& message) {
        appendConsole(QStringLiteral("[%1]\n").arg(message), false);
        statusBar()->showMessage(message, 8000);
    });
    auto* status_timer = new QTimer(this);
    status_timer->setInterval(100);
    connect(status_timer, &QTimer::timeout, this, &MainWindow::updateStatus);
    status_timer->start();

    updateRunActions();
    updateTitle();
    statusBar()->showMessage(QStringLiteral(
        "Pick a demo in the gallery and press F5 to watch it run, or open a scenario (Ctrl+O)."));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildViews() {
    timeline_ = new TimelinePlot;
    timeline_->setViewState(state_);
    tree_ = new SupervisionTreeView;
    tree_->setViewState(state_);
    lineage_ = new LineageView;
    lineage_->setViewState(state_);

    // Tree and lineage share the upper half as tabs, so each gets the full width it needs.
    pictures_ = new QTabWidget;
    pictures_->addTab(tree_, QStringLiteral("Supervision tree"));
    pictures_->addTab(lineage_, QStringLiteral("Lineage ($callers / $ancestors)"));
    connect(tree_, &SupervisionTreeView::processActivated, this, [this](Pid pid) {
        state_->setSelectedPid(pid);
        pictures_->setCurrentWidget(lineage_);
    });
    // The plot and the tab bar would otherwise ask for ~800 px (legend row, label column):
    // explicit minimums let the window fit 1280x800 and a doubled scale factor (800x500).
    timeline_->setMinimumSize(240, 120);
    pictures_->setMinimumSize(240, 110);
    auto* central = new QSplitter(Qt::Vertical);
    central->addWidget(pictures_);
    central->addWidget(timeline_);
    central->setStretchFactor(0, 1);
    central->setStretchFactor(1, 1);
    central->setSizes({380, 420});
    setCentralWidget(central);

    // Right-click on a process: act on the run. The views select the process under the mouse
    // on press, so the menu acts on the selection.
    auto menu_on = [this](QWidget* view) {
        view->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(view, &QWidget::customContextMenuRequested, this, [this, view](QPoint pos) {
            showProcessMenu(state_->selectedPid(), view->mapToGlobal(pos));
        });
    };
    menu_on(tree_);
    menu_on(lineage_);
    // The timeline selects lanes on left-button release only: hit-test the lane here.
    timeline_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(timeline_, &QWidget::customContextMenuRequested, this, [this](QPoint pos) {
        const TimelineData* data = timeline_->timelineData();
        QCPAxisRect* lanes = timeline_->axisRect(0);
        if (!data || !lanes || pos.y() < lanes->top() || pos.y() > lanes->bottom()) return;
        // The lane axis is the plot's main y axis (lane i covers [i - 0.5, i + 0.5]); the label
        // column left of the rect shares its rows.
        const int lane = int(std::lround(timeline_->yAxis->pixelToCoord(pos.y())));
        if (lane < 0 || lane >= data->laneCount()) return;
        state_->setSelectedPid(data->lanes[size_t(lane)].process.pid);
        showProcessMenu(data->lanes[size_t(lane)].process.pid, timeline_->mapToGlobal(pos));
    });
}

void MainWindow::buildDocks() {
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setDockNestingEnabled(true);

    // Scenario gallery and editor.
    auto* scenario_panel = new QWidget;
    auto* scenario_layout = new QVBoxLayout(scenario_panel);
    scenario_layout->setContentsMargins(2, 2, 2, 2);
    gallery_ = new QListWidget;
    gallery_->setWordWrap(true);
    gallery_->setTextElideMode(Qt::ElideRight);
    editor_ = new CodeEditor;  // line numbers, Elixir highlighting, the error marker in the gutter
    connect(editor_, &CodeEditor::errorMarkerClicked, this,
            [this](int line) { goToSource(line, 1); });
    editor_->setPlaceholderText(
        QStringLiteral("Elixir scenario (.exs): pick a demo above, open a "
                       "file (Ctrl+O) or type, then Run (F5)"));
    editor_->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(gallery_);
    split->addWidget(editor_);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({170, 600});
    scenario_layout->addWidget(split);
    connect(gallery_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        if (item && confirmDiscardEdits()) openScenarioFile(item->data(Qt::UserRole).toString());
    });
    // Moving through the gallery with the arrow keys shows each demo, as a click does; with
    // unsaved edits it waits for Enter or a click, which ask before discarding them.
    connect(gallery_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (item && item->data(Qt::UserRole).toString() != scenario_path_ &&
            !editor_->document()->isModified())
            openScenarioFile(item->data(Qt::UserRole).toString());
    });
    connect(gallery_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        if (item && item->data(Qt::UserRole).toString() != scenario_path_ && confirmDiscardEdits())
            openScenarioFile(item->data(Qt::UserRole).toString());
    });
    connect(editor_->document(), &QTextDocument::modificationChanged, this,
            [this] { updateTitle(); });
    connect(editor_, &QPlainTextEdit::textChanged, this, [this] {
        if (error_line_ > 0) clearErrorMarker();
        updateRunActions();
    });
    // Small minimum widths, so the window fits 1280x800 and a doubled scale factor.
    scenario_panel->setMinimumWidth(160);
    gallery_->setMinimumWidth(120);
    editor_->setMinimumWidth(120);
    auto* scenario_dock = new QDockWidget(QStringLiteral("Scenario"), this);
    scenario_dock->setObjectName(QStringLiteral("scenarios"));
    scenario_dock->setWidget(scenario_panel);
    addDockWidget(Qt::LeftDockWidgetArea, scenario_dock);

    // Process list with search.
    process_model_ = new ProcessListModel(this);
    process_proxy_ = new QSortFilterProxyModel(this);
    process_proxy_->setSourceModel(process_model_);
    process_proxy_->setSortRole(SortRole);
    process_proxy_->setFilterKeyColumn(-1);
    process_proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    process_table_ = new QTableView;
    process_table_->setModel(process_proxy_);
    process_table_->setSortingEnabled(true);
    process_table_->sortByColumn(ProcessListModel::SpawnColumn, Qt::AscendingOrder);
    process_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    process_table_->setSelectionMode(QAbstractItemView::SingleSelection);
    process_table_->verticalHeader()->hide();
    process_table_->verticalHeader()->setDefaultSectionSize(20);
    process_table_->horizontalHeader()->setStretchLastSection(true);
    process_table_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(process_table_, &QTableView::clicked, this, [this](const QModelIndex& index) {
        state_->setSelectedPid(Pid::from_packed(index.data(PidRole).toULongLong()));
    });
    connect(process_table_, &QWidget::customContextMenuRequested, this, [this](QPoint pos) {
        const QModelIndex index = process_table_->indexAt(pos);
        if (!index.isValid()) return;
        const Pid pid = Pid::from_packed(index.data(PidRole).toULongLong());
        state_->setSelectedPid(pid);
        showProcessMenu(pid, process_table_->viewport()->mapToGlobal(pos));
    });
    auto* search = new QLineEdit;
    search->setPlaceholderText(QStringLiteral("Search pid, name or initial call"));
    search->setClearButtonEnabled(true);
    connect(search, &QLineEdit::textChanged, process_proxy_,
            &QSortFilterProxyModel::setFilterFixedString);
    auto* process_panel = new QWidget;
    auto* process_layout = new QVBoxLayout(process_panel);
    process_layout->setContentsMargins(0, 0, 0, 0);
    process_layout->addWidget(search);
    process_layout->addWidget(process_table_);
    process_panel->setMinimumWidth(140);
    process_table_->setMinimumWidth(120);
    auto* process_dock = new QDockWidget(QStringLiteral("Processes"), this);
    process_dock->setObjectName(QStringLiteral("processes"));
    process_dock->setWidget(process_panel);
    addDockWidget(Qt::RightDockWidgetArea, process_dock);

    // Inspector: the selected process as it was at the cursor.
    inspector_ = new QTextBrowser;
    inspector_->setOpenLinks(false);
    connect(inspector_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("pid"))
            state_->setSelectedPid(Pid::from_packed(url.path().toULongLong()));
    });
    inspector_->setMinimumWidth(120);
    auto* inspector_dock = new QDockWidget(QStringLiteral("Process inspector"), this);
    inspector_dock->setObjectName(QStringLiteral("inspector"));
    inspector_dock->setWidget(inspector_);
    addDockWidget(Qt::RightDockWidgetArea, inspector_dock);
    splitDockWidget(process_dock, inspector_dock, Qt::Vertical);

    // Event log (filtered by kind and process, following the cursor) and console.
    event_model_ = new EventLogModel(this);
    event_filter_ = new EventLogFilterModel(this);
    event_filter_->setSourceModel(event_model_);
    event_table_ = new QTableView;
    event_table_->setModel(event_filter_);
    event_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    event_table_->setSelectionMode(QAbstractItemView::SingleSelection);
    event_table_->verticalHeader()->hide();
    event_table_->verticalHeader()->setDefaultSectionSize(20);
    event_table_->horizontalHeader()->setStretchLastSection(true);
    event_table_->setColumnWidth(EventLogModel::SeqColumn, 60);
    event_table_->setColumnWidth(EventLogModel::TimeColumn, 90);
    event_table_->setColumnWidth(EventLogModel::KindColumn, 110);
    event_table_->setColumnWidth(EventLogModel::ProcessColumn, 230);
    event_table_->setColumnWidth(EventLogModel::PeerColumn, 230);
    connect(event_table_, &QTableView::clicked, this, [this](const QModelIndex& index) {
        state_->setCursorUs(double(index.data(TimeRole).toLongLong()));
        const auto packed = index.data(PidRole);
        if (packed.isValid() && !event_process_filter_->isChecked())
            state_->setSelectedPid(Pid::from_packed(packed.toULongLong()));
    });
    event_kind_filter_ = new QComboBox;
    event_kind_filter_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    event_kind_filter_->setMinimumContentsLength(10);
    struct Preset {
        const char* name;
        std::vector<trace::EventKind> kinds;  // empty: all but scheduling
    };
    using K = trace::EventKind;
    static const std::vector<Preset> presets = {
        {"All but scheduling", {}},
        {"All events", {}},
        {"Lifecycle (spawn, exit, signals)",
         {K::Spawn, K::Exit, K::ExitSignal, K::Down, K::Link, K::Unlink, K::Monitor, K::Demonitor,
          K::Caller}},
        {"Messages", {K::Send, K::Receive, K::Reply}},
        {"Waits and timeouts", {K::WaitStart, K::WaitEnd, K::Sleep}},
        {"Supervision",
         {K::ChildStart, K::ChildRestart, K::ChildTerminate, K::SupervisorGiveUp, K::Register,
          K::Unregister, K::NodeUp, K::NodeDown}},
        {"Output and logs", {K::Console, K::Log}},
    };
    for (const Preset& preset : presets)
        event_kind_filter_->addItem(QString::fromLatin1(preset.name));
    connect(event_kind_filter_, &QComboBox::currentIndexChanged, this, [this](int i) {
        std::bitset<trace::kEventKindCount> kinds;
        if (i <= 1) {
            kinds.set();
            if (i == 0) kinds.reset(size_t(trace::EventKind::StateChange));
        } else {
            for (auto kind : presets[size_t(i)].kinds) kinds.set(size_t(kind));
        }
        event_filter_->setKindsShown(kinds);
        followCursorInEventLog();
    });
    {
        std::bitset<trace::kEventKindCount> kinds;
        kinds.set();
        kinds.reset(size_t(trace::EventKind::StateChange));
        event_filter_->setKindsShown(kinds);
    }
    event_process_filter_ = new QCheckBox(QStringLiteral("Selected process"));
    event_process_filter_->setToolTip(QStringLiteral("Only events about the selected process"));
    connect(event_process_filter_, &QCheckBox::toggled, this, [this](bool on) {
        event_filter_->setProcess(on ? state_->selectedPid() : Pid{});
        followCursorInEventLog();
    });
    event_follow_ = new QCheckBox(QStringLiteral("Follow cursor"));
    event_follow_->setToolTip(QStringLiteral("Select the event at the time cursor"));
    event_follow_->setChecked(true);
    auto* log_panel = new QWidget;
    auto* log_layout = new QVBoxLayout(log_panel);
    log_layout->setContentsMargins(0, 0, 0, 0);
    log_layout->setSpacing(2);
    auto* filter_row = new QHBoxLayout;
    filter_row->addWidget(new QLabel(QStringLiteral("Show")));
    filter_row->addWidget(event_kind_filter_);
    filter_row->addWidget(event_process_filter_);
    filter_row->addWidget(event_follow_);
    filter_row->addStretch(1);
    log_layout->addLayout(filter_row);
    log_layout->addWidget(event_table_);
    auto* log_dock = new QDockWidget(QStringLiteral("Event log"), this);
    log_dock->setObjectName(QStringLiteral("events"));
    log_dock->setWidget(log_panel);
    addDockWidget(Qt::BottomDockWidgetArea, log_dock);

    console_ = new QPlainTextEdit;
    console_->setReadOnly(true);
    console_->setMaximumBlockCount(kConsoleMaxLines);
    console_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    console_->setPlaceholderText(
        QStringLiteral("What the scenario prints (IO.puts, errors) appears here as it runs."));
    console_->viewport()->installEventFilter(this);
    console_->viewport()->setCursor(Qt::PointingHandCursor);
    auto* console_dock = new QDockWidget(QStringLiteral("Console"), this);
    console_dock->setObjectName(QStringLiteral("console"));
    console_dock->setWidget(console_);
    addDockWidget(Qt::BottomDockWidgetArea, console_dock);
    tabifyDockWidget(log_dock, console_dock);
    log_dock->raise();
}

void MainWindow::fitToScreen() {
    // 1600x1000 where it fits; a smaller screen (or QT_SCALE_FACTOR=2, which halves it) gets
    // what it has, with room left for a window manager's frame and title bar. The minimum sizes
    // of the views and docks are small enough for 800x500 (1600x1000 at scale 2).
    QSize size(1600, 1000);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableGeometry().size() - QSize(16, 40));
    resize(size.expandedTo(minimumSizeHint()));
}

void MainWindow::applyDefaultDockSizes() {
    // Room for the editor, the tree and the timeline at 1600x1000 and at 1280x800: the side
    // columns take about a quarter and a fifth of the width, the log a fifth of the height.
    auto* scenario = findChild<QDockWidget*>(QStringLiteral("scenarios"));
    auto* processes = findChild<QDockWidget*>(QStringLiteral("processes"));
    auto* inspector = findChild<QDockWidget*>(QStringLiteral("inspector"));
    auto* events = findChild<QDockWidget*>(QStringLiteral("events"));
    const int w = width(), h = height();
    resizeDocks({scenario, processes},
                {std::clamp(w * 25 / 100, 260, 440), std::clamp(w * 20 / 100, 220, 360)},
                Qt::Horizontal);
    resizeDocks({processes, inspector}, {h * 45 / 100, h * 55 / 100}, Qt::Vertical);
    resizeDocks({events}, {std::clamp(h * 20 / 100, 120, 230)}, Qt::Vertical);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    // Once, and only if no saved layout was restored: sizes need the window's real size.
    if (!dock_sizes_applied_) {
        dock_sizes_applied_ = true;
        if (!layout_restored_) applyDefaultDockSizes();
    }
}

void MainWindow::loadGallery() {
    // Scenarios shipped in the resources, then any next to the executable (an installed tree).
    QStringList dirs{
        QStringLiteral(":/scenarios"),
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tasklens/scenarios")};
#ifdef TASKLENS_SOURCE_SCENARIOS
    dirs << QStringLiteral(TASKLENS_SOURCE_SCENARIOS);
#endif
    QStringList seen;
    for (const QString& dir : dirs) {
        for (const QFileInfo& info :
             QDir(dir).entryInfoList({QStringLiteral("*.exs")}, QDir::Files, QDir::Name)) {
            if (seen.contains(info.fileName())) continue;
            seen << info.fileName();
            // The first line is `# <one-line description>`.
            QString description;
            QFile file(info.filePath());
            if (file.open(QIODevice::ReadOnly)) {
                const QString first = QString::fromUtf8(file.readLine()).trimmed();
                if (first.startsWith(QLatin1Char('#')))
                    description = first.mid(1).trimmed().remove(QStringLiteral("Tasklens demo: "));
            }
            auto* item = new QListWidgetItem(
                info.completeBaseName().replace(QLatin1Char('_'), QLatin1Char(' ')) +
                    (description.isEmpty() ? QString() : QStringLiteral(" \u2014 ") + description),
                gallery_);
            item->setData(Qt::UserRole, info.filePath());
            item->setToolTip(info.fileName() + QStringLiteral("\n") + description);
        }
    }
}

bool MainWindow::openScenarioFile(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        const QString why = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        if (error)
            *error = why;
        else
            QMessageBox::warning(this, QStringLiteral("Cannot open scenario"), why);
        return false;
    }
    editor_->setPlainText(QString::fromUtf8(file.readAll()));
    editor_->document()->setModified(false);
    scenario_path_ = path;
    scenario_name_ = QFileInfo(path).fileName();
    clearErrorMarker();
    if (!path.startsWith(QLatin1Char(':'))) addRecentFile(path);
    for (int i = 0; i < gallery_->count(); ++i) {
        if (gallery_->item(i)->data(Qt::UserRole).toString() == path) {
            const QSignalBlocker block(gallery_);
            gallery_->setCurrentRow(i);
        }
    }
    updateTitle();
    updateRunActions();
    statusBar()->showMessage(
        QStringLiteral("%1 loaded: press F5 to run it, F10 to step it.").arg(scenario_name_));
    return true;
}

bool MainWindow::openFile(const QString& path, QString* error) {
    if (path.endsWith(QLatin1String(".jsonl"), Qt::CaseInsensitive) ||
        path.endsWith(QLatin1String(".tlb"), Qt::CaseInsensitive)) {
        const bool ok = openTraceFile(path, error);
        if (ok) addRecentFile(path);
        return ok;
    }
    return openScenarioFile(path, error);
}

void MainWindow::setTrace(std::shared_ptr<const trace::TraceModel> model, const QString& title) {
    if (controller_->state() == RunState::Running || controller_->state() == RunState::Paused)
        controller_->stop();
    live_ = false;
    model_ = std::move(model);
    trace_title_ = title;
    timeline_data_ = std::make_shared<TimelineData>(buildTimelineData(*model_));
    timeline_events_ = model_->event_count();
    process_model_->setTrace(model_);
    event_model_->setTrace(model_);
    process_table_->resizeColumnsToContents();
    timeline_->setTitle(QString());
    timeline_->setTimelineData(timeline_data_);  // resets the shared view state to the whole run
    state_->resetForTrace(timeline_data_->range);
    auto model_ref = model_;
    tree_->setSnapshotProvider([model_ref](int64_t t) { return buildTreeSnapshot(*model_ref, t); },
                               [model_ref](int64_t t, const std::set<TreeGroupKey>& expanded) {
                                   return buildFoldedTreeSnapshot(*model_ref, t, expanded);
                               });
    lineage_->setLineageProvider(
        [model_ref](Pid pid, int64_t t) { return buildLineage(*model_ref, pid, t); });
    console_->clear();
    for (trace::EventIndex i : model_->output_events()) {
        const auto& record = model_->record(i);
        const auto text = model_->string(record.text);
        console_->appendPlainText(QString::fromUtf8(text.data(), qsizetype(text.size())));
    }
    // Start where the tree is fullest: the most telling moment of a run.
    double busiest = timeline_data_->range.begin_us;
    double best = -1;
    for (const auto& point : timeline_data_->processes_alive)
        if (point.value > best) best = point.value, busiest = double(point.t_us);
    state_->setCursorUs(busiest);
    updateTitle();
    updateRunActions();
    statusBar()->showMessage(QStringLiteral("%1 events, %2 processes, %3 of virtual time")
                                 .arg(model_->event_count())
                                 .arg(model_->process_count())
                                 .arg(QString::fromStdString(formatDuration(
                                     double(model_->end_time() - model_->start_time())))));
}

// --- live runs -----------------------------------------------------------------------------------

void MainWindow::adoptLiveModel() {
    // The scenario compiled: from now on the views show its growing trace.
    model_ = controller_->pump()->model();
    live_ = true;
    trace_title_ = controller_->scenarioName();
    console_->clear();
    clearErrorMarker();
    process_model_->setTrace(model_);
    event_model_->setTrace(model_);
    auto model_ref = model_;
    tree_->setSnapshotProvider([model_ref](int64_t t) { return buildTreeSnapshot(*model_ref, t); },
                               [model_ref](int64_t t, const std::set<TreeGroupKey>& expanded) {
                                   return buildFoldedTreeSnapshot(*model_ref, t, expanded);
                               });
    lineage_->setLineageProvider(
        [model_ref](Pid pid, int64_t t) { return buildLineage(*model_ref, pid, t); });
    following_live_ = true;
    timeline_data_.reset();
    live_timeline_ = std::make_unique<LiveTimeline>();
    rebuildTimeline();
    statusBar()->showMessage(
        QStringLiteral("%1 is running: Space pauses, F10 steps, Shift+F5 stops; right-click a "
                       "process to kill it.")
            .arg(controller_->scenarioName()));
    // A fresh run: nothing selected, the whole (short) run visible.
    state_->setSelectedPid(Pid{});
    updateTitle();
    updateRunActions();
}

int64_t MainWindow::liveEdgeUs() const {
    if (!model_) return 0;
    // Virtual time goes on while nothing happens (a sleep, a wait): the edge is the engine's
    // clock, not only the last event.
    const bool active =
        controller_->state() == RunState::Running || controller_->state() == RunState::Paused;
    // While engine events still wait in the pump (a capped frame), the views end at the last
    // event taken in: what comes after it is not shown yet.
    if (!active || controller_->pump()->waiting() > 0) return model_->end_time();
    return std::max(model_->end_time(), controller_->virtualNowUs());
}

void MainWindow::refreshLiveViews(bool rebuild_now) {
    if (!live_ || !model_ || model_ != controller_->pump()->model()) return;
    refreshing_ = true;
    controller_->pump()->drain();
    refreshing_ = false;
    process_model_->refresh();
    event_model_->refresh();
    // The timeline follows every frame in place: its cost is what the frame's events changed.
    const bool settled = controller_->state() != RunState::Running;
    const bool stale = model_->event_count() != timeline_events_ ||
                       (timeline_data_ && double(liveEdgeUs()) > timeline_data_->range.end_us);
    if (stale || !timeline_data_)
        rebuildTimeline();
    else
        applyLiveCursor();
    // A pause or the end is a moment to read: the log shows the event at the cursor.
    if (settled || rebuild_now) followCursorInEventLog();
    emit liveViewsRefreshed();
}

void MainWindow::rebuildTimeline() {
    const TimeWindow old_trace = state_->traceWindow();
    const TimeWindow old_visible = state_->visibleWindow();
    const bool showed_all = !timeline_data_ || (old_visible.begin_us <= old_trace.begin_us &&
                                                old_visible.end_us >= old_trace.end_us);
    const double old_cursor = state_->cursorUs();
    const auto old_selection = state_->selection();
    const Pid old_pid = state_->selectedPid();
    const int old_first_lane = timeline_->firstLane();

    if (!live_timeline_) live_timeline_ = std::make_unique<LiveTimeline>();
    const TimelineDelta& delta = live_timeline_->update(*model_);
    timeline_data_ = live_timeline_->data();
    timeline_events_ = model_->event_count();
    timeline_data_->range.end_us = std::max(timeline_data_->range.end_us, double(liveEdgeUs()));
    {
        // The plot resets the view state to the whole run; a live run keeps the user's zoom,
        // selection and cursor, so the reset is silent and the state is put back.
        const QSignalBlocker block(state_);
        if (timeline_->fullTimelineData() == timeline_data_.get()) {
            timeline_->updateTimelineData(delta);
            state_->resetForTrace(timeline_data_->range);
        } else {
            timeline_->setTimelineData(timeline_data_, delta.settled_before_us);
        }
    }
    const TimeWindow run = timeline_data_->range;
    moving_cursor_ = true;
    state_->setSelection(old_selection);
    state_->setSelectedPid(old_pid);
    if (showed_all) {
        state_->setVisibleWindow(run);
    } else if (following_live_) {
        const double width = old_visible.duration();
        state_->setVisibleWindow({run.end_us - width, run.end_us});
    } else {
        state_->setVisibleWindow(old_visible);
    }
    if (timeline_->firstLane() != old_first_lane) timeline_->setFirstLane(old_first_lane);
    if (!following_live_) state_->setCursorUs(old_cursor);
    moving_cursor_ = false;
    const double cursor_before = state_->cursorUs();
    applyLiveCursor();
    // The pictures read the model at the cursor: a cursor that moved redrew them already; one
    // that did not must too (the trace grew). The tree keeps the user's zoom and expanded boxes.
    if (state_->cursorUs() == cursor_before) tree_->refresh();
    auto model_ref = model_;
    lineage_->setLineageProvider(
        [model_ref](Pid pid, int64_t t) { return buildLineage(*model_ref, pid, t); });
    showInspector();
    syncSliderFromState();
}

void MainWindow::applyLiveCursor() {
    if (!live_ || !following_live_ || !model_) return;
    moving_cursor_ = true;
    state_->setCursorUs(double(liveEdgeUs()));
    moving_cursor_ = false;
}

void MainWindow::setFollowingLive(bool follow) {
    following_live_ = follow;
    if (QAction* live = action(QStringLiteral("live"))) {
        const QSignalBlocker block(live);
        live->setChecked(follow);
    }
    if (follow && live_) {
        if (timeline_data_) {
            const TimeWindow run = state_->traceWindow();
            const double width = state_->visibleWindow().duration();
            state_->setVisibleWindow({run.end_us - width, run.end_us});
        }
        applyLiveCursor();
    }
}

void MainWindow::followCursorInEventLog() {
    if (!event_follow_ || !event_follow_->isChecked() || event_model_->rowCount() == 0) return;
    // An event already selected at the cursor's moment stays selected (a breakpoint's, a click).
    const auto cursor_us = static_cast<int64_t>(state_->cursorUs());
    const QModelIndexList selected = event_table_->selectionModel()->selectedRows();
    if (selected.size() == 1 && selected[0].data(TimeRole).toLongLong() == cursor_us) return;
    // The last event at or before the cursor that the filter shows.
    int row = event_model_->rowAtTime(static_cast<int64_t>(state_->cursorUs()) + 1);
    if (row > 0 && event_model_->index(row, 0).data(TimeRole).toLongLong() >
                       static_cast<int64_t>(state_->cursorUs()))
        --row;
    for (int tries = 0; row >= 0 && tries < 5000; --row, ++tries) {
        const QModelIndex shown = event_filter_->mapFromSource(event_model_->index(row, 0));
        if (!shown.isValid()) continue;
        const QSignalBlocker block(event_table_->selectionModel());
        event_table_->selectRow(shown.row());
        event_table_->scrollTo(shown, QAbstractItemView::PositionAtCenter);
        return;
    }
}

void MainWindow::appendConsole(const QString& text, bool is_stderr) {
    QTextCursor cursor(console_->document());
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat format;
    format.setForeground(is_stderr ? QColor(200, 40, 40) : console_->palette().text().color());
    cursor.insertText(text, format);
    console_->verticalScrollBar()->setValue(console_->verticalScrollBar()->maximum());
}

void MainWindow::showRunErrors(const QString& text) {
    appendConsole(text.endsWith(QLatin1Char('\n')) ? text : text + QLatin1Char('\n'), true);
    statusBar()->showMessage(text.section(QLatin1Char('\n'), 0, 0), 10000);
}

QString MainWindow::consoleText() const {
    return console_->toPlainText();
}

void MainWindow::markCompileError(const QString& text) {
    const auto match = sourceLocationPattern().match(text);
    if (!match.hasMatch()) return;
    const int line = match.captured(2).toInt();
    const int column = match.captured(3).isEmpty() ? 1 : match.captured(3).toInt();
    QTextBlock block = editor_->document()->findBlockByNumber(line - 1);
    if (!block.isValid()) return;
    QTextEdit::ExtraSelection selection;
    selection.format.setBackground(QColor(255, 200, 200));
    selection.format.setProperty(QTextFormat::FullWidthSelection, true);
    selection.format.setToolTip(text.section(QLatin1Char('\n'), 0, 0));
    selection.cursor = QTextCursor(block);
    QTextEdit::ExtraSelection column_mark;
    column_mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    column_mark.format.setUnderlineColor(QColor(200, 0, 0));
    column_mark.cursor = QTextCursor(block);
    column_mark.cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                                    std::min(column - 1, block.length() - 1));
    column_mark.cursor.movePosition(QTextCursor::EndOfWord, QTextCursor::KeepAnchor);
    editor_->setExtraSelections({selection, column_mark});
    editor_->setErrorLine(line, text.section(QLatin1Char('\n'), 0, 0));
    error_line_ = line;
    goToSource(line, column);
}

void MainWindow::clearErrorMarker() {
    error_line_ = 0;
    editor_->setExtraSelections({});
    editor_->clearErrorLine();
}

void MainWindow::goToSource(int line, int column) {
    QTextBlock block = editor_->document()->findBlockByNumber(std::max(0, line - 1));
    if (!block.isValid()) return;
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                        std::clamp(column - 1, 0, block.length() - 1));
    editor_->setTextCursor(cursor);
    editor_->centerCursor();
    editor_->setFocus();
}

void MainWindow::onConsoleClicked(QPoint pos) {
    const QTextCursor cursor = console_->cursorForPosition(pos);
    const QString line = cursor.block().text();
    auto it = sourceLocationPattern().globalMatch(line);
    while (it.hasNext()) {
        const auto match = it.next();
        if (QFileInfo(match.captured(1)).fileName() != scenario_name_) continue;
        goToSource(match.captured(2).toInt(),
                   match.captured(3).isEmpty() ? 1 : match.captured(3).toInt());
        return;
    }
}

bool MainWindow::selectProcess(const QString& name_or_pid) {
    if (!model_) return false;
    const auto pid =
        findProcess(*model_, name_or_pid.toStdString(), static_cast<int64_t>(state_->cursorUs()));
    if (pid) state_->setSelectedPid(*pid);
    return pid.has_value();
}

void MainWindow::syncSliderFromState() {
    const TimeWindow run = state_->traceWindow();
    const double t = state_->cursorUs();
    const QSignalBlocker block(time_slider_);
    time_slider_->setValue(int((t - run.begin_us) / run.duration() * kSliderSteps));
    time_label_->setText(QStringLiteral(" %1 ").arg(QString::fromStdString(formatDuration(t))));
}

void MainWindow::updateStatus() {
    const RunState state = controller_->state();
    const bool active = state == RunState::Running || state == RunState::Paused;
    busy_->setVisible(state == RunState::Running);
    if (!active) {
        run_status_->setText(model_ ? QStringLiteral("%1 \u00b7 %2 events")
                                          .arg(state == RunState::Finished && live_
                                                   ? QStringLiteral("Finished")
                                                   : QStringLiteral("Trace"))
                                          .arg(QLocale().toString(model_->event_count()))
                                    : QStringLiteral("No run"));
        return;
    }
    const double speed = controller_->speed();
    const QString pace =
        speed <= 0 ? QStringLiteral("max speed") : QStringLiteral("%1\u00d7").arg(speed);
    run_status_->setText(
        QStringLiteral("%1 %2 \u00b7 virtual %3 \u00b7 %4 events")
            .arg(state == RunState::Running ? QStringLiteral("\u25b6 Running")
                                            : QStringLiteral("Paused"),
                 state == RunState::Running ? pace : QString(),
                 QString::fromStdString(formatDuration(double(controller_->virtualNowUs()))),
                 QLocale().toString(controller_->pump()->model()->event_count())));
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if (watched == console_->viewport() && event->type() == QEvent::MouseButtonRelease) {
        auto* mouse = static_cast<QMouseEvent*>(event);
        if (mouse->button() == Qt::LeftButton) onConsoleClicked(mouse->position().toPoint());
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::showInspector() {
    const Pid pid = state_->selectedPid();
    if (!model_ || !pid.valid()) {
        inspector_->setHtml(QStringLiteral(
            "<p style='color:gray'>Select a process in the tree, the timeline or the list.</p>"));
        return;
    }
    const trace::ProcessIndex p = model_->find(pid);
    if (p == trace::kNone) return;
    const auto& info = model_->process(p);
    const auto t = static_cast<int64_t>(state_->cursorUs());
    auto link = [&](trace::ProcessIndex q) {
        if (q == trace::kNone) return QStringLiteral("\u2014");
        return QStringLiteral("<a href='pid:%1'>%2 %3</a>")
            .arg(model_->process(q).pid.packed())
            .arg(QString::fromStdString(model_->display_name(q, t)).toHtmlEscaped(),
                 QString::fromStdString(formatPid(model_->process(q).pid)).toHtmlEscaped());
    };
    auto chain = [&](const std::vector<trace::ProcessIndex>& list) {
        QStringList items;
        for (auto q : list) items << link(q);
        return QStringLiteral("[") + items.join(QStringLiteral(", ")) + QStringLiteral("]");
    };
    QString text;
    text += QStringLiteral("<h3>%1 <tt>%2</tt></h3>")
                .arg(QString::fromStdString(model_->display_name(p, t)).toHtmlEscaped(),
                     QString::fromStdString(formatPid(pid)).toHtmlEscaped());
    const bool alive = info.alive_at(t);
    text += QStringLiteral("<p><b>At %1:</b> %2</p>")
                .arg(QString::fromStdString(formatDuration(double(t))),
                     alive ? stateName(stateAt(*model_, p, t))
                           : (t < info.spawn_us
                                  ? QStringLiteral("not started yet")
                                  : QStringLiteral("<span style='color:#b00'>dead</span>")));
    text += QStringLiteral("<table cellspacing=4>");
    auto row = [&](const QString& key, const QString& value) {
        text += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(key, value);
    };
    row(QStringLiteral("initial call"), html(model_->string(info.initial_call)));
    row(QStringLiteral("spawned"),
        QString::fromStdString(formatDuration(double(info.spawn_us))) +
            (info.spawned_linked ? QStringLiteral(" (linked)") : QString()));
    if (info.exited())
        row(QStringLiteral("exited"), QString::fromStdString(formatDuration(double(info.exit_us))) +
                                          QStringLiteral(": <tt>") +
                                          html(model_->string(info.exit_reason)) +
                                          QStringLiteral("</tt>"));
    row(QStringLiteral("$ancestors"), chain(model_->ancestors(p)));
    row(QStringLiteral("$callers"), chain(model_->callers(p)));
    if (info.supervisor != trace::kNone)
        row(QStringLiteral("supervisor"), link(info.supervisor) + QStringLiteral(" child ") +
                                              html(model_->string(info.child_id)));
    QStringList links, monitors, monitored_by;
    for (uint32_t r : model_->relations_of(p)) {
        const auto& relation = model_->relations()[r];
        if (!relation.active_at(t)) continue;
        const trace::ProcessIndex other = relation.from == p ? relation.to : relation.from;
        if (relation.kind == trace::Relation::Kind::Link)
            links << link(other);
        else if (relation.from == p)
            monitors << link(relation.to);
        else
            monitored_by << link(relation.from);
    }
    row(QStringLiteral("links"), links.join(QStringLiteral(", ")));
    row(QStringLiteral("monitors"), monitors.join(QStringLiteral(", ")));
    row(QStringLiteral("monitored by"), monitored_by.join(QStringLiteral(", ")));
    QStringList kids;
    for (auto child : model_->spawned_children(p)) kids << link(child);
    row(QStringLiteral("spawned"), kids.join(QStringLiteral(", ")));
    // Restart and exit history of the child slots it supervises.
    for (uint32_t slot : model_->child_slots_of(p)) {
        QStringList exits;
        for (const auto& exit : model_->exit_history(slot, t))
            exits << QStringLiteral("%1 <tt>%2</tt>")
                         .arg(QString::fromStdString(formatDuration(double(exit.time_us))),
                              html(model_->string(exit.reason)));
        row(QStringLiteral("child ") + html(model_->string(model_->child_slots()[slot].child_id)),
            QStringLiteral("%1 restarts; exits: %2")
                .arg(model_->restart_count(slot, t))
                .arg(exits.isEmpty() ? QStringLiteral("none") : exits.join(QStringLiteral(", "))));
    }
    text += QStringLiteral("</table>");
    inspector_->setHtml(text);
}

}  // namespace tasklens::ui
