#include "engine/trace/index_pool.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "engine/trace/large_array.h"

namespace tasklens::trace {
namespace {
/// Blocks start small (a model of a short run needs a few KiB) and double up to 4 MiB, where
/// LargeArrayAllocator maps them on huge pages.
constexpr size_t kFirstBlockEntries = size_t{4} << 10;
constexpr size_t kLastBlockEntries = size_t{1} << 20;
}  // namespace

void IndexList::grow(IndexPool& pool) {
    // Past 2^31 entries the next power of two does not fit 32 bits: take all there is.
    const uint32_t wanted =
        size_ >= (1u << 31) ? UINT32_MAX : std::max(IndexPool::kSmallest, std::bit_ceil(size_ + 1));
    uint32_t* grown = pool.allocate(wanted);
    if (size_ > 0) std::memcpy(grown, data_, size_t{size_} * sizeof(uint32_t));
    pool.release(data_, capacity_);
    data_ = grown;
    capacity_ = wanted;
}

IndexPool::~IndexPool() {
    for (const Block& block : blocks_) free_block(block);
    for (const Block& block : own_) free_block(block);
}

IndexPool::Block IndexPool::new_block(size_t entries) {
    return {LargeArrayAllocator<uint32_t>().allocate(entries), entries};
}

void IndexPool::free_block(Block block) noexcept {
    if (block.data != nullptr)
        LargeArrayAllocator<uint32_t>().deallocate(block.data, block.entries);
}

int IndexPool::size_class(uint32_t capacity) noexcept {
    return std::countr_zero(capacity) - std::countr_zero(kSmallest);
}

uint32_t* IndexPool::allocate(uint32_t capacity) {
    if (capacity > kLargestPooled) {
        own_.reserve(own_.size() + 1);  // so that push_back below cannot throw and leak
        const Block block = new_block(capacity);
        own_.push_back(block);
        return block.data;
    }
    const int k = size_class(capacity);
    if (FreeChunk* chunk = free_[k]) {
        free_[k] = chunk->next;
        return reinterpret_cast<uint32_t*>(chunk);
    }
    if (static_cast<size_t>(block_end_ - block_next_) < capacity) {
        // Hand the rest of the current block to the free lists, largest pieces first.
        while (static_cast<size_t>(block_end_ - block_next_) >= kSmallest) {
            const auto rest =
                static_cast<uint32_t>(std::min<size_t>(block_end_ - block_next_, kLargestPooled));
            const uint32_t piece = std::bit_floor(rest);
            release(block_next_, piece);
            block_next_ += piece;
        }
        const size_t entries = std::clamp(block_entries_, kFirstBlockEntries, kLastBlockEntries);
        blocks_.reserve(blocks_.size() + 1);
        const Block block = new_block(entries);
        blocks_.push_back(block);
        block_entries_ += entries;
        block_next_ = block.data;
        block_end_ = block.data + entries;
    }
    uint32_t* chunk = block_next_;
    block_next_ += capacity;
    return chunk;
}

void IndexPool::release(uint32_t* data, uint32_t capacity) noexcept {
    if (data == nullptr || capacity == 0) return;
    if (capacity > kLargestPooled) {
        const auto it = std::find_if(own_.begin(), own_.end(),
                                     [data](const Block& b) { return b.data == data; });
        if (it != own_.end()) {
            free_block(*it);
            *it = own_.back();
            own_.pop_back();
        }
        return;
    }
    const int k = size_class(capacity);
    auto* chunk = reinterpret_cast<FreeChunk*>(data);
    chunk->next = free_[k];
    free_[k] = chunk;
}

size_t IndexPool::memory_bytes() const noexcept {
    size_t entries = block_entries_;
    for (const Block& block : own_) entries += block.entries;
    return entries * sizeof(uint32_t) + (blocks_.capacity() + own_.capacity()) * sizeof(Block);
}

size_t IndexPool::free_chunks() const noexcept {
    size_t count = 0;
    for (const FreeChunk* chunk : free_)
        for (; chunk != nullptr; chunk = chunk->next) ++count;
    return count;
}

}  // namespace tasklens::trace
