#pragma once
// An allocator for the trace model's largest arrays (event records, processes, arrows). A loaded
// 2M-event trace fills ~100 MiB of fresh memory, and with 4 KiB pages that is ~25k page faults,
// a quarter of a load's time on a virtual machine. Blocks of 4 MiB and more are mapped aligned to
// 2 MiB and marked MADV_HUGEPAGE, so the kernel backs them with huge pages where it can (one
// fault per 2 MiB); smaller blocks, and other systems, use malloc.
//
// A mapped block takes memory only where it is written: the capacity a vector reserved beyond
// its size is address space, not memory. So a loader may reserve from an estimate without cost,
// and a finished vector need not be copied to shrink it (large_array_shrink_to_fit,
// large_array_bytes).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tasklens::trace {

template <typename T>
class LargeArrayAllocator {
  public:
    using value_type = T;
    LargeArrayAllocator() noexcept = default;
    template <typename U>
    LargeArrayAllocator(const LargeArrayAllocator<U>&) noexcept {}

    T* allocate(size_t n) {
        if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
        const size_t bytes = n * sizeof(T);
#if defined(__linux__)
        if (bytes >= kMappedFrom) {
            const size_t mapped = round_up(bytes);
            // Over-map by one huge page, then give back the unaligned head and tail.
            void* raw = mmap(nullptr, mapped + kHugePage, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (raw == MAP_FAILED) throw std::bad_alloc();
            const auto start = reinterpret_cast<uintptr_t>(raw);
            const uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
            if (aligned > start) munmap(raw, aligned - start);
            const uintptr_t tail = aligned + mapped;
            if (start + mapped + kHugePage > tail)
                munmap(reinterpret_cast<void*>(tail), start + mapped + kHugePage - tail);
            madvise(reinterpret_cast<void*>(aligned), mapped, MADV_HUGEPAGE);
            return reinterpret_cast<T*>(aligned);
        }
#endif
        void* block = std::malloc(bytes == 0 ? 1 : bytes);
        if (block == nullptr) throw std::bad_alloc();
        return static_cast<T*>(block);
    }

    void deallocate(T* p, size_t n) noexcept {
#if defined(__linux__)
        if (n * sizeof(T) >= kMappedFrom) {
            munmap(p, round_up(n * sizeof(T)));
            return;
        }
#endif
        std::free(p);
    }

    template <typename U>
    bool operator==(const LargeArrayAllocator<U>&) const noexcept {
        return true;
    }

    /// True if a block of `n` elements is mapped (written pages only take memory).
    static constexpr bool mapped(size_t n) noexcept {
#if defined(__linux__)
        return n * sizeof(T) >= kMappedFrom;
#else
        return false;
#endif
    }
    static constexpr size_t kHugePage = size_t{2} << 20;
    static constexpr size_t kMappedFrom = size_t{4} << 20;
    static constexpr size_t round_up(size_t bytes) noexcept {
        return (bytes + kHugePage - 1) & ~(kHugePage - 1);
    }
};

template <typename T>
using LargeArray = std::vector<T, LargeArrayAllocator<T>>;

/// Memory a LargeArray holds: a mapped block's pages up to its size (the rest was never
/// written), a malloc'd block's capacity.
template <typename T>
size_t large_array_bytes(const LargeArray<T>& v) noexcept {
    using Allocator = LargeArrayAllocator<T>;
    const size_t capacity = v.capacity() * sizeof(T);
    if (!Allocator::mapped(v.capacity())) return capacity;
    const size_t used = Allocator::round_up(v.size() * sizeof(T));
    return used < capacity ? used : capacity;
}

/// Gives back the slack of a finished array: a malloc'd block is shrunk by copying; a mapped one
/// is left as it is (its unwritten capacity takes no memory; copying would write fresh pages).
/// Arrays that only grow never wrote past their size; do not use this on one that was popped
/// from a lot.
template <typename T>
void large_array_shrink_to_fit(LargeArray<T>& v) {
    if (!LargeArrayAllocator<T>::mapped(v.capacity())) v.shrink_to_fit();
}

}  // namespace tasklens::trace
