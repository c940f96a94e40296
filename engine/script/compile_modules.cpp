// Modules: defmodule, def/defp, alias/import/require, use, defstruct and the functions
// every module gets (__info__/1, module_info/0,1).
#include "engine/script/compiler_internal.h"

#include "engine/script/prelude.h"

namespace tasklens::script {
namespace {

const char* find_using_template(std::string_view name) {
    for (size_t i = 0; i < kUsingTemplateCount; ++i)
        if (name == kUsingTemplates[i].name) return kUsingTemplates[i].text;
    return nullptr;
}

const char* using_template(std::string_view name) {
    const char* text = find_using_template(name);
    if (!text) throw std::runtime_error("missing prelude/using/" + std::string(name) + ".exs");
    return text;
}

}  // namespace

void Compiler::directive(const Node* n, const std::string& name,
                         const std::vector<const Node*>& args) {
    if (args.empty()) fail_at(n, fmt::format("invalid {}", name));
    const Node* target = args[0];
    if (name == "require") return;
    if (name == "import") {
        Atom m = module_target(target);
        if (m.id == 0) fail_at(target, "invalid import");
        // the script's own imports live on its ModuleCtx too: local_call reads them there
        (module_ ? module_->imports : script_imports_).push_back(m);
        ImportFilter filter;
        if (args.size() > 1) {
            const Node* only = keyword_get(args[1], "only");
            const Node* except = keyword_get(args[1], "except");
            const Node* given = only ? only : except;
            if (given) {
                filter.active = true;
                filter.only = only != nullptr;
                auto list = const_eval(given);
                if (list && list->is_atom()) {
                    // only: :functions / :macros / :sigils
                    filter.kind = std::string(list->as_atom().name());
                } else if (list && list_length(*list) >= 0) {
                    for (ListIterator it(*list); !it.done(); ++it) {
                        const Term& fa = *it;
                        if (!fa.is_tuple(2) || !fa.element(0).is_atom() ||
                            !fa.element(1).is_integer())
                            fail_at(given, "invalid import option");
                        filter.names.insert({std::string(fa.element(0).as_atom().name()),
                                             static_cast<uint32_t>(fa.element(1).as_integer())});
                    }
                } else {
                    fail_at(given, "invalid import option");
                }
            }
        }
        import_filters()[m.id] = std::move(filter);
        return;
    }
    // alias A.{B, C}: one alias per name under A
    if (target->kind == NodeKind::RemoteCall && target->text == "{}" && !target->children.empty()) {
        Atom base = module_target(target->child(0));
        if (base.id == 0) refuse(target, "this form of alias");
        for (size_t i = 1; i < target->children.size(); ++i) {
            const Node* part = target->child(i);
            if (part->kind != NodeKind::Alias) refuse(part, "this form of alias");
            std::string_view rest = part->text.substr(part->text.starts_with("Elixir.") ? 7 : 0);
            std::string full = std::string(base.name()) + "." + std::string(rest);
            aliases_[full.substr(full.rfind('.') + 1)] = full;
        }
        return;
    }
    // alias A.B [, as: C], alias __MODULE__ [, as: C]
    if (target->kind != NodeKind::Alias && target->kind != NodeKind::CurrentModule)
        refuse(target, "this form of alias");
    Atom full = module_target(target);
    std::string short_name;
    const Node* as = args.size() > 1 ? keyword_get(args[1], "as") : nullptr;
    if (as) {
        if (as->kind != NodeKind::Alias) fail_at(as, "invalid alias :as");
        short_name = std::string(as->text.substr(as->text.starts_with("Elixir.") ? 7 : 0));
    } else {
        std::string_view s = full.name();
        short_name = std::string(s.substr(s.rfind('.') + 1));
    }
    aliases_[short_name] = std::string(full.name());
}

std::map<uint32_t, ImportFilter>& Compiler::import_filters() {
    return module_ && !module_->is_script ? module_->import_filters : script_import_filters_;
}

bool Compiler::import_allows(Atom module, const std::string& name, uint32_t arity) {
    auto& filters = import_filters();
    auto it = filters.find(module.id);
    return it == filters.end() || it->second.allows(name, arity);
}

Compiler::DefHead Compiler::def_head(const Node* def) {
    DefHead h;
    if (def->children.empty()) fail_at(def, "invalid def");
    const Node* head = def->child(0);
    if (head->kind == NodeKind::BinaryOp && head->binary_op == BinaryOperator::When) {
        h.guard = head->child(1);
        head = head->child(0);
    }
    if (head->kind == NodeKind::LocalCall) {
        h.name = std::string(head->text);
        h.params.assign(head->children.begin(), head->children.end());
    } else if (head->kind == NodeKind::Variable) {
        h.name = std::string(head->text);
    } else {
        refuse(head, "this function head");
    }
    if (def->children.size() > 1) {
        h.body = def->child(1);
        if (!is_keyword_list(h.body)) fail_at(def, "expected a do block");
    }
    return h;
}

void Compiler::collect_def(ModuleCtx& m, const Node* def, bool priv) {
    DefHead h = def_head(def);
    uint32_t arity = static_cast<uint32_t>(h.params.size());
    auto& d = m.defs[{h.name, arity}];
    if (!d.fn) {
        d.name = h.name;
        d.arity = arity;
        d.priv = priv;
        d.fn = new_function(m.name, Atom::intern(h.name), arity, false);
        d.fn->is_private = priv;
        d.fn->display = fmt::format("{}.{}/{}", module_display(m.name), h.name, arity);
        program_.exports[Program::Key{m.name.id, Atom::intern(h.name).id, arity}] = d.fn;
    }
    size_t defaults = 0;
    for (const Node* p : h.params)
        if (p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::Default) ++defaults;
    if (defaults > 0) {
        for (uint32_t a = arity - static_cast<uint32_t>(defaults); a < arity; ++a) {
            auto& w = m.defs[{h.name, a}];
            if (w.fn) continue;
            w.name = h.name;
            w.arity = a;
            w.priv = priv;
            w.default_head = def;
            w.default_target = d.fn;
            w.fn = new_function(m.name, Atom::intern(h.name), a, false);
            w.fn->is_private = priv;
            w.fn->display = fmt::format("{}.{}/{}", module_display(m.name), h.name, a);
            program_.exports[Program::Key{m.name.id, Atom::intern(h.name).id, a}] = w.fn;
        }
    }
    if (h.body) d.clauses.push_back(def);
}

void Compiler::compile_def(ModuleCtx::Def& d) {
    FunctionCode* fn = d.fn;
    FnState state;
    state.fn = fn;
    state.next_reg = d.arity;
    f_ = &state;
    if (d.default_head) {
        DefHead h = def_head(d.default_head);
        at(d.default_head);
        uint32_t full = static_cast<uint32_t>(h.params.size());
        uint32_t optional_given =
            d.arity - static_cast<uint32_t>(
                          std::count_if(h.params.begin(), h.params.end(), [](const Node* p) {
                              return !(p->kind == NodeKind::BinaryOp &&
                                       p->binary_op == BinaryOperator::Default);
                          }));
        uint32_t base = regs(full);
        uint32_t next_arg = 0;
        for (uint32_t i = 0; i < full; ++i) {
            const Node* p = h.params[i];
            bool is_default =
                p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::Default;
            if (!is_default || optional_given > 0) {
                if (is_default) --optional_given;
                emit(Op::Move, base + i, next_arg++);
            } else {
                into(p->child(1), base + i);
            }
        }
        emit(Op::TailCall, 0, d.default_target->index, base, full);
        f_ = nullptr;
        return;
    }
    if (d.clauses.empty())
        fail_at(nullptr, fmt::format("function {}/{} has no body", d.name, d.arity));
    for (const Node* def : d.clauses) {
        at(def);
        DefHead h = def_head(def);
        state.vars.clear();
        size_t scope = state.bindings.size();
        Label next;
        PatternState ps;
        for (uint32_t i = 0; i < d.arity; ++i) {
            const Node* p = h.params[i];
            if (p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::Default)
                p = p->child(0);
            pattern(p, i, next, ps);
        }
        guard(h.guard, next);
        const Node* kw = h.body;
        const Node* body = keyword_get(kw, "do");
        if (keyword_get(kw, "rescue") || keyword_get(kw, "catch") || keyword_get(kw, "after")) {
            try_body(body, kw, true);
        } else {
            if (body) {
                tail_value(body);
            } else {
                emit(Op::Return, load(Term::nil()));
            }
        }
        close_scope(scope, h.body != nullptr);  // a bodiless head's names are never unused
        bind(next);
    }
    // The BEAM reports a function_clause at the line of the function's first clause.
    at(d.clauses.front());
    emit(Op::Fail, static_cast<uint32_t>(FailKind::FunctionClause), kNoReg);
    f_ = nullptr;
}

/// Parses `text` and adds its defs to module `m` unless `m` already defines them.
/// After the module's variable warnings, sorted by name and arity, at the line of the first
/// clause (Elixir 1.14). A function with defaults counts as used when one of its generated
/// lower arities is.
void Compiler::warn_unused_private(const ModuleCtx& m) {
    if (!options_.is_main) return;
    for (const auto& [key, d] : m.defs) {
        if (!d.priv || d.clauses.empty() || d.referenced) continue;
        if (d.clauses.front()->location.file != main_file_->id()) continue;
        bool via_default = false;
        for (const auto& [other_key, other] : m.defs)
            if (other.referenced && other.default_target && other.default_target == d.fn)
                via_default = true;
        if (via_default) continue;
        module_warnings_.push_back(fmt::format("warning: function {}/{} is unused\n  {}:{}\n\n",
                                               key.first, key.second, main_file_->path(),
                                               d.clauses.front()->location.line));
    }
}

void Compiler::inject(ModuleCtx& m, const std::string& text,
                      const std::set<std::pair<std::string, uint32_t>>& user_defs) {
    const SourceFile& snippet =
        files_.add(fmt::format("{} (generated)", module_display(m.name)), text);
    ParseResult parsed = parse(snippet);
    if (!parsed.ok())
        throw std::runtime_error("internal error in generated code: " +
                                 parsed.diagnostics[0].message);
    const SourceFile* saved_file = file_;
    file_ = &snippet;
    const Node* root = parsed.ast->root();
    for (const Node* stmt : root->children) {
        if (stmt->kind != NodeKind::LocalCall) continue;
        DefHead h = def_head(stmt);
        if (user_defs.count({h.name, static_cast<uint32_t>(h.params.size())})) continue;
        collect_def(m, stmt, stmt->text == "defp");
    }
    file_ = saved_file;
    injected_.push_back({std::move(parsed.ast), &snippet});
}

/// __info__/1 and module_info/0,1, which every compiled Elixir module has. Public functions
/// sorted by name and arity (m.defs is ordered that way: byte order is atom order).
void Compiler::inject_module_info(ModuleCtx& m, bool is_struct) {
    std::set<std::pair<std::string, uint32_t>> user_defs;
    for (auto& [key, d] : m.defs) user_defs.insert(key);
    std::string functions;
    for (auto& [key, d] : m.defs) {
        if (d.priv) continue;
        if (!functions.empty()) functions += ", ";
        functions += fmt::format("{{:\"{}\", {}}}", key.first, key.second);
    }
    auto guards = m.guards;
    std::sort(guards.begin(), guards.end());
    std::string macros;
    for (const auto& [name, arity] : guards)
        macros += fmt::format("{}{{:\"{}\", {}}}", macros.empty() ? "" : ", ", name, arity);
    std::string exports = functions + (functions.empty() ? "" : ", ") +
                          "{:module_info, 0}, {:module_info, 1}, {:__info__, 1}";
    std::string text = "def __info__(:functions), do: [" + functions +
                       "]\n"
                       "def __info__(:macros), do: [" +
                       macros +
                       "]\n"
                       "def __info__(:module), do: __MODULE__\n";
    if (is_struct) {
        auto fields = m.attrs.find("__struct_default__");
        auto enforced = m.attrs.find("__enforce_keys__");
        std::string list;
        if (auto def = program_.structs.find(m.name)) {
            for (Atom f : def->fields) {
                bool required = false;
                if (enforced != m.attrs.end())
                    for (ListIterator it(enforced->second); !it.done(); ++it)
                        if ((*it).is_atom(f)) required = true;
                if (!list.empty()) list += ", ";
                list += fmt::format("%{{field: :\"{}\", required: {}}}", f.name(),
                                    required ? "true" : "false");
            }
        }
        (void)fields;
        text += "def __info__(:struct), do: [" + list + "]\n";
    } else {
        text += "def __info__(:struct), do: nil\n";
    }
    text +=
        "def module_info(:module), do: __MODULE__\n"
        "def module_info(:exports), do: [" +
        exports +
        "]\n"
        "def module_info(:functions), do: [" +
        exports +
        "]\n"
        "def module_info(:attributes), do: []\n"
        "def module_info(:compile), do: []\n"
        "def module_info(), do: [module: __MODULE__, exports: module_info(:exports), "
        "attributes: [], compile: []]\n";
    inject(m, text, user_defs);
}

void Compiler::define_module(const Node* n) {
    if (n->children.size() != 2 || !is_do_block(n->child(1))) fail_at(n, "invalid defmodule");
    const Node* name_node = n->child(0);
    if (name_node->kind != NodeKind::Alias) refuse(name_node, "defmodule with a dynamic name");
    Atom name = nested_module_name(name_node);
    define_module_body(name, block_statements(keyword_get(n->child(1), "do")), {}, {});
    alias_nested_module(name_node, name);
}

std::vector<const Node*> Compiler::block_statements(const Node* body) {
    std::vector<const Node*> stmts;
    if (body) {
        if (body->kind == NodeKind::Block) {
            stmts.assign(body->children.begin(), body->children.end());
        } else {
            stmts.push_back(body);
        }
    }
    return stmts;
}

/// `defmodule B` (or defprotocol) inside module A names A.B, and B is an alias of A.B inside A.
Atom Compiler::nested_module_name(const Node* name_node) {
    std::string short_name(name_node->text.substr(7));
    if (module_ && !module_->is_script) {
        Atom name = Atom::intern(std::string(module_->name.name()) + "." + short_name);
        if (short_name.find('.') == std::string::npos)
            aliases_[short_name] = std::string(name.name());
        return name;
    }
    return resolve_alias(name_node);
}

void Compiler::alias_nested_module(const Node* name_node, Atom name) {
    if (module_ && !module_->is_script) {
        std::string sn(name_node->text.substr(7));
        if (sn.find('.') == std::string::npos) aliases_[sn] = std::string(name.name());
    }
}

void Compiler::define_module_body(Atom name, const std::vector<const Node*>& stmts,
                                  const std::string& generated,
                                  const std::map<std::string, Term>& initial_attrs) {
    auto saved_aliases = aliases_;
    ModuleCtx* outer = module_;
    FnState* outer_f = f_;
    auto m = std::make_unique<ModuleCtx>();
    m->name = name;
    m->attrs = initial_attrs;
    module_ = m.get();
    program_.modules[name.id] = 1;

    // pass 1: directives, attributes, def signatures
    std::vector<const Node*> nested;
    std::vector<std::pair<std::string, const Node*>> uses;
    std::string delegates;
    const Node* struct_fields = nullptr;
    bool is_exception = false;
    std::vector<std::pair<Atom, Term>> derived;  ///< @derive: protocol, options
    const Node* s_at = nullptr;                  ///< where @derive was written
    for (const Node* s : stmts) {
        at(s);
        if (s->kind == NodeKind::Attribute) {
            if (s->children.empty()) fail_at(s, "module attribute read outside a function");
            std::string attr(s->text);
            if (attr == "derive") {
                collect_derive(s, derived);
                s_at = s;
                continue;
            }
            if (attr == "enforce_keys") {
                auto keys = const_eval(s->child(0));
                if (!keys || list_length(*keys) < 0)
                    refuse(s->child(0), "@enforce_keys that is not a literal list");
                m->attrs["__enforce_keys__"] = *keys;
                continue;
            }
            static const std::set<std::string> ignored = {
                "moduledoc", "doc",     "impl",   "spec",        "typedoc",
                "type",      "typep",   "opaque", "behaviour",   "callback",
                "dialyzer",  "compile", "derive", "enforce_keys"};
            if (ignored.count(attr)) continue;
            auto v = const_eval(s->child(0));
            if (m->accumulated_attrs.count(attr)) {
                // newest first, as Elixir reads an accumulated attribute
                auto& values = m->accumulated_values[attr];
                values.insert(values.begin(), s->child(0));
                if (v && !m->computed_attrs.count(attr)) {
                    Term& acc = m->attrs[attr];
                    acc = Term::cons(*v, acc.is_list() ? acc : Term::empty_list());
                } else {
                    // some value is an expression: the list of them is evaluated where read
                    Node* list = synthesized_.make(NodeKind::List, s->location);
                    list->children = synthesized_.copy_children(std::span<Node* const>(
                        const_cast<Node* const*>(values.data()), values.size()));
                    uint16_t height = 1;
                    for (const Node* c : values) height = std::max<uint16_t>(height, c->height);
                    list->height = static_cast<uint16_t>(height + 1);
                    m->attrs.erase(attr);
                    m->computed_attrs[attr] = list;
                }
                continue;
            }
            if (v) {
                m->computed_attrs.erase(attr);
                m->attrs[attr] = *v;
            } else {
                m->attrs.erase(attr);
                m->computed_attrs[attr] = s->child(0);
            }
            continue;
        }
        if (s->kind == NodeKind::RemoteCall && s->text == "register_attribute" &&
            s->children.size() >= 3 && module_target(s->child(0)).name() == "Elixir.Module") {
            // Module.register_attribute(__MODULE__, :name, accumulate: true)
            auto attr_name = const_eval(s->child(2));
            auto opts = s->children.size() > 3 ? const_eval(s->child(3)) : std::nullopt;
            if (!attr_name || !attr_name->is_atom())
                refuse(s, "this Module.register_attribute call");
            bool accumulate = false;
            if (opts)
                for (ListIterator it(*opts); !it.done(); ++it)
                    if ((*it).is_tuple(2) && (*it).element(0).is_atom(Atom::intern("accumulate")) &&
                        (*it).element(1).is_atom(atom::true_))
                        accumulate = true;
            std::string attr(attr_name->as_atom().name());
            if (accumulate) {
                m->accumulated_attrs.insert(attr);
                if (!m->attrs.count(attr)) m->attrs[attr] = Term::empty_list();
            }
            continue;
        }
        if (s->kind != NodeKind::LocalCall)
            refuse(s,
                   "code in a module body (only def, defp, defstruct, use, alias, import and "
                   "attributes)");
        std::string_view what = s->text;
        std::vector<const Node*> args(s->children.begin(), s->children.end());
        if (what == "def" || what == "defp") {
            collect_def(*m, s, what == "defp");
        } else if (what == "defdelegate") {
            // defdelegate f(a, b), to: Mod [, as: :g]  ->  def f(a, b), do: Mod.g(a, b)
            const Node* head = args.empty() ? nullptr : args[0];
            const Node* to = args.size() > 1 ? keyword_get(args[1], "to") : nullptr;
            const Node* as = args.size() > 1 ? keyword_get(args[1], "as") : nullptr;
            if (!head || head->kind != NodeKind::LocalCall || !to || module_target(to).id == 0)
                refuse(s, "this form of defdelegate");
            std::vector<std::string> params;
            for (const Node* p : head->children) {
                if (p->kind != NodeKind::Variable)
                    refuse(p, "defdelegate with a non-variable argument");
                params.emplace_back(p->text);
            }
            std::string target(module_target(to).name());
            std::string fun =
                as && as->kind == NodeKind::Atom ? std::string(as->text) : std::string(head->text);
            std::string list;
            for (size_t i = 0; i < params.size(); ++i) list += (i ? ", " : "") + params[i];
            delegates += fmt::format("def {}({}), do: :\"{}\".{}({})\n", head->text, list, target,
                                     fun, list);
        } else if (what == "defstruct" || what == "defexception") {
            if (args.size() != 1) fail_at(s, fmt::format("invalid {}", what));
            struct_fields = args[0];
            is_exception = what == "defexception";
        } else if (what == "alias" || what == "import" || what == "require") {
            directive(s, std::string(what), args);
        } else if (what == "use" && !args.empty() &&
                   module_target(args[0]).name() == "Elixir.Bitwise") {
            directive(s, "import", {args[0]});  // the deprecated `use Bitwise` imports it
        } else if (what == "use") {
            if (args.empty()) fail_at(s, "invalid use");
            Atom used = module_target(args[0]);
            std::string used_name(used.name());
            m->using_behaviours.insert(used_name);
            if (args.size() > 1) {
                auto opts = const_eval(args[1]);
                if (!opts) refuse(args[1], "use options that are not literals");
                m->attrs["__use_opts__"] = *opts;
            } else {
                m->attrs["__use_opts__"] = Term::empty_list();
            }
            uses.emplace_back(used_name, s);
        } else if (what == "defmodule" || what == "defprotocol" || what == "defimpl") {
            nested.push_back(s);
        } else if (what == "defguard" || what == "defguardp") {
            define_guard(*m, s, what == "defguardp");
        } else if (what == "defmacro" || what == "defmacrop" || what == "defoverridable") {
            refuse(s, std::string(what));
        } else {
            refuse(s,
                   "code in a module body (only def, defp, defstruct, use, alias, import and "
                   "attributes)");
        }
    }
    std::set<std::pair<std::string, uint32_t>> user_defs;
    for (auto& [key, d] : m->defs) user_defs.insert(key);
    if (struct_fields) {
        // __struct__/0 builds the default struct; exceptions get exception/1 and message/1
        auto fields = const_eval(struct_fields);
        if (!fields || !fields->is_list())
            refuse(struct_fields, "defstruct with non-literal defaults");
        std::vector<std::pair<Term, Term>> entries;
        entries.emplace_back(Term::atom(atom::struct_), Term::atom(name));
        if (is_exception) entries.emplace_back(Term::atom(atom::exception_), Term::boolean(true));
        bool has_message = false;
        std::vector<Atom> order;
        for (ListIterator it(*fields); !it.done(); ++it) {
            const Term& f = *it;
            order.push_back(
                f.is_atom()
                    ? f.as_atom()
                    : (f.is_tuple(2) && f.element(0).is_atom() ? f.element(0).as_atom() : Atom{}));
            if (f.is_atom()) {
                entries.emplace_back(f, Term::nil());
                if (f.as_atom().name() == "message") has_message = true;
            } else if (f.is_tuple(2) && f.element(0).is_atom()) {
                entries.emplace_back(f.element(0), f.element(1));
                if (f.element(0).as_atom().name() == "message") has_message = true;
            } else {
                refuse(struct_fields, "this defstruct field");
            }
        }
        m->attrs["__struct_default__"] = Term::map(std::move(entries));
        program_.structs.define(name, std::move(order), is_exception);
        auto enforced = m->attrs.find("__enforce_keys__");
        bool enforces = enforced != m->attrs.end() && enforced->second.is_cons();
        inject(*m, using_template(enforces ? "defstruct_enforce_keys" : "defstruct"), user_defs);
        if (is_exception)
            inject(*m, using_template(has_message ? "defexception_message" : "defexception"),
                   user_defs);
    }
    if (!delegates.empty()) inject(*m, delegates, user_defs);
    for (auto& [used, s] : uses) {
        // "Elixir.GenServer" -> prelude/using/GenServer.exs
        std::string_view short_name =
            used.starts_with("Elixir.") ? std::string_view(used).substr(7) : std::string_view{};
        const char* text = short_name.empty() || short_name.find('.') != std::string::npos ||
                                   short_name.starts_with("def")
                               ? nullptr
                               : find_using_template(short_name);
        if (!text) refuse(s, fmt::format("use {}", module_display(Atom::intern(used))));
        inject(*m, text, user_defs);
    }
    if (!generated.empty()) inject(*m, generated, user_defs);
    for (const Node* s : nested) {
        in_module_body_ = true;
        if (s->text == "defmodule") {
            define_module(s);
        } else if (s->text == "defprotocol") {
            define_protocol(s);
        } else {
            define_impl(s);
        }
        in_module_body_ = false;
    }
    if (struct_fields)
        for (const auto& [protocol, options] : derived)
            derive_impl(s_at, protocol, options, name, m->attrs["__struct_default__"]);
    inject_module_info(*m, struct_fields != nullptr);
    // pass 2: bodies
    for (auto& [key, d] : m->defs) {
        const SourceFile* saved_file = file_;
        compile_def(d);
        file_ = saved_file;
    }
    warn_unused_private(*m);
    modules_.push_back(std::move(m));
    module_ = outer;
    f_ = outer_f;
    aliases_ = saved_aliases;
}

}  // namespace tasklens::script
