#pragma once
// Bitstring construction and matching at run time: the VM's BsBuild/BsGet instructions call
// these. A segment's shape (type, unit, signedness, endianness, where its size comes from) is
// fixed at compile time and travels in the instruction's constants as one packed integer.
#include <cstdint>
#include <span>

#include "engine/runtime/term.h"
#include "engine/script/ast.h"

namespace tasklens::script::bits {

struct SegmentSpec {
    enum class Size : uint8_t {
        Default,   ///< no size given: the type's default (integer 8, float 64, binary: all)
        Literal,   ///< `value` is the size
        Register,  ///< `value` is the frame register holding the size
    };
    BitType type = BitType::Integer;
    uint8_t modifiers = 0;  ///< BitModifiers
    uint32_t unit = 1;
    Size size = Size::Default;
    uint64_t value = 0;

    int64_t pack() const noexcept;
    static SegmentSpec unpack(int64_t packed) noexcept;
};

/// `<<...>>`: `segments` is a tuple of packed SegmentSpecs; `operands` holds, per segment, its
/// value and then (for Size::Register) its size. Raises ArgumentError as the BEAM does
/// ("construction of binary failed: segment 2 of type 'integer': ...").
Term build(const Term& segments, std::span<const Term> operands);

/// Matches one segment of `subject` at bit `offset`; on success stores the value in `out` and
/// advances `offset`. `size` is the segment's size operand for Size::Register (else ignored).
bool match(const Term& subject, uint64_t& offset, const SegmentSpec& spec, const Term* size,
           Term& out);

/// The bitstrings (binaries or not) one after another.
Term concat(std::span<const Term> parts);

}  // namespace tasklens::script::bits
