#include "engine/trace/string_table.h"

#include <algorithm>
#include <cstring>

namespace tasklens::trace {
namespace {
constexpr size_t kBlockBytes = size_t{256} << 10;
constexpr size_t kFirstSlots = 1024;

uint64_t mix(uint64_t h) noexcept {
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}
}  // namespace

StringTable::StringTable() {
    texts_.emplace_back();
    hashes_.push_back(0);
    slots_.assign(kFirstSlots, 0);
}

uint64_t StringTable::hash(std::string_view text) noexcept {
    // Eight bytes at a time: interned texts are short (10-60 bytes), so a simple multiplicative
    // mix is as good as a general-purpose hash here and much cheaper.
    uint64_t h = 0x9e3779b97f4a7c15ull ^ text.size();
    const char* p = text.data();
    size_t n = text.size();
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        h = (h ^ word) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 29;
    }
    if (n > 0) {
        uint64_t word = 0;
        std::memcpy(&word, p, n);
        h = (h ^ word) * 0x94d049bb133111ebull;
    }
    return mix(h);
}

size_t StringTable::slot_of(std::string_view text, uint32_t hash) const noexcept {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const uint32_t entry = slots_[i];
        if (entry == 0) return i;
        const Id id = entry - 1;
        if (hashes_[id] == hash && texts_[id] == text) return i;
    }
}

StringTable::Id StringTable::find(std::string_view text) const noexcept {
    if (text.empty()) return 0;
    const auto h = static_cast<uint32_t>(hash(text));
    const uint32_t entry = slots_[slot_of(text, h)];
    return entry == 0 ? kMissing : entry - 1;
}

StringTable::Id StringTable::intern(std::string_view text) {
    if (text.empty()) return 0;
    const auto h = static_cast<uint32_t>(hash(text));
    size_t slot = slot_of(text, h);
    if (slots_[slot] != 0) return slots_[slot] - 1;
    // Keep the table at most half full: probes stay short.
    if ((texts_.size() + 1) * 2 > slots_.size()) {
        rehash(slots_.size() * 2);
        slot = slot_of(text, h);
    }
    const auto id = static_cast<Id>(texts_.size());
    texts_.push_back(store(text));
    hashes_.push_back(h);
    slots_[slot] = id + 1;
    return id;
}

std::string_view StringTable::store(std::string_view text) {
    if (text.size() > kBlockBytes / 4) {
        // A long text gets a block of its own, so that it does not waste the rest of a shared one.
        auto& own = large_.emplace_back(std::make_unique_for_overwrite<char[]>(text.size()));
        block_bytes_ += text.size();
        std::memcpy(own.get(), text.data(), text.size());
        return {own.get(), text.size()};
    }
    if (blocks_.empty() || block_used_ + text.size() > kBlockBytes) {
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockBytes));
        block_used_ = 0;
        block_bytes_ += kBlockBytes;
    }
    char* at = blocks_.back().get() + block_used_;
    std::memcpy(at, text.data(), text.size());
    block_used_ += text.size();
    return {at, text.size()};
}

void StringTable::rehash(size_t slot_count) {
    slots_.assign(slot_count, 0);
    const size_t mask = slot_count - 1;
    for (Id id = 1; id < texts_.size(); ++id) {
        size_t i = hashes_[id] & mask;
        while (slots_[i] != 0) i = (i + 1) & mask;
        slots_[i] = id + 1;
    }
}

void StringTable::reserve(size_t strings) {
    texts_.reserve(strings);
    hashes_.reserve(strings);
    size_t wanted = slots_.size();
    while (wanted < strings * 2) wanted *= 2;
    if (wanted > slots_.size()) rehash(wanted);
}

size_t StringTable::memory_bytes() const noexcept {
    return block_bytes_ + texts_.capacity() * sizeof(std::string_view) +
           hashes_.capacity() * sizeof(uint32_t) + slots_.capacity() * sizeof(uint32_t) +
           (blocks_.capacity() + large_.capacity()) * sizeof(void*);
}

}  // namespace tasklens::trace
