#pragma once
// Interned strings of the trace model: every event's text, initial call and name is stored once
// and referred to by a 32-bit id. A trace of 2M events interns ~1M texts, a third of them new
// (`{:done, 17}`, `{:EXIT, #PID<0.117.0>, :normal}`), so both the lookup and the insertion are on
// the load path: the texts are packed into large blocks (no allocation per string) and found
// through an open-addressing table of ids (no node per string).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace tasklens::trace {

class StringTable {
  public:
    using Id = uint32_t;
    static constexpr Id kMissing = UINT32_MAX;

    StringTable();
    /// The id of `text`, added if new. Id 0 is always the empty string; ids are dense.
    Id intern(std::string_view text);
    /// The id of `text`, or kMissing if it was never interned.
    Id find(std::string_view text) const noexcept;
    /// The text of `id` (empty for an unknown id). The view stays valid for the table's life.
    std::string_view get(Id id) const noexcept {
        return id < texts_.size() ? texts_[id] : std::string_view{};
    }
    size_t size() const noexcept { return texts_.size(); }
    /// Makes room for about `strings` distinct strings without rehashing.
    void reserve(size_t strings);
    /// Bytes held: the blocks, the views and the hash table.
    size_t memory_bytes() const noexcept;

  private:
    static uint64_t hash(std::string_view text) noexcept;
    /// The slot holding `text`, or the empty slot where it would go.
    size_t slot_of(std::string_view text, uint32_t hash) const noexcept;
    std::string_view store(std::string_view text);
    void rehash(size_t slot_count);

    std::vector<std::string_view> texts_;          ///< by id
    std::vector<uint32_t> hashes_;                 ///< by id: the low 32 bits of hash(text)
    std::vector<uint32_t> slots_;                  ///< id + 1 (0 = empty); size is a power of two
    std::vector<std::unique_ptr<char[]>> blocks_;  ///< shared blocks, the last one in use
    std::vector<std::unique_ptr<char[]>> large_;   ///< one per long text
    size_t block_used_ = 0;
    size_t block_bytes_ = 0;
};

}  // namespace tasklens::trace
