// Over 800 lines: the VM's dispatch loop is one function on purpose (one dispatch table, no calls
// per instruction), and its helpers are the instructions' slow paths.
#include "engine/script/vm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/runtime/format_error.h"
#include "engine/runtime/inspect.h"
#include "engine/script/arith.h"
#include "engine/script/bitstring.h"
#include "engine/script/builtins.h"
#include "engine/script/otp_exports.h"

namespace tasklens::script {
namespace {

constexpr uint32_t kReductionBatch = 50;

struct Frame {
    const FunctionCode* fn;
    const Instr* ip;  ///< where the frame resumes (an instruction of fn->code)
    /// The frame's first register, and the caller's register receiving its result: pointers
    /// into the register stack, so a call and a return compute no addresses (when the stack
    /// grows, Exec::grow_regs moves every frame's pointers along)
    Term* regs;
    Term* ret;
    /// The fun of a closure frame when the frame owns a reference to it (a tail call through a
    /// fun, an execution started on one); otherwise an immediate
    Term closure;
    /// The fun whose env LoadEnv reads, in closure frames: `closure`'s, or one borrowed from
    /// the caller's register that CallFun called it through. That register lies below the
    /// frame's window, where the callee never writes, so it holds the fun until the frame
    /// returns or is unwound.
    const FunObject* env;
};

// The dispatch loop is one very large function, too large for GCC to inline even the small
// reference-count checks of Term's assignment into it. The register writes of the hot
// instructions go through these helpers instead: overwriting an immediate (an integer, an atom)
// needs no release, so they construct the new value in place and only fall back to Term's
// assignment when the old value is a heap object.
#define TL_HOT [[gnu::always_inline]] inline

TL_HOT void put_integer(Term& dst, int64_t v) noexcept {
    if (!dst.is_boxed()) {
        ::new (&dst) Term(Term::integer(v));
    } else {
        dst = Term::integer(v);
    }
}
TL_HOT void put_boolean(Term& dst, bool b) noexcept {
    if (!dst.is_boxed()) {
        ::new (&dst) Term(Term::boolean(b));
    } else {
        dst = Term::boolean(b);
    }
}
TL_HOT void copy_term(Term& dst, const Term& src) noexcept {
    if (!dst.is_boxed() && !src.is_boxed()) {
        // two immediates: no reference count to adjust on either side
        std::memcpy(static_cast<void*>(&dst), static_cast<const void*>(&src), sizeof(Term));
    } else {
        dst = src;
    }
}
TL_HOT void move_term(Term& dst, Term& src) noexcept {
    if (&dst == &src) return;
    if (!dst.is_boxed()) {
        ::new (&dst) Term(std::move(src));
    } else {
        dst = std::move(src);
    }
}

/// A tail call's arguments, at registers [from, from + n) of the frame, move down to its first
/// registers. Moving in increasing order reads every source before it is overwritten (the
/// source of register i is i + from > i). The raw copies avoid move_term's self-move test: a
/// moved heap term leaves [] behind, an immediate nothing to clear.
TL_HOT void move_args(Term* R, uint32_t from, uint32_t n) noexcept {
    if (from == 0) return;  // already in place
    Term* src = R + from;
    for (uint32_t i = 0; i < n; ++i) {
        Term& d = R[i];
        Term& s = src[i];
        if (d.is_boxed()) [[unlikely]] {
            d = std::move(s);
            continue;
        }
        std::memcpy(static_cast<void*>(&d), static_cast<const void*>(&s), sizeof(Term));
        if (s.is_boxed()) ::new (&s) Term(Term::empty_list());
    }
}
/// The same, leaving the arguments whose bit is set in `keep` where they are (a TailCall's a).
TL_HOT void move_args(Term* R, uint32_t from, uint32_t n, uint32_t keep) noexcept {
    if (keep == 0 || from == 0) return move_args(R, from, n);
    Term* src = R + from;
    for (uint32_t i = 0; i < n; ++i) {
        if (i < 32 && ((keep >> i) & 1u)) continue;
        Term& d = R[i];
        Term& s = src[i];
        if (d.is_boxed()) [[unlikely]] {
            d = std::move(s);
            continue;
        }
        std::memcpy(static_cast<void*>(&d), static_cast<const void*>(&s), sizeof(Term));
        if (s.is_boxed()) ::new (&s) Term(Term::empty_list());
    }
}

/// The frames of one execution. A call pushes and a return pops once per script call, so the
/// storage only grows (doubling, up to kMaxFrames) and a push within it is a few stores: the
/// dispatch loop holds raw pointers to the frames and never computes a size on its hot paths.
class FrameStack {
  public:
    size_t size() const { return static_cast<size_t>(end_ - storage_.data()); }
    Frame& back() { return end_[-1]; }
    const Frame& operator[](size_t i) const { return storage_[i]; }
    /// Pushes a frame without a closure (a def) and returns it. Frames above size() never hold
    /// a heap closure (see pop_back), so the slot's closure is already an immediate.
    TL_HOT Frame* push(const FunctionCode* fn, Term* regs, Term* ret) {
        if (end_ == limit_) grow();
        Frame* f = end_++;
        f->fn = fn;
        f->ip = fn->code.data();
        f->regs = regs;
        f->ret = ret;
        return f;
    }
    TL_HOT Frame* push(const FunctionCode* fn, Term* regs, Term* ret, Term& closure) {
        Frame* f = push(fn, regs, ret);
        move_term(f->closure, closure);
        f->env = static_cast<const FunObject*>(f->closure.heap_object());
        return f;
    }
    TL_HOT void pop_back() {
        Term& closure = (--end_)->closure;
        if (closure.is_boxed()) closure = Term();
    }
    /// Drops the frames above the first `n`.
    void resize(size_t n) {
        while (size() > n) pop_back();
    }
    void clear() { resize(0); }
    /// The register stack moved from `from` to `to`: every frame's pointers follow it.
    void rebase(const Term* from, Term* to) {
        auto moved = [&](Term* p) {
            return to + (reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(from)) /
                            sizeof(Term);
        };
        for (Frame* f = storage_.data(); f != end_; ++f) {
            f->regs = moved(f->regs);
            f->ret = moved(f->ret);
        }
    }

  private:
    /// Makes room for one more frame; a run deeper than kMaxFrames gets system_limit (a clear
    /// error rather than exhausting memory).
    [[gnu::noinline]] void grow() {
        size_t n = size();
        if (n >= kMaxFrames) throw ErlangException::error(Term::atom(atom::system_limit));
        size_t capacity = std::min(kMaxFrames, std::max<size_t>(16, storage_.size() * 2));
        storage_.resize(capacity);
        end_ = storage_.data() + n;
        limit_ = storage_.data() + capacity;
    }
    std::vector<Frame> storage_;
    Frame* end_ = nullptr;
    Frame* limit_ = nullptr;
};

struct Handler {
    uint32_t frame;
    uint32_t pc;
    uint32_t regs;  ///< kind/reason/stacktrace registers (relative), kNoReg for guards
};

/// The code of the sentinel frame under an execution's first frame: the first frame returns
/// into it like any other, and its Halt ends the run, so no return tests for the bottom.
const FunctionCode& halt_code() {
    static const FunctionCode code = [] {
        FunctionCode fn;
        fn.num_regs = 1;
        fn.display = "(halt)";
        fn.code = {Instr{Op::Halt, 0}};
        fn.lines = {0};
        return fn;
    }();
    return code;
}
/// The sentinel frame's one register, where the first frame's result arrives; the first
/// frame's registers start right above it.
constexpr uint32_t kFirstBase = 1;

[[noreturn]] void raise_error(Term reason) {
    throw ErlangException::error(std::move(reason));
}

Term make_fun_term(const FunctionCode* fn, std::span<const Term> env, uint64_t id) {
    auto* f = new FunObject(FunObject::Kind::Closure);
    f->arity = fn->arity;
    // Elixir's identity of a fun: its module, the BEAM name of the enclosing def
    // (:"-run/0-fun-0-") and its index in the module
    f->module = fn->stack_module;
    f->name = fn->stack_name;
    f->unique = fn->fun_index;
    (void)id;
    f->code = fn;
    f->env.assign(env.begin(), env.end());
    return Term::adopt(f);
}

struct Target {
    CallSite::Kind kind = CallSite::Kind::Unresolved;
    const FunctionCode* script = nullptr;
    const BuiltinTable::Entry* builtin = nullptr;
};

/// The struct name of a map with an atom `__struct__` key, or the empty atom.
Atom struct_name_of(const Term& value) {
    if (!value.is_map()) return Atom{};
    const Term* name = value.map_find(Term::atom(atom::struct_));
    return name && name->is_atom() ? name->as_atom() : Atom{};
}

/// Protocol dispatch (ImplFor): the module implementing `protocol` for `value`'s struct or
/// built-in type, else the Any implementation under @fallback_to_any, else nil. A struct without
/// its own implementation does not use the Map one, as in Elixir.
Term protocol_impl(const Program& program, Atom protocol, const Term& value, ImplForMode mode) {
    auto it = program.protocols.find(protocol.id);
    if (mode == ImplForMode::HasStructImpls)
        return Term::boolean(it != program.protocols.end() && it->second.struct_impls > 0);
    if (it == program.protocols.end()) return Term::nil();
    const ProtocolInfo& info = it->second;
    Atom key = struct_name_of(value);
    if (key.id == 0) {
        static const Atom tuple = Atom::intern("Elixir.Tuple"), atom_ = Atom::intern("Elixir.Atom"),
                          list = Atom::intern("Elixir.List"), map = Atom::intern("Elixir.Map"),
                          bitstring = Atom::intern("Elixir.BitString"),
                          integer = Atom::intern("Elixir.Integer"),
                          float_ = Atom::intern("Elixir.Float"),
                          function = Atom::intern("Elixir.Function"),
                          pid = Atom::intern("Elixir.PID"),
                          reference = Atom::intern("Elixir.Reference");
        switch (value.type()) {
            case TermType::Integer:
            case TermType::BigInt:
                key = integer;
                break;
            case TermType::Float:
                key = float_;
                break;
            case TermType::Atom:
                key = atom_;
                break;
            case TermType::Reference:
                key = reference;
                break;
            case TermType::Fun:
                key = function;
                break;
            case TermType::Pid:
                key = pid;
                break;
            case TermType::Tuple:
                key = tuple;
                break;
            case TermType::Map:
                key = map;
                break;
            case TermType::Nil:
            case TermType::List:
                key = list;
                break;
            case TermType::Binary:
            case TermType::Bitstring:
                key = bitstring;
                break;
        }
    }
    auto impl = info.impls.find(key.id);
    if (impl != info.impls.end()) return Term::atom(impl->second);
    if (info.fallback_to_any) {
        static const Atom any = Atom::intern("Elixir.Any");
        auto fallback = info.impls.find(any.id);
        if (fallback != info.impls.end()) return Term::atom(fallback->second);
    }
    return Term::nil();
}

Target resolve(const Program& program, Atom module, Atom function, uint32_t arity) {
    Target t;
    if (const FunctionCode* fn = program.find(module, function, arity)) {
        t.kind = CallSite::Kind::Script;
        t.script = fn;
        return t;
    }
    if (const auto* e = builtins().find(module, function, static_cast<int>(arity))) {
        t.kind = e->sync ? CallSite::Kind::Sync : CallSite::Kind::Async;
        t.builtin = e;
        return t;
    }
    t.kind = CallSite::Kind::Registry;
    return t;
}

Co<Term> sync_call(ProcessContext& ctx, SyncBuiltin fn, std::vector<Term> args) {
    co_return fn(ctx, std::span<const Term>(args));
}

Co<Term> async_call(ProcessContext& ctx, AsyncBuiltin fn, std::vector<Term> args) {
    co_return co_await fn(ctx, std::span<const Term>(args));
}

Co<Term> native_fun_call(ProcessContext& ctx, Term fun, std::vector<Term> args) {
    const FunObject& f = fun.fun();
    co_return co_await f.native(ctx, std::span<const Term>(args), f);
}

class Exec;

/// The executions under way in each process, innermost last (a Runtime extension): where a
/// process waits, for the client frames of a GenServer crash report.
struct Executions {
    std::unordered_map<Pid, std::vector<const Exec*>> by_pid;
};

class Exec {
  public:
    enum class Status { Done, Await, Yield, WaitMessage };

    Exec(ProcessContext& ctx, Program& program)
        : ctx_(ctx),
          program_(program),
          executions_(ctx.runtime().extension<Executions>()),
          self_(ctx.self()) {
        executions_.by_pid[self_].push_back(this);
    }
    ~Exec() {
        auto it = executions_.by_pid.find(self_);
        if (it == executions_.by_pid.end()) return;
        auto& stack = it->second;
        stack.erase(std::remove(stack.begin(), stack.end(), this), stack.end());
        if (stack.empty()) executions_.by_pid.erase(it);
    }
    Exec(const Exec&) = delete;
    Exec& operator=(const Exec&) = delete;

    void start(const FunctionCode* fn, std::vector<Term> args, Term closure) {
        raise_regs_high(kFirstBase + std::max<size_t>(fn->num_regs, args.size()) + 8);
        for (size_t i = 0; i < args.size(); ++i) regs_[kFirstBase + i] = std::move(args[i]);
        frames_.push(&halt_code(), regs_.data(), regs_.data());
        frames_.push(fn, regs_.data() + kFirstBase, regs_.data(), closure);
        runs_script_main_ = fn == program_.main;
    }
    /// Started on the script's top-level code (its frame may since have been replaced by a
    /// tail call).
    bool runs_script_main() const { return runs_script_main_; }

    Status run();
    /// The script frames of this execution, innermost first (see stacktrace()).
    Term frames() const { return stacktrace(); }
    void deliver(Term value) {
        pending_tail_ = false;
        regs_[pending_dst_] = std::move(value);
        pending_ = Co<Term>();
        pending_args_.clear();
    }
    void fail(ErlangException e) {
        pending_ = Co<Term>();
        pending_args_.clear();
        raised_.emplace(std::move(e));
    }
    void woke(bool got_message) {
        if (got_message) {
            recv_cursor_ = recv_last_ ? ctx_.next_message(recv_last_) : ctx_.first_message();
        } else {
            recv_timed_out_ = true;
        }
    }

    Co<Term> take_pending() { return std::move(pending_); }
    int64_t deadline() const { return recv_deadline_; }
    Term take_result() { return std::move(result_); }

  private:
    Status dispatch();
    bool unwind(ErlangException& e);
    Term stacktrace(bool with_args = false) const;
    ErlangException with_script_frames(const ErlangException& e) const;
    /// Makes registers [0, n) exist and counts them as written (see release_stale_regs).
    [[gnu::noinline]] void raise_regs_high(size_t n) {
        if (n > regs_size_) grow_regs(n);
        regs_high_ = regs_.data() + n;
    }
    [[gnu::noinline]] void grow_regs(size_t n) {
        const Term* before = regs_.data();
        regs_.resize(std::max(n, regs_.size() * 2));
        regs_size_ = regs_.size();
        if (regs_.data() != before) frames_.rebase(before, regs_.data());
    }
    /// The window of `f` (a frame on the stack) is to run `fn`: makes its registers exist. One
    /// compare on a call, as the high-water mark never exceeds the storage.
    TL_HOT void ensure_window(const Frame* f, const FunctionCode* fn) {
        if (f->regs + fn->num_regs + 8 > regs_high_) [[unlikely]]
            raise_regs_high(static_cast<size_t>(f->regs - regs_.data()) + fn->num_regs + 8);
    }
    /// Registers above the top frame's window are dead, but a return does not clear them: a deep
    /// recursion's every level of garbage stayed referenced there until a later call overwrote it
    /// (a 20,000-deep `"(" <> deep(n - 1) <> ")"` held 465 MB instead of 28 MB). Clearing each
    /// frame's window on every return cost fib 45%, so the register stack keeps a high-water
    /// mark (regs_high_: no register at or above it was written since the last release; a call
    /// raises it in ensure_regs's slow path, so a call below it pays one compare) and a return
    /// that leaves more than kStaleRegsSlack dead registers above the top frame releases them:
    /// shallow call trees (fib) never pay, deep ones pay once per register.
    static constexpr uint32_t kStaleRegsSlack = 256;
    [[gnu::noinline]] void release_stale_regs() {
        const Frame& top = frames_.back();
        Term* from = top.regs + top.fn->num_regs;
        for (Term* r = from; r < regs_high_; ++r)
            if (r->is_boxed()) *r = Term();
        regs_high_ = from;
    }
    /// Are more than kStaleRegsSlack registers above the window of `f` (the top frame) dead?
    TL_HOT bool stale_regs_above(const Frame* f) const {
        return regs_high_ > f->regs + f->fn->num_regs + kStaleRegsSlack;
    }
    /// Makes the registers of a frame for `fn` at `regs` exist; `regs` and `ret` follow the
    /// register stack if it grows.
    TL_HOT void ensure_regs(const FunctionCode* fn, Term*& regs, Term*& ret) {
        if (regs + fn->num_regs + 8 > regs_high_) [[unlikely]] {
            size_t base = static_cast<size_t>(regs - regs_.data());
            size_t to = static_cast<size_t>(ret - regs_.data());
            raise_regs_high(base + fn->num_regs + 8);
            regs = regs_.data() + base;
            ret = regs_.data() + to;
        }
    }
    /// Pushes a frame for `fn` whose arguments are at `regs`, its result going to `ret`.
    TL_HOT Frame* push_frame(const FunctionCode* fn, Term* regs, Term* ret, Term& closure) {
        ensure_regs(fn, regs, ret);
        return frames_.push(fn, regs, ret, closure);
    }
    /// The same for a closure frame that borrows its fun (see Frame::env).
    TL_HOT Frame* push_frame(const FunctionCode* fn, Term* regs, Term* ret, const FunObject* env) {
        ensure_regs(fn, regs, ret);
        Frame* f = frames_.push(fn, regs, ret);
        f->env = env;
        return f;
    }
    /// The same for a frame without a closure (a def).
    TL_HOT Frame* push_frame(const FunctionCode* fn, Term* regs, Term* ret) {
        ensure_regs(fn, regs, ret);
        return frames_.push(fn, regs, ret);
    }
    /// The register index of `r` (pending results are delivered by index: the stack may move).
    uint32_t index_of(const Term* r) const { return static_cast<uint32_t>(r - regs_.data()); }
    [[noreturn]] void fail_instr(FailKind kind, const Term* value);
    /// A call to an Elixir/OTP function Tasklens does not implement: Tasklens.UnsupportedError
    /// with "file:line: Tasklens does not support ... yet (...)".
    [[noreturn]] void raise_unsupported(Atom module, Atom function, uint32_t arity) {
        const Frame& f = frames_.back();
        std::string where;
        auto pc = static_cast<size_t>(f.ip - f.fn->code.data());
        if (f.fn->file < program_.file_paths.size() && pc > 0 && pc - 1 < f.fn->lines.size())
            where =
                program_.file_paths[f.fn->file] + ":" + std::to_string(f.fn->lines[pc - 1]) + ": ";
        raise_error(make_exception(
            "Tasklens.UnsupportedError",
            {{"message", Term::binary(where + unsupported_message(module, function,
                                                                  static_cast<int>(arity)))}}));
    }

    ProcessContext& ctx_;
    Program& program_;
    std::vector<Term> regs_;
    size_t regs_size_ = 0;  ///< regs_.size()
    /// Registers at or above it are unwritten since the last release_stale_regs (at most the
    /// end of the storage).
    Term* regs_high_ = nullptr;
    FrameStack frames_;
    std::vector<Handler> handlers_;
    Co<Term> pending_;
    std::vector<Term> pending_args_;
    uint32_t pending_dst_ = 0;
    std::optional<ErlangException> raised_;
    bool pending_tail_ = false;  ///< pending_ was called in tail position (TailRemote, TailFun)
    Executions& executions_;
    Pid self_;
    bool runs_script_main_ = false;
    Term result_;
    uint32_t budget_ = kReductionBatch;  ///< reductions left before reporting a batch
    // receive state: one receive is active at a time per execution
    Message* recv_cursor_ = nullptr;
    Message* recv_last_ = nullptr;
    int64_t recv_deadline_ = -1;
    bool recv_timed_out_ = false;
};

Term Exec::stacktrace(bool with_args) const {
    std::vector<Term> entries;
    // A frame waiting on a call made in tail position is gone on the BEAM (the call replaced
    // it), so it is not shown.
    size_t top = frames_.size();
    if (pending_tail_ && top > 0) --top;
    for (size_t i = top; i-- > 1 && entries.size() < 20;) {  // frame 0 is the sentinel
        const Frame& f = frames_[i];
        const FunctionCode* fn = f.fn;
        // the prelude is library code: Elixir's own frames would not show either
        if (fn->file < program_.file_paths.size() &&
            program_.file_paths[fn->file].starts_with("prelude/"))
            continue;
        auto resume = static_cast<size_t>(f.ip - fn->code.data());
        size_t pc = resume > 0 ? resume - 1 : 0;
        uint32_t line = pc < fn->lines.size() ? fn->lines[pc] : 0;
        std::string path =
            fn->file < program_.file_paths.size() ? program_.file_paths[fn->file] : "nofile";
        std::vector<Term> chars;
        for (unsigned char c : path) chars.push_back(Term::integer(c));
        Term location = Term::list({Term::tuple({Term::atom("file"), Term::list(chars)}),
                                    Term::tuple({Term::atom("line"), Term::integer(line)})});
        Term arity = Term::integer(fn->stack_arity);
        if (with_args && entries.empty()) {
            // function_clause: Elixir shows the arguments given (the frame's first registers)
            arity = Term::list(std::span<const Term>(f.regs, fn->arity));
        }
        entries.push_back(Term::tuple(
            {Term::atom(fn->stack_module), Term::atom(fn->stack_name), arity, location}));
    }
    return Term::list(entries);
}

// An exception from native code carries an empty stacktrace, or only the frame of the call that
// failed (an :undef's {M, F, Args, []} from the code registry): the script's frames go below it,
// as on the BEAM, so the report and Tasklens's refusals can name the script's line.
ErlangException Exec::with_script_frames(const ErlangException& e) const {
    const Term& st = e.stacktrace();
    if (st.is_empty_list()) return ErlangException(e.kind(), e.reason(), stacktrace());
    if (e.library_frames_only()) {
        std::vector<Term> frames;
        list_to_vector(st, frames);
        list_to_vector(stacktrace(), frames);
        return ErlangException(e.kind(), e.reason(), Term::list(frames));
    }
    if (st.is_cons() && st.tail().is_empty_list() && st.head().is_tuple() &&
        st.head().tuple_size() == 4 && st.head().element(3).is_empty_list()) {
        std::vector<Term> frames{st.head()};
        list_to_vector(stacktrace(), frames);
        return ErlangException(e.kind(), e.reason(), Term::list(frames));
    }
    return e;
}

bool Exec::unwind(ErlangException& e) {
    if (handlers_.empty()) return false;
    Handler h = handlers_.back();
    handlers_.pop_back();
    frames_.resize(h.frame + 1);
    release_stale_regs();  // the windows of the frames unwound past
    Frame& f = frames_.back();
    f.ip = f.fn->code.data() + h.pc;
    if (h.regs != kNoReg) {
        Term* r = f.regs + h.regs;
        r[0] = Term::atom(e.kind());
        r[1] = e.reason();
        r[2] = e.stacktrace();
    }
    return true;
}

void Exec::fail_instr(FailKind kind, const Term* value) {
    Term v = value ? *value : Term::nil();
    switch (kind) {
        case FailKind::Badmatch:
            raise_error(Term::tuple({Term::atom(atom::badmatch), v}));
        case FailKind::CaseClause:
            raise_error(Term::tuple({Term::atom(atom::case_clause), v}));
        case FailKind::FunctionClause:
            raise_error(Term::atom(atom::function_clause));
        case FailKind::CondClause:
            raise_error(make_exception("CondClauseError", {}));
        case FailKind::WithClause:
            raise_error(Term::tuple({Term::atom("with_clause"), v}));
        case FailKind::TryClause:
            raise_error(Term::tuple({Term::atom("try_clause"), v}));
        case FailKind::BadBool:
            raise_error(
                make_exception("BadBooleanError", {{"term", v}, {"operator", Term::atom("and")}}));
    }
    raise_error(Term::atom(atom::badarg));
}

Exec::Status Exec::run() {
    for (;;) {
        try {
            if (raised_) {
                ErlangException e = std::move(*raised_);
                raised_.reset();
                e = with_script_frames(e);
                pending_tail_ = false;
                if (!unwind(e)) throw e;
            }
            return dispatch();
        } catch (ErlangException& e) {
            ErlangException full = with_script_frames(e);
            if (!unwind(full)) throw full;
        } catch (std::bad_alloc&) {
            throw;  // out of memory ends the run (the runtime reports it), not just this process
        } catch (std::exception&) {
            // A C++ library error from a builtin (std::invalid_argument, std::out_of_range, ...)
            // is an argument it could not take: the scenario sees badarg, rescuable as usual.
            ErlangException full(atom::error, Term::atom(atom::badarg), stacktrace());
            if (!unwind(full)) throw full;
        }
    }
}

inline bool add_overflow(int64_t a, int64_t b, int64_t* r) {
    return __builtin_add_overflow(a, b, r);
}
inline bool sub_overflow(int64_t a, int64_t b, int64_t* r) {
    return __builtin_sub_overflow(a, b, r);
}
inline bool mul_overflow(int64_t a, int64_t b, int64_t* r) {
    return __builtin_mul_overflow(a, b, r);
}

// Every Op in declaration order: the computed-goto table of the dispatch loop is built from it,
// and the static_assert below keeps it in step with bytecode.h.
// clang-format off
#define TL_SCRIPT_OPS(X) \
    X(LoadK) X(Move) X(LoadEnv) X(TestExact) X(TestExactK) X(IsTuple) X(IsCons) X(IsNil) \
    X(IsMap) X(GetElem) X(GetHd) X(GetTl) X(MapGet) X(BinPrefix) X(BsStart) X(BsGet) X(BsEnd) \
    X(BsBuild) X(Jump) X(JumpIfFalsy) X(JumpIfNotTrue) X(Add) X(Sub) X(Mul) X(FDiv) X(Lt) X(Gt) \
    X(Le) X(Ge) X(Eq) X(Ne) X(StrictEq) X(StrictNe) X(Neg) X(Not) X(Bang) X(StrConcat) X(Interp) \
    X(MakeTuple) X(MakeList) X(MakeMap) X(MapUpdate) X(MakeFun) X(FieldGet) X(Call) X(TailCall) \
    X(CallRemote) X(TailRemote) X(CallFun) X(TailFun) X(CallDynamic) X(Return) X(RecvInit) \
    X(RecvNext) X(RecvAccept) X(RecvReject) X(TryBegin) X(TryEnd) X(Raise) X(Fail) X(ImplFor) \
    X(JumpIfNotStruct) X(Nop) X(LtJump) X(GtJump) X(LeJump) X(GeJump) X(EqJump) X(NeJump) \
    X(StrictEqJump) X(StrictNeJump) X(AddImm) X(SubImm) X(AddReturn) X(LtImmJump) X(GtImmJump) \
    X(LeImmJump) X(GeImmJump) X(SubImmCall) X(Rem) X(Div) X(Halt)
// clang-format on

constexpr Op kOpsInOrder[] = {
#define TL_OP_ENTRY(name) Op::name,
    TL_SCRIPT_OPS(TL_OP_ENTRY)
#undef TL_OP_ENTRY
};
constexpr bool ops_in_declaration_order() {
    for (size_t i = 0; i < std::size(kOpsInOrder); ++i)
        if (static_cast<size_t>(kOpsInOrder[i]) != i) return false;
    return static_cast<size_t>(Op::Halt) + 1 == std::size(kOpsInOrder);
}
static_assert(ops_in_declaration_order(), "TL_SCRIPT_OPS must list bytecode.h's Op in order");

// GCC and Clang dispatch with computed goto through a label table: no range check on the op.
// The hot handlers jump on their own (TL_DISPATCH), the others through one shared jump (TL_NEXT,
// which says why).
#if defined(__GNUC__)
#define TL_COMPUTED_GOTO 1
// labels as values are a GNU extension, which -Wpedantic reports at every use
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#else
#define TL_COMPUTED_GOTO 0
#endif

Exec::Status Exec::dispatch() {
    const std::unique_ptr<FunctionCode>* const functions = program_.functions.data();
    Frame* F = &frames_.back();
    const Instr* code = F->fn->code.data();
    // The constants are read through the frame where an instruction needs one (K), rather than
    // kept in a variable that every call and return would reload.
#define K (F->fn->consts.data())
    Term* R = F->regs;
    const Instr* ip = F->ip;  ///< the current instruction

#define RELOAD()                   \
    do {                           \
        F = &frames_.back();       \
        code = F->fn->code.data(); \
        R = F->regs;               \
        ip = F->ip;                \
    } while (0)
#define SAVE_IP(p) (F->ip = (p))
#define OPB ((I.b & kConstOperand) ? K[I.b & ~kConstOperand] : R[I.b])
#define OPC ((I.c & kConstOperand) ? K[I.c & ~kConstOperand] : R[I.c])
#define REDUCE(at)                                          \
    do {                                                    \
        if (--budget_ == 0) {                               \
            budget_ = kReductionBatch;                      \
            if (ctx_.consume_reductions(kReductionBatch)) { \
                SAVE_IP(at);                                \
                return Status::Yield;                       \
            }                                               \
        }                                                   \
    } while (0)

#define I (*ip)
#if TL_COMPUTED_GOTO
    static constexpr void* kLabels[] = {
#define TL_OP_LABEL(name) &&L_##name,
        TL_SCRIPT_OPS(TL_OP_LABEL)
#undef TL_OP_LABEL
    };
#define TL_CASE(name) L_##name:
    // Handlers leave through a plain goto to this one indirect jump: a plain goto out of a
    // handler's block destroys its locals (a received message, a fun), which an indirect goto
    // straight from the handler would skip, leaking them.
#define TL_NEXT() goto next_instruction
    // The hot handlers, whose locals at that point are all trivially destructible (references,
    // integers, pointers), jump on their own: one indirect jump per handler predicts better
    // than the shared one and saves the jump to it.
#define TL_DISPATCH() goto* kLabels[static_cast<unsigned>(ip->op)]
    // a fused instruction whose second half is the Call at ip
#define TL_GOTO_CALL() goto L_Call
next_instruction:
    TL_DISPATCH();
    {
        {
#else
#define TL_CASE(name) case Op::name:
#define TL_NEXT() continue
#define TL_DISPATCH() continue
#define TL_GOTO_CALL() continue
    for (;;) {
        switch (I.op) {
#endif
            TL_CASE(LoadK)
            copy_term(R[I.a], K[I.b]);
            ++ip;
            TL_DISPATCH();
            TL_CASE(Move)
            copy_term(R[I.a], R[I.b]);
            ++ip;
            TL_DISPATCH();
            TL_CASE(LoadEnv)
            R[I.a] = F->env->env[I.b];
            ++ip;
            TL_DISPATCH();
            TL_CASE(TestExact)
            ip = exact_equal(R[I.a], R[I.b]) ? ip + 1 : code + I.d;
            TL_DISPATCH();
            TL_CASE(TestExactK) {
                const Term& x = R[I.a];
                const Term& k = K[I.b];
                bool same;
                if (x.type() != k.type()) {
                    same = false;
                } else if (x.is_atom()) {
                    same = x.as_atom() == k.as_atom();
                } else if (x.is_integer()) {
                    same = x.as_integer() == k.as_integer();
                } else {
                    same = exact_equal(x, k);
                }
                ip = same ? ip + 1 : code + I.d;
                TL_DISPATCH();
            }
            TL_CASE(IsTuple)
            ip = R[I.a].is_tuple(I.b) ? ip + 1 : code + I.d;
            TL_DISPATCH();
            TL_CASE(IsCons)
            ip = R[I.a].is_cons() ? ip + 1 : code + I.d;
            TL_DISPATCH();
            TL_CASE(IsNil)
            ip = R[I.a].is_empty_list() ? ip + 1 : code + I.d;
            TL_DISPATCH();
            TL_CASE(IsMap)
            ip = R[I.a].is_map() ? ip + 1 : code + I.d;
            TL_DISPATCH();
            TL_CASE(GetElem)
            R[I.a] = R[I.b].element(I.c);
            ++ip;
            TL_DISPATCH();
            TL_CASE(GetHd)
            R[I.a] = R[I.b].head();
            ++ip;
            TL_DISPATCH();
            TL_CASE(GetTl) {
                {
                    Term t = R[I.b].tail();  // R[I.a] may be the list itself
                    R[I.a] = std::move(t);
                }
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(MapGet) {
                const Term& m = R[I.b];
                const Term* v = m.is_map() ? m.map_find(R[I.c]) : nullptr;
                if (!v) {
                    ip = code + I.d;
                } else {
                    Term copy = *v;
                    R[I.a] = std::move(copy);
                    ++ip;
                }
                TL_DISPATCH();
            }
            TL_CASE(BinPrefix) {
                const Term& s = R[I.b];
                std::string_view prefix = K[I.c].binary_view();
                if (s.is_binary() && s.binary_view().starts_with(prefix)) {
                    R[I.a] =
                        Term::sub_binary(s, prefix.size(), s.binary_view().size() - prefix.size());
                    ++ip;
                } else {
                    ip = code + I.d;
                }
                TL_NEXT();
            }
            TL_CASE(BsStart) {
                if (!R[I.b].is_bitstring()) {
                    ip = code + I.d;
                    TL_NEXT();
                }
                Term subject = R[I.b];
                R[I.a] = std::move(subject);
                R[I.a + 1] = Term::integer(0);
                ++ip;
                TL_NEXT();
            }
            TL_CASE(BsGet) {
                auto spec = bits::SegmentSpec::unpack(K[I.c].as_integer());
                auto offset = static_cast<uint64_t>(R[I.b + 1].as_integer());
                const Term* size = spec.size == bits::SegmentSpec::Size::Register
                                       ? &R[static_cast<uint32_t>(spec.value)]
                                       : nullptr;
                Term value;
                if (!bits::match(R[I.b], offset, spec, size, value)) {
                    ip = code + I.d;
                    TL_NEXT();
                }
                R[I.b + 1] = Term::integer(static_cast<int64_t>(offset));
                R[I.a] = std::move(value);
                ++ip;
                TL_NEXT();
            }
            TL_CASE(BsEnd)
            ip = static_cast<uint64_t>(R[I.a + 1].as_integer()) == R[I.a].bit_size() ? ip + 1
                                                                                     : code + I.d;
            TL_NEXT();
            TL_CASE(BsBuild) {
                SAVE_IP(ip + 1);
                Term built = bits::build(K[I.c], std::span<const Term>(R + I.b, I.d));
                R[I.a] = std::move(built);
                ++ip;
                TL_NEXT();
            }
            TL_CASE(Jump)
            if (code + I.d <= ip) REDUCE(code + I.d);
            ip = code + I.d;
            TL_DISPATCH();
            TL_CASE(JumpIfFalsy)
            ip = R[I.a].truthy() ? ip + 1 : code + I.d;
            TL_DISPATCH();
            TL_CASE(JumpIfNotTrue)
            ip = R[I.a].is_atom(atom::true_) ? ip + 1 : code + I.d;
            TL_DISPATCH();
            TL_CASE(Add) {
                const Term& a = OPB;
                const Term& b = OPC;
                int64_t r;
                if (a.is_integer() && b.is_integer() &&
                    !add_overflow(a.as_integer(), b.as_integer(), &r)) {
                    put_integer(R[I.a], r);
                } else {
                    SAVE_IP(ip + 1);
                    R[I.a] = arith::add(a, b);
                }
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(Sub) {
                const Term& a = OPB;
                const Term& b = OPC;
                int64_t r;
                if (a.is_integer() && b.is_integer() &&
                    !sub_overflow(a.as_integer(), b.as_integer(), &r)) {
                    put_integer(R[I.a], r);
                } else {
                    SAVE_IP(ip + 1);
                    R[I.a] = arith::sub(a, b);
                }
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(Mul) {
                const Term& a = OPB;
                const Term& b = OPC;
                int64_t r;
                if (a.is_integer() && b.is_integer() &&
                    !mul_overflow(a.as_integer(), b.as_integer(), &r)) {
                    put_integer(R[I.a], r);
                } else {
                    SAVE_IP(ip + 1);
                    R[I.a] = arith::mul(a, b);
                }
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(FDiv) {
                SAVE_IP(ip + 1);
                R[I.a] = arith::fdiv(OPB, OPC);
                ++ip;
                TL_NEXT();
            }
            TL_CASE(Lt) {
                const Term& a = OPB;
                const Term& b = OPC;
                bool r = (a.is_integer() && b.is_integer()) ? a.as_integer() < b.as_integer()
                                                            : compare(a, b) < 0;
                put_boolean(R[I.a], r);
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(Gt) {
                const Term& a = OPB;
                const Term& b = OPC;
                bool r = (a.is_integer() && b.is_integer()) ? a.as_integer() > b.as_integer()
                                                            : compare(a, b) > 0;
                put_boolean(R[I.a], r);
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(Le)
            R[I.a] = Term::boolean(compare(OPB, OPC) <= 0);
            ++ip;
            TL_DISPATCH();
            TL_CASE(Ge)
            R[I.a] = Term::boolean(compare(OPB, OPC) >= 0);
            ++ip;
            TL_DISPATCH();
            TL_CASE(Eq)
            R[I.a] = Term::boolean(compare(OPB, OPC) == 0);
            ++ip;
            TL_DISPATCH();
            TL_CASE(Ne)
            R[I.a] = Term::boolean(compare(OPB, OPC) != 0);
            ++ip;
            TL_DISPATCH();
            TL_CASE(StrictEq)
            R[I.a] = Term::boolean(compare_exact(OPB, OPC) == 0);
            ++ip;
            TL_DISPATCH();
            TL_CASE(StrictNe)
            R[I.a] = Term::boolean(compare_exact(OPB, OPC) != 0);
            ++ip;
            TL_DISPATCH();
            TL_CASE(Neg) {
                const Term& a = R[I.b];
                if (a.is_integer() && a.as_integer() != INT64_MIN) {
                    R[I.a] = Term::integer(-a.as_integer());
                } else {
                    SAVE_IP(ip + 1);
                    R[I.a] = arith::neg(a);
                }
                ++ip;
                TL_NEXT();
            }
            TL_CASE(Not) {
                const Term& a = R[I.b];
                if (!a.is_boolean()) {
                    SAVE_IP(ip + 1);
                    raise_error(Term::atom(atom::badarg));
                }
                R[I.a] = Term::boolean(a.is_atom(atom::false_));
                ++ip;
                TL_NEXT();
            }
            TL_CASE(Bang)
            R[I.a] = Term::boolean(!R[I.b].truthy());
            ++ip;
            TL_NEXT();
            TL_CASE(StrConcat) {
                const Term& a = OPB;
                const Term& b = OPC;
                if (!a.is_binary() || !b.is_binary()) {
                    SAVE_IP(ip + 1);
                    int segment = a.is_binary() ? 2 : 1;
                    raise_error(
                        argument_error(fmt::format("construction of binary failed: segment {} of "
                                                   "type 'binary': expected a binary but got: {}",
                                                   segment, inspect(segment == 1 ? a : b))));
                }
                std::string s(a.binary_view());
                s += b.binary_view();
                R[I.a] = Term::binary(s);
                ++ip;
                TL_NEXT();
            }
            TL_CASE(Interp) {
                SAVE_IP(ip + 1);
                std::string s;
                for (uint32_t i = 0; i < I.c; ++i) {
                    const Term& part = R[I.b + i];
                    if (part.is_binary()) {
                        s += part.binary_view();
                    } else {
                        s += to_string(part);
                    }
                }
                R[I.a] = Term::binary(s);
                ++ip;
                TL_NEXT();
            }
            TL_CASE(MakeTuple)
            R[I.a] = Term::tuple(std::span<const Term>(R + I.b, I.c));
            ++ip;
            TL_NEXT();
            TL_CASE(MakeList) {
                Term tail = I.d == kNoReg ? Term::empty_list() : R[I.d];
                if (I.c == 1) {
                    // [x | acc], the cell every accumulating loop builds: no span to walk
                    R[I.a] = Term::cons(R[I.b], std::move(tail));
                    ++ip;
                    TL_NEXT();
                }
                R[I.a] = Term::list(std::span<const Term>(R + I.b, I.c), std::move(tail));
                ++ip;
                TL_NEXT();
            }
            TL_CASE(MakeMap) {
                std::vector<std::pair<Term, Term>> entries;
                entries.reserve(I.c);
                for (uint32_t i = 0; i < I.c; ++i)
                    entries.emplace_back(R[I.b + 2 * i], R[I.b + 2 * i + 1]);
                R[I.a] = Term::map(std::move(entries));
                ++ip;
                TL_NEXT();
            }
            TL_CASE(MapUpdate) {
                Term m = R[I.b];
                if (!m.is_map()) {
                    SAVE_IP(ip + 1);
                    raise_error(Term::tuple({Term::atom(atom::badmap), m}));
                }
                for (uint32_t i = 0; i < I.d; ++i) {
                    const Term& k = R[I.c + 2 * i];
                    if (!m.map_find(k)) {
                        SAVE_IP(ip + 1);
                        // OTP 25's map update (`M#{K := V}`) raises {badkey, K} without the map
                        raise_error(Term::tuple({Term::atom(atom::badkey), k}));
                    }
                    m = m.map_put(k, R[I.c + 2 * i + 1]);
                }
                R[I.a] = std::move(m);
                ++ip;
                TL_NEXT();
            }
            TL_CASE(MakeFun) {
                auto& vm = ctx_.runtime().extension<VmState>();
                R[I.a] = make_fun_term(program_.functions[I.b].get(),
                                       std::span<const Term>(R + I.c, I.d), vm.next_fun_id++);
                ++ip;
                TL_NEXT();
            }
            TL_CASE(FieldGet) {
                const Term& m = R[I.b];
                const Term& key = K[I.c];
                if (m.is_map()) {
                    const Term* v = m.map_find(key);
                    if (!v) {
                        SAVE_IP(ip + 1);
                        raise_error(Term::tuple({Term::atom(atom::badkey), key, m}));
                    }
                    Term copy = *v;
                    R[I.a] = std::move(copy);
                    ++ip;
                    TL_NEXT();
                }
                if (m.is_atom()) {
                    // Mod.fun without parentheses on a module held in a variable: a call
                    SAVE_IP(ip + 1);
                    Target t = resolve(program_, m.as_atom(), key.as_atom(), 0);
                    if (t.kind == CallSite::Kind::Script) {
                        REDUCE(ip);
                        push_frame(t.script, R + I.a + 1, R + I.a);
                        RELOAD();
                        TL_NEXT();
                    }
                    pending_dst_ = index_of(R + I.a);
                    pending_ = apply_mfa(ctx_, m.as_atom(), key.as_atom(), {});
                    return Status::Await;
                }
                SAVE_IP(ip + 1);
                raise_error(Term::tuple({Term::atom(atom::badmap), m}));
            }
            TL_CASE(Call) {
                REDUCE(ip);
                SAVE_IP(ip + 1);
                const FunctionCode* fn = functions[I.b].get();
                F = push_frame(fn, R + I.c, R + I.a);
                code = fn->code.data();
                R = F->regs;
                ip = code;
                TL_DISPATCH();
            }
            TL_CASE(TailCall) {
                REDUCE(ip);
                const FunctionCode* fn = program_.functions[I.b].get();
                move_args(R, I.c, I.d, I.a);
                if (fn == F->fn && !fn->is_closure) {
                    // a def calling itself: same code, registers and (no) closure
                    ip = code;
                    TL_DISPATCH();
                }
                F->fn = fn;
                F->ip = F->fn->code.data();
                F->closure = Term();
                ensure_window(F, fn);
                RELOAD();
                TL_DISPATCH();
            }
            TL_CASE(CallRemote)
            TL_CASE(TailRemote)
            TL_CASE(CallDynamic) {
                REDUCE(ip);
                SAVE_IP(ip + 1);
                CallSite& site = program_.callsites[I.b];
                Target t;
                Atom module = site.module;
                if (I.op == Op::CallDynamic) {
                    const Term& m = R[I.c - 1];
                    if (!m.is_atom()) raise_error(Term::tuple({Term::atom(atom::badarg), m}));
                    module = m.as_atom();
                    t = resolve(program_, module, site.function, site.arity);
                } else {
                    if (site.kind == CallSite::Kind::Unresolved) {
                        Target r = resolve(program_, site.module, site.function, site.arity);
                        site.kind = r.kind;
                        site.script = r.script;
                        site.builtin = r.builtin;
                    }
                    t.kind = site.kind;
                    t.script = site.script;
                    t.builtin = site.builtin;
                }
                switch (t.kind) {
                    case CallSite::Kind::Script:
                        if (I.op == Op::TailRemote) {
                            move_args(R, I.c, I.d);
                            F->fn = t.script;
                            F->ip = F->fn->code.data();
                            F->closure = Term();
                            ensure_window(F, t.script);
                        } else {
                            push_frame(t.script, R + I.c, R + I.a);
                        }
                        RELOAD();
                        break;
                    case CallSite::Kind::Sync: {
                        Term r = t.builtin->sync(ctx_, std::span<const Term>(R + I.c, I.d));
                        R = F->regs;
                        R[I.a] = std::move(r);
                        ++ip;
                        break;
                    }
                    case CallSite::Kind::Async:
                        pending_args_.assign(R + I.c, R + I.c + I.d);
                        pending_dst_ = index_of(R + I.a);
                        pending_ = t.builtin->async(ctx_, std::span<const Term>(pending_args_));
                        pending_tail_ = I.op == Op::TailRemote;
                        return Status::Await;
                    default: {
                        if (!ctx_.runtime().code().is_defined(module, site.function,
                                                              static_cast<int>(I.d)) &&
                            !program_.modules.count(module.id) &&
                            otp_function_exists(module, site.function, static_cast<int>(I.d)))
                            raise_unsupported(module, site.function, I.d);
                        pending_dst_ = index_of(R + I.a);
                        std::vector<Term> args(R + I.c, R + I.c + I.d);
                        pending_ = ctx_.runtime().code().apply(ctx_, module, site.function,
                                                               std::move(args));
                        pending_tail_ = I.op == Op::TailRemote;
                        return Status::Await;
                    }
                }
                TL_DISPATCH();
            }
            TL_CASE(CallFun)
            TL_CASE(TailFun) {
                REDUCE(ip);
                SAVE_IP(ip + 1);
                {
                    const Term& callee = R[I.b];
                    // (Term::fun() is out of line: read the object here)
                    const auto* object = static_cast<const FunObject*>(callee.heap_object());
                    if (callee.is_fun() && object->arity == I.d &&
                        object->kind == FunObject::Kind::Closure) [[likely]] {
                        // the hot path: a script closure of the right arity. No local needs
                        // destroying before the handler's own jump.
                        const auto* fn = static_cast<const FunctionCode*>(object->code);
                        if (I.op == Op::TailFun) {
                            F->closure = callee;  // the arguments' moves may overwrite callee
                            F->env = object;
                            move_args(R, I.c, I.d);
                            F->fn = fn;
                            F->ip = fn->code.data();
                            ensure_window(F, fn);
                        } else if (I.b < I.c) [[likely]] {
                            // the fun's register is below the callee's window: borrowed
                            push_frame(fn, R + I.c, R + I.a, object);
                        } else {
                            Term fun = callee;  // push_frame may move the registers
                            push_frame(fn, R + I.c, R + I.a, fun);
                        }
                    } else {
                        goto call_fun_slow;
                    }
                }
                RELOAD();
                TL_DISPATCH();
            call_fun_slow:
                Term fun = R[I.b];
                if (!fun.is_fun()) raise_error(Term::tuple({Term::atom(atom::badfun), fun}));
                const FunObject& f = fun.fun();
                if (f.arity != I.d) {
                    std::vector<Term> args(R + I.c, R + I.c + I.d);
                    raise_error(Term::tuple(
                        {Term::atom(atom::badarity), Term::tuple({fun, Term::list(args)})}));
                }
                if (f.kind == FunObject::Kind::External) {
                    Target t = resolve(program_, f.module, f.name, f.arity);
                    if (t.kind == CallSite::Kind::Script) {
                        push_frame(t.script, R + I.c, R + I.a);
                        RELOAD();
                        TL_NEXT();
                    }
                    if (t.kind == CallSite::Kind::Sync) {
                        Term r = t.builtin->sync(ctx_, std::span<const Term>(R + I.c, I.d));
                        R = F->regs;
                        R[I.a] = std::move(r);
                        ++ip;
                        TL_NEXT();
                    }
                    pending_dst_ = index_of(R + I.a);
                    std::vector<Term> args(R + I.c, R + I.c + I.d);
                    if (t.kind == CallSite::Kind::Async) {
                        pending_ = async_call(ctx_, t.builtin->async, std::move(args));
                    } else {
                        pending_ =
                            ctx_.runtime().code().apply(ctx_, f.module, f.name, std::move(args));
                    }
                    pending_tail_ = I.op == Op::TailFun;
                    return Status::Await;
                }
                pending_dst_ = index_of(R + I.a);
                pending_ = native_fun_call(ctx_, fun, std::vector<Term>(R + I.c, R + I.c + I.d));
                pending_tail_ = I.op == Op::TailFun;
                return Status::Await;
            }
            TL_CASE(Return) {
                {
                    // the caller's destination register may lie in this frame's window: the
                    // moved value lands there, and nothing else of the frame is read afterwards
                    Term& dst = *F->ret;
                    Term& src = R[I.a];
                    if (!dst.is_boxed() && !src.is_boxed()) {
                        // two immediates (the same register at worst): a plain copy
                        std::memcpy(static_cast<void*>(&dst), static_cast<const void*>(&src),
                                    sizeof(Term));
                    } else {
                        move_term(dst, src);
                    }
                }
                frames_.pop_back();
                RELOAD();
                if (stale_regs_above(F)) [[unlikely]]
                    release_stale_regs();
                TL_DISPATCH();
            }
            TL_CASE(RecvInit) {
                recv_cursor_ = ctx_.first_message();
                recv_last_ = nullptr;
                recv_timed_out_ = false;
                recv_deadline_ = -1;
                if (I.a != kNoReg) {
                    const Term& t = R[I.a];
                    if (t.is_integer() && t.as_integer() >= 0) {
                        recv_deadline_ = ctx_.now_us() + t.as_integer() * 1000;
                    } else if (!t.is_atom(atom::infinity)) {
                        SAVE_IP(ip + 1);
                        raise_error(Term::atom("timeout_value"));  // the BEAM's error, a bare atom
                    }
                }
                ++ip;
                TL_NEXT();
            }
            TL_CASE(RecvNext) {
                if (recv_cursor_) {
                    R[I.a] = ctx_.message_term(recv_cursor_);
                    ++ip;
                    TL_NEXT();
                }
                if (recv_timed_out_ || (recv_deadline_ >= 0 && ctx_.now_us() >= recv_deadline_)) {
                    recv_timed_out_ = false;
                    ip = code + I.d;
                    TL_NEXT();
                }
                SAVE_IP(ip);
                return Status::WaitMessage;
            }
            TL_CASE(RecvAccept) {
                Term m = ctx_.take_message(recv_cursor_);
                recv_cursor_ = nullptr;
                recv_last_ = nullptr;
                ++ip;
                TL_NEXT();
            }
            TL_CASE(RecvReject) {
                recv_last_ = recv_cursor_;
                recv_cursor_ = ctx_.next_message(recv_cursor_);
                REDUCE(code + I.d);
                ip = code + I.d;
                TL_NEXT();
            }
            TL_CASE(TryBegin)
            handlers_.push_back(Handler{static_cast<uint32_t>(frames_.size() - 1), I.d, I.a});
            ++ip;
            TL_NEXT();
            TL_CASE(TryEnd)
            handlers_.pop_back();
            ++ip;
            TL_NEXT();
            TL_CASE(Raise) {
                SAVE_IP(ip + 1);
                const Term& kind = R[I.a];
                Term stack = I.c == kNoReg ? Term::empty_list() : R[I.c];
                throw ErlangException(kind.as_atom(), R[I.b], std::move(stack));
            }
            TL_CASE(ImplFor)
            R[I.a] =
                protocol_impl(program_, K[I.c].as_atom(), R[I.b], static_cast<ImplForMode>(I.d));
            ++ip;
            TL_NEXT();
            TL_CASE(JumpIfNotStruct)
            ip = struct_name_of(R[I.a]).id != 0 ? ip + 1 : code + I.d;
            TL_NEXT();
            TL_CASE(Nop)
            ++ip;
            TL_DISPATCH();
            TL_CASE(LtJump) {
                const Term& a = OPB;
                const Term& b = OPC;
                bool r = (a.is_integer() && b.is_integer()) ? a.as_integer() < b.as_integer()
                                                            : compare(a, b) < 0;
                if (I.a != kNoReg) put_boolean(R[I.a], r);
                ip = r ? ip + 1 : code + I.d;
                TL_DISPATCH();
            }
            TL_CASE(GtJump) {
                const Term& a = OPB;
                const Term& b = OPC;
                bool r = (a.is_integer() && b.is_integer()) ? a.as_integer() > b.as_integer()
                                                            : compare(a, b) > 0;
                if (I.a != kNoReg) put_boolean(R[I.a], r);
                ip = r ? ip + 1 : code + I.d;
                TL_DISPATCH();
            }
            TL_CASE(LeJump) {
                const Term& a = OPB;
                const Term& b = OPC;
                bool r = (a.is_integer() && b.is_integer()) ? a.as_integer() <= b.as_integer()
                                                            : compare(a, b) <= 0;
                if (I.a != kNoReg) put_boolean(R[I.a], r);
                ip = r ? ip + 1 : code + I.d;
                TL_DISPATCH();
            }
            TL_CASE(GeJump) {
                const Term& a = OPB;
                const Term& b = OPC;
                bool r = (a.is_integer() && b.is_integer()) ? a.as_integer() >= b.as_integer()
                                                            : compare(a, b) >= 0;
                if (I.a != kNoReg) put_boolean(R[I.a], r);
                ip = r ? ip + 1 : code + I.d;
                TL_DISPATCH();
            }
            TL_CASE(EqJump)
            TL_CASE(StrictEqJump)
            TL_CASE(NeJump)
            TL_CASE(StrictNeJump) {
                const Term& a = OPB;
                const Term& b = OPC;
                bool same;
                if (a.is_integer() && b.is_integer()) {
                    same = a.as_integer() == b.as_integer();
                } else if (I.op == Op::EqJump || I.op == Op::NeJump) {
                    same = compare(a, b) == 0;
                } else {
                    same = compare_exact(a, b) == 0;
                }
                bool r = (I.op == Op::EqJump || I.op == Op::StrictEqJump) ? same : !same;
                if (I.a != kNoReg) put_boolean(R[I.a], r);
                ip = r ? ip + 1 : code + I.d;
                TL_DISPATCH();
            }
            TL_CASE(AddImm) {
                const Term& a = R[I.b];
                int64_t imm = static_cast<int32_t>(I.c);
                int64_t r;
                // nested tests: GCC branches on the overflow flag instead of materialising it
                if (a.is_integer()) [[likely]] {
                    if (!add_overflow(a.as_integer(), imm, &r)) [[likely]] {
                        put_integer(R[I.a], r);
                        ++ip;
                        TL_DISPATCH();
                    }
                }
                SAVE_IP(ip + 1);
                R[I.a] = arith::add(a, Term::integer(imm));
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(SubImm) {
                const Term& a = R[I.b];
                int64_t imm = static_cast<int32_t>(I.c);
                int64_t r;
                // nested tests: GCC branches on the overflow flag instead of materialising it
                if (a.is_integer()) [[likely]] {
                    if (!sub_overflow(a.as_integer(), imm, &r)) [[likely]] {
                        put_integer(R[I.a], r);
                        ++ip;
                        TL_DISPATCH();
                    }
                }
                SAVE_IP(ip + 1);
                R[I.a] = arith::sub(a, Term::integer(imm));
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(AddReturn) {
                {
                    // two registers take one test for both (fib's fib(n - 1) + fib(n - 2))
                    const Term* a;
                    const Term* b;
                    if (((I.b | I.c) & kConstOperand) == 0) [[likely]] {
                        a = &R[I.b];
                        b = &R[I.c];
                    } else {
                        a = &OPB;
                        b = &OPC;
                    }
                    int64_t r;
                    if (a->is_integer() && b->is_integer() &&
                        !add_overflow(a->as_integer(), b->as_integer(), &r)) [[likely]] {
                        // straight into the caller's destination: the sum never visits R[I.a]
                        put_integer(*F->ret, r);
                        frames_.pop_back();
                        RELOAD();
                        if (stale_regs_above(F)) [[unlikely]]
                            release_stale_regs();
                        TL_DISPATCH();
                    }
                }
                SAVE_IP(ip + 1);
                R[I.a] = arith::add(OPB, OPC);
                move_term(*F->ret, R[I.a]);
                frames_.pop_back();
                RELOAD();
                if (stale_regs_above(F)) [[unlikely]]
                    release_stale_regs();
                TL_DISPATCH();
            }
// Each outcome dispatches on its own: with one shared `ip = r ? ... : ...`, GCC merged the
// four handlers' tails and branched twice.
#define TL_IMM_COMPARE_JUMP(name, op)                                   \
    TL_CASE(name) {                                                     \
        const Term& a = R[I.b];                                         \
        int64_t imm = static_cast<int32_t>(I.c);                        \
        if (a.is_integer()) [[likely]] {                                \
            if (a.as_integer() op imm) {                                \
                ++ip;                                                   \
                TL_DISPATCH();                                          \
            }                                                           \
            ip = code + I.d;                                            \
            TL_DISPATCH();                                              \
        }                                                               \
        ip = compare(a, Term::integer(imm)) op 0 ? ip + 1 : code + I.d; \
        TL_DISPATCH();                                                  \
    }
            TL_IMM_COMPARE_JUMP(LtImmJump, <)
            TL_IMM_COMPARE_JUMP(GtImmJump, >)
            TL_IMM_COMPARE_JUMP(LeImmJump, <=)
            TL_IMM_COMPARE_JUMP(GeImmJump, >=)
#undef TL_IMM_COMPARE_JUMP
            TL_CASE(SubImmCall) {
                const Term& a = R[I.b];
                int64_t imm = static_cast<int32_t>(I.c);
                int64_t r;
                if (a.is_integer()) [[likely]] {
                    if (!sub_overflow(a.as_integer(), imm, &r)) [[likely]] {
                        put_integer(R[I.a], r);
                        ++ip;
                        TL_GOTO_CALL();  // the Call that follows, without a dispatch
                    }
                }
                SAVE_IP(ip + 1);
                R[I.a] = arith::sub(a, Term::integer(imm));
                ++ip;
                TL_GOTO_CALL();
            }
            TL_CASE(Rem) {
                const Term& a = OPB;
                const Term& b = OPC;
                // a positive divisor: neither zero nor the INT64_MIN rem -1 overflow
                if (a.is_integer() && b.is_integer() && b.as_integer() > 0) {
                    put_integer(R[I.a], a.as_integer() % b.as_integer());
                } else {
                    SAVE_IP(ip + 1);
                    R[I.a] = arith::rem(a, b);
                }
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(Div) {
                const Term& a = OPB;
                const Term& b = OPC;
                if (a.is_integer() && b.is_integer() && b.as_integer() > 0) {
                    put_integer(R[I.a], a.as_integer() / b.as_integer());  // truncating, as div/2
                } else {
                    SAVE_IP(ip + 1);
                    R[I.a] = arith::div(a, b);
                }
                ++ip;
                TL_DISPATCH();
            }
            TL_CASE(Halt) {
                result_ = std::move(R[I.a]);
                frames_.clear();
                return Status::Done;
            }
            TL_CASE(Fail) {
                SAVE_IP(ip + 1);
                FailKind kind = static_cast<FailKind>(I.a);
                if (kind == FailKind::FunctionClause) {
                    // Elixir reads module/function/arity from the top of the stacktrace
                    ErlangException e(atom::error, Term::atom(atom::function_clause),
                                      stacktrace(true));
                    throw e;
                }
                fail_instr(kind, I.b == kNoReg ? nullptr : &R[I.b]);
            }
        }
    }
#undef I
#undef TL_CASE
#undef TL_NEXT
#undef TL_DISPATCH
#undef TL_GOTO_CALL
#undef RELOAD
#undef OPB
#undef OPC
#undef K
#undef SAVE_IP
#undef REDUCE
}
#if TL_COMPUTED_GOTO
#pragma GCC diagnostic pop
#endif

Co<Term> drive(ProcessContext& ctx, std::unique_ptr<Exec> ex) {
    for (;;) {
        Exec::Status s = ex->run();
        switch (s) {
            case Exec::Status::Done:
                co_return ex->take_result();
            case Exec::Status::Yield:
                co_await ctx.yield();
                break;
            case Exec::Status::WaitMessage: {
                bool got = co_await ctx.wait_for_message(ex->deadline());
                ex->woke(got);
                break;
            }
            case Exec::Status::Await: {
                std::optional<ErlangException> failure;
                Term value;
                try {
                    value = co_await ex->take_pending();
                } catch (ErlangException& e) {
                    failure.emplace(e);
                } catch (std::bad_alloc&) {
                    throw;
                } catch (std::exception&) {
                    failure.emplace(ErlangException::badarg());
                }
                if (failure) {
                    ex->fail(std::move(*failure));
                } else {
                    ex->deliver(std::move(value));
                }
                break;
            }
        }
    }
}

Program& program_of(ProcessContext& ctx) {
    return *ctx.runtime().extension<VmState>().program;
}

Co<Term> process_fun(ProcessContext& ctx, Term fun) {
    co_return co_await call_fun(ctx, std::move(fun), {});
}

Co<Term> process_mfa(ProcessContext& ctx, Atom m, Atom f, std::vector<Term> args) {
    co_return co_await apply_mfa(ctx, m, f, std::move(args));
}

Co<void> discard(Co<Term> co) {
    (void)co_await co;
}

}  // namespace

Term waiting_script_frames(Runtime& runtime, Pid pid, bool* under_script_main) {
    if (under_script_main) *under_script_main = false;
    auto& by_pid = runtime.extension<Executions>().by_pid;
    auto it = by_pid.find(pid);
    if (it == by_pid.end()) return Term::empty_list();
    std::vector<Term> frames;
    for (auto e = it->second.rbegin(); e != it->second.rend(); ++e)
        list_to_vector((*e)->frames(), frames);
    if (under_script_main) *under_script_main = it->second.front()->runs_script_main();
    return Term::list(frames);
}

Co<Term> run_function(ProcessContext& ctx, const FunctionCode* fn, std::vector<Term> args) {
    auto ex = std::make_unique<Exec>(ctx, program_of(ctx));
    ex->start(fn, std::move(args), Term());
    return drive(ctx, std::move(ex));
}

Co<Term> call_fun(ProcessContext& ctx, Term fun, std::vector<Term> args) {
    if (!fun.is_fun()) throw ErlangException::error(Term::tuple({Term::atom(atom::badfun), fun}));
    const FunObject& f = fun.fun();
    if (f.arity != args.size()) {
        throw ErlangException::error(
            Term::tuple({Term::atom(atom::badarity), Term::tuple({fun, Term::list(args)})}));
    }
    switch (f.kind) {
        case FunObject::Kind::Closure: {
            auto ex = std::make_unique<Exec>(ctx, program_of(ctx));
            ex->start(static_cast<const FunctionCode*>(f.code), std::move(args), fun);
            return drive(ctx, std::move(ex));
        }
        case FunObject::Kind::External:
            return apply_mfa(ctx, f.module, f.name, std::move(args));
        case FunObject::Kind::Native:
            return native_fun_call(ctx, fun, std::move(args));
    }
    throw ErlangException::error(Term::tuple({Term::atom(atom::badfun), fun}));
}

Co<Term> apply_mfa(ProcessContext& ctx, Atom module, Atom function, std::vector<Term> args) {
    Program& program = program_of(ctx);
    Target t = resolve(program, module, function, static_cast<uint32_t>(args.size()));
    switch (t.kind) {
        case CallSite::Kind::Script:
            return run_function(ctx, t.script, std::move(args));
        case CallSite::Kind::Sync:
            return sync_call(ctx, t.builtin->sync, std::move(args));
        case CallSite::Kind::Async:
            return async_call(ctx, t.builtin->async, std::move(args));
        default:
            return ctx.runtime().code().apply(ctx, module, function, std::move(args));
    }
}

ProcessBody fun_body(Term fun) {
    return [fun = std::move(fun)](ProcessContext& ctx) -> Co<void> {
        return discard(process_fun(ctx, fun));
    };
}

ProcessBody mfa_body(Atom module, Atom function, std::vector<Term> args) {
    return [=](ProcessContext& ctx) -> Co<void> {
        return discard(process_mfa(ctx, module, function, args));
    };
}

bool vm_defines(Runtime& runtime, Atom module, Atom function, uint32_t arity) {
    auto& vm = runtime.extension<VmState>();
    // exported functions only: function_exported?/3 is false for a defp, as on the BEAM
    if (vm.program)
        if (const FunctionCode* f = vm.program->find(module, function, arity))
            return !f->is_private;
    return builtins().find(module, function, static_cast<int>(arity)) != nullptr;
}

void install_program(Runtime& runtime, std::shared_ptr<Program> program) {
    runtime.extension<VmState>().program = std::move(program);
    runtime.code().set_closure_runner(
        [](ProcessContext& ctx, const Term& fun, std::span<const Term> args) -> Co<Term> {
            return call_fun(ctx, fun, std::vector<Term>(args.begin(), args.end()));
        });
    runtime.code().set_module_resolver([](ProcessContext& ctx, Atom module, Atom function,
                                          std::span<const Term> args) -> std::optional<Co<Term>> {
        Program& loaded = program_of(ctx);
        Target t = resolve(loaded, module, function, static_cast<uint32_t>(args.size()));
        std::vector<Term> a(args.begin(), args.end());
        switch (t.kind) {
            case CallSite::Kind::Script:
                return run_function(ctx, t.script, std::move(a));
            case CallSite::Kind::Sync:
                return sync_call(ctx, t.builtin->sync, std::move(a));
            case CallSite::Kind::Async:
                return async_call(ctx, t.builtin->async, std::move(a));
            default:
                // Natives rely on :undef here (optional callbacks such as Agent.Server's
                // terminate/2); the script runner words an uncaught one honestly.
                return std::nullopt;
        }
    });
}

}  // namespace tasklens::script
