#include "ui/models.h"

#include <QBrush>
#include <QFont>
#include <algorithm>

#include "ui/palette.h"
#include "ui/trace_adapter.h"

namespace tasklens::ui {

using trace::kNone;
using trace::kOpenEnd;

namespace {

QString durationText(int64_t us) {
    return QString::fromStdString(formatDuration(double(us)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------

ProcessListModel::ProcessListModel(QObject* parent) : QAbstractTableModel(parent) {}

void ProcessListModel::setTrace(std::shared_ptr<const trace::TraceModel> model) {
    beginResetModel();
    model_ = std::move(model);
    rows_ = model_ ? int(model_->process_count()) : 0;
    seen_events_ = model_ ? model_->event_count() : 0;
    if (model_) cursor_us_ = model_->end_time();
    endResetModel();
}

std::pair<int, int> ProcessListModel::rowsOfEvents(uint32_t first, uint32_t last) const {
    // A row's cells change only with the events of its process (as its process or its peer):
    // its name, role and exit are set by them, and its state at the cursor changes at them.
    int lo = rows_, hi = -1;
    for (uint32_t e = first; e < last; ++e) {
        const trace::EventRecord& record = model_->record(e);
        for (const trace::ProcessIndex p : {record.process, record.peer}) {
            if (p == kNone || int(p) >= rows_) continue;
            lo = std::min(lo, int(p));
            hi = std::max(hi, int(p));
        }
    }
    return {lo, hi};
}

void ProcessListModel::refresh() {
    if (!model_) return;
    const int old_rows = rows_;
    const int rows = int(model_->process_count());
    const uint32_t events = model_->event_count();
    // Names, states and exits change over a run; rows are answered on demand, so telling the
    // views is all there is to do, for the rows the new events concern (not every row: a sorting
    // and filtering proxy goes over every row it is told about, 100,000 per live frame).
    // Pid and spawn time never change once a row exists. Leaving them out matters: a change
    // reported in the sort column (spawn, by default) makes a sorting proxy re-sort every row,
    // which cost a live frame of a 100k-process run tens of milliseconds.
    const auto [lo, hi] = rowsOfEvents(seen_events_, events);
    seen_events_ = events;
    if (lo <= hi) {
        emit dataChanged(index(lo, NameColumn), index(hi, StateColumn));
        emit dataChanged(index(lo, ExitColumn), index(hi, ReasonColumn));
    }
    if (rows > old_rows) {
        beginInsertRows({}, old_rows, rows - 1);
        rows_ = rows;
        endInsertRows();
    }
}

void ProcessListModel::setCursorUs(int64_t t_us) {
    if (t_us == cursor_us_) return;
    const int64_t from = std::min(cursor_us_, t_us);
    const int64_t to = std::max(cursor_us_, t_us);
    cursor_us_ = t_us;
    if (rowCount() == 0) return;
    // The states at the two moments differ only for the processes of the events in (from, to]
    // (a live cursor moves by one frame's events); a long scrub tells every row.
    const auto records =
        model_->records().first(std::min<size_t>(model_->records().size(), seen_events_));
    auto after = [&](int64_t t) {
        return uint32_t(
            std::upper_bound(records.begin(), records.end(), t,
                             [](int64_t v, const trace::EventRecord& r) { return v < r.time_us; }) -
            records.begin());
    };
    const uint32_t first = after(from), last = after(to);
    if (last - first > uint32_t(rows_)) {
        emit dataChanged(index(0, StateColumn), index(rowCount() - 1, StateColumn));
        return;
    }
    const auto [lo, hi] = rowsOfEvents(first, last);
    if (lo <= hi) emit dataChanged(index(lo, StateColumn), index(hi, StateColumn));
}

int ProcessListModel::rowOf(Pid pid) const {
    if (!model_) return -1;
    const trace::ProcessIndex p = model_->find(pid);
    return p == kNone || p >= trace::ProcessIndex(rows_) ? -1 : int(p);
}

int ProcessListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !model_ ? 0 : rows_;
}

int ProcessListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProcessListModel::data(const QModelIndex& index, int role) const {
    if (!model_ ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto p = trace::ProcessIndex(index.row());
    const trace::ProcessInfo& info = model_->process(p);
    const bool alive = info.alive_at(cursor_us_) || (!info.exited() && cursor_us_ >= info.spawn_us);
    switch (role) {
        case PidRole:
            return QVariant::fromValue<qulonglong>(info.pid.packed());
        case TimeRole:
            return QVariant::fromValue<qlonglong>(info.spawn_us);
        case AliveRole:
            return alive;
        case Qt::ForegroundRole:
            return alive ? QVariant() : QVariant(QBrush(kDimTextColor));
        case Qt::DecorationRole:
            if (index.column() == StateColumn)
                return alive ? stateColor(stateAt(*model_, p, cursor_us_))
                             : exitColor(info.reason_class);
            return {};
        case Qt::ToolTipRole: {
            const ProcessLabel label = labelOf(*model_, p);
            return QStringLiteral("%1 %2\n%3")
                .arg(QString::fromStdString(label.title()),
                     QString::fromStdString(formatPid(info.pid)),
                     QString::fromStdString(label.initial_call));
        }
        case SortRole:
            switch (index.column()) {
                case PidColumn:
                    return QVariant::fromValue<qulonglong>(info.pid.packed());
                case SpawnColumn:
                    return QVariant::fromValue<qlonglong>(info.spawn_us);
                case ExitColumn:
                    return QVariant::fromValue<qlonglong>(info.exited() ? info.exit_us : kOpenEnd);
                default:
                    break;
            }
            [[fallthrough]];
        case Qt::DisplayRole:
            switch (index.column()) {
                case PidColumn:
                    return QString::fromStdString(formatPid(info.pid));
                case NameColumn:
                    return QString::fromStdString(labelOf(*model_, p).title());
                case RoleColumn:
                    return roleName(labelOf(*model_, p).role);
                case StateColumn:
                    return alive ? stateName(stateAt(*model_, p, cursor_us_))
                                 : (cursor_us_ < info.spawn_us ? QStringLiteral("not started")
                                                               : QStringLiteral("dead"));
                case SpawnColumn:
                    return durationText(info.spawn_us);
                case ExitColumn:
                    return info.exited() ? durationText(info.exit_us) : QString();
                case ReasonColumn:
                    return QString::fromUtf8(model_->string(info.exit_reason).data(),
                                             qsizetype(model_->string(info.exit_reason).size()));
                default:
                    return {};
            }
        default:
            return {};
    }
}

QVariant ProcessListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Pid",    "Name / initial call", "Role", "State", "Spawned",
                                  "Exited", "Exit reason"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

// ---------------------------------------------------------------------------------------------

EventLogModel::EventLogModel(QObject* parent) : QAbstractTableModel(parent) {}

void EventLogModel::setTrace(std::shared_ptr<const trace::TraceModel> model) {
    beginResetModel();
    model_ = std::move(model);
    rows_ = model_ ? int(model_->event_count()) : 0;
    endResetModel();
}

void EventLogModel::refresh() {
    if (!model_) return;
    const int rows = int(model_->event_count());
    if (rows <= rows_) return;
    beginInsertRows({}, rows_, rows - 1);
    rows_ = rows;
    endInsertRows();
}

int EventLogModel::kindAt(int row) const {
    if (!model_ || row < 0 || row >= rows_) return -1;
    return int(model_->record(trace::EventIndex(row)).kind);
}

bool EventLogModel::involves(int row, Pid pid) const {
    if (!model_ || row < 0 || row >= rows_) return false;
    const trace::EventRecord& record = model_->record(trace::EventIndex(row));
    auto is = [&](trace::ProcessIndex p) {
        return p != kNone && p < model_->process_count() && model_->process(p).pid == pid;
    };
    return is(record.process) || is(record.peer);
}

int EventLogModel::rowOfSeq(uint64_t seq) const {
    if (!model_ || rows_ == 0) return -1;
    // seq grows with the index (no gaps in a run, gaps possible in an edited file).
    int lo = 0, hi = rows_;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (model_->seq(trace::EventIndex(mid)) < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rows_ && model_->seq(trace::EventIndex(lo)) == seq ? lo : -1;
}

int EventLogModel::rowAtTime(int64_t t_us) const {
    if (!model_) return -1;
    const auto records = model_->records();
    const auto shown = records.first(size_t(rows_));
    auto it =
        std::lower_bound(shown.begin(), shown.end(), t_us,
                         [](const trace::EventRecord& r, int64_t t) { return r.time_us < t; });
    return it == shown.end() ? int(shown.size()) - 1 : int(it - shown.begin());
}

int EventLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !model_ ? 0 : rows_;
}

int EventLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventLogModel::processText(trace::ProcessIndex index) const {
    if (index == kNone || index >= model_->process_count()) return {};
    return QString::fromStdString(model_->display_name(index)) + QLatin1Char(' ') +
           QString::fromStdString(formatPid(model_->process(index).pid));
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
    if (!model_ ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto i = trace::EventIndex(index.row());
    const trace::EventRecord& record = model_->record(i);
    switch (role) {
        case PidRole:
            return record.process == kNone ? QVariant()
                                           : QVariant::fromValue<qulonglong>(
                                                 model_->process(record.process).pid.packed());
        case TimeRole:
            return QVariant::fromValue<qlonglong>(record.time_us);
        case EventIndexRole:
            return QVariant::fromValue<uint>(i);
        case KindRole:
            return int(record.kind);
        case SortRole:
            if (index.column() == SeqColumn) return QVariant::fromValue<qulonglong>(model_->seq(i));
            if (index.column() == TimeColumn) return QVariant::fromValue<qlonglong>(record.time_us);
            [[fallthrough]];
        case Qt::DisplayRole:
            switch (index.column()) {
                case SeqColumn:
                    return QVariant::fromValue<qulonglong>(model_->seq(i));
                case TimeColumn:
                    return durationText(record.time_us);
                case KindColumn: {
                    const auto name = trace::to_string(record.kind);
                    return QString::fromLatin1(name.data(), qsizetype(name.size()));
                }
                case ProcessColumn:
                    return processText(record.process);
                case PeerColumn:
                    return processText(record.peer);
                case TextColumn: {
                    const auto text = model_->string(record.text);
                    return QString::fromUtf8(text.data(), qsizetype(text.size()));
                }
                default:
                    return {};
            }
        case Qt::TextAlignmentRole:
            return index.column() <= TimeColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                                : QVariant();
        default:
            return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Seq", "Time", "Event", "Process", "Peer", "Detail"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

// ---------------------------------------------------------------------------------------------

EventLogFilterModel::EventLogFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    kinds_.set();
}

void EventLogFilterModel::setKindsShown(std::bitset<trace::kEventKindCount> kinds) {
    if (kinds == kinds_) return;
    kinds_ = kinds;
    invalidateFilter();
}

void EventLogFilterModel::setProcess(Pid pid) {
    if (pid == pid_) return;
    pid_ = pid;
    invalidateFilter();
}

bool EventLogFilterModel::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
    // Called for every one of millions of rows when the log is (re)filtered: the common case (no
    // filter) answers at once, and the event log's rows are read from the trace model directly.
    if (kinds_.all() && !pid_.valid()) return true;
    if (const auto* log = qobject_cast<const EventLogModel*>(sourceModel())) {
        const int kind = log->kindAt(source_row);
        if (kind < 0 || kind >= trace::kEventKindCount || !kinds_.test(size_t(kind))) return false;
        return !pid_.valid() || log->involves(source_row, pid_);
    }
    const QModelIndex index = sourceModel()->index(source_row, 0, source_parent);
    const int kind = index.data(KindRole).toInt();
    if (kind < 0 || kind >= trace::kEventKindCount || !kinds_.test(size_t(kind))) return false;
    if (!pid_.valid()) return true;
    return index.data(PidRole).toULongLong() == pid_.packed();
}

// ---------------------------------------------------------------------------------------------

SupervisionTreeModel::SupervisionTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void SupervisionTreeModel::setSnapshot(TreeSnapshot snapshot) {
    beginResetModel();
    snapshot_ = std::move(snapshot);
    row_in_parent_.assign(snapshot_.nodes.size(), 0);
    for (size_t r = 0; r < snapshot_.roots.size(); ++r) row_in_parent_[snapshot_.roots[r]] = int(r);
    for (const auto& node : snapshot_.nodes)
        for (size_t r = 0; r < node.children.size(); ++r) row_in_parent_[node.children[r]] = int(r);
    endResetModel();
}

const std::vector<int>& SupervisionTreeModel::childrenOf(int node) const {
    return node < 0 ? snapshot_.roots : snapshot_.nodes[node].children;
}

QModelIndex SupervisionTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (column < 0 || column >= ColumnCount || row < 0) return {};
    if (parent.isValid() && parent.column() != 0) return {};
    const auto& children = childrenOf(parent.isValid() ? int(parent.internalId()) : -1);
    if (row >= int(children.size())) return {};
    return createIndex(row, column, quintptr(children[row]));
}

QModelIndex SupervisionTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid()) return {};
    const int parent_node = snapshot_.nodes[child.internalId()].parent;
    if (parent_node < 0) return {};
    return createIndex(row_in_parent_[parent_node], 0, quintptr(parent_node));
}

int SupervisionTreeModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() && parent.column() != 0) return 0;
    return int(childrenOf(parent.isValid() ? int(parent.internalId()) : -1).size());
}

int SupervisionTreeModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant SupervisionTreeModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const TreeNode& node = snapshot_.nodes[index.internalId()];
    switch (role) {
        case PidRole:
            return QVariant::fromValue<qulonglong>(node.process.pid.packed());
        case AliveRole:
            return node.alive;
        case TimeRole:
            return QVariant::fromValue<qlonglong>(snapshot_.at_us);
        case Qt::ForegroundRole:
            return node.alive ? QVariant() : QVariant(QBrush(kDimTextColor));
        case Qt::FontRole:
            if (node.process.role == ProcessRole::Supervisor && index.column() == NameColumn) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        case Qt::DecorationRole:
            if (index.column() == StateColumn)
                return node.alive ? stateColor(node.state) : exitColor(node.exit_class);
            return {};
        case SortRole:
            if (index.column() == RestartsColumn) return node.restarts;
            [[fallthrough]];
        case Qt::DisplayRole:
            switch (index.column()) {
                case NameColumn:
                    return QString::fromStdString(node.process.title());
                case PidColumn:
                    return QString::fromStdString(formatPid(node.process.pid));
                case StateColumn:
                    return node.alive ? stateName(node.state)
                                      : QStringLiteral("dead: ") +
                                            QString::fromStdString(node.exit_reason);
                case RestartsColumn:
                    return node.restarts;
                default:
                    return {};
            }
        default:
            return {};
    }
}

QVariant SupervisionTreeModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Process", "Pid", "State", "Restarts"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

}  // namespace tasklens::ui
