// Every item model under QAbstractItemModelTester (style.md 9), on the sample trace.
#include <gtest/gtest.h>
#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <algorithm>
#include <set>
#include <span>
#include <vector>

#include "ui/models.h"
#include "ui/sample_trace.h"
#include "ui/trace_adapter.h"

namespace tasklens::ui {
namespace {

std::shared_ptr<const trace::TraceModel> sampleModel() {
    return std::make_shared<trace::TraceModel>(sampleTaskSupervisorTrace(),
                                               trace::RunInfo{"sample", 2});
}

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

TEST(Models, ProcessListModelPassesTheTester) {
    ProcessListModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    auto trace = sampleModel();
    model.setTrace(trace);
    ASSERT_EQ(model.rowCount(), int(trace->process_count()));
    model.setCursorUs(150'000);
    const int row = model.rowOf(Pid{0, 101});
    ASSERT_GE(row, 0);
    EXPECT_EQ(model.index(row, ProcessListModel::NameColumn).data().toString(),
              "MyApp.TaskSupervisor");
    EXPECT_EQ(Pid::from_packed(model.index(row, 0).data(PidRole).toULongLong()), (Pid{0, 101}));
    EXPECT_TRUE(model.index(row, 0).data(AliveRole).toBool());
    QSortFilterProxyModel proxy;
    QAbstractItemModelTester proxy_tester(&proxy, kFatal);
    proxy.setSourceModel(&model);
    proxy.setSortRole(SortRole);
    proxy.sort(ProcessListModel::SpawnColumn);
    proxy.setFilterKeyColumn(-1);
    proxy.setFilterFixedString(QStringLiteral("fetch :orders"));
    EXPECT_EQ(proxy.rowCount(), 1);
    model.setTrace(nullptr);
    EXPECT_EQ(model.rowCount(), 0);
}

/// Every cell of every row, as the views show it.
std::vector<QString> cells(const ProcessListModel& model) {
    std::vector<QString> out;
    for (int row = 0; row < model.rowCount(); ++row)
        for (int column = 0; column < ProcessListModel::ColumnCount; ++column) {
            const QModelIndex index = model.index(row, column);
            out.push_back(index.data().toString() + QLatin1Char('|') +
                          index.data(Qt::DecorationRole).toString() + QLatin1Char('|') +
                          index.data(Qt::ForegroundRole).toString());
        }
    return out;
}

TEST(Models, ProcessListModelTellsEveryChangedCellWhileTheTraceGrows) {
    // A live run: the sample trace's events arrive in batches, the cursor follows the end. After
    // each batch every cell that changed was in a range the model reported (to a view or a
    // sorting proxy a stale cell would stay), and the rows reported follow the batch's events,
    // not the whole table.
    const std::vector<trace::Event> events = sampleTaskSupervisorTrace();
    for (const size_t batch : {size_t{1}, size_t{3}, size_t{11}}) {
        auto trace = std::make_shared<trace::TraceModel>();
        ProcessListModel model;
        QAbstractItemModelTester tester(&model, kFatal);
        model.setTrace(trace);
        std::vector<std::pair<QModelIndex, QModelIndex>> told;
        QObject::connect(&model, &QAbstractItemModel::dataChanged,
                         [&](const QModelIndex& a, const QModelIndex& b) {
                             told.push_back({a, b});
                         });
        size_t rows_told = 0, rows_in_table = 0;
        for (size_t first = 0; first < events.size(); first += batch) {
            const std::vector<QString> before = cells(model);
            const int old_rows = model.rowCount();
            const size_t last = std::min(events.size(), first + batch);
            trace->append(std::span<const trace::Event>(events.data() + first, last - first));
            told.clear();
            model.refresh();
            model.setCursorUs(trace->end_time());
            const std::vector<QString> after = cells(model);
            std::set<int> rows;
            for (int row = 0; row < old_rows; ++row)
                for (int column = 0; column < ProcessListModel::ColumnCount; ++column) {
                    const size_t cell = size_t(row * ProcessListModel::ColumnCount + column);
                    if (before[cell] == after[cell]) continue;
                    const bool reported =
                        std::any_of(told.begin(), told.end(), [&](const auto& range) {
                            return range.first.row() <= row && row <= range.second.row() &&
                                   range.first.column() <= column &&
                                   column <= range.second.column();
                        });
                    EXPECT_TRUE(reported) << "batch " << batch << ", events " << first << ".."
                                          << last << ": row " << row << " column " << column
                                          << " changed unreported: " << before[cell].toStdString()
                                          << " -> " << after[cell].toStdString();
                }
            for (const auto& [a, b] : told)
                for (int row = a.row(); row <= b.row(); ++row) rows.insert(row);
            rows_told += rows.size();
            rows_in_table += size_t(old_rows);
        }
        EXPECT_EQ(model.rowCount(), int(trace->process_count()));
        // Not every row every time: one event concerns one or two processes. (The model
        // reports the span of rows from the first to the last concerned, so a batch that
        // concerns main, row 0, and a new task reaches across this small table.)
        if (batch == 1) EXPECT_LT(rows_told, rows_in_table / 2);
    }
}

TEST(Models, EventLogModelPassesTheTester) {
    EventLogModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    auto trace = sampleModel();
    model.setTrace(trace);
    EXPECT_EQ(model.rowCount(), int(trace->event_count()));
    const int row = model.rowAtTime(150'000);
    EXPECT_GE(model.index(row, 0).data(TimeRole).toLongLong(), 150'000);
    EXPECT_FALSE(model.index(0, EventLogModel::KindColumn).data().toString().isEmpty());
}

TEST(Models, SupervisionTreeModelPassesTheTester) {
    SupervisionTreeModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    auto trace = sampleModel();
    model.setSnapshot(buildTreeSnapshot(*trace, 1'500'000));
    ASSERT_EQ(model.rowCount(), 1);  // the script is the only root
    const QModelIndex root = model.index(0, 0);
    EXPECT_EQ(root.data().toString(), "elixir scenario.exs");
    EXPECT_GE(model.rowCount(root), 2);
    // Walk down to the Task.Supervisor and its (dead) tasks.
    bool found_dead_task = false;
    for (int r = 0; r < model.rowCount(root); ++r) {
        const QModelIndex child = model.index(r, 0, root);
        for (int k = 0; k < model.rowCount(child); ++k)
            if (!model.index(k, 0, child).data(AliveRole).toBool()) found_dead_task = true;
        EXPECT_EQ(model.parent(child), root);
    }
    EXPECT_TRUE(found_dead_task);
    model.setSnapshot({});
    EXPECT_EQ(model.rowCount(), 0);
}

}  // namespace
}  // namespace tasklens::ui
