#pragma once
// A process's dictionary (Process.put/get/delete, :erlang.get_keys). Keys compare with `=:=`.
// Entries keep their insertion order, which is the order Process.get/0 and get_keys list them in.
// A handful of keys (the OTP ones: $ancestors, $callers, $initial_call, :rand_seed) are a plain
// vector scan; past kIndexThreshold a hash index is built, so a script that puts 300k keys is
// linear, not quadratic. Erase leaves a hole that is compacted once holes outnumber entries.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/runtime/term.h"

namespace tasklens {

class ProcessDictionary {
  public:
    using Entry = std::pair<Term, Term>;

    /// The value stored under `key`, or nullptr.
    const Term* find(const Term& key) const {
        auto pos = position(key);
        return pos ? &slots_[*pos]->second : nullptr;
    }

    /// Stores `value` under `key`; returns the previous value, or nil.
    Term put(Term key, Term value) {
        if (auto pos = position(key)) return std::exchange(slots_[*pos]->second, std::move(value));
        slots_.emplace_back(Entry{std::move(key), std::move(value)});
        ++live_;
        auto index = static_cast<uint32_t>(slots_.size() - 1);
        if (index_)
            index_->emplace(slots_.back()->first, index);
        else if (live_ > kIndexThreshold)
            rebuild_index();
        return Term::nil();
    }

    /// Removes `key`; returns its value, or nil.
    Term erase(const Term& key) {
        auto pos = position(key);
        if (!pos) return Term::nil();
        Term old = std::move(slots_[*pos]->second);
        if (index_) index_->erase(slots_[*pos]->first);
        slots_[*pos].reset();
        --live_;
        if (slots_.size() - live_ > std::max<size_t>(live_, 16)) compact();
        return old;
    }

    void clear() {
        slots_.clear();
        index_.reset();
        live_ = 0;
    }

    size_t size() const noexcept { return live_; }

    /// Every entry, in insertion order.
    std::vector<Entry> entries() const {
        std::vector<Entry> out;
        out.reserve(live_);
        for (const auto& slot : slots_)
            if (slot) out.push_back(*slot);
        return out;
    }

  private:
    static constexpr size_t kIndexThreshold = 16;

    struct KeyHash {
        size_t operator()(const Term& t) const noexcept { return hash(t); }
    };
    struct KeyEqual {
        bool operator()(const Term& a, const Term& b) const noexcept { return exact_equal(a, b); }
    };
    using Index = std::unordered_map<Term, uint32_t, KeyHash, KeyEqual>;

    std::optional<size_t> position(const Term& key) const {
        if (index_) {
            auto it = index_->find(key);
            if (it == index_->end()) return std::nullopt;
            return it->second;
        }
        for (size_t i = 0; i < slots_.size(); ++i)
            if (slots_[i] && exact_equal(slots_[i]->first, key)) return i;
        return std::nullopt;
    }

    void compact() {
        std::vector<std::optional<Entry>> kept;
        kept.reserve(live_);
        for (auto& slot : slots_)
            if (slot) kept.push_back(std::move(slot));
        slots_ = std::move(kept);
        if (live_ > kIndexThreshold)
            rebuild_index();
        else
            index_.reset();
    }

    void rebuild_index() {
        index_ = std::make_unique<Index>();
        index_->reserve(slots_.size() * 2);
        for (size_t i = 0; i < slots_.size(); ++i)
            if (slots_[i]) index_->emplace(slots_[i]->first, static_cast<uint32_t>(i));
    }

    std::vector<std::optional<Entry>> slots_;  ///< insertion order; erased entries are holes
    std::unique_ptr<Index> index_;
    size_t live_ = 0;
};

}  // namespace tasklens
