#pragma once
// What the trace model keeps to pair each Receive with its Send, and each reply with the wait
// that consumed it: the messages sent to one process and not taken yet. Pairing stays linear
// however many messages queue up and however selectively they are received.
//
// A message is "taken" once paired; the model keeps one bit per event for that (the `Marks`
// parameter below: `bool taken(EventIndex)`, `void take(EventIndex)`), so that an event queued
// under several keys is skipped lazily by the queues it was not taken from.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace tasklens::trace {

/// "Any sender" or "any text" in a queue key.
inline constexpr uint32_t kAnyKey = UINT32_MAX;
inline constexpr uint64_t mail_key(uint32_t sender, uint32_t text) noexcept {
    return (uint64_t{sender} << 32) | text;
}

/// FIFO queues of event indexes under 64-bit keys, with lazy removal: one event sits in several
/// queues; taking it through one key marks it taken, and the others skip it when it reaches
/// their head. Every push and pop is O(1) amortized.
class KeyedQueues {
  public:
    static constexpr uint32_t kEmpty = UINT32_MAX;

    void push(uint64_t key, uint32_t event) { queues_[key].items.push_back(event); }
    /// The oldest event under `key` that is not taken yet, or kEmpty (it stays queued).
    template <typename IsTaken>
    uint32_t front(uint64_t key, const IsTaken& is_taken) {
        const auto it = queues_.find(key);
        if (it == queues_.end()) return kEmpty;
        Queue& q = it->second;
        while (q.head < q.items.size() && is_taken(q.items[q.head])) ++q.head;
        if (q.head == q.items.size()) {
            queues_.erase(it);
            return kEmpty;
        }
        if (q.head >= 64 && q.head * 2 >= q.items.size()) {
            // Give back the consumed half so a long-lived mailbox does not keep every message.
            q.items.erase(q.items.begin(), q.items.begin() + static_cast<std::ptrdiff_t>(q.head));
            q.head = 0;
        }
        return q.items[q.head];
    }
    void clear() {
        // Clearing an empty map still wipes its buckets: an inbox is cleared at every release.
        if (!queues_.empty()) queues_.clear();
    }
    size_t memory_bytes() const noexcept {
        size_t bytes = queues_.bucket_count() * sizeof(void*);
        for (const auto& [key, q] : queues_)
            bytes +=
                sizeof(q) + sizeof(key) + 2 * sizeof(void*) + q.items.capacity() * sizeof(uint32_t);
        return bytes;
    }

  private:
    struct Queue {
        std::vector<uint32_t> items;
        size_t head = 0;
    };
    std::unordered_map<uint64_t, Queue> queues_;
};

/// The sends to one process not received yet, oldest first.
///
/// A receive takes the oldest message with the same sender and text; failing that the oldest
/// from that sender, then the oldest with that text from anyone; a receive whose sender is
/// unknown takes the oldest with that text, then the oldest of all (Elixir's selective receive
/// takes any message, so the text and sender are the best evidence there is). Nearly every
/// receive takes the oldest message (a mailbox read in order): that is answered from the head in
/// O(1), without a hash lookup or allocation. Only a receive that skips messages needs the keyed
/// queues, which then index the sends not indexed yet: each send at most once.
class Mailbox {
  public:
    struct Send {
        uint32_t event;
        uint32_t sender;  ///< kAnyKey if unknown
        uint32_t text;
    };
    void push(const Send& send) {
        sends_.push_back(send);
        ++pending_;
    }
    uint32_t pending() const noexcept { return pending_; }
    /// The send a receive of `text` from `sender` (kAnyKey: unknown) pairs with, marked taken;
    /// KeyedQueues::kEmpty if none.
    template <typename Marks>
    uint32_t take(uint32_t sender, uint32_t text, Marks& marks);
    void clear() {
        sends_.clear();
        head_ = indexed_ = 0;
        pending_ = 0;
        by_key_.clear();
    }
    size_t memory_bytes() const noexcept {
        return sends_.capacity() * sizeof(Send) + by_key_.memory_bytes();
    }

  private:
    template <typename Marks>
    void index_new_sends(const Marks& marks);

    std::vector<Send> sends_;  ///< in send order; [0, head_) are all taken
    size_t head_ = 0;
    size_t indexed_ = 0;  ///< sends_[0, indexed_) are in by_key_
    uint32_t pending_ = 0;
    /// Under mail_key(sender, text), (sender, kAnyKey) and (kAnyKey, text).
    KeyedQueues by_key_;
};

template <typename Marks>
void Mailbox::index_new_sends(const Marks& marks) {
    for (size_t i = std::max(indexed_, head_); i < sends_.size(); ++i) {
        const Send& s = sends_[i];
        if (marks.taken(s.event)) continue;
        by_key_.push(mail_key(s.sender, s.text), s.event);
        by_key_.push(mail_key(s.sender, kAnyKey), s.event);
        by_key_.push(mail_key(kAnyKey, s.text), s.event);
    }
    indexed_ = sends_.size();
}

template <typename Marks>
uint32_t Mailbox::take(uint32_t sender, uint32_t text, Marks& marks) {
    if (pending_ == 0) return KeyedQueues::kEmpty;
    // pending_ > 0: an untaken send is left (only this mailbox takes its sends).
    while (marks.taken(sends_[head_].event)) ++head_;
    const Send& oldest = sends_[head_];
    uint32_t found = KeyedQueues::kEmpty;
    if (oldest.text == text && (sender == kAnyKey || oldest.sender == sender)) {
        found = oldest.event;  // the oldest of all is the oldest under the first key tried
    } else {
        index_new_sends(marks);
        const auto is_taken = [&marks](uint32_t event) { return marks.taken(event); };
        if (sender != kAnyKey) {
            found = by_key_.front(mail_key(sender, text), is_taken);
            if (found == KeyedQueues::kEmpty)
                found = by_key_.front(mail_key(sender, kAnyKey), is_taken);
        }
        if (found == KeyedQueues::kEmpty) found = by_key_.front(mail_key(kAnyKey, text), is_taken);
        if (found == KeyedQueues::kEmpty && sender == kAnyKey) found = oldest.event;
    }
    if (found == KeyedQueues::kEmpty) return found;
    marks.take(found);
    if (--pending_ == 0) {
        clear();
    } else if (head_ >= 64 && head_ * 2 >= sends_.size()) {
        sends_.erase(sends_.begin(), sends_.begin() + static_cast<std::ptrdiff_t>(head_));
        indexed_ = indexed_ > head_ ? indexed_ - head_ : 0;
        head_ = 0;
    }
    return found;
}

/// Everything sent to one process and not consumed yet: messages, and replies to its calls and
/// awaits. The model keeps one per process with something pending, in a pool.
struct Inbox {
    Mailbox mailbox;
    /// Replies not yet consumed: under their ref, and under their sender (kAnyKey: all of them,
    /// in order).
    KeyedQueues replies_by_ref;
    KeyedQueues replies_by_sender;
    uint32_t pending_replies = 0;

    bool empty() const noexcept { return mailbox.pending() == 0 && pending_replies == 0; }
    void clear() {
        mailbox.clear();
        replies_by_ref.clear();
        replies_by_sender.clear();
        pending_replies = 0;
    }
    size_t memory_bytes() const noexcept {
        return sizeof(*this) + mailbox.memory_bytes() + replies_by_ref.memory_bytes() +
               replies_by_sender.memory_bytes();
    }
};

}  // namespace tasklens::trace
