#pragma once
// Internal to the runtime: the process record, mailbox messages, and the containers behind links
// and monitors. Nothing outside engine/runtime/*.cpp includes this.
#include <coroutine>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/runtime/process_dictionary.h"
#include "engine/runtime/runtime.h"

namespace tasklens {

/// One mailbox entry. Doubly linked so that selective receive can take a message from the middle
/// in O(1); pooled by the runtime so that a send does not hit malloc.
struct Message {
    Message* prev = nullptr;
    Message* next = nullptr;
    Term term;
    Pid from;  ///< the sender, or an invalid pid (timers, the GUI, the runtime itself)
    /// While recording: the text of its Send event, reused by its Receive event.
    std::string rendered;
};

/// An insertion-ordered set with O(1) lookup and erase once it grows. Most processes hold zero or
/// one link/monitor (a plain vector, no hashing), but a supervisor or an await_many caller holds
/// thousands, and every child's exit removes one entry: that must not be a linear scan.
/// Erase swaps the last entry into the hole, so iteration order is deterministic but not
/// insertion order after removals.
template <typename Entry, typename Key>
class IndexedSet {
  public:
    const Entry* find(const Key& key) const noexcept {
        auto pos = position(key);
        return pos ? &items_[*pos] : nullptr;
    }
    bool contains(const Key& key) const noexcept { return position(key).has_value(); }

    /// Adds the entry unless its key is present; returns whether it was added.
    bool insert(Entry entry) {
        if (contains(entry.key())) return false;
        items_.push_back(std::move(entry));
        if (index_) {
            index_->emplace(items_.back().key(), static_cast<uint32_t>(items_.size() - 1));
        } else if (items_.size() > kIndexThreshold) {
            index_ = std::make_unique<std::unordered_map<Key, uint32_t>>();
            index_->reserve(items_.size() * 2);
            for (uint32_t i = 0; i < items_.size(); ++i) index_->emplace(items_[i].key(), i);
        }
        return true;
    }

    /// Removes and returns the entry with this key, if any.
    std::optional<Entry> take(const Key& key) {
        auto pos = position(key);
        if (!pos) return std::nullopt;
        Entry taken = std::move(items_[*pos]);
        if (*pos + 1 != items_.size()) {
            items_[*pos] = std::move(items_.back());
            if (index_) (*index_)[items_[*pos].key()] = static_cast<uint32_t>(*pos);
        }
        items_.pop_back();
        if (index_) index_->erase(key);
        return taken;
    }
    bool erase(const Key& key) { return take(key).has_value(); }

    /// Empties the set, handing its entries to the caller (exit processing walks them).
    std::vector<Entry> release() {
        index_.reset();
        return std::exchange(items_, {});
    }

    size_t size() const noexcept { return items_.size(); }
    bool empty() const noexcept { return items_.empty(); }
    auto begin() const noexcept { return items_.begin(); }
    auto end() const noexcept { return items_.end(); }

  private:
    static constexpr size_t kIndexThreshold = 16;
    std::optional<size_t> position(const Key& key) const noexcept {
        if (index_) {
            auto it = index_->find(key);
            if (it == index_->end()) return std::nullopt;
            return it->second;
        }
        for (size_t i = 0; i < items_.size(); ++i)
            if (items_[i].key() == key) return i;
        return std::nullopt;
    }

    std::vector<Entry> items_;
    std::unique_ptr<std::unordered_map<Key, uint32_t>> index_;
};

struct LinkEntry {
    Pid peer;
    Pid key() const noexcept { return peer; }
};

/// One end of a monitor. The watcher's entry names the target, the target's names the watcher;
/// both carry the registered name when the monitor was set up by name, because the DOWN message
/// then says {name, node} instead of the pid.
struct MonitorEntry {
    Ref ref;
    Pid other;
    std::optional<Atom> name;
    uint32_t name_node = 0;
    Ref key() const noexcept { return ref; }
};

struct Process {
    Process(Runtime::Impl& runtime, Pid id) : rt(runtime), ctx(*this), pid(id) {}
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    Runtime::Impl& rt;
    ProcessContext ctx;
    Pid pid;

    trace::ProcessState state = trace::ProcessState::Runnable;
    bool trap_exit = false;
    /// Exited: out of the process table. A dead process whose coroutine is still on the C++
    /// stack (it was killed while running) is a zombie until control returns to the scheduler.
    bool dead = false;
    /// Doomed: queued to die by a cascade in progress, or already dead. Signals and messages to
    /// it are dropped, as the BEAM drops them for an exiting process.
    bool exiting = false;
    bool in_run_queue = false;
    /// Suspended in wait_for_message: a new message makes it runnable.
    bool waiting_for_message = false;
    /// Made runnable by a message while waiting in a receive, and not run since (Process.info
    /// reports it as waiting, as the BEAM does for a process idle in receive).
    bool woken_by_message = false;
    /// receive() emitted a WaitStart whose WaitEnd is still due (WaitEnd Killed if it dies).
    bool wait_event_open = false;
    /// Identifies the current wait or sleep, so that a stale timer cannot wake a later one.
    uint32_t wait_generation = 0;

    Process* run_prev = nullptr;
    Process* run_next = nullptr;

    /// The innermost suspended coroutine of this process (null before its first slice).
    std::coroutine_handle<> resume_point;
    /// Kept alive for the coroutine's life: a coroutine lambda's captures live in the lambda.
    ProcessBody body;
    Co<void> root;

    Message* mailbox_head = nullptr;
    Message* mailbox_tail = nullptr;
    uint32_t mailbox_len = 0;
    /// The mailbox tail when the current wait began: anything after it arrived during the wait.
    Message* wait_tail = nullptr;

    uint64_t reductions = 0;

    IndexedSet<LinkEntry, Pid> links;
    IndexedSet<MonitorEntry, Ref> monitors;      ///< processes this one monitors
    IndexedSet<MonitorEntry, Ref> monitored_by;  ///< processes monitoring this one

    std::optional<Atom> registered_name;
    std::vector<Ref> aliases;  ///< its active aliases (keys of Runtime::Impl::aliases)
    Term initial_call;
    ProcessDictionary dictionary;
    Term exit_reason;  ///< set when it dies (a zombie rethrows it)
};

}  // namespace tasklens
