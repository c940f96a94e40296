#pragma once
// :erlang.phash2/1,2: erts' make_hash2 (OTP 25, 64-bit), the portable hash whose values do not
// depend on the VM instance, so scenarios (and PartitionSupervisor's routing) get the numbers
// real Elixir prints.
//
// Exact for integers of any size, floats, atoms, binaries and bitstrings, lists, tuples, maps
// and external funs (&Mod.fun/arity). Where erts hashes VM-internal numbers the values follow
// Tasklens's own: a pid hashes its serial as erts hashes a local pid's number (so #PID<0.N.0>
// hashes as on the BEAM), a reference its id, and a closure (`fn`) its code identity instead of
// the BEAM's fun-table index and checksum; equal terms always hash equally.
#include <cstdint>
#include <span>
#include <string_view>

#include "engine/runtime/term.h"

namespace tasklens {

/// erts' make_hash2: the full 32-bit hash.
uint32_t make_hash2(const Term& term);
/// :erlang.phash2/1: the hash in 0..2^27-1.
inline uint32_t phash2(const Term& term) {
    return make_hash2(term) & ((uint32_t{1} << 27) - 1);
}
/// :erlang.phash2/2 with range 1..2^32 (2^32 gives the whole hash): in 0..range-1.
inline uint32_t phash2(const Term& term, uint64_t range) {
    const uint32_t h = make_hash2(term);
    return range >= (uint64_t{1} << 32) ? h : static_cast<uint32_t>(h % range);
}
/// The :erlang.phash2/1,2 BIF: args are (term) or (term, range); a bad range raises the
/// ArgumentError the BEAM raises.
Term phash2_bif(std::span<const Term> args);
/// erts' hash of an atom's text (hashpjw over its UTF-8 bytes, with the Latin-1 clutch for
/// two-byte sequences), the value make_hash2 uses for atoms.
uint32_t atom_text_hash(std::string_view text);

}  // namespace tasklens
