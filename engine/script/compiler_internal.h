#pragma once
// The scenario compiler's internals, shared by its passes (compiler.h is the public entry):
//   compile_emit.cpp          instruction emission, registers, names, constants, variables
//   compile_patterns.cpp      patterns and guards
//   compile_expressions.cpp   expressions and operators
//   compile_calls.cpp         local, remote and anonymous calls; Kernel forms
//   compile_special_forms.cpp case/cond/receive/try/with/for
//   compile_functions.cpp     fn, captures, closures
//   compile_modules.cpp       defmodule, def, directives, generated module functions
//   compile_protocols.cpp     defprotocol, defimpl, @derive
//   compiler.cpp              the entry points
#include "engine/script/compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "engine/runtime/integer.h"
#include "engine/script/builtins.h"
#include "engine/script/compile_bitstring.h"
#include "engine/script/otp_exports.h"
#include "engine/script/parser.h"
#include "engine/script/prelude.h"

namespace tasklens::script {

struct CompileError {
    Diagnostic diagnostic;
};

/// What Elixir has and Tasklens does not (yet): one wording everywhere, never mistaken for an
/// error Elixir itself would give.
[[noreturn]] inline void refuse(const Node* at, std::string construct) {
    Diagnostic d;
    if (at) d.location = at->location;
    d.message = "Tasklens does not support " + construct + " yet (see docs/scenario-language.md)";
    d.construct = std::move(construct);
    throw CompileError{std::move(d)};
}

/// A call the sandbox forbids (files, network, OS): not a gap to be filled later.
[[noreturn]] inline void refuse_sandboxed(const Node* at, std::string call) {
    Diagnostic d;
    if (at) d.location = at->location;
    d.message = call + " is not available: scenarios are sandboxed (no file, network or OS access)";
    d.construct = std::move(call);
    throw CompileError{std::move(d)};
}

[[noreturn]] inline void fail_at(const Node* at, std::string message) {
    Diagnostic d;
    if (at) d.location = at->location;
    d.message = std::move(message);
    throw CompileError{std::move(d)};
}

inline const Atom kElixirKernel = Atom::intern("Elixir.Kernel");
inline const Atom kVmModule = Atom::intern("Elixir.Tasklens.VM");

inline bool is_keyword_list(const Node* n) {
    if (!n || n->kind != NodeKind::List || n->has(kHasTail)) return false;
    for (const Node* c : n->children) {
        if (c->kind != NodeKind::Tuple || c->children.size() != 2 ||
            c->child(0)->kind != NodeKind::Atom)
            return false;
    }
    return true;
}

inline const Node* keyword_get(const Node* list, std::string_view key) {
    if (!is_keyword_list(list)) return nullptr;
    for (const Node* c : list->children) {
        if (c->child(0)->text == key) return c->child(1);
    }
    return nullptr;
}

inline bool is_do_block(const Node* n) {
    return n && is_keyword_list(n) && keyword_get(n, "do") != nullptr;
}

inline std::span<Node* const> clauses_of(const Node* n) {
    if (n && n->kind == NodeKind::Clauses) return n->children;
    return {};
}

struct Label {
    std::vector<uint32_t> refs;
    int64_t target = -1;
};

/// `import M, only: [f: 1]` / `except: [...]` / `only: :functions`.
struct ImportFilter {
    bool active = false;
    bool only = false;
    std::string kind;  ///< "functions", "macros" or "sigils" for only: :atom
    std::set<std::pair<std::string, uint32_t>> names;
    bool allows(const std::string& name, uint32_t arity) const {
        if (!active) return true;
        if (!kind.empty())
            return kind == "functions" || (kind == "sigils" && name.starts_with("sigil_"));
        bool listed = names.count({name, arity}) > 0;
        return only ? listed : !listed;
    }
};

struct ModuleCtx {
    Atom name;
    bool is_script = false;  // the top-level "module" of the script
    std::map<std::string, Term> attrs;
    /// Attributes whose value is not a constant (`@names Enum.map(...)`): the expression is
    /// compiled where the attribute is read, so it is evaluated at each read.
    std::map<std::string, const Node*> computed_attrs;
    std::set<std::string> accumulated_attrs;  ///< Module.register_attribute(..., accumulate: true)
    std::map<std::string, std::vector<const Node*>> accumulated_values;  ///< newest first
    struct Def {
        std::string name;
        uint32_t arity = 0;
        bool priv = false;
        std::vector<const Node*> clauses;  // def/defp call nodes
        FunctionCode* fn = nullptr;
        // a default-argument wrapper: calls `target` filling defaults from `head`
        const Node* default_head = nullptr;
        FunctionCode* default_target = nullptr;
        bool referenced = false;  ///< called or captured in the module (unused defp warnings)
    };
    std::map<std::pair<std::string, uint32_t>, Def> defs;
    std::vector<Atom> imports;
    std::map<uint32_t, ImportFilter> import_filters;  ///< by imported module
    std::set<std::string> using_behaviours;
    std::vector<std::pair<std::string, uint32_t>> guards;  ///< defguard/defguardp, for __info__
};

/// A defguard/defguardp: its parameters and guard expression, expanded at each call.
struct GuardDef {
    std::vector<std::string> params;
    const Node* body = nullptr;
    bool priv = false;
};

struct FnState {
    FunctionCode* fn = nullptr;
    FnState* parent = nullptr;  // enclosing function whose variables a fn may capture
    std::unordered_map<std::string, uint32_t> vars;
    std::vector<std::string> captures;
    uint32_t next_reg = 0;
    int no_tail = 0;
    uint32_t stacktrace_reg = kNoReg;
    /// Registers loaded with a constant (LoadK into a fresh register): a variable bound to one
    /// is a constant the BEAM's compiler propagates, so a fn capturing it does not take it as
    /// an argument (see captured_arity).
    std::unordered_set<uint32_t> constant_regs;
    /// Each binding of a variable in the scenario's own code, for Elixir's "variable is unused"
    /// warnings; binding_at finds the binding a name's register stands for.
    struct Binding {
        std::string name;
        uint32_t line = 0;
        bool used = false;
        bool closed = false;     ///< its scope has been checked
        bool overrides = false;  ///< a variable of the same name was in scope when it was bound
    };
    std::vector<Binding> bindings;
    std::map<std::pair<std::string, uint32_t>, size_t> binding_at;
};

class Compiler final : public BitstringHost {
  public:
    Compiler(Program& program, SourceFiles& files, const SourceFile& file,
             const CompileOptions& options)
        : program_(program), files_(files), file_(&file), options_(options) {}

    void compile_root(const Node* root);

    // BitstringHost: what compile_bitstring.cpp needs from this compiler
    uint32_t emit_instruction(Op op, uint32_t a, uint32_t b, uint32_t c, uint32_t d) override;
    uint32_t new_registers(uint32_t count) override { return regs(count); }
    uint32_t constant(Term value) override { return konst(std::move(value)); }
    void compile_into(const Node* expression, uint32_t dst) override { into(expression, dst); }
    uint32_t variable_register(std::string_view name) override { return lookup(std::string(name)); }
    uint32_t code_position() override { return here(); }
    void set_jump_target(uint32_t instruction, uint32_t target) override;
    [[noreturn]] void refuse_construct(const Node* at, std::string construct) override;
    [[noreturn]] void compile_error(const Node* at, std::string message) override;

  private:
    // ---------------------------------------------------------------- emission
    uint32_t emit(Op op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0, uint32_t d = 0);
    uint32_t here() const { return static_cast<uint32_t>(f_->fn->code.size()); }
    uint32_t reg();
    uint32_t regs(uint32_t n);
    uint32_t konst(Term t);
    uint32_t load(Term t);
    void jump_to(Label& l, Op op = Op::Jump, uint32_t a = 0);
    void fail_to(Label& l, uint32_t index) { l.refs.push_back(index); }
    void bind(Label& l);
    void at(const Node* n);

    uint32_t callsite(Atom module, Atom function, uint32_t arity);

    // ---------------------------------------------------------------- names
    Atom resolve_alias(const Node* n);

    Atom module_target(const Node* n);

    // ---------------------------------------------------------------- constants
    std::optional<Term> const_eval(const Node* n);

    // ---------------------------------------------------------------- variables
    bool visible(FnState* f, const std::string& name);
    /// Binds variable node `var` to `reg` in the current function (and records the binding).
    void bind_variable(const Node* var, uint32_t reg);
    void mark_used(FnState& f, const std::string& name, uint32_t reg);
    /// Ends a scope opened when f_->bindings had `mark` entries: warns of its unused variables.
    void close_scope(size_t mark, bool report = true);
    /// Register holding variable `name` in the current function, loading it from the closure
    /// environment when it is captured. kNoReg if unknown.
    uint32_t lookup(const std::string& name);

    // ---------------------------------------------------------------- patterns
    struct PatternState {
        std::unordered_set<std::string> bound;
    };

    void pattern(const Node* p, uint32_t src, Label& fail, PatternState& ps);

    void map_pairs_pattern(const Node* map, uint32_t src, Label& fail, PatternState& ps);

    // ---------------------------------------------------------------- guards
    bool safe_guard(const Node* g);

    void guard(const Node* g, Label& fail);

    // ---------------------------------------------------------------- expressions
    /// Finishes a value: in tail position returns it, else leaves it in `result` (if any).
    uint32_t finish(uint32_t r, bool tail);

    uint32_t expr(const Node* n) { return value(n, false); }
    void tail_value(const Node* n) { value(n, f_->no_tail == 0); }

    uint32_t value(const Node* n, bool tail);

    void into(const Node* n, uint32_t dst);

    uint32_t block(const Node* n, bool tail);

    /// Compiles `body` (may be null = nil) in a fresh scope, moving its value to `result`
    /// (non-tail) or returning it (tail).
    void branch(const Node* body, bool tail, uint32_t result, Label& end);
    uint32_t value_nil(bool tail) { return finish(load(Term::nil()), tail); }

    uint32_t sigil(const Node* n);

    uint32_t map_update(const Node* n, uint32_t m);

    uint32_t struct_expr(const Node* n);
    void struct_to_string(uint32_t r);

    // ---------------------------------------------------------------- operators
    /// An operand of an arithmetic/comparison instruction: a register, or a constant marked
    /// with kConstOperand.
    uint32_t operand(const Node* n);

    uint32_t arith(Op op, const Node* n, bool tail, uint32_t dst = kNoReg);

    static bool is_arith(const Node* n);
    static Op arith_op(BinaryOperator op);

    uint32_t binary_op(const Node* n, bool tail);

    uint32_t in_op(const Node* n, bool tail);

    uint32_t unary_op(const Node* n, bool tail);

    // ---------------------------------------------------------------- calls
    uint32_t place_args(const std::vector<const Node*>& args);

    uint32_t remote_with_regs(Atom module, std::string_view fun, std::vector<uint32_t> values,
                              bool tail);

    uint32_t emit_remote(Atom module, Atom fun, uint32_t base, uint32_t argc, bool tail);

    uint32_t remote(Atom module, std::string_view fun, const std::vector<const Node*>& args,
                    bool tail);

    void check_sandbox(const Node* n, Atom module, std::string_view fun, size_t arity);

    /// A call to a function of Elixir/OTP that nothing in Tasklens implements is refused here,
    /// before anything runs, with a message that cannot be mistaken for Elixir's own error.
    void check_supported(const Node* n, Atom module, std::string_view fun, size_t arity);

    uint32_t remote_call(const Node* n, const std::vector<const Node*>& args, bool tail);

    uint32_t anonymous_call(const Node* fun, const std::vector<const Node*>& args, bool tail);

    const ModuleCtx::Def* find_local(const std::string& name, uint32_t arity);
    /// Elixir's "function f/1 is unused" for the module's private functions nothing refers to.
    void warn_unused_private(const ModuleCtx& m);

    bool kernel_defines(const std::string& name, uint32_t arity);

    uint32_t local_call(const Node* n, const std::string& name,
                        const std::vector<const Node*>& args, bool tail);

    /// Kernel macros that need the compiler (also reachable as Kernel.name).
    std::optional<uint32_t> kernel_special(const Node* n, const std::string& name,
                                           const std::vector<const Node*>& args, bool tail);

    /// put_in(a.b[c], v), update_in(a.b[c], f), pop_in(a[b]), get_in(a.b): path macros.
    uint32_t path_macro(const Node* n, const std::string& name,
                        const std::vector<const Node*>& args, bool tail);

    // ---------------------------------------------------------------- special forms
    std::optional<uint32_t> special_form(const Node* n, const std::string& name,
                                         const std::vector<const Node*>& args, bool tail);

    /// case-like clause matching of register `v`; raises `failure` if nothing matches.
    uint32_t match_clauses(std::span<Node* const> clauses, uint32_t v, bool tail, FailKind failure,
                           const Node* construct = nullptr);

    void reserve_compiler_pids(size_t modules);

    uint32_t receive(const Node* n, const std::vector<const Node*>& args, bool tail);

    uint32_t try_expr(const Node* n, const std::vector<const Node*>& args, bool tail);

    uint32_t try_body(const Node* body, const Node* kw, bool tail);

    void rescue_clause(const Node* clause, uint32_t kind, uint32_t normalized, uint32_t result,
                       Label& done);

    void catch_clause(const Node* clause, uint32_t kind, uint32_t reason, uint32_t result,
                      Label& done);

    uint32_t with_expr(const Node* n, const std::vector<const Node*>& args, bool tail);

    uint32_t for_expr(const Node* n, const std::vector<const Node*>& args, bool tail);

    void for_level(const std::vector<const Node*>& quals, size_t i, const Node* body, uint32_t acc,
                   bool reduce);

    /// `for <<segments <- source>>`: compile_bitstring.cpp emits the loop; a chunk whose values
    /// do not match jumps to `next`, bound after the body.
    void bitstring_generator(const std::vector<const Node*>& quals, size_t i, const Node* body,
                             uint32_t acc, bool reduce);

    // ---------------------------------------------------------------- functions
    FunctionCode* new_function(Atom module, Atom name, uint32_t arity, bool closure);

    std::string module_display(Atom m);

    /// Compiles fn clauses (patterns over registers 0..arity-1) into `fn`.
    void compile_clauses(FunctionCode* fn, FnState* parent, std::span<Node* const> clauses,
                         uint32_t arity);

    uint32_t make_closure(FunctionCode* fn, const std::vector<std::string>& captures);
    /// The arity of a fn's stack frames on the BEAM: its arguments plus the captured variables
    /// that are not constants.
    uint32_t captured_arity(uint32_t arity, const std::vector<std::string>& captures);

    /// Elixir's name of a fn inside the current function: :"-run/0-fun-0-".
    void name_closure(FunctionCode* fn);

    std::string enclosing_display();

    uint32_t fn_expr(const Node* n);

    int max_capture_arg(const Node* n);

    uint32_t capture(const Node* n);

    uint32_t capture_function(const Node* n);

    uint32_t external_fun(Atom module, Atom fun, uint32_t arity);

    // ---------------------------------------------------------------- modules
    void directive(const Node* n, const std::string& name, const std::vector<const Node*>& args);

    std::map<uint32_t, ImportFilter>& import_filters();
    bool import_allows(Atom module, const std::string& name, uint32_t arity);

    struct DefHead {
        std::string name;
        std::vector<const Node*> params;  // may contain Default nodes
        const Node* guard = nullptr;
        const Node* body = nullptr;  // the keyword list [do: ...] or null (bodiless head)
    };

    DefHead def_head(const Node* def);

    void collect_def(ModuleCtx& m, const Node* def, bool priv);

    void compile_def(ModuleCtx::Def& d);

    /// Parses `text` and adds its defs to module `m` unless `m` already defines them.
    void inject(ModuleCtx& m, const std::string& text,
                const std::set<std::pair<std::string, uint32_t>>& user_defs);

    /// __info__/1 and module_info/0,1, which every compiled Elixir module has. Public functions
    /// sorted by name and arity (m.defs is ordered that way: byte order is atom order).
    void inject_module_info(ModuleCtx& m, bool is_struct);

    void define_module(const Node* n);
    std::vector<const Node*> block_statements(const Node* body);
    Atom nested_module_name(const Node* name_node);
    void alias_nested_module(const Node* name_node, Atom name);
    /// Compiles a module from its body statements; `generated` is Elixir source whose defs are
    /// added unless the body defines them, `initial_attrs` the attributes set before the body.
    void define_module_body(Atom name, const std::vector<const Node*>& stmts,
                            const std::string& generated,
                            const std::map<std::string, Term>& initial_attrs);

    void define_guard(ModuleCtx& m, const Node* n, bool priv);
    const GuardDef* find_guard(Atom module, const std::string& name, uint32_t arity, bool local);
    uint32_t expand_guard(const GuardDef& g, const std::vector<const Node*>& args, bool tail);
    const Node* substitute(const Node* n, const std::map<std::string_view, const Node*>& args);

    // ---------------------------------------------------------------- protocols
    // (compile_protocols.cpp)
    void define_protocol(const Node* n);
    void define_impl(const Node* n);
    void collect_derive(const Node* attribute, std::vector<std::pair<Atom, Term>>& out);
    void derive_impl(const Node* at_node, Atom protocol, const Term& options, Atom struct_name,
                     const Term& defaults);
    uint32_t protocol_impl_for(const Node* n, const std::vector<const Node*>& args, bool tail,
                               ImplForMode mode);

    Program& program_;
    SourceFiles& files_;
    const SourceFile* file_;
    CompileOptions options_;
    FnState* f_ = nullptr;
    ModuleCtx* module_ = nullptr;
    std::map<std::string, std::string> aliases_;
    std::vector<Atom> script_imports_;
    std::map<uint32_t, ImportFilter> script_import_filters_;
    std::vector<std::string> captures_out_;
    std::vector<std::unique_ptr<ModuleCtx>> modules_;
    struct Injected {
        std::unique_ptr<Ast> ast;
        const SourceFile* file;
    };
    std::vector<Injected> injected_;
    uint32_t line_ = 0;
    int capture_depth_ = 0;
    std::unordered_map<uint32_t, uint32_t> fun_counter_;
    bool in_module_body_ = false;
    bool script_defined_module_ = false;
    /// Modules the file's defmodules define (nested ones included), known before compiling: elixir
    /// expands a whole .exs before running any of it, so the script's own code (outside defs)
    /// cannot build or match a struct of this file (CompileError "cannot access struct").
    /// Module id -> defined at the file's top level (elixir knows those while it expands the
    /// file; the nested ones it does not know at all, and says so differently).
    std::unordered_map<uint32_t, bool> file_modules_;
    void collect_file_modules(const std::vector<const Node*>& stmts, const std::string& prefix);
    /// `arity`: 1 where the struct is built, 0 where it is matched (the __struct__ elixir calls).
    void check_struct_access(const Node* name, Atom module, int arity);
    const SourceFile* main_file_ = file_;       ///< the scenario (not prelude or injected code)
    std::vector<std::string> script_warnings_;  ///< the top-level code's, printed first
    std::vector<std::string>
        module_warnings_;  ///< then the modules', in definition order  ///< the script has run a
                           ///< defmodule (pid reservation)
    /// defguard/defguardp: expanded where called (in guards and in expressions), as the macros
    /// they are in Elixir. Keyed by module, name and arity.
    std::map<std::tuple<uint32_t, std::string, uint32_t>, GuardDef> guards_;
    Ast synthesized_;  ///< nodes made by guard expansion
};

}  // namespace tasklens::script
