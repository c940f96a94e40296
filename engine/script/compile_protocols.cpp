// Protocols: defprotocol, defimpl and @derive.
//
// A protocol is an ordinary module whose functions dispatch on their first argument:
// `def size(a1), do: impl_for!(a1).size(a1)`. Implementations are registered in
// Program::protocols at compile time (by defimpl, from any file of the program), and
// `Tasklens.VM.protocol_impl_for(P, x)` compiles to one ImplFor instruction that looks the
// value's type (or struct name) up there, falling back to P.Any with `@fallback_to_any true`.
// As in an `elixir` script, protocols are not consolidated: `P.__protocol__(:impls)` is
// `:not_consolidated`.
#include "engine/script/compiler_internal.h"
#include "engine/script/parser.h"

namespace tasklens::script {
namespace {

std::string_view without_elixir_prefix(std::string_view name) {
    return name.starts_with("Elixir.") ? name.substr(7) : name;
}

/// `{:"name", arity}` items for generated source.
std::string function_list(const std::vector<std::pair<Atom, uint32_t>>& functions) {
    std::string list;
    for (const auto& [fun, arity] : functions) {
        if (!list.empty()) list += ", ";
        list += fmt::format("{{:\"{}\", {}}}", fun.name(), arity);
    }
    return list;
}

/// defimpl/@derive: records that `module` implements `protocol` for `target`.
void register_impl(Program& program, Atom protocol, Atom target, Atom module) {
    static const std::set<std::string_view> builtin_types = {
        "Elixir.Tuple",     "Elixir.Atom",    "Elixir.List",      "Elixir.Map",
        "Elixir.BitString", "Elixir.Integer", "Elixir.Float",     "Elixir.Function",
        "Elixir.PID",       "Elixir.Port",    "Elixir.Reference", "Elixir.Any"};
    ProtocolInfo& info = program.protocols[protocol.id];
    info.name = protocol;
    bool is_new = info.impls.find(target.id) == info.impls.end();
    info.impls[target.id] = module;
    if (is_new && !builtin_types.count(target.name())) ++info.struct_impls;
}

std::string parameter_list(uint32_t arity) {
    std::string params;
    for (uint32_t i = 1; i <= arity; ++i) params += fmt::format("{}a{}", i > 1 ? ", " : "", i);
    return params;
}

}  // namespace

void Compiler::define_protocol(const Node* n) {
    if (n->children.size() != 2 || !is_do_block(n->child(1)) ||
        n->child(0)->kind != NodeKind::Alias)
        fail_at(n, "invalid defprotocol (expected defprotocol Name do ... end)");
    const Node* name_node = n->child(0);
    Atom name = nested_module_name(name_node);
    ProtocolInfo& info = program_.protocols[name.id];
    info.name = name;
    std::vector<const Node*> kept;
    std::set<std::pair<std::string, uint32_t>> seen;
    for (const Node* s : block_statements(keyword_get(n->child(1), "do"))) {
        at(s);
        if (s->kind == NodeKind::Attribute && s->text == "fallback_to_any" &&
            !s->children.empty()) {
            auto v = const_eval(s->child(0));
            if (!v || !v->is_atom()) fail_at(s, "@fallback_to_any must be true or false");
            info.fallback_to_any = v->is_atom(atom::true_);
            continue;
        }
        if (s->kind == NodeKind::LocalCall && s->text == "def") {
            DefHead h = def_head(s);
            if (h.body)
                fail_at(s, "protocol functions cannot have a body (define them in defimpl)");
            if (h.params.empty())
                fail_at(s, fmt::format("protocol functions expect at least one argument, {}/0 "
                                       "has none",
                                       h.name));
            uint32_t arity = static_cast<uint32_t>(h.params.size());
            if (seen.insert({h.name, arity}).second)
                info.functions.emplace_back(Atom::intern(h.name), arity);
            continue;
        }
        if (s->kind == NodeKind::LocalCall && (s->text == "defp" || s->text == "defstruct"))
            fail_at(s, fmt::format("{} is not allowed inside defprotocol", s->text));
        kept.push_back(s);  // @doc, @spec, @type, alias, import...
    }
    std::sort(info.functions.begin(), info.functions.end(), [](const auto& a, const auto& b) {
        return std::pair(a.first.name(), a.second) < std::pair(b.first.name(), b.second);
    });
    std::string text = fmt::format(
        "def __protocol__(:module), do: __MODULE__\n"
        "def __protocol__(:functions), do: [{}]\n"
        "def __protocol__(:consolidated?), do: false\n"
        "def __protocol__(:impls), do: :not_consolidated\n"
        "def impl_for(data), do: Tasklens.VM.protocol_impl_for(__MODULE__, data)\n"
        "def impl_for!(data) do\n"
        "  case Tasklens.VM.protocol_impl_for(__MODULE__, data) do\n"
        "    nil -> Tasklens.VM.undefined_protocol(__MODULE__, data)\n"
        "    impl -> impl\n"
        "  end\n"
        "end\n",
        function_list(info.functions));
    for (const auto& [fun, arity] : info.functions) {
        std::string params = parameter_list(arity);
        text += fmt::format("def {}({}) do\n  impl = impl_for!(a1)\n  impl.{}({})\nend\n",
                            fun.name(), params, fun.name(), params);
    }
    define_module_body(name, kept, text, {});
    alias_nested_module(name_node, name);
}

void Compiler::define_impl(const Node* n) {
    if (n->children.empty()) fail_at(n, "invalid defimpl (expected defimpl Protocol, for: Type)");
    Atom protocol = module_target(n->child(0));
    if (protocol.id == 0 || n->child(0)->kind == NodeKind::Atom)
        fail_at(n->child(0), "invalid defimpl: the protocol must be a module name");
    const Node* for_node = nullptr;
    const Node* body = nullptr;
    for (size_t i = 1; i < n->children.size(); ++i) {
        if (auto f = keyword_get(n->child(i), "for")) for_node = f;
        if (auto d = keyword_get(n->child(i), "do")) body = d;
    }
    std::vector<Atom> targets;
    if (!for_node) {
        if (!module_ || module_->is_script)
            fail_at(n, "defimpl/3 expects a :for option when declared outside a module");
        targets.push_back(module_->name);
    } else if (for_node->kind == NodeKind::List) {
        for (const Node* t : for_node->children) {
            Atom a = module_target(t);
            if (a.id == 0) fail_at(t, "defimpl's :for expects module names");
            targets.push_back(a);
        }
    } else {
        Atom a = module_target(for_node);
        if (a.id == 0) fail_at(for_node, "defimpl's :for expects module names");
        targets.push_back(a);
    }
    std::vector<const Node*> stmts = block_statements(body);
    for (Atom target : targets) {
        Atom name = Atom::intern(std::string(protocol.name()) + "." +
                                 std::string(without_elixir_prefix(target.name())));
        register_impl(program_, protocol, target, name);
        std::string text = fmt::format(
            "def __impl__(:for), do: :\"{}\"\n"
            "def __impl__(:protocol), do: :\"{}\"\n"
            "def __impl__(:target), do: __MODULE__\n",
            target.name(), protocol.name());
        std::map<std::string, Term> attrs{{"protocol", Term::atom(protocol)},
                                          {"for", Term::atom(target)}};
        define_module_body(name, stmts, text, attrs);
    }
}

void Compiler::collect_derive(const Node* attribute, std::vector<std::pair<Atom, Term>>& out) {
    auto v = const_eval(attribute->child(0));
    if (!v) refuse(attribute, "@derive with a value that is not a literal");
    std::vector<Term> items;
    if (v->is_list()) {
        for (ListIterator it(*v); !it.done(); ++it) items.push_back(*it);
    } else {
        items.push_back(*v);
    }
    for (const Term& item : items) {
        if (item.is_atom()) {
            out.emplace_back(item.as_atom(), Term::empty_list());
        } else if (item.is_tuple(2) && item.element(0).is_atom()) {
            out.emplace_back(item.element(0).as_atom(), item.element(1));
        } else {
            fail_at(attribute, "@derive expects a protocol or {protocol, options}");
        }
    }
}

void Compiler::derive_impl(const Node* at_node, Atom protocol, const Term& options,
                           Atom struct_name, const Term& defaults) {
    static const Atom inspect = Atom::intern("Elixir.Inspect");
    Atom name = Atom::intern(std::string(protocol.name()) + "." +
                             std::string(without_elixir_prefix(struct_name.name())));
    std::string text = fmt::format(
        "def __impl__(:for), do: :\"{}\"\n"
        "def __impl__(:protocol), do: :\"{}\"\n"
        "def __impl__(:target), do: __MODULE__\n",
        struct_name.name(), protocol.name());
    if (protocol == inspect) {
        // Inspect's own __deriving__: show only some fields, as #Name<a: 1, ...>
        Term only = Term::nil(), except = Term::empty_list(), optional = Term::empty_list();
        for (ListIterator it(options); !it.done(); ++it) {
            const Term& kv = *it;
            if (!kv.is_tuple(2) || !kv.element(0).is_atom()) continue;
            if (kv.element(0).as_atom().name() == "only") only = kv.element(1);
            if (kv.element(0).as_atom().name() == "except") except = kv.element(1);
            if (kv.element(0).as_atom().name() == "optional") optional = kv.element(1);
        }
        // optional: (Elixir 1.14) a field is left out while it holds its default. The native
        // inspect does it for the %Name{...} form, with defaults that are not boxed terms.
        std::vector<std::pair<Atom, Term>> optional_defaults;
        for (ListIterator it(optional); !it.done(); ++it) {
            const Term* d = (*it).is_atom() && defaults.is_map() ? defaults.map_find(*it) : nullptr;
            if (!d) continue;
            if (d->is_boxed())
                refuse(at_node,
                       "@derive {Inspect, optional: ...} of a field whose default is not a number "
                       "or atom");
            optional_defaults.emplace_back((*it).as_atom(), *d);
        }
        if (!optional_defaults.empty())
            program_.structs.set_optional(struct_name, std::move(optional_defaults));
        std::string shown;
        size_t shown_count = 0, field_count = 0;
        if (auto def = program_.structs.find(struct_name)) {
            field_count = def->fields.size();
            for (Atom f : def->fields) {
                bool listed_only = only.is_nil();
                if (!only.is_nil())
                    for (ListIterator it(only); !it.done(); ++it)
                        if ((*it).is_atom(f)) listed_only = true;
                bool excepted = false;
                for (ListIterator it(except); !it.done(); ++it)
                    if ((*it).is_atom(f)) excepted = true;
                if (listed_only && !excepted) {
                    shown += fmt::format("{}:\"{}\"", shown.empty() ? "" : ", ", f.name());
                    ++shown_count;
                }
            }
        }
        if (shown_count == field_count) return;  // every field shown: the default %Name{...}
        text += fmt::format(
            "def inspect(struct, opts), do: Inspect.Tasklens.derived(struct, [{}], opts)\n", shown);
    } else {
        auto it = program_.protocols.find(protocol.id);
        static const Atom any = Atom::intern("Elixir.Any");
        if (it == program_.protocols.end() || !it->second.impls.count(any.id))
            fail_at(at_node,
                    fmt::format("could not derive {} for {}: {}.Any is not implemented (define "
                                "defimpl {}, for: Any before the struct)",
                                module_display(protocol), module_display(struct_name),
                                module_display(protocol), module_display(protocol)));
        for (const auto& [fun, arity] : it->second.functions) {
            std::string params = parameter_list(arity);
            text += fmt::format("def {}({}), do: :\"{}.Any\".{}({})\n", fun.name(), params,
                                protocol.name(), fun.name(), params);
        }
    }
    register_impl(program_, protocol, struct_name, name);
    std::map<std::string, Term> attrs{{"protocol", Term::atom(protocol)},
                                      {"for", Term::atom(struct_name)}};
    define_module_body(name, {}, text, attrs);
}

/// Tasklens.VM.protocol_impl_for(Protocol, value) -> ImplFor (see bytecode.h).
uint32_t Compiler::protocol_impl_for(const Node* n, const std::vector<const Node*>& args, bool tail,
                                     ImplForMode mode) {
    if (args.size() != 2) fail_at(n, "Tasklens.VM.protocol_impl_for/2 expects 2 arguments");
    auto protocol = const_eval(args[0]);
    if (!protocol || !protocol->is_atom())
        fail_at(args[0], "Tasklens.VM.protocol_impl_for/2 expects a literal protocol name");
    uint32_t value = expr(args[1]);
    uint32_t r = reg();
    emit(Op::ImplFor, r, value, konst(*protocol), static_cast<uint32_t>(mode));
    return finish(r, tail);
}

// ---------------------------------------------------------------- defguard

void Compiler::define_guard(ModuleCtx& m, const Node* n, bool priv) {
    const Node* head = n->children.size() == 1 ? n->child(0) : nullptr;
    if (!head || head->kind != NodeKind::BinaryOp || head->binary_op != BinaryOperator::When ||
        head->child(0)->kind != NodeKind::LocalCall)
        fail_at(n, fmt::format("invalid {} (expected {} name(args) when guard)", n->text, n->text));
    const Node* call = head->child(0);
    GuardDef g;
    g.body = head->child(1);
    g.priv = priv;
    for (const Node* p : call->children) {
        if (p->kind != NodeKind::Variable)
            refuse(p, fmt::format("{} with an argument that is not a variable", n->text));
        g.params.emplace_back(p->text);
    }
    uint32_t arity = static_cast<uint32_t>(g.params.size());
    if (!priv) m.guards.emplace_back(std::string(call->text), arity);
    guards_[{m.name.id, std::string(call->text), arity}] = std::move(g);
}

const GuardDef* Compiler::find_guard(Atom module, const std::string& name, uint32_t arity,
                                     bool local) {
    auto it = guards_.find({module.id, name, arity});
    if (it == guards_.end() || (it->second.priv && !local)) return nullptr;
    return &it->second;
}

uint32_t Compiler::expand_guard(const GuardDef& g, const std::vector<const Node*>& args,
                                bool tail) {
    std::map<std::string_view, const Node*> bound;
    for (size_t i = 0; i < args.size(); ++i) bound[g.params[i]] = args[i];
    return value(substitute(g.body, bound), tail);
}

/// A copy of `n` with the guard's parameters replaced by the call's argument expressions.
const Node* Compiler::substitute(const Node* n,
                                 const std::map<std::string_view, const Node*>& args) {
    if (n->kind == NodeKind::Variable && !n->has(kPinned)) {
        auto it = args.find(n->text);
        return it == args.end() ? n : it->second;
    }
    if (n->children.empty()) return n;
    std::vector<Node*> children;
    bool changed = false;
    for (Node* c : n->children) {
        const Node* s = substitute(c, args);
        changed = changed || s != c;
        children.push_back(const_cast<Node*>(s));
    }
    if (!changed) return n;
    Node* copy = synthesized_.make(n->kind, n->location);
    *copy = *n;
    copy->children = synthesized_.copy_children(children);
    return copy;
}

}  // namespace tasklens::script
