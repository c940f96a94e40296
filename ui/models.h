#pragma once
// Item models over the trace model, for the process list, the event log and the tree outline.
// They expose roles (style.md 9): views and delegates ask for PidRole, TimeRole and SortRole
// instead of parsing display strings. Every model runs under QAbstractItemModelTester in tests.
#include <QAbstractItemModel>
#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <bitset>
#include <memory>
#include <utility>

#include "engine/trace/trace_model.h"
#include "ui/view_data.h"

namespace tasklens::ui {

enum ItemRole {
    PidRole = Qt::UserRole + 1,  ///< qulonglong: Pid::packed()
    TimeRole,                    ///< qlonglong: virtual µs of the row (spawn / event time)
    SortRole,                    ///< a value that sorts numerically where the display does not
    AliveRole,                   ///< bool: alive at the cursor
    EventIndexRole,              ///< uint: index into the model's events
    KindRole,                    ///< int: trace::EventKind of an event row
};

/// One row per process: pid, name, role, state at the cursor, spawn, exit, exit reason. Rows are
/// answered from the trace model on demand: 100k processes cost nothing until scrolled into view.
class ProcessListModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        PidColumn,
        NameColumn,
        RoleColumn,
        StateColumn,
        SpawnColumn,
        ExitColumn,
        ReasonColumn,
        ColumnCount
    };
    explicit ProcessListModel(QObject* parent = nullptr);
    void setTrace(std::shared_ptr<const trace::TraceModel> model);
    /// The trace grew (a live run): inserts rows for new processes and refreshes the others.
    void refresh();
    /// The State column shows the state at this moment.
    void setCursorUs(int64_t t_us);
    /// The row of `pid`, or -1.
    int rowOf(Pid pid) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

  private:
    /// The rows [first, second] (first > second: none) of the announced rows that events
    /// [first, last) concern.
    std::pair<int, int> rowsOfEvents(uint32_t first, uint32_t last) const;

    std::shared_ptr<const trace::TraceModel> model_;
    int rows_ = 0;  ///< the processes announced to views; the model may already hold more
    uint32_t seen_events_ = 0;  ///< the views were told about the changes of events before this
    int64_t cursor_us_ = 0;
};

/// One row per event, in run order. Rows are produced on demand, so a million events cost
/// nothing until scrolled into view.
class EventLogModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        SeqColumn,
        TimeColumn,
        KindColumn,
        ProcessColumn,
        PeerColumn,
        TextColumn,
        ColumnCount
    };
    explicit EventLogModel(QObject* parent = nullptr);
    void setTrace(std::shared_ptr<const trace::TraceModel> model);
    /// The trace grew (a live run): inserts rows for the new events.
    void refresh();
    /// The first row at or after `t_us`, for following the cursor.
    int rowAtTime(int64_t t_us) const;
    /// The row of the event with sequence number `seq`, or -1.
    int rowOfSeq(uint64_t seq) const;
    /// Whether the event in `row` is about `pid` (as its process or its peer).
    bool involves(int row, Pid pid) const;
    /// The trace::EventKind of the event in `row` as an int, -1 for no such row.
    int kindAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

  private:
    QString processText(trace::ProcessIndex index) const;
    std::shared_ptr<const trace::TraceModel> model_;
    int rows_ = 0;  ///< the events announced to views; the model may already hold more
};

/// The event log as the user filters it: by kinds and by one process (as pid or peer).
class EventLogFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
  public:
    explicit EventLogFilterModel(QObject* parent = nullptr);
    /// Every kind shown by default.
    void setKindsShown(std::bitset<trace::kEventKindCount> kinds);
    std::bitset<trace::kEventKindCount> kindsShown() const { return kinds_; }
    /// Only events about `pid` (invalid: every process).
    void setProcess(Pid pid);
    Pid process() const { return pid_; }

  protected:
    bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

  private:
    std::bitset<trace::kEventKindCount> kinds_;
    Pid pid_;
};

/// The supervision tree at a moment as an item tree (searchable outline next to the picture).
class SupervisionTreeModel : public QAbstractItemModel {
    Q_OBJECT
  public:
    enum Column { NameColumn, PidColumn, StateColumn, RestartsColumn, ColumnCount };
    explicit SupervisionTreeModel(QObject* parent = nullptr);
    void setSnapshot(TreeSnapshot snapshot);
    const TreeSnapshot& snapshot() const { return snapshot_; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

  private:
    const std::vector<int>& childrenOf(int node) const;
    TreeSnapshot snapshot_;
    std::vector<int> row_in_parent_;
};

}  // namespace tasklens::ui
