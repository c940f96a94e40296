// :erlang.fun_info/1,2 and Function.info/1,2. An external fun (&Mod.f/n) answers exactly as the
// BEAM; a local fun answers the BEAM's keys and its BEAM-style name ("-run/0-fun-0-"), but
// `new_uniq` and `uniq` (an MD5 of the BEAM module and a hash of the fun's code) are Tasklens's
// own stable numbers, and `pid` is the calling process.
#include <functional>

#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

Term kv(std::string_view key, Term value) {
    return Term::tuple({Term::atom(key), std::move(value)});
}

// The BEAM's name of a fun defined in `enclosing` ("run/0" or "-run/0-fun-0-" as the compiler
// records it).
Atom beam_fun_name(const FunObject& f) {
    std::string_view name = f.name.name();
    if (!name.empty() && name[0] == '-') return f.name;
    if (name.empty() || name == "nil") return Atom::intern("-__FILE__/1-fun-0-");
    if (name.find('/') == std::string_view::npos)
        return Atom::intern("-" + std::string(name) + "/0-fun-0-");
    return Atom::intern("-" + std::string(name) + "-fun-0-");
}

uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

Term info_item(ProcessContext& ctx, const FunObject& f, Atom item) {
    const std::string_view key = item.name();
    const bool external = f.kind == FunObject::Kind::External;
    if (key == "module") return kv(key, Term::atom(f.module));
    if (key == "name") return kv(key, Term::atom(external ? f.name : beam_fun_name(f)));
    if (key == "arity") return kv(key, Term::integer(f.arity));
    if (key == "env") return kv(key, external ? Term::empty_list() : Term::list(f.env));
    if (key == "type") return kv(key, Term::atom(external ? "external" : "local"));
    if (external) {
        if (key == "pid" || key == "index" || key == "new_index" || key == "new_uniq" ||
            key == "uniq")
            return kv(key, Term::atom("undefined"));
    } else {
        const uint64_t h = mix(std::hash<std::string_view>{}(f.module.name()));
        if (key == "pid") return kv(key, Term::pid(ctx.self()));
        if (key == "index" || key == "new_index") return kv(key, Term::integer(0));
        if (key == "uniq") return kv(key, Term::integer(static_cast<int64_t>(h % 134217728)));
        if (key == "new_uniq") {
            std::string bytes(16, '\0');
            uint64_t a = mix(h), b = mix(h + f.unique);
            for (int i = 0; i < 8; ++i) {
                bytes[i] = static_cast<char>(a >> (8 * i));
                bytes[8 + i] = static_cast<char>(b >> (8 * i));
            }
            return kv(key, Term::binary(bytes));
        }
    }
    raise_bif_argument_error(2, "invalid item");
}

const FunObject& need_fun(const Term& t) {
    if (!t.is_fun()) raise_bif_argument_error(1, "not a fun");
    return t.fun();
}

Term fun_info1(ProcessContext& ctx, Args a) {
    const FunObject& f = need_fun(a[0]);
    std::vector<Term> items;
    const bool external = f.kind == FunObject::Kind::External;
    std::initializer_list<const char*> local = {"pid",  "module", "new_index", "new_uniq", "index",
                                                "uniq", "name",   "arity",     "env",      "type"};
    std::initializer_list<const char*> ext = {"module", "name", "arity", "env", "type"};
    for (const char* key : external ? ext : local)
        items.push_back(info_item(ctx, f, Atom::intern(key)));
    return Term::list(items);
}

Term fun_info2(ProcessContext& ctx, Args a) {
    const FunObject& f = need_fun(a[0]);
    if (!a[1].is_atom()) raise_bif_argument_error(2, "invalid item");
    return info_item(ctx, f, a[1].as_atom());
}

}  // namespace

void register_function(BuiltinTable& t) {
    t.add("erlang", "fun_info", 1, fun_info1);
    t.add("erlang", "fun_info", 2, fun_info2);
    t.add("Elixir.Function", "info", 1, fun_info1);
    t.add("Elixir.Function", "info", 2, fun_info2);
}

}  // namespace tasklens::script::stdlib
