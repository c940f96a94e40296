#pragma once
// Superinstructions: a pass over finished bytecode that fuses the hot instruction pairs the
// profile of function-call-heavy scenarios shows (a comparison and the branch on its result,
// arithmetic by a small constant, an Add and the Return of its result, `x - k` and the call
// taking it) into single instructions, so the dispatch loop runs fewer rounds per call.
//
// A pair whose second instruction is a jump target is left alone. The second slot of a fused
// pair becomes a Nop, and the pass ends by removing every Nop, renumbering jump targets and the
// line table, so no dispatch is spent stepping over them.
#include "engine/script/bytecode.h"

namespace tasklens::script {

/// Rewrites `fn`'s code in place. Idempotent. Runs retarget_moves first, then remove_nops and
/// keep_arguments_in_place.
void fuse_superinstructions(FunctionCode& fn);

/// `t = <op>; Move r = t`, where nothing else reads the temporary t, becomes `r = <op>; Nop`:
/// the compiler evaluates a call's arguments into temporaries and moves them into place. Up to
/// two instructions that cannot raise, call or touch r or t may stand between them (a
/// pattern's `GetHd t; GetTl u; Move r = t`).
void retarget_moves(FunctionCode& fn);

/// Deletes every Nop of `fn`, renumbering jump targets and the line table.
void remove_nops(FunctionCode& fn);

/// A TailCall whose argument i is `Move arg_i = r_i` (the caller's own parameter i, unchanged
/// since the Move) leaves register i where it is: bit i of its `a` says so, and the Move goes
/// when nothing else reads its register. A loop's invariant arguments (`step`, `fun` in
/// `map_range(first + step, last, step, fun, acc)`) then cost nothing per iteration.
void keep_arguments_in_place(FunctionCode& fn);

/// Every function of `program` from index `first` on.
void fuse_superinstructions(Program& program, size_t first = 0);

}  // namespace tasklens::script
