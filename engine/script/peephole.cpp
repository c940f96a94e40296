// Superinstructions (peephole.h).
#include "engine/script/peephole.h"

#include <limits>
#include <vector>

namespace tasklens::script {
namespace {

/// The instruction index an instruction may transfer control to (besides pc + 1), if any.
bool jump_target(const Instr& i, uint32_t& target) {
    switch (i.op) {
        case Op::TestExact:
        case Op::TestExactK:
        case Op::IsTuple:
        case Op::IsCons:
        case Op::IsNil:
        case Op::IsMap:
        case Op::MapGet:
        case Op::BinPrefix:
        case Op::BsStart:
        case Op::BsGet:
        case Op::BsEnd:
        case Op::Jump:
        case Op::JumpIfFalsy:
        case Op::JumpIfNotTrue:
        case Op::RecvNext:
        case Op::RecvReject:
        case Op::TryBegin:
        case Op::JumpIfNotStruct:
        case Op::LtJump:
        case Op::GtJump:
        case Op::LeJump:
        case Op::GeJump:
        case Op::EqJump:
        case Op::NeJump:
        case Op::StrictEqJump:
        case Op::StrictNeJump:
        case Op::LtImmJump:
        case Op::GtImmJump:
        case Op::LeImmJump:
        case Op::GeImmJump:
            target = i.d;
            return true;
        default:
            return false;
    }
}

bool compare_jump_of(Op compare, Op& fused) {
    switch (compare) {
        case Op::Lt:
            fused = Op::LtJump;
            return true;
        case Op::Gt:
            fused = Op::GtJump;
            return true;
        case Op::Le:
            fused = Op::LeJump;
            return true;
        case Op::Ge:
            fused = Op::GeJump;
            return true;
        case Op::Eq:
            fused = Op::EqJump;
            return true;
        case Op::Ne:
            fused = Op::NeJump;
            return true;
        case Op::StrictEq:
            fused = Op::StrictEqJump;
            return true;
        case Op::StrictNe:
            fused = Op::StrictNeJump;
            return true;
        default:
            return false;
    }
}

/// The immediate form of an ordering compare-and-branch (LtJump .. GeJump).
bool immediate_compare_jump_of(Op fused, Op& immediate) {
    switch (fused) {
        case Op::LtJump:
            immediate = Op::LtImmJump;
            return true;
        case Op::GtJump:
            immediate = Op::GtImmJump;
            return true;
        case Op::LeJump:
            immediate = Op::LeImmJump;
            return true;
        case Op::GeJump:
            immediate = Op::GeImmJump;
            return true;
        default:
            return false;
    }
}

/// A constant operand that is a small integer, as an int32 immediate.
bool small_constant(const FunctionCode& fn, uint32_t operand, int32_t& value) {
    if (!(operand & kConstOperand)) return false;
    const Term& k = fn.consts[operand & ~kConstOperand];
    if (!k.is_integer()) return false;
    int64_t v = k.as_integer();
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
        return false;
    value = static_cast<int32_t>(v);
    return true;
}

}  // namespace

void fuse_superinstructions(FunctionCode& fn) {
    std::vector<Instr>& code = fn.code;
    std::vector<bool> is_target(code.size() + 1, false);
    for (const Instr& i : code) {
        uint32_t t;
        if (jump_target(i, t) && t < is_target.size()) is_target[t] = true;
    }
    for (size_t pc = 0; pc < code.size(); ++pc) {
        Instr& first = code[pc];
        // pairs
        if (pc + 1 < code.size() && !is_target[pc + 1]) {
            Instr& second = code[pc + 1];
            Op fused;
            if (compare_jump_of(first.op, fused) &&
                (second.op == Op::JumpIfNotTrue || second.op == Op::JumpIfFalsy) &&
                second.a == first.a) {
                // the comparison's result is a boolean: not true and falsy are the same test
                first.op = fused;
                first.d = second.d;
                second = Instr{Op::Nop};
                int32_t imm;
                Op immediate;
                if (immediate_compare_jump_of(fused, immediate) && !(first.b & kConstOperand) &&
                    small_constant(fn, first.c, imm)) {
                    first.op = immediate;
                    first.c = static_cast<uint32_t>(imm);
                }
                ++pc;
                continue;
            }
            if (first.op == Op::Add && second.op == Op::Return && second.a == first.a) {
                first.op = Op::AddReturn;
                second = Instr{Op::Nop};
                ++pc;
                continue;
            }
        }
        // single instructions
        int32_t imm;
        if ((first.op == Op::Add || first.op == Op::Sub) && !(first.b & kConstOperand) &&
            small_constant(fn, first.c, imm)) {
            first.op = first.op == Op::Add ? Op::AddImm : Op::SubImm;
            first.c = static_cast<uint32_t>(imm);
        }
    }
}

void fuse_superinstructions(Program& program, size_t first) {
    for (size_t i = first; i < program.functions.size(); ++i)
        fuse_superinstructions(*program.functions[i]);
}

}  // namespace tasklens::script
