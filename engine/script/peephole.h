#pragma once
// Superinstructions: a pass over finished bytecode that fuses the hot instruction pairs the
// profile of function-call-heavy scenarios shows (a comparison and the branch on its result,
// arithmetic by a small constant, an Add and the Return of its result) into single
// instructions, so the dispatch loop runs fewer rounds per call.
//
// The second slot of a fused pair becomes a Nop that the fused instruction steps over: indices,
// jump targets and source lines of the function stay those of the unfused code. A pair whose
// second instruction is a jump target is left alone.
#include "engine/script/bytecode.h"

namespace tasklens::script {

/// Rewrites `fn`'s code in place. Idempotent. Runs retarget_moves first.
void fuse_superinstructions(FunctionCode& fn);

/// `t = <op>; Move r = t`, where nothing else reads the temporary t, becomes `r = <op>; Nop`:
/// the compiler evaluates a call's arguments into temporaries and moves them into place.
void retarget_moves(FunctionCode& fn);

/// Every function of `program` from index `first` on.
void fuse_superinstructions(Program& program, size_t first = 0);

}  // namespace tasklens::script
