#pragma once
// The scenario VM's compiled form: register bytecode, one FunctionCode per def arity and per fn.
//
// Register windows: a frame owns registers [base, base + num_regs) of its process's register
// stack. A call places its arguments in consecutive registers at the top of the caller's live
// registers (the compiler allocates registers monotonically, so everything above a call's
// argument base is dead) and the callee's frame starts right there: arguments are never copied.
// A closure's captured values are read from the frame's fun with LoadEnv.
//
// Pattern tests jump to `d` (an instruction index) when they fail.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/runtime/inspect.h"
#include "engine/runtime/term.h"
#include "engine/script/builtins.h"

namespace tasklens::script {

inline constexpr uint32_t kNoReg = 0xffffffffu;
/// Marks operand b/c of an arithmetic or comparison instruction as a constant index.
inline constexpr uint32_t kConstOperand = 0x80000000u;

enum class Op : uint8_t {
    LoadK,    // a=dst, b=const
    Move,     // a=dst, b=src
    LoadEnv,  // a=dst, b=env index (closure frames only)
    // --- pattern tests (fail: jump to d) ---
    TestExact,   // a=src, b=reg: a === b
    TestExactK,  // a=src, b=const
    IsTuple,     // a=src, b=arity
    IsCons,      // a=src
    IsNil,       // a=src
    IsMap,       // a=src
    GetElem,     // a=dst, b=src, c=index
    GetHd,       // a=dst, b=src
    GetTl,       // a=dst, b=src
    MapGet,      // a=dst, b=map, c=key reg, d=fail
    BinPrefix,   // a=dst (rest), b=src, c=const (prefix), d=fail
    // --- bitstrings (engine/script/bitstring.h): a match context is two registers, the subject
    // and the bit offset read so far ---
    BsStart,  // a=context, b=src, d=fail unless src is a bitstring
    BsGet,    // a=dst, b=context, c=const (packed SegmentSpec; a size register is frame-relative),
              // d=fail
    BsEnd,    // a=context, d=fail unless every bit was read
    BsBuild,  // a=dst, b=operand base, c=const (tuple of packed SegmentSpecs), d=operand count
    // --- control ---
    Jump,           // d=target
    JumpIfFalsy,    // a=reg, d=target (nil or false)
    JumpIfNotTrue,  // a=reg, d=target (anything but the atom true)
    // --- arithmetic and comparison: a=dst, b, c (registers, or constants with kConstOperand) ---
    Add,
    Sub,
    Mul,
    FDiv,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    StrictEq,
    StrictNe,
    Neg,        // a=dst, b=src
    Not,        // a=dst, b=src: strict boolean not
    Bang,       // a=dst, b=src: !x
    StrConcat,  // a=dst, b, c (<>)
    Interp,     // a=dst, b=base, c=count: to_string of each, concatenated
    // --- construction ---
    MakeTuple,  // a=dst, b=base, c=count
    MakeList,   // a=dst, b=base, c=count, d=tail reg or kNoReg
    MakeMap,    // a=dst, b=base, c=pairs (key, value interleaved)
    MapUpdate,  // a=dst, b=map, c=base, d=pairs: existing keys only (KeyError otherwise)
    MakeFun,    // a=dst, b=function index, c=env base, d=env count
    FieldGet,   // a=dst, b=src, c=const atom: map.field
    // --- calls ---
    Call,         // a=dst, b=function index, c=argbase, d=argc
    TailCall,     // b=function index, c=argbase, d=argc; bit i of a set: argument i is already in
                  // register i and stays there (peephole.h, keep_arguments_in_place)
    CallRemote,   // a=dst, b=callsite, c=argbase, d=argc
    TailRemote,   // b=callsite, c=argbase, d=argc
    CallFun,      // a=dst, b=fun reg, c=argbase, d=argc
    TailFun,      // b=fun reg, c=argbase, d=argc
    CallDynamic,  // a=dst, b=callsite (function name; module in register argbase-1), c=argbase,
                  // d=argc
    Return,       // a=src
    // --- receive ---
    RecvInit,    // a=timeout reg or kNoReg (infinity)
    RecvNext,    // a=dst, d=timeout target
    RecvAccept,  // take the current message
    RecvReject,  // move past the current message, d=loop target
    // --- exceptions ---
    TryBegin,  // a=first of 3 regs (kind, reason, stacktrace) or kNoReg for a guard, d=handler
    TryEnd,
    Raise,  // a=kind reg, b=reason reg, c=stacktrace reg or kNoReg
    Fail,   // a=FailKind, b=value reg (or kNoReg)
    // --- protocols ---
    ImplFor,          // a=dst, b=value reg, c=const (protocol atom), d=ImplForMode
    JumpIfNotStruct,  // a=reg, d=target: jump unless a is a struct (a map with an atom __struct__)
    // --- superinstructions (peephole.h): written only by the peephole pass, never by the
    // compiler's passes. A fused pair's second slot becomes a Nop, and the pass ends by
    // removing every Nop (renumbering jump targets and line entries), so finished code holds
    // none. ---
    Nop,
    // a=dst, b, c like Lt..StrictNe: the comparison's boolean goes to a (none when a is kNoReg:
    // nothing reads it), then execution goes on at the next instruction when it is true and
    // jumps to d when it is false (a compare followed by JumpIfNotTrue or JumpIfFalsy on its
    // result)
    LtJump,
    GtJump,
    LeJump,
    GeJump,
    EqJump,
    NeJump,
    StrictEqJump,
    StrictNeJump,
    AddImm,     // a=dst, b=src register, c=int32 immediate (its bit pattern): b + c
    SubImm,     // a=dst, b=src register, c=int32 immediate (its bit pattern): b - c
    AddReturn,  // a=dst, b, c like Add: a = b + c, then returns a (an Add and the Return of a)
    // LtJump .. GeJump whose b is a register, whose c is a small integer constant, held as an
    // int32 immediate (its bit pattern), and whose boolean no instruction reads (a guard's
    // `n < 2`): they only branch, a is kNoReg, and no constant table is read
    LtImmJump,
    GtImmJump,
    LeImmJump,
    GeImmJump,
    // a=dst, b=src register, c=int32 immediate like SubImm, then the Call that follows it (the
    // next instruction) runs at once: `x - k` computed into a call's argument
    SubImmCall,
    // --- written by the compiler ---
    Rem,  // a=dst, b, c like Add: Kernel.rem/2 (integers only, truncating; badarith otherwise)
    Div,  // a=dst, b, c like Add: Kernel.div/2
    // --- never in compiled code: the VM's sentinel frame under an execution's first frame ---
    Halt,  // a=src: the execution is done and its result is a
};

/// Is `op` one of the fused compare-and-branch instructions (LtJump .. StrictNeJump)?
inline constexpr bool is_compare_jump(Op op) {
    return (op >= Op::LtJump && op <= Op::StrictNeJump) ||
           (op >= Op::LtImmJump && op <= Op::GeImmJump);
}

enum class ImplForMode : uint32_t {
    Lookup,          ///< the implementation module for the value, or nil
    HasStructImpls,  ///< whether any struct implements the protocol (the value is ignored)
};

enum class FailKind : uint32_t {
    Badmatch,
    CaseClause,
    FunctionClause,
    CondClause,
    WithClause,
    TryClause,
    BadBool
};

struct Instr {
    Op op;
    uint32_t a = 0, b = 0, c = 0, d = 0;
};

struct FunctionCode;

/// A remote call site: module.function/arity, resolved on first use and cached.
struct CallSite {
    Atom module;
    Atom function;
    uint32_t arity = 0;
    enum class Kind : uint8_t { Unresolved, Script, Sync, Async, Registry } kind = Kind::Unresolved;
    const FunctionCode* script = nullptr;
    const BuiltinTable::Entry* builtin = nullptr;
};

struct FunctionCode {
    Atom module;
    Atom name;  ///< def name; for a fn, the enclosing def's name
    uint32_t arity = 0;
    uint32_t num_regs = 0;
    bool is_closure = false;
    bool is_private = false;
    uint32_t index = 0;   ///< in Program::functions
    std::string display;  ///< "MyMod.fun/2" or "anonymous fn/1 in MyMod.run/0" (stacktraces)
    /// Stacktrace entry {stack_module, stack_name, arity}: Elixir's names, e.g.
    /// {:elixir_compiler_0, :__FILE__, 1} for the script and :"-run/0-fun-0-" for a fn in run/0.
    Atom stack_module;
    Atom stack_name;
    uint32_t stack_arity = 0;
    uint32_t fun_index = 0;  ///< a fn's number within its module (#Function<N.hash/arity ...>)
    std::vector<Instr> code;
    std::vector<uint32_t> lines;  ///< source line per instruction
    std::vector<Term> consts;
    uint32_t file = 0;
};

/// A protocol's implementations, registered by defimpl and @derive at compile time.
struct ProtocolInfo {
    Atom name;
    bool fallback_to_any = false;
    std::vector<std::pair<Atom, uint32_t>> functions;  ///< sorted by name and arity
    std::unordered_map<uint32_t, Atom> impls;          ///< type or struct atom id -> module
    size_t struct_impls = 0;  ///< impls for structs (not Integer, List, ... or Any)
};

/// Everything compiled for one run: the prelude and the scenario, all modules and fns.
struct Program {
    std::vector<std::unique_ptr<FunctionCode>> functions;
    std::vector<CallSite> callsites;
    struct Key {
        uint32_t module, function, arity;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const noexcept {
            return (size_t{k.module} * 0x9e3779b97f4a7c15ULL) ^ (size_t{k.function} << 20) ^
                   k.arity;
        }
    };
    /// Public and private module functions by module/name/arity.
    std::unordered_map<Key, const FunctionCode*, KeyHash> exports;
    std::unordered_map<uint32_t, int> modules;  ///< modules defined by script/prelude code
    std::vector<std::string> file_paths;        ///< FileId -> path (stacktraces)
    const FunctionCode* main = nullptr;         ///< the scenario's top-level code
    size_t first_scenario_function = 0;         ///< functions before it are the prelude's
    StructRegistry structs;                     ///< defstruct field orders, for inspect
    std::unordered_map<uint32_t, ProtocolInfo> protocols;  ///< by protocol atom id

    const FunctionCode* find(Atom module, Atom function, uint32_t arity) const {
        auto it = exports.find(Key{module.id, function.id, arity});
        return it == exports.end() ? nullptr : it->second;
    }
};

}  // namespace tasklens::script
