#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

#include "engine/trace/trace_file.h"
#include "ui/image_export.h"
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

QString html(std::string_view text) {
    return QString::fromUtf8(text.data(), qsizetype(text.size())).toHtmlEscaped();
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), state_(new ViewState(this)) {
    setWindowTitle(QStringLiteral("Tasklens"));
    resize(1500, 950);

    timeline_ = new TimelinePlot;
    timeline_->setViewState(state_);
    tree_ = new SupervisionTreeView;
    tree_->setViewState(state_);
    lineage_ = new LineageView;
    lineage_->setViewState(state_);

    // Tree and lineage share the upper half as tabs, so each gets the full width it needs.
    auto* pictures = new QTabWidget;
    pictures->addTab(tree_, QStringLiteral("Supervision tree"));
    pictures->addTab(lineage_, QStringLiteral("Lineage ($callers / $ancestors)"));
    connect(tree_, &SupervisionTreeView::processActivated, pictures,
            [pictures, this] { pictures->setCurrentWidget(lineage_); });
    auto* central = new QSplitter(Qt::Vertical);
    central->addWidget(pictures);
    central->addWidget(timeline_);
    central->setStretchFactor(0, 1);
    central->setStretchFactor(1, 1);
    central->setSizes({360, 540});
    setCentralWidget(central);

    buildDocks();
    buildActions();
    loadGallery();

    connect(state_, &ViewState::cursorChanged, this, &MainWindow::syncSliderFromState);
    connect(state_, &ViewState::cursorChanged, this, [this](double t) {
        process_model_->setCursorUs(static_cast<int64_t>(t));
        showInspector();
    });
    connect(state_, &ViewState::selectedPidChanged, this, [this](Pid pid) {
        showInspector();
        const int row = process_model_->rowOf(pid);
        if (row >= 0)
            process_table_->selectRow(
                process_proxy_->mapFromSource(process_model_->index(row, 0)).row());
    });
    connect(tree_, &SupervisionTreeView::processActivated, this, [this](Pid pid) {
        state_->setSelectedPid(pid);
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("inspector"))) dock->raise();
    });
    statusBar()->showMessage(
        QStringLiteral("Open a trace (Ctrl+O) or the sample trace (Ctrl+Shift+O)."));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks() {
    // Scenario gallery and editor.
    auto* scenario_panel = new QWidget;
    auto* scenario_layout = new QVBoxLayout(scenario_panel);
    gallery_ = new QListWidget;
    editor_ = new QPlainTextEdit;
    editor_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    editor_->setPlaceholderText(QStringLiteral("Elixir scenario (.exs)"));
    auto* run_button = new QPushButton(QStringLiteral("Run scenario"));
    scenario_layout->addWidget(gallery_, 1);
    scenario_layout->addWidget(editor_, 3);
    scenario_layout->addWidget(run_button);
    connect(gallery_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (!item) return;
        QFile file(item->data(Qt::UserRole).toString());
        if (file.open(QIODevice::ReadOnly))
            editor_->setPlainText(QString::fromUtf8(file.readAll()));
    });
    connect(run_button, &QPushButton::clicked, this, [this] {
        const QString name = gallery_->currentItem() ? gallery_->currentItem()->text()
                                                     : QStringLiteral("scratch.exs");
        emit runScenarioRequested(editor_->toPlainText(), name);
    });
    auto* scenario_dock = new QDockWidget(QStringLiteral("Scenarios"), this);
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
    process_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    process_table_->setSelectionMode(QAbstractItemView::SingleSelection);
    process_table_->verticalHeader()->hide();
    process_table_->horizontalHeader()->setStretchLastSection(true);
    connect(process_table_, &QTableView::clicked, this, [this](const QModelIndex& index) {
        state_->setSelectedPid(Pid::from_packed(index.data(PidRole).toULongLong()));
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
    auto* process_dock = new QDockWidget(QStringLiteral("Processes"), this);
    process_dock->setObjectName(QStringLiteral("processes"));
    process_dock->setWidget(process_panel);
    addDockWidget(Qt::LeftDockWidgetArea, process_dock);

    // Inspector: the selected process as it was at the cursor.
    inspector_ = new QTextBrowser;
    inspector_->setOpenLinks(false);
    connect(inspector_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("pid"))
            state_->setSelectedPid(Pid::from_packed(url.path().toULongLong()));
    });
    auto* inspector_dock = new QDockWidget(QStringLiteral("Process inspector"), this);
    inspector_dock->setObjectName(QStringLiteral("inspector"));
    inspector_dock->setWidget(inspector_);
    addDockWidget(Qt::RightDockWidgetArea, inspector_dock);

    // Event log and console.
    event_model_ = new EventLogModel(this);
    event_table_ = new QTableView;
    event_table_->setModel(event_model_);
    event_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    event_table_->verticalHeader()->hide();
    event_table_->verticalHeader()->setDefaultSectionSize(20);
    event_table_->horizontalHeader()->setStretchLastSection(true);
    connect(event_table_, &QTableView::clicked, this, [this](const QModelIndex& index) {
        state_->setCursorUs(double(index.data(TimeRole).toLongLong()));
        const auto packed = index.data(PidRole);
        if (packed.isValid()) state_->setSelectedPid(Pid::from_packed(packed.toULongLong()));
    });
    auto* log_dock = new QDockWidget(QStringLiteral("Event log"), this);
    log_dock->setObjectName(QStringLiteral("events"));
    log_dock->setWidget(event_table_);
    addDockWidget(Qt::BottomDockWidgetArea, log_dock);
    console_ = new QPlainTextEdit;
    console_->setReadOnly(true);
    console_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* console_dock = new QDockWidget(QStringLiteral("Console"), this);
    console_dock->setObjectName(QStringLiteral("console"));
    console_dock->setWidget(console_);
    addDockWidget(Qt::BottomDockWidgetArea, console_dock);
    tabifyDockWidget(log_dock, console_dock);
    log_dock->raise();
    resizeDocks({inspector_dock, scenario_dock}, {360, 300}, Qt::Horizontal);
    resizeDocks({log_dock}, {200}, Qt::Vertical);
}

void MainWindow::buildActions() {
    QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction* open = file->addAction(QStringLiteral("&Open trace\u2026"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, QStringLiteral("Open trace"), QString(),
            QStringLiteral("Tasklens traces (*.jsonl);;All files (*)"));
        if (!path.isEmpty()) openTraceFile(path);
    });
    open->setShortcut(QKeySequence::Open);
    QAction* sample =
        file->addAction(QStringLiteral("Open &sample trace"), this, &MainWindow::openSampleTrace);
    sample->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    file->addAction(QStringLiteral("&Export view as image\u2026"), this,
                    &MainWindow::exportCurrentView)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    file->addAction(QStringLiteral("&Quit"), qApp, &QApplication::quit)
        ->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addAction(QStringLiteral("Show &whole run"), state_, &ViewState::showAll)
        ->setShortcut(Qt::Key_Home);
    for (auto* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());

    // The time slider: the one time cursor, as a control.
    QToolBar* bar = addToolBar(QStringLiteral("Time"));
    bar->setObjectName(QStringLiteral("time"));
    bar->addWidget(new QLabel(QStringLiteral(" Time ")));
    time_slider_ = new QSlider(Qt::Horizontal);
    time_slider_->setRange(0, kSliderSteps);
    time_slider_->setMinimumWidth(400);
    bar->addWidget(time_slider_);
    time_label_ = new QLabel(QStringLiteral(" \u2014 "));
    time_label_->setMinimumWidth(90);
    bar->addWidget(time_label_);
    connect(time_slider_, &QSlider::valueChanged, this, [this](int value) {
        const TimeWindow run = state_->traceWindow();
        state_->setCursorUs(run.begin_us + run.duration() * value / kSliderSteps);
    });
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
            auto* item = new QListWidgetItem(info.fileName(), gallery_);
            item->setData(Qt::UserRole, info.filePath());
        }
    }
}

void MainWindow::setTrace(std::shared_ptr<const trace::TraceModel> model, const QString& title) {
    model_ = std::move(model);
    timeline_data_ = std::make_shared<TimelineData>(buildTimelineData(*model_));
    setWindowTitle(QStringLiteral("Tasklens \u2014 %1").arg(title));
    process_model_->setTrace(model_);
    event_model_->setTrace(model_);
    process_table_->resizeColumnsToContents();
    timeline_->setTitle(QString());
    timeline_->setTimelineData(timeline_data_);  // resets the shared view state to the whole run
    state_->resetForTrace(timeline_data_->range);
    auto model_ref = model_;
    tree_->setSnapshotProvider([model_ref](int64_t t) { return buildTreeSnapshot(*model_ref, t); });
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
    statusBar()->showMessage(QStringLiteral("%1 events, %2 processes, %3 of virtual time")
                                 .arg(model_->event_count())
                                 .arg(model_->process_count())
                                 .arg(QString::fromStdString(formatDuration(
                                     double(model_->end_time() - model_->start_time())))));
}

bool MainWindow::openTraceFile(const QString& path) {
    trace::TraceFile file = trace::read_trace_file(path.toStdString());
    if (!file.ok()) {
        QMessageBox::warning(this, QStringLiteral("Cannot open trace"),
                             QString::fromStdString(file.error->what()));
        if (file.events.empty()) return false;
    }
    setTrace(std::make_shared<trace::TraceModel>(file.events, file.run),
             QFileInfo(path).fileName());
    return true;
}

void MainWindow::openSampleTrace() {
    setTrace(std::make_shared<trace::TraceModel>(sampleTaskSupervisorTrace(),
                                                 trace::RunInfo{"sample: Task.Supervisor", 2}),
             QStringLiteral("sample: Task.Supervisor"));
}

bool MainWindow::selectProcess(const QString& name_or_pid) {
    if (!model_) return false;
    const auto pid = findProcess(*model_, name_or_pid.toStdString());
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

void MainWindow::exportCurrentView() {
    if (!timeline_data_) return;
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export timeline"),
                                                      QStringLiteral("timeline.png"),
                                                      QStringLiteral("Images (*.png *.svg *.pdf)"));
    if (path.isEmpty()) return;
    QString error;
    ImageRequest request{path, {1600, 900}, 1.0, {}};
    if (!exportTimeline(*timeline_data_, request, &error, state_->visibleWindow()))
        QMessageBox::warning(this, QStringLiteral("Export failed"), error);
}

QString MainWindow::consoleText() const { return console_->toPlainText(); }

void MainWindow::showRunErrors(const QString& text) {
    console_->appendPlainText(text);
    statusBar()->showMessage(text.section(QLatin1Char('\n'), 0, 0), 10000);
}

}  // namespace tasklens::ui
