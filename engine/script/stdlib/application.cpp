// Application's environment: get_env/2,3, fetch_env/2, fetch_env!/2, put_env/3,4,
// delete_env/2,3, get_all_env/1. A script's applications are never loaded, so the environment is
// only what the script puts there, kept per run (not OS access, hence not sandboxed).
#include <algorithm>

#include "engine/runtime/inspect.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

struct ApplicationEnv {
    /// app -> [{key, value}] in insertion order.
    std::vector<std::pair<Term, std::vector<std::pair<Term, Term>>>> apps;

    std::vector<std::pair<Term, Term>>* find(const Term& app) {
        for (auto& [name, env] : apps)
            if (exact_equal(name, app)) return &env;
        return nullptr;
    }
    const Term* get(const Term& app, const Term& key) {
        auto* env = find(app);
        if (!env) return nullptr;
        for (auto& [k, v] : *env)
            if (exact_equal(k, key)) return &v;
        return nullptr;
    }
};

ApplicationEnv& env_of(ProcessContext& c) {
    return c.runtime().extension<ApplicationEnv>();
}

void need_app(const Term& app, std::string_view function, int arity) {
    if (!app.is_atom()) raise_function_clause("Application", function, arity);
}

void def(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add("Elixir.Application", name, arity, fn);
}

Term get_env(ProcessContext& c, Args a, Term fallback) {
    need_app(a[0], "get_env", 3);
    const Term* v = env_of(c).get(a[0], a[1]);
    return v ? *v : fallback;
}

Term put_env(ProcessContext& c, Args a) {
    need_app(a[0], "put_env", static_cast<int>(a.size()));
    ApplicationEnv& state = env_of(c);
    auto* env = state.find(a[0]);
    if (!env) {
        state.apps.emplace_back(a[0], std::vector<std::pair<Term, Term>>{});
        env = &state.apps.back().second;
    }
    for (auto& [k, v] : *env) {
        if (exact_equal(k, a[1])) {
            v = a[2];
            return atom_term("ok");
        }
    }
    env->emplace_back(a[1], a[2]);
    return atom_term("ok");
}

Term delete_env(ProcessContext& c, Args a) {
    need_app(a[0], "delete_env", static_cast<int>(a.size()));
    if (auto* env = env_of(c).find(a[0]))
        std::erase_if(*env, [&](const auto& kv) { return exact_equal(kv.first, a[1]); });
    return atom_term("ok");
}

}  // namespace

void register_application(BuiltinTable& t) {
    def(
        t, "get_env", 2, +[](ProcessContext& c, Args a) { return get_env(c, a, Term::nil()); });
    def(
        t, "get_env", 3, +[](ProcessContext& c, Args a) { return get_env(c, a, a[2]); });
    def(
        t, "fetch_env", 2, +[](ProcessContext& c, Args a) -> Term {
            need_app(a[0], "fetch_env", 2);
            const Term* v = env_of(c).get(a[0], a[1]);
            return v ? Term::tuple({atom_term("ok"), *v}) : atom_term("error");
        });
    def(
        t, "fetch_env!", 2, +[](ProcessContext& c, Args a) -> Term {
            need_app(a[0], "fetch_env!", 2);
            if (const Term* v = env_of(c).get(a[0], a[1])) return *v;
            raise_argument_error("could not fetch application environment " +
                                 tasklens::inspect(a[1]) + " for application " +
                                 tasklens::inspect(a[0]) +
                                 " because the application was not loaded nor configured");
        });
    def(t, "put_env", 3, put_env);
    def(
        t, "put_env", 4, +[](ProcessContext& c, Args a) { return put_env(c, a.first(3)); });
    def(t, "delete_env", 2, delete_env);
    def(
        t, "delete_env", 3, +[](ProcessContext& c, Args a) { return delete_env(c, a.first(2)); });
    def(
        t, "get_all_env", 1, +[](ProcessContext& c, Args a) -> Term {
            need_app(a[0], "get_all_env", 1);
            std::vector<Term> pairs;
            if (auto* env = env_of(c).find(a[0]))
                for (auto& [k, v] : *env) pairs.push_back(Term::tuple({k, v}));
            return make_list(pairs);
        });
}

}  // namespace tasklens::script::stdlib
