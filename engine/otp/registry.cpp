// Registry (lib/elixir/lib/registry.ex): unique and duplicate keys, partitions, listeners,
// meta, match specifications, dispatch, and the {:via, Registry, ...} name callbacks.
//
// As on the BEAM, Registry.start_link starts a process registered under the registry's name
// with one partition process per partition. A process that registers a key is linked to the
// key's partition (unique: by key; duplicate: by pid), which traps exits and removes the dead
// process's entries when its EXIT arrives, exactly when the BEAM's partition would. Listeners
// get {:register, registry, key, pid, value} and {:unregister, registry, key, pid}; a process
// that dies unregisters nobody to them (they monitor it if they care), as in Elixir.
//
// The entries live in one table per registry, in insertion order. Where Elixir's order comes
// from ETS it is reproduced: lookup and dispatch by partition, then insertion order; keys/2 in
// reverse insertion order. select/2 and match over a unique registry walk entries in insertion
// order, where ETS walks its hash order (scenarios that print them should sort). Partitions
// are chosen by :erlang.phash2 of the key (unique) or the pid (duplicate), as Registry does; a
// pid hashes by its number, so a duplicate entry lands where the BEAM would put the same pid.
#include <algorithm>

#include "engine/otp/common.h"
#include "engine/otp/match_spec.h"
#include "engine/runtime/inspect.h"
#include "engine/runtime/phash2.h"

namespace tasklens::otp {
using namespace detail;

namespace detail {

struct RegistryEntry {
    Term key;
    Pid pid;
    Term value;
    uint32_t partition;
};

struct RegistryTable {
    Atom name;
    Pid pid;  ///< the registry process (the supervisor in Elixir)
    bool duplicate = false;
    std::vector<Pid> partitions;
    std::vector<Term> listeners;
    std::vector<std::pair<Term, Term>> meta;
    std::vector<RegistryEntry> entries;  ///< insertion order
};

}  // namespace detail

namespace {

using Args = std::span<const Term>;

Atom I(std::string_view s) {
    return Atom::intern(s);
}

/// The live table of `registry`, or nullptr (never started, or its process is gone).
RegistryTable* find_table(ProcessContext& ctx, const Term& registry) {
    if (!registry.is_atom()) return nullptr;
    auto& tables = state(ctx).registries;
    auto it = tables.find(registry.as_atom().id);
    if (it == tables.end()) return nullptr;
    if (!ctx.alive(it->second->pid)) {
        tables.erase(it);
        return nullptr;
    }
    return it->second.get();
}

RegistryTable& table_of(ProcessContext& ctx, const Term& registry) {
    if (RegistryTable* t = find_table(ctx, registry)) return *t;
    raise_argument("unknown registry: " + inspect(registry));
}

// Registry's hash_partition: :erlang.phash2(key, partitions) for unique keys, of the pid for
// duplicate ones.
uint32_t key_partition(const RegistryTable& t, const Term& key) {
    return phash2(key, t.partitions.size());
}
uint32_t pid_partition(const RegistryTable& t, Pid pid) {
    return phash2(Term::pid(pid), t.partitions.size());
}
uint32_t entry_partition(const RegistryTable& t, const Term& key, Pid pid) {
    return t.duplicate ? pid_partition(t, pid) : key_partition(t, key);
}

void notify_listeners(ProcessContext& ctx, const RegistryTable& t, const Term& event) {
    for (const Term& listener : t.listeners) ctx.send(listener, event);
}

/// Unique keys: the live entry for `key`, if any.
const RegistryEntry* unique_entry(ProcessContext& ctx, const RegistryTable& t, const Term& key) {
    for (const RegistryEntry& e : t.entries)
        if (exact_equal(e.key, key) && ctx.alive(e.pid)) return &e;
    return nullptr;
}

/// After an unregister: the BEAM unlinks from a partition that holds nothing more of `pid`.
void unlink_if_unregistered(ProcessContext& ctx, const RegistryTable& t, Pid pid,
                            uint32_t partition) {
    for (const RegistryEntry& e : t.entries)
        if (e.pid == pid && e.partition == partition) return;
    ctx.unlink(t.partitions[partition]);
}

/// [{pid, value}] for `key`, by partition then insertion order.
std::vector<Term> entries_for_key(ProcessContext& ctx, const RegistryTable& t, const Term& key) {
    std::vector<Term> out;
    if (!t.duplicate) {
        if (const RegistryEntry* e = unique_entry(ctx, t, key))
            out.push_back(tup({Term::pid(e->pid), e->value}));
        return out;
    }
    for (uint32_t p = 0; p < t.partitions.size(); ++p)
        for (const RegistryEntry& e : t.entries)
            if (e.partition == p && exact_equal(e.key, key))
                out.push_back(tup({Term::pid(e.pid), e.value}));
    return out;
}

std::optional<MatchSpec> value_pattern(const Term& pattern, const Term& guards) {
    auto spec = MatchSpec::pattern(pattern, guards);
    if (!spec)
        throw ErlangException::error(argument_error_at({{2, "not a valid match specification"}}));
    return spec;
}

Term register_entry(ProcessContext& ctx, RegistryTable& t, const Term& registry, const Term& key,
                    Pid pid, Term value) {
    if (!t.duplicate) {
        if (const RegistryEntry* e = unique_entry(ctx, t, key))
            return error_tuple(tup({A(at().already_registered), Term::pid(e->pid)}));
        // a dead holder's entry is replaced (its partition drops it when the EXIT arrives)
        std::erase_if(t.entries, [&](const RegistryEntry& e) { return exact_equal(e.key, key); });
    }
    const uint32_t partition = entry_partition(t, key, pid);
    const Pid owner = t.partitions[partition];
    if (pid == ctx.self()) ctx.link(owner);
    t.entries.push_back({key, pid, value, partition});
    notify_listeners(ctx, t, tup({A(at().register_), registry, key, Term::pid(pid), value}));
    return ok_tuple(Term::pid(owner));
}

void unregister_key(ProcessContext& ctx, RegistryTable& t, const Term& registry, const Term& key,
                    Pid pid) {
    const uint32_t partition = entry_partition(t, key, pid);
    std::erase_if(t.entries,
                  [&](const RegistryEntry& e) { return e.pid == pid && exact_equal(e.key, key); });
    if (pid == ctx.self()) unlink_if_unregistered(ctx, t, pid, partition);
    notify_listeners(ctx, t, tup({A(I("unregister")), registry, key, Term::pid(pid)}));
}

// --- processes -----------------------------------------------------------------------------

Co<void> partition_body(ProcessContext& ctx, Pid registry_pid, std::shared_ptr<RegistryTable> t,
                        uint32_t index) {
    ctx.set_trap_exit(true);
    for (;;) {
        auto m = co_await ctx.receive([](const Term&) { return true; }, Timeout::infinity());
        if (m->is_tuple(3) && m->element(0).is_atom(atom::EXIT) && m->element(1).is_pid()) {
            const Pid from = m->element(1).as_pid();
            if (from == registry_pid) exit_with(m->element(2));
            std::erase_if(t->entries, [&](const RegistryEntry& e) {
                return e.pid == from && e.partition == index;
            });
        } else if (m->is_tuple(3) && m->element(0).is_atom(at().system)) {
            const Term& req = m->element(2);
            if (req.is_tuple(2) && req.element(0).is_atom(at().terminate))
                exit_with(req.element(1));
            reply_to(ctx, m->element(1), A(atom::ok));
        }
    }
}

Co<void> registry_body(ProcessContext& ctx, Pid starter, Ref ack,
                       std::shared_ptr<RegistryTable> t) {
    ctx.set_trap_exit(true);
    ctx.dict_put(A(atom::dollar_ancestors), lst({Term::pid(starter)}));
    if (!co_await register_or_refuse(ctx, A(t->name), starter, ack)) co_return;
    t->pid = ctx.self();
    const size_t n = t->partitions.size();
    for (uint32_t i = 0; i < n; ++i) {
        SpawnOptions o;
        o.link = true;
        o.initial_call = tup({A(I("Elixir.Registry.Partition")), A(at().init), Term::integer(1)});
        if (ctx.recording())
            o.label = "Registry.Partition " + inspect(A(t->name)) + " " + std::to_string(i);
        const Pid self = ctx.self();
        t->partitions[i] =
            ctx.spawn([self, t, i](ProcessContext& c) { return partition_body(c, self, t, i); }, o)
                .pid;
    }
    state(ctx).registries[t->name.id] = t;
    send_start_ack(ctx, starter, ack, ok_tuple(Term::pid(ctx.self())));
    for (;;) {
        auto m = co_await ctx.receive([](const Term&) { return true; }, Timeout::infinity());
        Term from, request;
        if (m->is_tuple(3) && m->element(0).is_atom(atom::EXIT) && m->element(1).is_pid()) {
            // the parent, or a partition (a supervisor's one_for_all: the registry goes too)
            exit_with(m->element(2));
        }
        if (is_gen_call(*m, from, request)) reply_to(ctx, from, A(atom::ok));
        if (m->is_tuple(3) && m->element(0).is_atom(at().system)) {
            const Term& req = m->element(2);
            if (req.is_tuple(2) && req.element(0).is_atom(at().terminate))
                exit_with(req.element(1));
            reply_to(ctx, m->element(1), A(atom::ok));
        }
    }
}

// --- natives -------------------------------------------------------------------------------

#define NATIVE(name) Co<Term> name([[maybe_unused]] ProcessContext& ctx, [[maybe_unused]] Args a)

NATIVE(reg_start_link) {
    const Term& opts = a[0];
    if (list_length(opts) < 0) raise_argument("expected a keyword list, got: " + inspect(opts));
    const Term keys = kw_get(opts, at().keys);
    if (!keys.is_atom(at().unique) && !keys.is_atom(I("duplicate")))
        raise_argument("expected :keys to be given and be one of :unique or :duplicate, got: " +
                       inspect(keys));
    const Term* name = kw_find(opts, at().name);
    if (!name) raise_argument("expected :name option to be present");
    if (!name->is_atom() || name->is_nil())
        raise_argument("expected :name to be an atom, got: " + inspect(*name));
    const Term meta = kw_get(opts, I("meta"), Term::empty_list());
    std::vector<Term> meta_items;
    bool meta_ok = list_to_vector(meta, meta_items);
    for (const Term& m : meta_items)
        if (!m.is_tuple(2) || !m.element(0).is_atom()) meta_ok = false;
    if (!meta_ok) raise_argument("expected :meta to be a keyword list, got: " + inspect(meta));
    const Term partitions = kw_get(opts, at().partitions, Term::integer(1));
    if (!partitions.is_integer() || partitions.as_integer() < 1)
        raise_argument("expected :partitions to be a positive integer, got: " +
                       inspect(partitions));
    const Term listeners = kw_get(opts, I("listeners"), Term::empty_list());
    std::vector<Term> listener_items;
    bool listeners_ok = list_to_vector(listeners, listener_items);
    for (const Term& l : listener_items)
        if (!l.is_atom()) listeners_ok = false;
    if (!listeners_ok)
        raise_argument("expected :listeners to be a list of named processes, got: " +
                       inspect(listeners));

    auto t = std::make_shared<RegistryTable>();
    t->name = name->as_atom();
    t->duplicate = keys.is_atom(I("duplicate"));
    t->partitions.resize(static_cast<size_t>(std::min<int64_t>(partitions.as_integer(), 1024)));
    t->listeners = std::move(listener_items);
    for (const Term& m : meta_items) t->meta.emplace_back(m.element(0), m.element(1));

    if (auto refused = co_await refuse_taken_name(ctx, *name)) co_return *refused;
    const Ref ack = ctx.make_ref();
    const Pid starter = ctx.self();
    SpawnOptions o;
    o.link = true;
    o.monitor = true;
    o.initial_call = tup({A(at().Registry), A(at().init), Term::integer(1)});
    if (ctx.recording()) o.label = "Registry " + inspect(*name);
    SpawnResult r = ctx.spawn(
        [starter, ack, t](ProcessContext& c) { return registry_body(c, starter, ack, t); }, o);
    co_return co_await await_start_ack(ctx, r.pid, r.monitor, ack, Timeout::infinity());
}

NATIVE(reg_child_spec) {
    co_return Term::map({{A(at().id), kw_get(a[0], at().name, A(at().Registry))},
                         {A(at().start), tup({A(at().Registry), A(at().start_link), lst({a[0]})})},
                         {A(at().type), A(at().supervisor)}});
}

NATIVE(reg_register) {
    RegistryTable& t = table_of(ctx, a[0]);
    co_return register_entry(ctx, t, a[0], a[1], ctx.self(), a[2]);
}

NATIVE(reg_unregister) {
    RegistryTable& t = table_of(ctx, a[0]);
    unregister_key(ctx, t, a[0], a[1], ctx.self());
    co_return A(atom::ok);
}

NATIVE(reg_unregister_match) {
    RegistryTable& t = table_of(ctx, a[0]);
    const Term guards = a.size() > 3 ? a[3] : Term::empty_list();
    auto spec = value_pattern(a[2], guards);
    const Pid self = ctx.self();
    size_t total = 0, deleted = 0;
    for (const RegistryEntry& e : t.entries)
        if (e.pid == self && exact_equal(e.key, a[1])) ++total;
    std::erase_if(t.entries, [&](const RegistryEntry& e) {
        if (e.pid != self || !exact_equal(e.key, a[1]) || !spec->run(e.value)) return false;
        ++deleted;
        return true;
    });
    // Only when every entry of the caller under the key went (as Elixir's select_delete check).
    if (deleted == total) {
        unlink_if_unregistered(ctx, t, self, entry_partition(t, a[1], self));
        notify_listeners(ctx, t, tup({A(I("unregister")), a[0], a[1], Term::pid(self)}));
    }
    co_return A(atom::ok);
}

NATIVE(reg_lookup) {
    RegistryTable& t = table_of(ctx, a[0]);
    co_return lst(entries_for_key(ctx, t, a[1]));
}

NATIVE(reg_match) {
    RegistryTable& t = table_of(ctx, a[0]);
    const Term guards = a.size() > 3 ? a[3] : Term::empty_list();
    auto spec = value_pattern(a[2], guards);
    std::vector<Term> out;
    for (const Term& pair : entries_for_key(ctx, t, a[1]))
        if (spec->run(pair.element(1))) out.push_back(pair);
    co_return lst(out);
}

NATIVE(reg_count_match) {
    RegistryTable& t = table_of(ctx, a[0]);
    const Term guards = a.size() > 3 ? a[3] : Term::empty_list();
    auto spec = value_pattern(a[2], guards);
    int64_t n = 0;
    for (const Term& pair : entries_for_key(ctx, t, a[1]))
        if (spec->run(pair.element(1))) ++n;
    co_return Term::integer(n);
}

NATIVE(reg_count) {
    co_return Term::integer(static_cast<int64_t>(table_of(ctx, a[0]).entries.size()));
}

/// Registry.select/count_select: the spec's patterns see {key, pid, value}.
std::vector<Term> select_results(ProcessContext& ctx, const Term& registry, const Term& spec_term,
                                 std::string_view function) {
    RegistryTable& t = table_of(ctx, registry);
    auto spec = MatchSpec::parse(spec_term);
    bool valid = spec.has_value();
    if (valid)
        for (const Term& p : spec->patterns())
            if (!p.is_tuple(3)) valid = false;
    if (!valid)
        raise_argument("invalid match specification in Registry." + std::string(function) +
                       "/2: " + inspect(spec_term));
    std::vector<Term> out;
    for (uint32_t p = 0; p < t.partitions.size(); ++p)
        for (const RegistryEntry& e : t.entries) {
            if (e.partition != p) continue;
            if (auto r = spec->run(tup({e.key, Term::pid(e.pid), e.value}))) out.push_back(*r);
        }
    return out;
}

NATIVE(reg_select) {
    co_return lst(select_results(ctx, a[0], a[1], "select"));
}

NATIVE(reg_count_select) {
    int64_t n = 0;
    for (const Term& r : select_results(ctx, a[0], a[1], "count_select"))
        if (r.is_atom(atom::true_)) ++n;
    co_return Term::integer(n);
}

NATIVE(reg_keys) {
    RegistryTable& t = table_of(ctx, a[0]);
    if (!a[1].is_pid()) throw ErlangException::error(tup({A(atom::function_clause), a[1]}));
    std::vector<Term> out;
    for (auto it = t.entries.rbegin(); it != t.entries.rend(); ++it)
        if (it->pid == a[1].as_pid()) out.push_back(it->key);
    co_return lst(out);
}

NATIVE(reg_values) {
    RegistryTable& t = table_of(ctx, a[0]);
    std::vector<Term> out;
    for (const RegistryEntry& e : t.entries)
        if (a[2].is_pid() && e.pid == a[2].as_pid() && exact_equal(e.key, a[1]))
            out.push_back(e.value);
    co_return lst(out);
}

NATIVE(reg_dispatch) {
    RegistryTable& t = table_of(ctx, a[0]);
    const Term& callback = a[2];
    // one call per partition with entries (duplicate keys), the last partition first as
    // Elixir 1.14 walks them; one call otherwise
    std::vector<std::vector<Term>> batches;
    if (t.duplicate) {
        for (uint32_t p = static_cast<uint32_t>(t.partitions.size()); p-- > 0;) {
            std::vector<Term> batch;
            for (const RegistryEntry& e : t.entries)
                if (e.partition == p && exact_equal(e.key, a[1]))
                    batch.push_back(tup({Term::pid(e.pid), e.value}));
            if (!batch.empty()) batches.push_back(std::move(batch));
        }
    } else if (auto entries = entries_for_key(ctx, t, a[1]); !entries.empty()) {
        batches.push_back(std::move(entries));
    }
    for (auto& batch : batches) {
        Term entries = lst(batch);
        if (callback.is_tuple(3) && callback.element(0).is_atom() &&
            callback.element(1).is_atom()) {
            std::vector<Term> args{entries};
            std::vector<Term> extra;
            list_to_vector(callback.element(2), extra);
            args.insert(args.end(), extra.begin(), extra.end());
            co_await ctx.runtime().code().apply(ctx, callback.element(0).as_atom(),
                                                callback.element(1).as_atom(), std::move(args));
        } else {
            std::vector<Term> args{entries};
            co_await ctx.runtime().code().call_fun(ctx, callback, std::move(args));
        }
    }
    co_return A(atom::ok);
}

NATIVE(reg_update_value) {
    RegistryTable& t = table_of(ctx, a[0]);
    if (t.duplicate)
        raise_argument("Registry.update_value/3 is not supported for duplicate registries");
    RegistryEntry* mine = nullptr;
    for (RegistryEntry& e : t.entries)
        if (exact_equal(e.key, a[1]) && e.pid == ctx.self()) mine = &e;
    if (!mine) co_return A(atom::error);
    Term old = mine->value;
    const Term key = a[1];
    std::vector<Term> args{old};
    Term updated = co_await ctx.runtime().code().call_fun(ctx, a[2], std::move(args));
    // the callback may have unregistered the key: look again
    for (RegistryEntry& e : table_of(ctx, a[0]).entries)
        if (exact_equal(e.key, key) && e.pid == ctx.self()) e.value = updated;
    co_return tup({updated, old});
}

void check_meta_key(const Term& key) {
    if (!key.is_atom() && !key.is_tuple())
        throw ErlangException::error(tup({A(atom::function_clause), key}));
}

NATIVE(reg_meta) {
    RegistryTable& t = table_of(ctx, a[0]);
    check_meta_key(a[1]);
    for (const auto& [k, v] : t.meta)
        if (exact_equal(k, a[1])) co_return ok_tuple(v);
    co_return A(atom::error);
}

NATIVE(reg_put_meta) {
    RegistryTable& t = table_of(ctx, a[0]);
    check_meta_key(a[1]);
    for (auto& [k, v] : t.meta)
        if (exact_equal(k, a[1])) {
            v = a[2];
            co_return A(atom::ok);
        }
    t.meta.emplace_back(a[1], a[2]);
    co_return A(atom::ok);
}

NATIVE(reg_delete_meta) {
    RegistryTable& t = table_of(ctx, a[0]);
    check_meta_key(a[1]);
    std::erase_if(t.meta, [&](const auto& kv) { return exact_equal(kv.first, a[1]); });
    co_return A(atom::ok);
}

/// {registry, key} or {registry, key, value} of a :via name.
bool via_parts(const Term& name, Term& registry, Term& key, Term& value) {
    if (!(name.is_tuple(2) || name.is_tuple(3))) return false;
    registry = name.element(0);
    key = name.element(1);
    value = name.is_tuple(3) ? name.element(2) : Term::nil();
    return true;
}

NATIVE(reg_whereis_name) {
    Term registry, key, value;
    if (!via_parts(a[0], registry, key, value))
        throw ErlangException::error(tup({A(atom::function_clause), a[0]}));
    auto pid = registry_whereis(ctx, registry, key);
    co_return pid ? Term::pid(*pid) : A(atom::undefined);
}

NATIVE(reg_register_name) {
    Term registry, key, value;
    if (!via_parts(a[0], registry, key, value) || !a[1].is_pid())
        throw ErlangException::error(tup({A(atom::function_clause), a[0]}));
    Term r = registry_register(ctx, registry, key, a[1].as_pid(), value);
    co_return A(I(r.element(0).is_atom(atom::ok) ? "yes" : "no"));
}

NATIVE(reg_unregister_name) {
    Term registry, key, value;
    if (!via_parts(a[0], registry, key, value))
        throw ErlangException::error(tup({A(atom::function_clause), a[0]}));
    registry_unregister(ctx, registry, key, ctx.self());
    co_return A(atom::ok);
}

NATIVE(reg_send) {
    Term registry, key, value;
    if (!via_parts(a[0], registry, key, value))
        throw ErlangException::error(tup({A(atom::function_clause), a[0]}));
    RegistryTable& t = table_of(ctx, registry);
    const RegistryEntry* e = t.duplicate ? nullptr : unique_entry(ctx, t, key);
    if (!e) {
        // :erlang.error(:badarg, [{registry, key}, msg])
        throw ErlangException::badarg();
    }
    ctx.send(e->pid, a[1]);
    co_return Term::pid(e->pid);
}

#undef NATIVE

}  // namespace

// --- the name callbacks the OTP layer uses for {:via, Registry, ...} ----------------------------

namespace detail {

std::optional<Pid> registry_whereis(ProcessContext& ctx, const Term& registry, const Term& key) {
    RegistryTable& t = table_of(ctx, registry);
    if (t.duplicate) raise_argument(":via is not supported for duplicate registries");
    if (const RegistryEntry* e = unique_entry(ctx, t, key)) return e->pid;
    return std::nullopt;
}

Term registry_register(ProcessContext& ctx, const Term& registry, const Term& key, Pid pid,
                       Term value) {
    RegistryTable& t = table_of(ctx, registry);
    if (t.duplicate) raise_argument(":via is not supported for duplicate registries");
    return register_entry(ctx, t, registry, key, pid, std::move(value));
}

void registry_unregister(ProcessContext& ctx, const Term& registry, const Term& key, Pid pid) {
    if (RegistryTable* t = find_table(ctx, registry)) unregister_key(ctx, *t, registry, key, pid);
}

}  // namespace detail

void register_registry(CodeRegistry& code) {
    const Atom R = at().Registry;
    auto reg = [&](std::string_view function, std::initializer_list<int> arities,
                   CodeRegistry::NativeFunction fn) {
        for (int arity : arities) code.register_native(R, Atom::intern(function), arity, fn);
    };
    reg("start_link", {1}, reg_start_link);
    reg("child_spec", {1}, reg_child_spec);
    reg("register", {3}, reg_register);
    reg("unregister", {2}, reg_unregister);
    reg("unregister_match", {3, 4}, reg_unregister_match);
    reg("lookup", {2}, reg_lookup);
    reg("match", {3, 4}, reg_match);
    reg("count", {1}, reg_count);
    reg("count_match", {3, 4}, reg_count_match);
    reg("select", {2}, reg_select);
    reg("count_select", {2}, reg_count_select);
    reg("keys", {2}, reg_keys);
    reg("values", {3}, reg_values);
    reg("dispatch", {3, 4}, reg_dispatch);
    reg("update_value", {3}, reg_update_value);
    reg("meta", {2}, reg_meta);
    reg("put_meta", {3}, reg_put_meta);
    reg("delete_meta", {2}, reg_delete_meta);
    reg("whereis_name", {1}, reg_whereis_name);
    reg("register_name", {2}, reg_register_name);
    reg("unregister_name", {1}, reg_unregister_name);
    reg("send", {2}, reg_send);
}

}  // namespace tasklens::otp
