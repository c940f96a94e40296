// Disassembler of the scenario VM's bytecode (see bytecode.h for the operand meanings).
#include "engine/script/disassemble.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "engine/runtime/inspect.h"
#include "engine/script/compiler.h"

namespace tasklens::script {
namespace {

const char* op_name(Op op) {
    switch (op) {
        case Op::LoadK:
            return "LoadK";
        case Op::Move:
            return "Move";
        case Op::LoadEnv:
            return "LoadEnv";
        case Op::TestExact:
            return "TestExact";
        case Op::TestExactK:
            return "TestExactK";
        case Op::IsTuple:
            return "IsTuple";
        case Op::IsCons:
            return "IsCons";
        case Op::IsNil:
            return "IsNil";
        case Op::IsMap:
            return "IsMap";
        case Op::GetElem:
            return "GetElem";
        case Op::GetHd:
            return "GetHd";
        case Op::GetTl:
            return "GetTl";
        case Op::MapGet:
            return "MapGet";
        case Op::BinPrefix:
            return "BinPrefix";
        case Op::BsStart:
            return "BsStart";
        case Op::BsGet:
            return "BsGet";
        case Op::BsEnd:
            return "BsEnd";
        case Op::BsBuild:
            return "BsBuild";
        case Op::Jump:
            return "Jump";
        case Op::JumpIfFalsy:
            return "JumpIfFalsy";
        case Op::JumpIfNotTrue:
            return "JumpIfNotTrue";
        case Op::Add:
            return "Add";
        case Op::Sub:
            return "Sub";
        case Op::Mul:
            return "Mul";
        case Op::FDiv:
            return "FDiv";
        case Op::Lt:
            return "Lt";
        case Op::Gt:
            return "Gt";
        case Op::Le:
            return "Le";
        case Op::Ge:
            return "Ge";
        case Op::Eq:
            return "Eq";
        case Op::Ne:
            return "Ne";
        case Op::StrictEq:
            return "StrictEq";
        case Op::StrictNe:
            return "StrictNe";
        case Op::Neg:
            return "Neg";
        case Op::Not:
            return "Not";
        case Op::Bang:
            return "Bang";
        case Op::StrConcat:
            return "StrConcat";
        case Op::Interp:
            return "Interp";
        case Op::MakeTuple:
            return "MakeTuple";
        case Op::MakeList:
            return "MakeList";
        case Op::MakeMap:
            return "MakeMap";
        case Op::MapUpdate:
            return "MapUpdate";
        case Op::MakeFun:
            return "MakeFun";
        case Op::FieldGet:
            return "FieldGet";
        case Op::Call:
            return "Call";
        case Op::TailCall:
            return "TailCall";
        case Op::CallRemote:
            return "CallRemote";
        case Op::TailRemote:
            return "TailRemote";
        case Op::CallFun:
            return "CallFun";
        case Op::TailFun:
            return "TailFun";
        case Op::CallDynamic:
            return "CallDynamic";
        case Op::Return:
            return "Return";
        case Op::RecvInit:
            return "RecvInit";
        case Op::RecvNext:
            return "RecvNext";
        case Op::RecvAccept:
            return "RecvAccept";
        case Op::RecvReject:
            return "RecvReject";
        case Op::TryBegin:
            return "TryBegin";
        case Op::TryEnd:
            return "TryEnd";
        case Op::Raise:
            return "Raise";
        case Op::Fail:
            return "Fail";
        case Op::ImplFor:
            return "ImplFor";
        case Op::JumpIfNotStruct:
            return "JumpIfNotStruct";
        case Op::Nop:
            return "Nop";
        case Op::LtJump:
            return "LtJump";
        case Op::GtJump:
            return "GtJump";
        case Op::LeJump:
            return "LeJump";
        case Op::GeJump:
            return "GeJump";
        case Op::EqJump:
            return "EqJump";
        case Op::NeJump:
            return "NeJump";
        case Op::StrictEqJump:
            return "StrictEqJump";
        case Op::StrictNeJump:
            return "StrictNeJump";
        case Op::AddImm:
            return "AddImm";
        case Op::SubImm:
            return "SubImm";
        case Op::AddReturn:
            return "AddReturn";
        case Op::LtImmJump:
            return "LtImmJump";
        case Op::GtImmJump:
            return "GtImmJump";
        case Op::LeImmJump:
            return "LeImmJump";
        case Op::GeImmJump:
            return "GeImmJump";
        case Op::SubImmCall:
            return "SubImmCall";
        case Op::Rem:
            return "Rem";
        case Op::Div:
            return "Div";
        case Op::Halt:
            return "Halt";
    }
    return "?";
}

class Disassembler {
  public:
    explicit Disassembler(const Program& program) : program_(program) {}

    void function(const FunctionCode& fn, std::string& out) {
        fn_ = &fn;
        out += fmt::format("{} (arity {}, {} registers{})\n", fn.display, fn.arity, fn.num_regs,
                           fn.is_closure ? ", closure" : "");
        uint32_t last_line = 0;
        for (size_t pc = 0; pc < fn.code.size(); ++pc) {
            uint32_t line = pc < fn.lines.size() ? fn.lines[pc] : 0;
            std::string where = line != last_line ? fmt::format("{:>5}", line) : "     ";
            last_line = line;
            out += fmt::format("  {:>4} {}  {:<15} {}\n", pc, where, op_name(fn.code[pc].op),
                               operands(fn.code[pc]));
        }
        out += "\n";
    }

  private:
    static std::string r(uint32_t reg) { return reg == kNoReg ? "-" : fmt::format("r{}", reg); }
    std::string k(uint32_t index) const {
        if (index >= fn_->consts.size()) return "?";
        std::string text = inspect(fn_->consts[index]);
        if (text.size() > 40) text = text.substr(0, 37) + "...";
        return text;
    }
    std::string operand(uint32_t v) const {
        return (v & kConstOperand) ? k(v & ~kConstOperand) : r(v);
    }
    static std::string range(uint32_t base, uint32_t count) {
        if (count == 0) return "()";
        if (count == 1) return fmt::format("(r{})", base);
        return fmt::format("(r{}..r{})", base, base + count - 1);
    }
    std::string site(uint32_t index) const {
        if (index >= program_.callsites.size()) return "?";
        const CallSite& c = program_.callsites[index];
        std::string module = c.module.id == 0 ? std::string("<module>") : inspect_module(c.module);
        return fmt::format("{}.{}/{}", module, c.function.name(), c.arity);
    }
    std::string callee(uint32_t index) const {
        if (index >= program_.functions.size()) return "?";
        return program_.functions[index]->display;
    }
    static std::string to(uint32_t target) { return fmt::format("-> {}", target); }

    std::string operands(const Instr& i) const {
        switch (i.op) {
            case Op::LoadK:
                return fmt::format("{} = {}", r(i.a), k(i.b));
            case Op::Move:
                return fmt::format("{} = {}", r(i.a), r(i.b));
            case Op::LoadEnv:
                return fmt::format("{} = env[{}]", r(i.a), i.b);
            case Op::TestExact:
                return fmt::format("{} === {} else {}", r(i.a), r(i.b), to(i.d));
            case Op::TestExactK:
                return fmt::format("{} === {} else {}", r(i.a), k(i.b), to(i.d));
            case Op::IsTuple:
                return fmt::format("{} size {} else {}", r(i.a), i.b, to(i.d));
            case Op::IsCons:
            case Op::IsNil:
            case Op::IsMap:
            case Op::BsEnd:
            case Op::JumpIfFalsy:
            case Op::JumpIfNotTrue:
            case Op::JumpIfNotStruct:
                return fmt::format("{} {}", r(i.a), to(i.d));
            case Op::GetElem:
                return fmt::format("{} = elem({}, {})", r(i.a), r(i.b), i.c);
            case Op::GetHd:
                return fmt::format("{} = hd({})", r(i.a), r(i.b));
            case Op::GetTl:
                return fmt::format("{} = tl({})", r(i.a), r(i.b));
            case Op::MapGet:
                return fmt::format("{} = {}[{}] else {}", r(i.a), r(i.b), r(i.c), to(i.d));
            case Op::BinPrefix:
                return fmt::format("{} = rest of {} after {} else {}", r(i.a), r(i.b), k(i.c),
                                   to(i.d));
            case Op::BsStart:
                return fmt::format("ctx {} = {} else {}", r(i.a), r(i.b), to(i.d));
            case Op::BsGet:
                return fmt::format("{} = segment {} of ctx {} else {}", r(i.a), k(i.c), r(i.b),
                                   to(i.d));
            case Op::BsBuild:
                return fmt::format("{} = <<{}>> {}", r(i.a), k(i.c), range(i.b, i.d));
            case Op::Jump:
                return to(i.d);
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
            case Op::AddReturn:
            case Op::Rem:
            case Op::Div:
                return fmt::format("{} = {}, {}", r(i.a), operand(i.b), operand(i.c));
            case Op::LtJump:
            case Op::GtJump:
            case Op::LeJump:
            case Op::GeJump:
            case Op::EqJump:
            case Op::NeJump:
            case Op::StrictEqJump:
            case Op::StrictNeJump:
                // a branch whose boolean nothing reads writes none
                if (i.a == kNoReg)
                    return fmt::format("{}, {} else {}", operand(i.b), operand(i.c), to(i.d));
                return fmt::format("{} = {}, {} else {}", r(i.a), operand(i.b), operand(i.c),
                                   to(i.d));
            case Op::AddImm:
            case Op::SubImm:
            case Op::SubImmCall:
                return fmt::format("{} = {}, {}", r(i.a), r(i.b), static_cast<int32_t>(i.c));
            case Op::LtImmJump:
            case Op::GtImmJump:
            case Op::LeImmJump:
            case Op::GeImmJump:
                return fmt::format("{}, {} else {}", r(i.b), static_cast<int32_t>(i.c), to(i.d));
            case Op::Nop:
                return "";
            case Op::Neg:
            case Op::Not:
            case Op::Bang:
                return fmt::format("{} = {}", r(i.a), r(i.b));
            case Op::Interp:
            case Op::MakeTuple:
                return fmt::format("{} = {}", r(i.a), range(i.b, i.c));
            case Op::MakeList:
                return fmt::format("{} = {} tail {}", r(i.a), range(i.b, i.c),
                                   i.d == kNoReg ? "[]" : r(i.d));
            case Op::MakeMap:
                return fmt::format("{} = {} pairs {}", r(i.a), i.c, range(i.b, 2 * i.c));
            case Op::MapUpdate:
                return fmt::format("{} = {} with {} pairs {}", r(i.a), r(i.b), i.d,
                                   range(i.c, 2 * i.d));
            case Op::MakeFun:
                return fmt::format("{} = fn {} env {}", r(i.a), callee(i.b), range(i.c, i.d));
            case Op::FieldGet:
                return fmt::format("{} = {}.{}", r(i.a), r(i.b), k(i.c));
            case Op::Call:
                return fmt::format("{} = {} {}", r(i.a), callee(i.b), range(i.c, i.d));
            case Op::TailCall:
                if (i.a != 0)
                    return fmt::format("{} {} keep {:#x}", callee(i.b), range(i.c, i.d), i.a);
                return fmt::format("{} {}", callee(i.b), range(i.c, i.d));
            case Op::CallRemote:
                return fmt::format("{} = {} {}", r(i.a), site(i.b), range(i.c, i.d));
            case Op::TailRemote:
                return fmt::format("{} {}", site(i.b), range(i.c, i.d));
            case Op::CallFun:
                return fmt::format("{} = {}.{}", r(i.a), r(i.b), range(i.c, i.d));
            case Op::TailFun:
                return fmt::format("{}.{}", r(i.b), range(i.c, i.d));
            case Op::CallDynamic:
                return fmt::format("{} = r{}.{} {}", r(i.a), i.c - 1, site(i.b), range(i.c, i.d));
            case Op::Return:
            case Op::Halt:
                return r(i.a);
            case Op::RecvInit:
                return i.a == kNoReg ? "after infinity" : fmt::format("after {}", r(i.a));
            case Op::RecvNext:
                return fmt::format("{} = next message, timeout {}", r(i.a), to(i.d));
            case Op::RecvAccept:
            case Op::TryEnd:
                return "";
            case Op::RecvReject:
                return fmt::format("loop {}", to(i.d));
            case Op::TryBegin:
                return fmt::format("catch into {} handler {}", i.a == kNoReg ? "-" : range(i.a, 3),
                                   to(i.d));
            case Op::Raise:
                return fmt::format("kind {} reason {} stacktrace {}", r(i.a), r(i.b), r(i.c));
            case Op::Fail: {
                static const char* const kinds[] = {"badmatch",    "case_clause", "function_clause",
                                                    "cond_clause", "with_clause", "try_clause",
                                                    "badbool"};
                const char* kind = i.a < 7 ? kinds[i.a] : "?";
                return fmt::format("{} {}", kind, r(i.b));
            }
            case Op::ImplFor:
                return fmt::format("{} = {} {} for {}", r(i.a),
                                   i.d == static_cast<uint32_t>(ImplForMode::Lookup)
                                       ? "impl of"
                                       : "has struct impls of",
                                   k(i.c), r(i.b));
        }
        return "";
    }

    const Program& program_;
    const FunctionCode* fn_ = nullptr;
};

}  // namespace

std::string disassemble(const Program& program, size_t first_function) {
    std::string out;
    Disassembler d(program);
    for (size_t i = first_function; i < program.functions.size(); ++i)
        d.function(*program.functions[i], out);
    return out;
}

int dump_bytecode(const std::string& path, std::ostream& out, std::ostream& err) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        err << "tasklens: cannot read " << path << "\n";
        return 1;
    }
    std::stringstream text;
    text << in.rdbuf();
    SourceFiles files;
    const SourceFile& file = files.add(path, text.str());
    std::vector<Diagnostic> diagnostics;
    std::shared_ptr<Program> program;
    try {
        program = compile_scenario(files, file, diagnostics);
    } catch (std::exception& e) {
        err << "tasklens: internal error: " << e.what() << "\n";
        return 1;
    }
    if (!program) {
        for (const auto& d : diagnostics) err << format_diagnostic(d, files.get(d.location.file));
        return 1;
    }
    out << disassemble(*program, program->first_scenario_function);
    return 0;
}

}  // namespace tasklens::script
