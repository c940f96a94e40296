#include "engine/trace/id_map.h"

#include <bit>

namespace tasklens::trace {

void IdMap::set(uint64_t key, uint32_t value) {
    if (key == 0) return;
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 16 : slots_.size() * 2);
    for (size_t i = home(key);; i = (i + 1) & mask_) {
        Slot& slot = slots_[i];
        if (slot.key == key) {
            slot.value = value;
            return;
        }
        if (slot.key == 0) {
            slot = {key, value};
            ++size_;
            return;
        }
    }
}

void IdMap::erase(uint64_t key) noexcept {
    if (key == 0 || size_ == 0) return;
    size_t hole = home(key);
    while (slots_[hole].key != key) {
        if (slots_[hole].key == 0) return;
        hole = (hole + 1) & mask_;
    }
    // Shift back every later entry of the run that may move into the hole (its home is not
    // cyclically in (hole, i]), so that lookups never meet a gap before their key.
    for (size_t i = (hole + 1) & mask_; slots_[i].key != 0; i = (i + 1) & mask_) {
        const size_t h = home(slots_[i].key);
        const bool stays = hole < i ? (hole < h && h <= i) : (hole < h || h <= i);
        if (stays) continue;
        slots_[hole] = slots_[i];
        hole = i;
    }
    slots_[hole] = Slot{};
    --size_;
}

void IdMap::rehash(size_t slot_count) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slot_count, Slot{});
    mask_ = slot_count - 1;
    shift_ = 64 - std::countr_zero(slot_count);
    size_ = 0;
    for (const Slot& slot : old)
        if (slot.key != 0) set(slot.key, slot.value);
}

}  // namespace tasklens::trace
