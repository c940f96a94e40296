#pragma once
// Maps as the BEAM (OTP 25) has them, so that iteration order is the BEAM's own.
//
// A map of at most 32 keys is flat: its entries inline, sorted by exact term order. A larger map
// is a hash array mapped trie keyed by erts' internal hash (`make_internal_hash`, reproduced in
// beam_internal_hash): 4 hash bits per level, lowest bits first, and every 8 levels the key is
// hashed again with the next salt. A node holds up to 16 slots, each a leaf (key and value) or a
// child node. Updates copy the path from the root and share everything else, so put, get and
// delete are O(log n). Deleting below 33 keys turns the map flat again, as erts does.
//
// Orders (erts): `maps:keys/values/to_list` (Map.keys, inspect, Enumerable.reduce, MapSet) walk
// the trie from slot 15 down to slot 0; `maps:fold` and `maps:iterator` (Enum.reduce, Enum.map,
// `for`) walk it from slot 0 up. A flat map iterates in key order both ways.
//
// Known differences: erts hashes an atom, pid or port by its machine word, which holds the
// atom's index in the VM's atom table (or the pid's number); that depends on what the VM loaded,
// so maps of more than 32 atom, pid, reference or fun keys iterate in an order of their own here,
// as do proper lists as keys (OTP 25's list hash is not reproduced). Integers (small and 64-bit
// bignums), floats, binaries, tuples and improper lists of them hash exactly as in erts
// (checked against OTP 25).
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/runtime/term.h"

namespace tasklens {

using MapEntry = std::pair<Term, Term>;

/// The largest map kept flat (erts' MAP_SMALL_MAP_LIMIT).
inline constexpr size_t kFlatMapLimit = 32;

/// erts' make_internal_hash(term, salt) of OTP 25 (64-bit, Jenkins mixing).
uint32_t beam_internal_hash(const Term& term, uint32_t salt = 0);

struct HamtNode;

struct alignas(alignof(Term)) MapObject : HeapObject {
    uint32_t count = 0;
    HamtNode* root = nullptr;  ///< nullptr: a flat map, its `count` entries follow the object

    bool is_flat() const noexcept { return root == nullptr; }
    size_t size() const noexcept { return count; }
    std::span<const MapEntry> flat_entries() const noexcept {
        return {reinterpret_cast<const MapEntry*>(this + 1), count};
    }

    /// Walks the entries in one of the BEAM's two orders without recursion.
    class Iterator {
      public:
        Iterator() = default;
        Iterator(const MapObject& map, bool fold_order);
        const MapEntry& operator*() const noexcept { return *current_; }
        const MapEntry* operator->() const noexcept { return current_; }
        Iterator& operator++();
        bool operator==(const Iterator& other) const noexcept { return current_ == other.current_; }

      private:
        void advance();
        struct Frame {
            const HamtNode* node;
            int slot;  ///< next slot to visit (or leaf index in a collision node)
        };
        const MapEntry* current_ = nullptr;
        const MapEntry* flat_end_ = nullptr;
        bool fold_order_ = false;
        int depth_ = 0;
        std::array<Frame, 48> stack_{};  // deeper than kMaxLevel + 1
    };

    /// maps:to_list order (Map.keys, Map.to_list, inspect, MapSet).
    Iterator begin() const { return Iterator(*this, false); }
    Iterator end() const { return Iterator(); }

    struct FoldRange {
        const MapObject& map;
        Iterator begin() const { return Iterator(map, true); }
        Iterator end() const { return Iterator(); }
    };
    /// maps:fold order (Enum.reduce and the Enum functions built on it, `for`).
    FoldRange fold_order() const { return FoldRange{*this}; }

    /// Frees a map whose reference count dropped to zero.
    static void destroy(MapObject* map) noexcept;
    /// A flat map of `n` nil/nil entries for the caller to fill in sorted.
    static MapObject* allocate_flat(size_t n);

  private:
    MapObject() : HeapObject(TermType::Map) {}
    MapEntry* mutable_flat() noexcept { return reinterpret_cast<MapEntry*>(this + 1); }
    friend struct MapBuilder;
};
static_assert(sizeof(MapObject) % alignof(Term) == 0);

/// The entries in maps:to_list order, copied.
std::vector<MapEntry> map_entries(const Term& map);
/// The entries sorted by exact key order: how term order and == compare two maps.
std::vector<const MapEntry*> map_entries_in_key_order(const MapObject& map);
/// Map.merge(a, b): b's values win. Puts the smaller map's entries into the larger one.
Term map_merge(const Term& a, const Term& b);
/// Depth of the trie (0 for a flat map); for tests and benchmarks.
int map_trie_depth(const MapObject& map);

}  // namespace tasklens
