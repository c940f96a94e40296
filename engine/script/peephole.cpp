// Superinstructions (peephole.h).
#include "engine/script/peephole.h"

#include <algorithm>
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

/// Might `i` read register `r`? Exact for the instructions whose operands are listed in
/// bytecode.h; true for any other (a bitstring segment's size register, a future op), so a
/// register this answers false for on every instruction of a function is never read.
bool may_read(const Instr& i, uint32_t r) {
    auto reg = [r](uint32_t operand) { return operand == r; };
    // a register or constant operand of the arithmetic and comparison instructions
    auto opnd = [r](uint32_t operand) { return !(operand & kConstOperand) && operand == r; };
    auto range = [r](uint32_t base, uint64_t count) { return r >= base && r - base < count; };
    switch (i.op) {
        case Op::LoadK:
        case Op::LoadEnv:
        case Op::Jump:
        case Op::Nop:
        case Op::TryEnd:
        case Op::RecvNext:
        case Op::RecvAccept:
        case Op::RecvReject:
            return false;
        case Op::Move:
        case Op::GetElem:
        case Op::GetHd:
        case Op::GetTl:
        case Op::BinPrefix:
        case Op::BsStart:
        case Op::Neg:
        case Op::Not:
        case Op::Bang:
        case Op::FieldGet:
        case Op::ImplFor:
        case Op::AddImm:
        case Op::SubImm:
        case Op::SubImmCall:
        case Op::LtImmJump:
        case Op::GtImmJump:
        case Op::LeImmJump:
        case Op::GeImmJump:
            return reg(i.b);
        case Op::TestExact:
            return reg(i.a) || reg(i.b);
        case Op::TestExactK:
        case Op::IsTuple:
        case Op::IsCons:
        case Op::IsNil:
        case Op::IsMap:
        case Op::JumpIfFalsy:
        case Op::JumpIfNotTrue:
        case Op::JumpIfNotStruct:
        case Op::Return:
        case Op::Halt:
        case Op::RecvInit:
            return reg(i.a);
        case Op::MapGet:
            return reg(i.b) || reg(i.c);
        case Op::BsEnd:
            return range(i.a, 2);
        case Op::BsBuild:
            return range(i.b, i.d);
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
        case Op::FDiv:
        case Op::Lt:
        case Op::Gt:
        case Op::Le:
        case Op::Ge:
        case Op::Eq:
        case Op::Ne:
        case Op::StrictEq:
        case Op::StrictNe:
        case Op::StrConcat:
        case Op::LtJump:
        case Op::GtJump:
        case Op::LeJump:
        case Op::GeJump:
        case Op::EqJump:
        case Op::NeJump:
        case Op::StrictEqJump:
        case Op::StrictNeJump:
        case Op::AddReturn:
        case Op::Rem:
        case Op::Div:
            return opnd(i.b) || opnd(i.c);
        case Op::Interp:
        case Op::MakeTuple:
            return range(i.b, i.c);
        case Op::MakeList:
            return range(i.b, i.c) || (i.d != kNoReg && reg(i.d));
        case Op::MakeMap:
            return range(i.b, uint64_t{i.c} * 2);
        case Op::MapUpdate:
            return reg(i.b) || range(i.c, uint64_t{i.d} * 2);
        case Op::MakeFun:
            return range(i.c, i.d);
        case Op::Call:
        case Op::TailCall:
        case Op::CallRemote:
        case Op::TailRemote:
            return range(i.c, i.d);
        case Op::CallFun:
        case Op::TailFun:
            return reg(i.b) || range(i.c, i.d);
        case Op::CallDynamic:
            return range(i.c - 1, uint64_t{i.d} + 1);
        case Op::Raise:
            return reg(i.a) || reg(i.b) || (i.c != kNoReg && reg(i.c));
        case Op::Fail:
            // a function_clause stacktrace also shows the arguments (see result_unused)
            return i.b != kNoReg && reg(i.b);
        case Op::TryBegin:
            return false;  // its registers are written when an exception arrives
        default:
            // BsGet (a size register inside its constant spec), anything new
            return true;
    }
}

/// Is the boolean a compare-and-branch at `pc` writes to `r` never read? The fused branch at
/// pc + 1 was its only reader when no other instruction of the function may read `r` (the
/// compiler allocates a temporary per use, so a guard's result register is read once).
bool result_unused(const FunctionCode& fn, size_t pc, uint32_t r, size_t reader) {
    if (r < fn.arity) return false;  // an argument: a function_clause stacktrace shows it
    for (size_t i = 0; i < fn.code.size(); ++i)
        if (i != pc && i != reader && may_read(fn.code[i], r)) return false;
    return true;
}
bool result_unused(const FunctionCode& fn, size_t pc, uint32_t r) {
    return result_unused(fn, pc, r, pc + 1);
}

/// Instructions that may stand between a result and the Move of it that retarget_moves folds
/// away: they write register a only, never raise, and call nothing (a call's frame would use
/// the registers above its arguments, where the Move's destination may lie).
bool may_pass_over(Op op) {
    switch (op) {
        case Op::Nop:
        case Op::LoadK:
        case Op::Move:
        case Op::LoadEnv:
        case Op::GetElem:
        case Op::GetHd:
        case Op::GetTl:
            return true;
        default:
            return false;
    }
}

/// Might `i` write register `r`? Exact for the instructions listed; true for any other.
bool may_write(const Instr& i, uint32_t r) {
    switch (i.op) {
        case Op::TestExact:
        case Op::TestExactK:
        case Op::IsTuple:
        case Op::IsCons:
        case Op::IsNil:
        case Op::IsMap:
        case Op::BsEnd:
        case Op::Jump:
        case Op::JumpIfFalsy:
        case Op::JumpIfNotTrue:
        case Op::JumpIfNotStruct:
        case Op::Return:
        case Op::Halt:
        case Op::RecvInit:
        case Op::RecvAccept:
        case Op::RecvReject:
        case Op::TryEnd:
        case Op::Raise:
        case Op::Fail:
        case Op::Nop:
        case Op::LtImmJump:
        case Op::GtImmJump:
        case Op::LeImmJump:
        case Op::GeImmJump:
            return false;
        case Op::LoadK:
        case Op::Move:
        case Op::LoadEnv:
        case Op::GetElem:
        case Op::GetHd:
        case Op::GetTl:
        case Op::MapGet:
        case Op::BinPrefix:
        case Op::BsBuild:
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
        case Op::FDiv:
        case Op::Lt:
        case Op::Gt:
        case Op::Le:
        case Op::Ge:
        case Op::Eq:
        case Op::Ne:
        case Op::StrictEq:
        case Op::StrictNe:
        case Op::Neg:
        case Op::Not:
        case Op::Bang:
        case Op::StrConcat:
        case Op::Interp:
        case Op::MakeTuple:
        case Op::MakeList:
        case Op::MakeMap:
        case Op::MapUpdate:
        case Op::MakeFun:
        case Op::ImplFor:
        case Op::RecvNext:
        case Op::AddImm:
        case Op::SubImm:
        case Op::Rem:
        case Op::Div:
        case Op::AddReturn:
        case Op::LtJump:
        case Op::GtJump:
        case Op::LeJump:
        case Op::GeJump:
        case Op::EqJump:
        case Op::NeJump:
        case Op::StrictEqJump:
        case Op::StrictNeJump:
            return i.a == r;
        case Op::BsStart:
            return r == i.a || r == i.a + 1;
        case Op::BsGet:
            return r == i.a || r == i.b + 1;
        case Op::TryBegin:
            return i.a != kNoReg && r >= i.a && r - i.a < 3;
        case Op::FieldGet:  // may call a function whose frame starts at a + 1
            return r >= i.a;
        case Op::Call:
        case Op::CallRemote:
        case Op::CallFun:
        case Op::CallDynamic:
            // the callee's frame uses the registers from the arguments' base on
            return r == i.a || r >= i.c;
        default:
            // SubImmCall (its Call is the next instruction), the tail calls, anything new
            return true;
    }
}

std::vector<bool> jump_targets(const std::vector<Instr>& code) {
    std::vector<bool> is_target(code.size() + 1, false);
    for (const Instr& i : code) {
        uint32_t t;
        if (jump_target(i, t) && t < is_target.size()) is_target[t] = true;
    }
    return is_target;
}

/// Instructions whose only effect on registers is writing their result to register a (after
/// reading their operands), so that writing it to another register is the same computation.
bool writes_only_a(Op op) {
    switch (op) {
        case Op::LoadK:
        case Op::Move:
        case Op::LoadEnv:
        case Op::GetElem:
        case Op::GetHd:
        case Op::GetTl:
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
        case Op::FDiv:
        case Op::Neg:
        case Op::Not:
        case Op::Bang:
        case Op::StrConcat:
        case Op::Interp:
        case Op::MakeTuple:
        case Op::MakeList:
        case Op::MakeMap:
        case Op::MakeFun:
        case Op::AddImm:
        case Op::SubImm:
        case Op::Rem:
        case Op::Div:
        case Op::Call:
        case Op::CallRemote:
        case Op::CallFun:
            return true;
        default:
            return false;
    }
}

}  // namespace

void fuse_superinstructions(FunctionCode& fn) {
    retarget_moves(fn);
    std::vector<Instr>& code = fn.code;
    std::vector<bool> is_target = jump_targets(code);
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
                bool unread = result_unused(fn, pc, first.a);
                int32_t imm;
                Op immediate;
                if (immediate_compare_jump_of(fused, immediate) && !(first.b & kConstOperand) &&
                    small_constant(fn, first.c, imm) && unread) {
                    first.op = immediate;
                    first.c = static_cast<uint32_t>(imm);
                }
                if (unread) first.a = kNoReg;  // a branch that writes no boolean
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
    remove_nops(fn);
    // `x - k` straight into a call's argument (now that no Nop stands between them)
    is_target = jump_targets(code);
    for (size_t pc = 0; pc + 1 < code.size(); ++pc)
        if (code[pc].op == Op::SubImm && code[pc + 1].op == Op::Call && !is_target[pc + 1])
            code[pc].op = Op::SubImmCall;
    keep_arguments_in_place(fn);
}

void keep_arguments_in_place(FunctionCode& fn) {
    std::vector<Instr>& code = fn.code;
    std::vector<bool> is_target = jump_targets(code);
    bool removed = false;
    for (size_t pc = 0; pc < code.size(); ++pc) {
        Instr& call = code[pc];
        if (call.op != Op::TailCall || call.c == 0) continue;  // base 0: nothing moves anyway
        uint32_t argc = std::min<uint32_t>(call.d, 32);
        for (uint32_t i = 0; i < argc; ++i) {
            uint32_t arg = call.c + i;
            if (arg == i) continue;
            // the last writer of the argument's register on the straight path to the call
            for (size_t j = pc; j-- > 0 && !is_target[j + 1];) {
                const Instr& w = code[j];
                if (!may_write(w, arg)) continue;
                if (w.op == Op::Move && w.a == arg && w.b == i) {
                    bool unchanged = true;  // register i keeps the value the Move copied
                    for (size_t k = j + 1; k < pc; ++k)
                        if (may_write(code[k], i)) unchanged = false;
                    if (unchanged) {
                        call.a |= 1u << i;
                        if (result_unused(fn, j, arg, pc)) {
                            code[j] = Instr{Op::Nop};
                            removed = true;
                        }
                    }
                }
                break;
            }
        }
    }
    if (removed) remove_nops(fn);
}

void retarget_moves(FunctionCode& fn) {
    std::vector<Instr>& code = fn.code;
    std::vector<bool> is_target = jump_targets(code);
    constexpr size_t kWindow = 3;  // the Move may be this many instructions after the result
    for (size_t pc = 0; pc + 1 < code.size(); ++pc) {
        Instr& first = code[pc];
        if (!writes_only_a(first.op)) continue;
        uint32_t temp = first.a;
        for (size_t at = pc + 1; at < code.size() && at <= pc + kWindow && !is_target[at]; ++at) {
            Instr& next = code[at];
            if (next.op == Op::Move && next.b == temp) {
                uint32_t target = next.a;
                if (target == temp || may_read(first, target)) break;
                // nothing in between reads or writes the destination, and the temporary's
                // only reader is the Move
                bool clear = true;
                for (size_t mid = pc + 1; mid < at; ++mid)
                    if (code[mid].a == target || may_read(code[mid], target)) clear = false;
                if (!clear || !result_unused(fn, pc, temp, at)) break;
                first.a = target;
                next = Instr{Op::Nop};
                break;
            }
            if (!may_pass_over(next.op) || next.a == temp) break;
        }
    }
}

void remove_nops(FunctionCode& fn) {
    std::vector<Instr>& code = fn.code;
    // new index of every old one (a removed Nop's is that of the instruction after it)
    std::vector<uint32_t> renumbered(code.size() + 1);
    uint32_t kept = 0;
    for (size_t pc = 0; pc < code.size(); ++pc) {
        renumbered[pc] = kept;
        if (code[pc].op != Op::Nop) ++kept;
    }
    renumbered[code.size()] = kept;
    if (kept == code.size()) return;
    size_t out = 0;
    for (size_t pc = 0; pc < code.size(); ++pc) {
        if (code[pc].op == Op::Nop) continue;
        Instr i = code[pc];
        uint32_t target;
        if (jump_target(i, target) && target < renumbered.size()) i.d = renumbered[target];
        code[out] = i;
        if (pc < fn.lines.size() && out < fn.lines.size()) fn.lines[out] = fn.lines[pc];
        ++out;
    }
    code.resize(out);
    if (fn.lines.size() > out) fn.lines.resize(out);
}

void fuse_superinstructions(Program& program, size_t first) {
    for (size_t i = first; i < program.functions.size(); ++i)
        fuse_superinstructions(*program.functions[i]);
}

}  // namespace tasklens::script
