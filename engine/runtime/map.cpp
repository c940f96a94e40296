// Over 800 lines: flat maps, the hash trie and the port of erts' internal hash belong together,
// since the trie's layout and iteration orders are defined by that hash.
// Flat maps, the hash trie, and erts' internal hash; see map.h for the layout and the orders.
#include "engine/runtime/map.h"

#include "engine/runtime/jenkins_hash.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

namespace tasklens {

// --- erts' internal hash -------------------------------------------------------------------

namespace {

using jenkins::block_hash;
using jenkins::hash2;
using jenkins::hconst;
using jenkins::kGolden;

constexpr uint32_t kInternalHashSalt = 3432918353u;

inline void hash_word(uint32_t& hash, uint64_t word) {
    hash2(hash, static_cast<uint32_t>(word), static_cast<uint32_t>(word >> 32), kGolden);
}

inline void const_hash(uint32_t& hash, uint32_t k) {
    hash ^= k;
    hash = (hash << 17) ^ (hash >> 15);
}

// Machine words of the BEAM's immediates (64-bit tag scheme).
constexpr int64_t kSmallMin = -(int64_t{1} << 59), kSmallMax = (int64_t{1} << 59) - 1;
constexpr uint64_t kNilWord = 0xFFFFFFFFFFFFFFFBull;
inline uint64_t small_word(int64_t v) {
    return (static_cast<uint64_t>(v) << 4) | 0xF;
}
inline uint64_t atom_word(Atom a) {
    return (uint64_t{a.id} << 6) | 0xB;
}
inline uint64_t pid_word(Pid p) {
    return (p.packed() << 4) | 0x3;
}

// Work items of the explicit stack: a term, a hash-trie node of a map key, or erts' marker for
// "the tail of a cons cell whose tail is not a list".
struct HashWork {
    enum Kind : uint8_t { TermItem, NodeItem, CdrMarker } kind;
    const void* ptr;
};

}  // namespace

/// Bits set in a 16-bit slot map; inline SWAR (std::popcount is a libgcc call without -mpopcnt).
inline size_t popcount16(unsigned x) noexcept {
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}

struct HamtNode {
    uint32_t refcount = 1;
    uint16_t leafmap = 0;     ///< bit i: slot i holds a leaf
    uint16_t childmap = 0;    ///< bit i: slot i holds a child node
    uint32_t collisions = 0;  ///< a collision node (past the deepest level): its number of leaves
    uint32_t pad_ = 0;

    size_t child_count() const noexcept { return popcount16(childmap); }
    size_t leaf_count() const noexcept { return collisions ? collisions : popcount16(leafmap); }
    HamtNode** children() noexcept { return reinterpret_cast<HamtNode**>(this + 1); }
    HamtNode* const* children() const noexcept {
        return reinterpret_cast<HamtNode* const*>(this + 1);
    }
    MapEntry* leaves() noexcept { return reinterpret_cast<MapEntry*>(children() + child_count()); }
    const MapEntry* leaves() const noexcept {
        return reinterpret_cast<const MapEntry*>(children() + child_count());
    }
    size_t leaf_pos(unsigned slot) const noexcept {
        return popcount16(unsigned(leafmap) & ((1u << slot) - 1));
    }
    size_t child_pos(unsigned slot) const noexcept {
        return popcount16(unsigned(childmap) & ((1u << slot) - 1));
    }
};
static_assert(sizeof(HamtNode) == 16);

uint32_t beam_internal_hash(const Term& term, uint32_t salt) {
    uint32_t hash = salt ^ kInternalHashSalt;
    std::vector<HashWork> stack;
    HashWork work{HashWork::TermItem, &term};
    for (;;) {
        if (work.kind == HashWork::CdrMarker) {
            const_hash(hash, hconst(18));
        } else if (work.kind == HashWork::NodeItem) {
            // A node of a hash-trie map key: erts pushes its slots in order, so they are hashed
            // from the last slot to the first; a leaf hashes its key, then its value.
            const auto* node = static_cast<const HamtNode*>(work.ptr);
            size_t ci = 0, li = 0;
            if (node->collisions) {
                // erts hashes a collision node as the tuple it is.
                hash2(hash, node->collisions, 0, hconst(9));
                for (size_t i = node->collisions; i-- > 0;) {
                    stack.push_back({HashWork::TermItem, &node->leaves()[i].second});
                    stack.push_back({HashWork::TermItem, &node->leaves()[i].first});
                }
            } else {
                for (unsigned slot = 0; slot < 16; ++slot) {
                    if (node->leafmap & (1u << slot)) {
                        const MapEntry& leaf = node->leaves()[li++];
                        stack.push_back({HashWork::TermItem, &leaf.second});
                        stack.push_back({HashWork::TermItem, &leaf.first});
                    } else if (node->childmap & (1u << slot)) {
                        stack.push_back({HashWork::NodeItem, node->children()[ci++]});
                    }
                }
            }
        } else {
            const Term& t = *static_cast<const Term*>(work.ptr);
            switch (t.type()) {
                case TermType::Integer: {
                    int64_t v = t.as_integer();
                    if (v >= kSmallMin && v <= kSmallMax) {
                        hash_word(hash, small_word(v));
                    } else {
                        // A bignum of one 64-bit digit: its magnitude, low half first.
                        uint64_t magnitude =
                            v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
                        hash2(hash, static_cast<uint32_t>(magnitude),
                              static_cast<uint32_t>(magnitude >> 32),
                              v < 0 ? hconst(10) : hconst(11));
                    }
                    break;
                }
                case TermType::Float: {
                    double d = t.as_float();
                    if (d == 0.0) d = 0.0;  // -0.0 hashes as 0.0
                    uint64_t bits;
                    std::memcpy(&bits, &d, sizeof bits);
                    hash2(hash, static_cast<uint32_t>(bits), static_cast<uint32_t>(bits >> 32),
                          hconst(12));
                    break;
                }
                case TermType::Atom:
                    hash_word(hash, atom_word(t.as_atom()));
                    break;
                case TermType::Pid:
                    hash_word(hash, pid_word(t.as_pid()));
                    break;
                case TermType::Nil:
                    hash_word(hash, kNilWord);
                    break;
                case TermType::Reference: {
                    uint64_t id = t.as_reference().id;
                    hash2(hash, static_cast<uint32_t>(id), 0, hconst(7));
                    hash2(hash, static_cast<uint32_t>(id >> 32), 0, hconst(8));
                    break;
                }
                case TermType::Fun: {
                    const FunObject& f = t.fun();
                    hash2(hash, static_cast<uint32_t>(f.env.size()), f.module.id, hconst(20));
                    hash2(hash, static_cast<uint32_t>(f.unique),
                          static_cast<uint32_t>(f.unique >> 32), hconst(21));
                    if (f.kind == FunObject::Kind::External)
                        hash2(hash, f.name.id, f.arity, hconst(14));
                    for (size_t i = f.env.size(); i-- > 0;)
                        stack.push_back({HashWork::TermItem, &f.env[i]});
                    break;
                }
                case TermType::Binary: {
                    std::string_view bytes = t.binary_view();
                    uint32_t con = hconst(13) + hash;
                    hash = bytes.empty()
                               ? con
                               : block_hash(reinterpret_cast<const unsigned char*>(bytes.data()),
                                            bytes.size(), con);
                    break;
                }
                case TermType::Tuple: {
                    auto items = t.tuple_items();
                    hash2(hash, static_cast<uint32_t>(items.size()), 0, hconst(9));
                    for (size_t i = items.size(); i-- > 0;)
                        stack.push_back({HashWork::TermItem, &items[i]});
                    break;
                }
                case TermType::List: {
                    // erts' string optimisation: a run of byte-sized integers is hashed 4 at a
                    // time. This follows erts' current list hashing: it matches OTP 25 for
                    // improper lists like [1 | 2] but not for proper lists, whose OTP 25 hash is
                    // not reproduced (maps of > 32 list keys iterate in an order of their own).
                    const Term* cur = &t;
                    int c = 0;
                    uint32_t sh = 0;
                    while (cur->is_cons() && cur->head().is_integer() &&
                           cur->head().as_integer() >= 0 && cur->head().as_integer() <= 255) {
                        sh = (sh << 8) + static_cast<uint32_t>(cur->head().as_integer());
                        if (c == 3) {
                            hash2(hash, sh, 0, hconst(4));
                            c = 0;
                            sh = 0;
                        } else {
                            ++c;
                        }
                        cur = &cur->tail();
                    }
                    if (c > 0) hash2(hash, sh, static_cast<uint32_t>(c), hconst(22));
                    if (cur->is_cons()) {
                        const_hash(hash, hconst(17));
                        stack.push_back({HashWork::TermItem, &cur->tail()});
                        if (!cur->tail().is_cons()) stack.push_back({HashWork::CdrMarker, nullptr});
                        stack.push_back({HashWork::TermItem, &cur->head()});
                    } else {
                        stack.push_back({HashWork::TermItem, cur});
                    }
                    break;
                }
                case TermType::Map: {
                    const MapObject& m = t.map_object();
                    hash2(hash, m.count, 0, hconst(16));
                    if (m.is_flat()) {
                        auto entries = m.flat_entries();
                        for (size_t i = entries.size(); i-- > 0;) {
                            stack.push_back({HashWork::TermItem, &entries[i].second});
                            stack.push_back({HashWork::TermItem, &entries[i].first});
                        }
                    } else {
                        stack.push_back({HashWork::NodeItem, m.root});
                    }
                    break;
                }
            }
        }
        if (stack.empty()) return hash;
        work = stack.back();
        stack.pop_back();
    }
}

// --- the trie ------------------------------------------------------------------------------

namespace {

/// Levels 0..kMaxLevel-1 index by hash bits (salts 0..4); deeper keys share a collision node.
constexpr int kMaxLevel = 40;

inline uint32_t hash_for_level(const Term& key, int level) {
    return beam_internal_hash(key, static_cast<uint32_t>(level / 8));
}
inline unsigned slot_of(uint32_t hash, int level) {
    return (hash >> (4 * (level % 8))) & 0xF;
}

HamtNode* allocate_node(size_t children, size_t leaves) {
    void* memory =
        ::operator new(sizeof(HamtNode) + children * sizeof(HamtNode*) + leaves * sizeof(MapEntry));
    return new (memory) HamtNode();
}

void release_node(HamtNode* node) noexcept;

void destroy_node(HamtNode* node) noexcept {
    size_t nc = node->child_count(), nl = node->leaf_count();
    for (size_t i = 0; i < nc; ++i) release_node(node->children()[i]);
    for (size_t i = 0; i < nl; ++i) node->leaves()[i].~MapEntry();
    node->~HamtNode();
    ::operator delete(static_cast<void*>(node));
}

// Depth is bounded by kMaxLevel, so this recursion is too.
void release_node(HamtNode* node) noexcept {
    if (--node->refcount == 0) destroy_node(node);
}

inline HamtNode* retain_node(HamtNode* node) noexcept {
    ++node->refcount;
    return node;
}

/// How one array of a node changes when it is copied: one element replaced, inserted or erased.
struct Edit {
    enum Op : uint8_t { Keep, Replace, Insert, Erase } op = Keep;
    size_t pos = 0;
};

/// A copy of `node` with new slot maps and at most one edit to each array; the copy holds new
/// references to everything it keeps. Arrays are in slot order, so positions are ranks.
HamtNode* splice(const HamtNode* node, uint16_t leafmap, uint16_t childmap, Edit leaf_edit,
                 const MapEntry* new_leaf, Edit child_edit, HamtNode* new_child) {
    const size_t old_children = node->child_count(), old_leaves = node->leaf_count();
    HamtNode* out = allocate_node(popcount16(childmap), popcount16(leafmap));
    out->leafmap = leafmap;
    out->childmap = childmap;
    HamtNode** children = out->children();
    size_t j = 0;
    for (size_t i = 0; i <= old_children; ++i) {
        if (child_edit.op == Edit::Insert && child_edit.pos == i) children[j++] = new_child;
        if (i == old_children) break;
        if (child_edit.pos == i && child_edit.op == Edit::Erase) continue;
        if (child_edit.pos == i && child_edit.op == Edit::Replace)
            children[j++] = new_child;
        else
            children[j++] = retain_node(node->children()[i]);
    }
    MapEntry* leaves = out->leaves();
    j = 0;
    for (size_t i = 0; i <= old_leaves; ++i) {
        if (leaf_edit.op == Edit::Insert && leaf_edit.pos == i)
            new (leaves + j++) MapEntry(*new_leaf);
        if (i == old_leaves) break;
        if (leaf_edit.pos == i && leaf_edit.op == Edit::Erase) continue;
        if (leaf_edit.pos == i && leaf_edit.op == Edit::Replace)
            new (leaves + j++) MapEntry(*new_leaf);
        else
            new (leaves + j++) MapEntry(node->leaves()[i]);
    }
    return out;
}

HamtNode* collision_node(std::span<const MapEntry> leaves) {
    HamtNode* node = allocate_node(0, leaves.size());
    node->collisions = static_cast<uint32_t>(leaves.size());
    for (size_t i = 0; i < leaves.size(); ++i) new (node->leaves() + i) MapEntry(leaves[i]);
    return node;
}

/// A node at `level` holding two leaves whose keys differ; `ha`/`hb` are their hashes for the
/// salt of `level`.
HamtNode* pair_node(int level, MapEntry a, uint32_t ha, MapEntry b, uint32_t hb) {
    if (level >= kMaxLevel) {
        MapEntry both[2] = {std::move(a), std::move(b)};
        return collision_node(both);
    }
    unsigned sa = slot_of(ha, level), sb = slot_of(hb, level);
    if (sa != sb) {
        HamtNode* node = allocate_node(0, 2);
        node->leafmap = static_cast<uint16_t>((1u << sa) | (1u << sb));
        if (sa < sb) {
            new (node->leaves()) MapEntry(std::move(a));
            new (node->leaves() + 1) MapEntry(std::move(b));
        } else {
            new (node->leaves()) MapEntry(std::move(b));
            new (node->leaves() + 1) MapEntry(std::move(a));
        }
        return node;
    }
    int next = level + 1;
    if (next % 8 == 0) {
        ha = hash_for_level(a.first, next);
        hb = hash_for_level(b.first, next);
    }
    HamtNode* child = pair_node(next, std::move(a), ha, std::move(b), hb);
    HamtNode* node = allocate_node(1, 0);
    node->childmap = static_cast<uint16_t>(1u << sa);
    node->children()[0] = child;
    return node;
}

/// Copy of `node` with `key` bound to `value`. `hash` is the key's hash for this level's salt.
HamtNode* node_put(const HamtNode* node, int level, uint32_t hash, const Term& key,
                   const Term& value, bool& grew) {
    if (node->collisions) {
        std::vector<MapEntry> leaves(node->leaves(), node->leaves() + node->collisions);
        auto it = std::find_if(leaves.begin(), leaves.end(),
                               [&](const MapEntry& e) { return exact_equal(e.first, key); });
        if (it != leaves.end()) {
            it->second = value;
        } else {
            leaves.emplace_back(key, value);
            grew = true;
        }
        return collision_node(leaves);
    }
    unsigned slot = slot_of(hash, level);
    uint16_t bit = static_cast<uint16_t>(1u << slot);
    if (node->childmap & bit) {
        int next = level + 1;
        uint32_t next_hash = next % 8 == 0 ? hash_for_level(key, next) : hash;
        size_t at = node->child_pos(slot);
        HamtNode* child = node_put(node->children()[at], next, next_hash, key, value, grew);
        return splice(node, node->leafmap, node->childmap, {}, nullptr, {Edit::Replace, at}, child);
    }
    if (node->leafmap & bit) {
        size_t at = node->leaf_pos(slot);
        const MapEntry& existing = node->leaves()[at];
        if (exact_equal(existing.first, key)) {
            MapEntry replaced(existing.first, value);
            return splice(node, node->leafmap, node->childmap, {Edit::Replace, at}, &replaced, {},
                          nullptr);
        }
        grew = true;
        int next = level + 1;
        uint32_t existing_hash = hash_for_level(existing.first, next);
        uint32_t next_hash = next % 8 == 0 ? hash_for_level(key, next) : hash;
        HamtNode* child = pair_node(next, existing, existing_hash, MapEntry(key, value), next_hash);
        return splice(node, static_cast<uint16_t>(node->leafmap & ~bit),
                      static_cast<uint16_t>(node->childmap | bit), {Edit::Erase, at}, nullptr,
                      {Edit::Insert, node->child_pos(slot)}, child);
    }
    grew = true;
    MapEntry added(key, value);
    return splice(node, static_cast<uint16_t>(node->leafmap | bit), node->childmap,
                  {Edit::Insert, node->leaf_pos(slot)}, &added, {}, nullptr);
}

const Term* node_find(const HamtNode* node, const Term& key) {
    uint32_t hash = hash_for_level(key, 0);
    for (int level = 0;; ++level) {
        if (node->collisions) {
            for (size_t i = 0; i < node->collisions; ++i)
                if (exact_equal(node->leaves()[i].first, key)) return &node->leaves()[i].second;
            return nullptr;
        }
        if (level > 0 && level % 8 == 0) hash = hash_for_level(key, level);
        unsigned slot = slot_of(hash, level);
        uint16_t bit = static_cast<uint16_t>(1u << slot);
        if (node->leafmap & bit) {
            const MapEntry& leaf = node->leaves()[node->leaf_pos(slot)];
            return exact_equal(leaf.first, key) ? &leaf.second : nullptr;
        }
        if (!(node->childmap & bit)) return nullptr;
        node = node->children()[node->child_pos(slot)];
    }
}

/// Result of removing a key below a node: the node is unchanged (key absent), replaced, emptied,
/// or reduced to a single leaf that the parent takes in its slot (keeps the trie canonical).
struct Removal {
    enum Kind { Absent, Replaced, Empty, Lone } kind = Absent;
    HamtNode* node = nullptr;
    MapEntry lone;
};

Removal node_remove(const HamtNode* node, int level, uint32_t hash, const Term& key) {
    Removal out;
    if (node->collisions) {
        std::vector<MapEntry> leaves;
        for (size_t i = 0; i < node->collisions; ++i)
            if (!exact_equal(node->leaves()[i].first, key)) leaves.push_back(node->leaves()[i]);
        if (leaves.size() == node->collisions) return out;
        if (leaves.size() == 1) {
            out.kind = Removal::Lone;
            out.lone = std::move(leaves[0]);
        } else {
            out.kind = Removal::Replaced;
            out.node = collision_node(leaves);
        }
        return out;
    }
    unsigned slot = slot_of(hash, level);
    uint16_t bit = static_cast<uint16_t>(1u << slot);
    uint16_t leafmap = node->leafmap, childmap = node->childmap;
    Edit leaf_edit, child_edit;
    HamtNode* new_child = nullptr;
    MapEntry new_leaf;
    if (leafmap & bit) {
        size_t at = node->leaf_pos(slot);
        if (!exact_equal(node->leaves()[at].first, key)) return out;
        leafmap = static_cast<uint16_t>(leafmap & ~bit);
        leaf_edit = {Edit::Erase, at};
    } else if (childmap & bit) {
        int next = level + 1;
        uint32_t next_hash = next % 8 == 0 ? hash_for_level(key, next) : hash;
        size_t at = node->child_pos(slot);
        Removal below = node_remove(node->children()[at], next, next_hash, key);
        switch (below.kind) {
            case Removal::Absent:
                return out;
            case Removal::Replaced:
                new_child = below.node;
                child_edit = {Edit::Replace, at};
                break;
            case Removal::Empty:
                childmap = static_cast<uint16_t>(childmap & ~bit);
                child_edit = {Edit::Erase, at};
                break;
            case Removal::Lone:
                childmap = static_cast<uint16_t>(childmap & ~bit);
                leafmap = static_cast<uint16_t>(leafmap | bit);
                new_leaf = std::move(below.lone);
                child_edit = {Edit::Erase, at};
                leaf_edit = {Edit::Insert, node->leaf_pos(slot)};
                break;
        }
    } else {
        return out;
    }
    if (leafmap == 0 && childmap == 0) {
        out.kind = Removal::Empty;
        return out;
    }
    if (childmap == 0 && popcount16(leafmap) == 1 && level > 0) {
        unsigned only = static_cast<unsigned>(std::countr_zero(unsigned(leafmap)));
        out.kind = Removal::Lone;
        out.lone = only == slot ? new_leaf : node->leaves()[node->leaf_pos(only)];
        return out;
    }
    out.kind = Removal::Replaced;
    out.node = splice(node, leafmap, childmap, leaf_edit, &new_leaf, child_edit, new_child);
    return out;
}

void collect(const HamtNode* node, std::vector<const MapEntry*>& out) {
    // Bounded depth (kMaxLevel), so recursion is fine here.
    size_t nc = node->child_count(), nl = node->leaf_count();
    for (size_t i = 0; i < nl; ++i) out.push_back(&node->leaves()[i]);
    for (size_t i = 0; i < nc; ++i) collect(node->children()[i], out);
}

int depth_of(const HamtNode* node) {
    int deepest = 0;
    for (size_t i = 0; i < node->child_count(); ++i)
        deepest = std::max(deepest, depth_of(node->children()[i]));
    return deepest + 1;
}

bool key_less(const MapEntry& a, const MapEntry& b) {
    return compare_exact(a.first, b.first) < 0;
}

}  // namespace

/// Builds map objects; a friend of MapObject.
struct MapBuilder {
    static MapObject* flat(std::vector<MapEntry>&& sorted_unique) {
        MapObject* map = MapObject::allocate_flat(sorted_unique.size());
        for (size_t i = 0; i < sorted_unique.size(); ++i)
            map->mutable_flat()[i] = std::move(sorted_unique[i]);
        return map;
    }
    static MapObject* trie(HamtNode* root, size_t count) {
        void* memory = ::operator new(sizeof(MapObject));
        auto* map = new (memory) MapObject();
        map->root = root;
        map->count = static_cast<uint32_t>(count);
        return map;
    }
    /// A trie holding `entries` (distinct keys).
    static MapObject* trie_from(std::span<const MapEntry> entries, const MapEntry* extra) {
        HamtNode* root = allocate_node(0, 0);
        size_t count = 0;
        auto insert = [&](const MapEntry& e) {
            bool grew = false;
            HamtNode* next = node_put(root, 0, hash_for_level(e.first, 0), e.first, e.second, grew);
            release_node(root);
            root = next;
            if (grew) ++count;
        };
        for (const MapEntry& e : entries) insert(e);
        if (extra) insert(*extra);
        return trie(root, count);
    }
    /// A flat map of the entries of a trie that shrank to kFlatMapLimit.
    static MapObject* flatten(HamtNode* root) {
        std::vector<const MapEntry*> all;
        collect(root, all);
        std::vector<MapEntry> entries;
        entries.reserve(all.size());
        for (const MapEntry* e : all) entries.push_back(*e);
        std::sort(entries.begin(), entries.end(), key_less);
        return flat(std::move(entries));
    }
};

MapObject* MapObject::allocate_flat(size_t n) {
    void* memory = ::operator new(sizeof(MapObject) + n * sizeof(MapEntry));
    auto* map = new (memory) MapObject();
    map->count = static_cast<uint32_t>(n);
    for (size_t i = 0; i < n; ++i) new (map->mutable_flat() + i) MapEntry();
    return map;
}

void MapObject::destroy(MapObject* map) noexcept {
    if (map->root) {
        release_node(map->root);
    } else {
        for (size_t i = 0; i < map->count; ++i) map->mutable_flat()[i].~MapEntry();
    }
    map->~MapObject();
    ::operator delete(static_cast<void*>(map));
}

// --- iteration -------------------------------------------------------------------------------

MapObject::Iterator::Iterator(const MapObject& map, bool fold_order) : fold_order_(fold_order) {
    if (map.is_flat()) {
        auto entries = map.flat_entries();
        if (!entries.empty()) {
            current_ = entries.data();
            flat_end_ = entries.data() + entries.size();
        }
        return;
    }
    stack_[0] = {map.root, fold_order ? 0 : 15};
    depth_ = 1;
    advance();
}

MapObject::Iterator& MapObject::Iterator::operator++() {
    if (flat_end_) {
        if (++current_ == flat_end_) current_ = flat_end_ = nullptr;
        return *this;
    }
    advance();
    return *this;
}

void MapObject::Iterator::advance() {
    while (depth_ > 0) {
        Frame& top = stack_[depth_ - 1];
        const HamtNode* node = top.node;
        if (node->collisions) {
            if (top.slot >= 0 && top.slot < static_cast<int>(node->collisions)) {
                // Collision leaves in stored order either way (erts keeps them in a list too).
                current_ = &node->leaves()[top.slot++];
                return;
            }
            --depth_;
            continue;
        }
        if (top.slot < 0 || top.slot > 15) {
            --depth_;
            continue;
        }
        unsigned slot = static_cast<unsigned>(top.slot);
        top.slot += fold_order_ ? 1 : -1;
        uint16_t bit = static_cast<uint16_t>(1u << slot);
        if (node->leafmap & bit) {
            current_ = &node->leaves()[node->leaf_pos(slot)];
            return;
        }
        if (node->childmap & bit) {
            const HamtNode* child = node->children()[node->child_pos(slot)];
            stack_[depth_++] = {child, child->collisions ? 0 : (fold_order_ ? 0 : 15)};
        }
    }
    current_ = nullptr;
}

// --- Term's map functions --------------------------------------------------------------------

Term Term::empty_map() {
    return adopt(MapObject::allocate_flat(0));
}

Term Term::map(std::vector<std::pair<Term, Term>> entries) {
    if (entries.size() <= kFlatMapLimit) {
        std::stable_sort(entries.begin(), entries.end(), key_less);
        std::vector<MapEntry> unique;
        unique.reserve(entries.size());
        for (auto& entry : entries) {  // the last of equal keys wins
            if (!unique.empty() && exact_equal(unique.back().first, entry.first))
                unique.back().second = std::move(entry.second);
            else
                unique.push_back(std::move(entry));
        }
        return adopt(MapBuilder::flat(std::move(unique)));
    }
    MapObject* trie = MapBuilder::trie_from(entries, nullptr);
    if (trie->count > kFlatMapLimit) return adopt(trie);
    Term holder = adopt(trie);
    return adopt(MapBuilder::flatten(trie->root));
}

const MapObject& Term::map_object() const noexcept {
    return *static_cast<const MapObject*>(u_.object);
}

size_t Term::map_size() const noexcept {
    return map_object().count;
}

const Term* Term::map_find(const Term& key) const noexcept {
    const MapObject& map = map_object();
    if (!map.is_flat()) return node_find(map.root, key);
    auto entries = map.flat_entries();
    size_t lo = 0, hi = entries.size();
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = compare_exact(entries[mid].first, key);
        if (c == 0) return &entries[mid].second;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return nullptr;
}

Term Term::map_put(Term key, Term value) const {
    const MapObject& map = map_object();
    if (!map.is_flat()) {
        bool grew = false;
        HamtNode* root = node_put(map.root, 0, hash_for_level(key, 0), key, value, grew);
        return adopt(MapBuilder::trie(root, map.count + (grew ? 1 : 0)));
    }
    auto entries = map.flat_entries();
    auto it = std::lower_bound(
        entries.begin(), entries.end(), key,
        [](const MapEntry& e, const Term& k) { return compare_exact(e.first, k) < 0; });
    bool replace = it != entries.end() && exact_equal(it->first, key);
    if (!replace && entries.size() == kFlatMapLimit) {
        MapEntry extra(std::move(key), std::move(value));
        return adopt(MapBuilder::trie_from(entries, &extra));
    }
    size_t at = static_cast<size_t>(it - entries.begin());
    MapObject* out = MapObject::allocate_flat(entries.size() + (replace ? 0 : 1));
    auto* dst = const_cast<MapEntry*>(out->flat_entries().data());
    for (size_t i = 0; i < at; ++i) dst[i] = entries[i];
    dst[at] = MapEntry(std::move(key), std::move(value));
    for (size_t i = at + (replace ? 1 : 0), j = at + 1; i < entries.size(); ++i, ++j)
        dst[j] = entries[i];
    return adopt(out);
}

Term Term::map_remove(const Term& key) const {
    const MapObject& map = map_object();
    if (!map.is_flat()) {
        Removal removal = node_remove(map.root, 0, hash_for_level(key, 0), key);
        if (removal.kind == Removal::Absent) return *this;
        // The root never reduces to a lone leaf (level 0), and a trie holds > 32 keys.
        Term trie = adopt(MapBuilder::trie(removal.node, map.count - 1));
        if (map.count - 1 > kFlatMapLimit) return trie;
        return adopt(MapBuilder::flatten(removal.node));
    }
    if (!map_find(key)) return *this;
    auto entries = map.flat_entries();
    MapObject* out = MapObject::allocate_flat(entries.size() - 1);
    auto* dst = const_cast<MapEntry*>(out->flat_entries().data());
    size_t j = 0;
    for (const MapEntry& e : entries)
        if (!exact_equal(e.first, key)) dst[j++] = e;
    return adopt(out);
}

// --- helpers ---------------------------------------------------------------------------------

std::vector<MapEntry> map_entries(const Term& map) {
    std::vector<MapEntry> out;
    out.reserve(map.map_size());
    for (const MapEntry& e : map.map_object()) out.push_back(e);
    return out;
}

std::vector<const MapEntry*> map_entries_in_key_order(const MapObject& map) {
    std::vector<const MapEntry*> out;
    out.reserve(map.count);
    if (map.is_flat()) {
        for (const MapEntry& e : map.flat_entries()) out.push_back(&e);
        return out;
    }
    collect(map.root, out);
    std::sort(out.begin(), out.end(),
              [](const MapEntry* a, const MapEntry* b) { return key_less(*a, *b); });
    return out;
}

Term map_merge(const Term& a, const Term& b) {
    if (a.map_size() >= b.map_size()) {
        Term out = a;
        for (const MapEntry& e : b.map_object()) out = out.map_put(e.first, e.second);
        return out;
    }
    Term out = b;
    for (const MapEntry& e : a.map_object())
        if (!b.map_find(e.first)) out = out.map_put(e.first, e.second);
    return out;
}

int map_trie_depth(const MapObject& map) {
    return map.is_flat() ? 0 : depth_of(map.root);
}

}  // namespace tasklens
