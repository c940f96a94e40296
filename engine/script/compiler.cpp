// Entry points of the scenario compiler; the passes are in compile_*.cpp (see
// compiler_internal.h).
#include "engine/script/compiler_internal.h"

#include "engine/runtime/fun_display.h"

#include "engine/script/parser.h"
#include "engine/script/peephole.h"
#include "engine/script/prelude.h"

namespace tasklens::script {

void Compiler::compile_root(const Node* root) {
    ModuleCtx script;
    script.name = atom::nil;
    script.is_script = true;
    module_ = &script;
    FunctionCode* main =
        new_function(Atom::intern("elixir_compiler_0"), Atom::intern("__FILE__"), 0, false);
    main->display = "(file)";
    main->stack_arity = 1;
    FnState state;
    state.fn = main;
    f_ = &state;
    std::vector<const Node*> stmts;
    if (root->kind == NodeKind::Block) {
        stmts.assign(root->children.begin(), root->children.end());
    } else {
        stmts.push_back(root);
    }
    collect_file_modules(stmts, "");
    // defmodules first, so that the script may call modules defined after the call site... no:
    // Elixir defines them in order, but every call in a script happens after all definitions
    // are compiled here, which gives the same result for scripts that run.
    for (size_t i = 0; i + 1 < stmts.size(); ++i) {
        f_ = &state;
        module_ = &script;
        expr(stmts[i]);
    }
    f_ = &state;
    module_ = &script;
    if (stmts.empty()) {
        emit(Op::Return, load(Term::nil()));
    } else {
        // The script's last expression is a tail call, as in the BEAM: a raise there shows no
        // "(file)" frame.
        tail_value(stmts.back());
    }
    close_scope(0);
    if (options_.warnings) {
        options_.warnings->insert(options_.warnings->end(), script_warnings_.begin(),
                                  script_warnings_.end());
        options_.warnings->insert(options_.warnings->end(), module_warnings_.begin(),
                                  module_warnings_.end());
    }
    if (options_.is_main) {
        program_.main = main;
        set_script_display_path(main_file_->path());
    }
}

void Compiler::collect_file_modules(const std::vector<const Node*>& stmts,
                                    const std::string& prefix) {
    // breadth by a work list: module nesting is user data
    std::vector<std::pair<const Node*, std::string>> work;
    for (const Node* s : stmts) work.emplace_back(s, prefix);
    while (!work.empty()) {
        auto [s, outer] = work.back();
        work.pop_back();
        if (s->kind != NodeKind::LocalCall || s->text != "defmodule" || s->children.size() != 2 ||
            s->child(0)->kind != NodeKind::Alias || !is_do_block(s->child(1)))
            continue;
        std::string name(s->child(0)->text);  // "Elixir.A.B"
        if (!outer.empty()) name = outer + "." + name.substr(7);
        file_modules_.emplace(Atom::intern(name).id, outer.empty());
        for (const Node* inner : block_statements(keyword_get(s->child(1), "do")))
            work.emplace_back(inner, name);
    }
}

void Compiler::check_struct_access(const Node* name, Atom module, int arity) {
    if (!module_ || !module_->is_script) return;
    auto it = file_modules_.find(module.id);
    if (it == file_modules_.end()) return;
    std::string_view shown = module.name();
    if (shown.starts_with("Elixir.")) shown.remove_prefix(7);
    if (it->second)
        fail_at(name, fmt::format("cannot access struct {}, the struct was not yet defined or the "
                                  "struct is being accessed in the same context that defines it",
                                  shown));
    fail_at(name,
            fmt::format("{0}.__struct__/{1} is undefined, cannot expand struct {0}. Make sure "
                        "the struct name is correct. If the struct name exists and is "
                        "correct but it still cannot be found, you likely have cyclic "
                        "module usage in your code",
                        shown, arity));
}

bool compile_file(Program& program, SourceFiles& files, const SourceFile& file, const Ast& ast,
                  const CompileOptions& options, std::vector<Diagnostic>& diagnostics) {
    if (program.file_paths.size() <= file.id()) program.file_paths.resize(file.id() + 1);
    program.file_paths[file.id()] = file.path();
    size_t functions_before = program.functions.size();
    try {
        Compiler compiler(program, files, file, options);
        compiler.compile_root(ast.root());
    } catch (CompileError& e) {
        if (e.diagnostic.location.line == 0) e.diagnostic.location = {file.id(), 1, 1};
        diagnostics.push_back(std::move(e.diagnostic));
        (void)functions_before;
        return false;
    }
    fuse_superinstructions(program, functions_before);
    for (size_t i = 0; i < files.size(); ++i) {
        if (program.file_paths.size() <= i) program.file_paths.resize(i + 1);
        if (program.file_paths[i].empty())
            program.file_paths[i] = files.get(static_cast<FileId>(i)).path();
    }
    return true;
}

}  // namespace tasklens::script

// ---------------------------------------------------------------------------------------------
namespace tasklens::script {

void load_prelude(Program& program, SourceFiles& files) {
    for (size_t i = 0; i < kPreludeSourceCount; ++i) {
        const SourceFile& file =
            files.add(std::string("prelude/") + kPreludeSources[i].name, kPreludeSources[i].text);
        ParseResult parsed = parse(file);
        std::vector<Diagnostic> diagnostics = parsed.diagnostics;
        if (parsed.ok()) {
            CompileOptions options;
            options.is_main = false;
            options.check_calls = false;
            compile_file(program, files, file, *parsed.ast, options, diagnostics);
        }
        if (!diagnostics.empty()) {
            std::string text;
            for (const auto& d : diagnostics)
                text += format_diagnostic(d, files.get(d.location.file));
            throw std::runtime_error("the scenario prelude does not compile:\n" + text);
        }
    }
}

std::shared_ptr<Program> compile_scenario(
    SourceFiles& files, const SourceFile& file, std::vector<Diagnostic>& diagnostics,
    std::function<bool(Atom module, Atom function, int arity)> native_defined,
    std::vector<std::string>* warnings) {
    auto program = std::make_shared<Program>();
    load_prelude(*program, files);
    program->first_scenario_function = program->functions.size();
    ParseResult parsed = parse(file);
    if (!parsed.ok()) {
        diagnostics = std::move(parsed.diagnostics);
        return nullptr;
    }
    CompileOptions options;
    options.native_defined = std::move(native_defined);
    options.warnings = warnings;
    if (!compile_file(*program, files, file, *parsed.ast, options, diagnostics)) return nullptr;
    return program;
}

}  // namespace tasklens::script
