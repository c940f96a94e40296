// PartitionSupervisor (Elixir 1.14's partition_supervisor.ex): a static supervisor with one child
// per partition (ids 0..partitions-1), and the routing of {:via, PartitionSupervisor, {name, key}}.
#include "engine/otp/supervisor.h"
#include "engine/otp/gen_server.h"
#include "engine/otp/task.h"
#include "engine/runtime/inspect.h"
#include "engine/runtime/integer.h"
#include "engine/runtime/phash2.h"

namespace tasklens::otp::detail {

std::optional<Pid> partition_whereis(ProcessContext& ctx, const Term& name, const Term& key) {
    std::optional<Pid> sup_pid = name.is_pid()    ? std::optional<Pid>(name.as_pid())
                                 : name.is_atom() ? ctx.whereis(name.as_atom())
                                                  : std::nullopt;
    if (!sup_pid) return std::nullopt;
    auto& sups = static_supervisors(ctx.runtime());
    auto it = sups.find(sup_pid->packed());
    if (it == sups.end()) return std::nullopt;
    auto sup = it->second.lock();
    if (!sup || sup->children.empty()) return std::nullopt;
    const int64_t partitions = static_cast<int64_t>(sup->children.size());
    // Elixir 1.14's whereis_name: rem(abs(key), partitions) for integers (of any size),
    // :erlang.phash2(key, partitions) for anything else.
    const int64_t partition =
        key.is_integral() ? integer::rem(integer::abs(key), Term::integer(partitions))->as_integer()
                          : static_cast<int64_t>(phash2(key, static_cast<uint64_t>(partitions)));
    for (auto& c : sup->children)
        if (c.id.is_integer() && c.id.as_integer() == partition) {
            if (c.pid.valid()) return c.pid;
            return std::nullopt;
        }
    return std::nullopt;
}

Co<Term> start_partition_supervisor(ProcessContext& ctx, Term options) {
    const Term* name = kw_find(options, at().name);
    if (!name) raise_argument("the :name option must be given to PartitionSupervisor");
    const Term* child = kw_find(options, at().child_spec_key);
    if (!child) raise_argument("the :child_spec option must be given to PartitionSupervisor");
    int64_t partitions = ctx.runtime().schedulers();
    if (const Term* p = kw_find(options, at().partitions)) {
        if (!p->is_integer() || p->as_integer() < 1)
            raise_argument("the :partitions option must be a positive integer, got: " +
                           inspect(*p));
        partitions = p->as_integer();
    }
    const Term with_arguments = kw_get(options, at().with_arguments);
    Term spec = co_await normalize_child_spec(ctx, *child);
    {
        ChildRecord check;
        Term error;
        if (!child_record_from_spec(spec, check, error))
            raise_argument("invalid child specification: " + inspect(spec));
        spec = full_child_spec(check);
    }
    std::vector<Term> specs;
    for (int64_t i = 0; i < partitions; ++i) {
        const Term& start = *map_find(spec, at().start);
        Term args = start.element(2);
        if (with_arguments.is_fun()) {
            std::vector<Term> fargs;
            fargs.push_back(args);
            fargs.push_back(Term::integer(i));
            args = co_await ctx.runtime().code().call_fun(ctx, with_arguments, std::move(fargs));
        }
        Term part = spec.map_put(A(at().id), Term::integer(i));
        part = part.map_put(A(at().start), tup({start.element(0), start.element(1), args}));
        specs.push_back(std::move(part));
    }
    Term flags = Term::map(
        {{A(at().strategy), kw_get(options, at().strategy, A(at().one_for_one))},
         {A(Atom::intern("intensity")), kw_get(options, at().max_restarts, Term::integer(3))},
         {A(Atom::intern("period")), kw_get(options, at().max_seconds, Term::integer(5))}});
    Term init = ok_tuple(tup({flags, lst(specs)}));
    co_return co_await spawn_static_supervisor(ctx, at().PartitionSupervisor, Term::nil(), init,
                                               *name, true);
}

}  // namespace tasklens::otp::detail
