#pragma once
// A map from nonzero 64-bit ids (monitor references) to 32-bit values, for the trace model's hot
// path: an open-addressing table of (key, value) pairs with linear probing, kept at most half
// full, and deletion by shifting the probe run back (no tombstones, so a table that sees 100k
// monitors come and go stays as short as its live entries). std::unordered_map took a node per
// entry and a cache miss per lookup: ~5% of loading a 2M-event trace.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tasklens::trace {

class IdMap {
  public:
    static constexpr uint32_t kMissing = UINT32_MAX;

    /// The value under `key`, or kMissing (always for key 0, which is never stored).
    uint32_t find(uint64_t key) const noexcept {
        if (key == 0 || size_ == 0) return kMissing;
        for (size_t i = home(key);; i = (i + 1) & mask_) {
            const Slot& slot = slots_[i];
            if (slot.key == key) return slot.value;
            if (slot.key == 0) return kMissing;
        }
    }
    bool contains(uint64_t key) const noexcept { return find(key) != kMissing; }
    /// Sets `key` (nonzero; a zero key is ignored) to `value`.
    void set(uint64_t key, uint32_t value);
    /// Removes `key` if present.
    void erase(uint64_t key) noexcept;
    size_t size() const noexcept { return size_; }
    size_t memory_bytes() const noexcept { return slots_.capacity() * sizeof(Slot); }

  private:
    struct Slot {
        uint64_t key = 0;  ///< 0 = empty
        uint32_t value = 0;
    };
    size_t home(uint64_t key) const noexcept {
        // Fibonacci hashing: references are mostly consecutive numbers.
        return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> shift_) & mask_;
    }
    void rehash(size_t slot_count);

    std::vector<Slot> slots_;
    size_t mask_ = 0;
    int shift_ = 64;
    size_t size_ = 0;
};

}  // namespace tasklens::trace
