#pragma once
// The trace model's per-process lists of 32-bit indexes (each process's events, states, arrows,
// relations and waits: five lists for each of up to millions of processes), kept in one pool
// instead of one malloc'd block per list. A 2M-event trace of 100k processes grew half a million
// lists through malloc and realloc, shrank each once loaded and freed each with the model: a
// quarter of a load's time went to malloc and free (docs/performance.md, "Session 9").
//
// The pool carves chunks of 4, 8, 16, ... entries out of large blocks; a chunk a list outgrows
// goes to a free list of its size, where the next list growing to that size finds it. Lists of
// more than kLargestPooled entries get a block of their own. Everything is freed with the pool,
// a few blocks at once.
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace tasklens::trace {

class IndexPool;

/// A growable list of 32-bit indexes in 16 bytes whose storage, a chunk of capacity 4 << k,
/// belongs to the IndexPool passed to every call that may allocate; the pool frees it (a list
/// frees nothing, so a list must not outlive its pool).
class IndexList {
  public:
    IndexList() = default;
    IndexList(const IndexList&) = delete;
    IndexList& operator=(const IndexList&) = delete;
    IndexList(IndexList&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)),
          size_(std::exchange(other.size_, 0)),
          capacity_(std::exchange(other.capacity_, 0)) {}
    IndexList& operator=(IndexList&& other) noexcept {
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
        return *this;
    }
    ~IndexList() = default;

    void push_back(IndexPool& pool, uint32_t value) {
        if (size_ >= capacity_) grow(pool);
        data_[size_++] = value;
    }
    void pop_back() noexcept { --size_; }
    uint32_t back() const noexcept { return data_[size_ - 1]; }
    uint32_t operator[](size_t i) const noexcept { return data_[i]; }
    bool empty() const noexcept { return size_ == 0; }
    uint32_t size() const noexcept { return size_; }
    const uint32_t* begin() const noexcept { return data_; }
    const uint32_t* end() const noexcept { return data_ + size_; }
    std::span<const uint32_t> span() const noexcept { return {data_, size_}; }
    uint32_t capacity() const noexcept { return capacity_; }

  private:
    friend class IndexPool;
    void grow(IndexPool& pool);

    uint32_t* data_ = nullptr;
    uint32_t size_ = 0;
    uint32_t capacity_ = 0;
};

class IndexPool {
  public:
    /// Lists longer than this (in entries) get a block of their own.
    static constexpr uint32_t kLargestPooled = 1u << 16;
    static constexpr uint32_t kSmallest = 4;

    IndexPool() = default;
    IndexPool(const IndexPool&) = delete;
    IndexPool& operator=(const IndexPool&) = delete;
    ~IndexPool();

    /// Bytes held: the blocks chunks are carved from, and the own blocks of long lists.
    size_t memory_bytes() const noexcept;
    /// Chunks waiting in the free lists (for tests).
    size_t free_chunks() const noexcept;

  private:
    friend class IndexList;
    /// Storage for `capacity` entries (a power of two >= kSmallest).
    uint32_t* allocate(uint32_t capacity);
    /// Gives back storage of `capacity` entries (0: none).
    void release(uint32_t* data, uint32_t capacity) noexcept;
    static int size_class(uint32_t capacity) noexcept;

    struct FreeChunk {
        FreeChunk* next;
    };
    /// Storage of `entries` entries from LargeArrayAllocator (huge pages for big blocks).
    struct Block {
        uint32_t* data = nullptr;
        size_t entries = 0;
    };
    static Block new_block(size_t entries);
    static void free_block(Block block) noexcept;

    static constexpr int kClasses = 15;  ///< 4 << 14 == kLargestPooled
    FreeChunk* free_[kClasses] = {};
    std::vector<Block> blocks_;  ///< chunks are carved from the last one
    size_t block_entries_ = 0;   ///< of all blocks
    uint32_t* block_next_ = nullptr;
    uint32_t* block_end_ = nullptr;
    std::vector<Block> own_;  ///< lists longer than kLargestPooled, one block each
};

}  // namespace tasklens::trace
